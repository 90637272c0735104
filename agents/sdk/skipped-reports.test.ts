import { describe, expect, it } from 'vitest';
import { WakeUp } from '../../gen/flexarena/v1/session.js';
import { REPORT_FIELDS, SkippedReports } from './skipped-reports.js';

const fill = (tradeId: number) => ({ tradeId, productId: 'qh-1', quantityLots: 1, priceTicks: 100 });
/** A wake-up whose every report list holds one entry tagged with `tag`, and a state of its own. */
function wake(wakeId: number, reportSeq: number, tag: number): WakeUp {
  return WakeUp.fromPartial({
    wakeId,
    reportSeq,
    cashUnits: tag * 1000,
    positions: [{ productId: 'qh-1', netLots: tag }],
    fills: [fill(tag * 10), fill(tag * 10 + 1)],
    auctionAwards: [{ auctionId: `a${tag}` }],
    auctionResults: [{ auctionId: `r${tag}` }],
    capacityAwards: [{ productId: `c${tag}` }],
    activations: [{ productId: `x${tag}` }],
    balancingResults: [{ productId: `b${tag}` }],
    settlements: [{ productId: `s${tag}` }],
    auctionBlockOutcomes: [{ auctionId: `o${tag}`, bidId: `blk${tag}` }],
  });
}

describe('SkippedReports (conflation)', () => {
  it('hands the reports of skipped wake-ups to the decided one, oldest first, each once; the state is the newest', () => {
    const skipped = new SkippedReports();
    expect(skipped.pending).toBe(false);
    skipped.add(wake(5, 9, 1));
    skipped.add(wake(6, 11, 2));
    expect(skipped.pending).toBe(true);
    const newest = wake(7, 12, 3);
    const merged = skipped.takeInto(newest);
    expect(skipped.pending).toBe(false);
    expect(merged.fills.map((f) => f.tradeId)).toEqual([10, 11, 20, 21, 30, 31]);
    expect(merged.auctionAwards.map((a) => a.auctionId)).toEqual(['a1', 'a2', 'a3']);
    expect(merged.auctionResults.map((a) => a.auctionId)).toEqual(['r1', 'r2', 'r3']);
    expect(merged.capacityAwards.map((a) => a.productId)).toEqual(['c1', 'c2', 'c3']);
    expect(merged.activations.map((a) => a.productId)).toEqual(['x1', 'x2', 'x3']);
    expect(merged.balancingResults.map((a) => a.productId)).toEqual(['b1', 'b2', 'b3']);
    expect(merged.settlements.map((a) => a.productId)).toEqual(['s1', 's2', 's3']);
    expect(merged.auctionBlockOutcomes.map((a) => a.bidId)).toEqual(['blk1', 'blk2', 'blk3']);
    // The wake-up decided is the newest: its id, its number, its state.
    expect(merged.wakeId).toBe(7);
    expect(merged.reportSeq).toBe(12);
    expect(merged.cashUnits).toBe(3000);
    expect(merged.positions).toEqual(newest.positions);
    // The decided wake-up as received is left as it was.
    expect(newest.fills.map((f) => f.tradeId)).toEqual([30, 31]);
    // Every report field of a wake-up is merged (a new one in the proto must be added here).
    for (const f of REPORT_FIELDS)
      expect((merged[f] as unknown[]).length, f).toBe(3 * (f === 'fills' ? 2 : 1));
  });

  it('leaves a wake-up alone when nothing was skipped, and after a merge nothing is handed out twice', () => {
    const skipped = new SkippedReports();
    const w = wake(1, 1, 1);
    expect(skipped.takeInto(w)).toBe(w);
    skipped.add(wake(2, 2, 2));
    expect(skipped.takeInto(wake(3, 3, 3)).fills.map((f) => f.tradeId)).toEqual([20, 21, 30, 31]);
    const next = wake(4, 4, 4);
    expect(skipped.takeInto(next)).toBe(next);
  });

  it('names every repeated report field of WakeUp that is not a state', () => {
    // The state lists and the wire's own fields; anything else repeated is a report.
    const state = new Set([
      'openOrders',
      'positions',
      'assets',
      'priceForecasts',
      'books',
      'fundamentalsForecasts',
      'closedProductIds',
      'expiredForecastProductIds',
      'closedOrderIds',
      'acks',
    ]);
    const repeated = Object.entries(WakeUp.fromPartial({}))
      .filter(([k, v]) => Array.isArray(v) && !state.has(k))
      .map(([k]) => k)
      .sort();
    expect(repeated).toEqual([...REPORT_FIELDS].sort());
  });
});
