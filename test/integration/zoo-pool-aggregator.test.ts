// The battery-pool aggregator (zoo 7, seed 001) on a real day, in-process: a pool of 1 000
// households (participation costs β in 2–30 EUR/MWh, so that flexibility pays on an ordinary
// day's spread) with a day-ahead auction and background liquidity. Day-ahead phase: before the
// gate it bids every period as a curve — the baseline at any price plus the planned flexibility on
// the good side of the forecast — and is awarded flexibility, bought in cheaper periods than it is
// sold. Activation: the twin activates the committed deviations in merit order (Alg. 4), so the
// participation costs per MWh of delivered flexibility stay below the pool's mean β (the dearest
// households are activated last).
import { describe, expect, it } from 'vitest';
import { PoolAggregator } from '../../agents/strategies/pool-aggregator.js';
import type { RunEnded } from '../../gen/flexarena/v1/session.js';
import { resultOf, zooRun } from '../helpers/zoo-run.js';

class RecordingPool extends PoolAggregator {
  deliveredFlexMwh?: number;
  onEnd(ended: RunEnded): void {
    this.deliveredFlexMwh = ended.finalReport?.assets[0]?.deliveredFlexibilityMwh;
  }
}

describe('pool-aggregator (zoo 7)', () => {
  it('bids day-ahead flexibility from the pool and has it activated in merit order', async () => {
    const pool = new RecordingPool();
    const run = await zooRun(
      {
        name: 'zoo-pool',
        seed: 505,
        day: '2026-05-20',
        market: { auctions: { dayAhead: true, intraday: false } },
        agents: [
          {
            id: 'liquidity',
            strategy: 'liquidity',
            role: 'liquidity',
            params: { depthMwPerEur: 1, halfSpreadEur: 0.5, levelStepEur: 1, levels: 10, horizonHours: 8 },
          },
          {
            id: 'pool',
            strategy: 'pool-aggregator',
            asset: { type: 'residential-pool', households: 1000, betaEurPerMwh: { min: 2, max: 30 } },
          },
        ],
      },
      { local: { pool }, keepTape: true },
    );
    const result = run.tape.find((r) => r.type === 'auction-result')!;
    type Curve = { bidId: string; agentId: string; period: number; points: { quantityLots: number }[] };
    const bids = run.tape
      .filter((r) => r.type === 'auction-bid' && (r.bid as Curve).agentId === 'pool')
      .map((r) => ({ t: r.t as number, bid: r.bid as Curve }));
    expect(bids.length).toBeGreaterThan(80);
    for (const b of bids) expect(b.t).toBeLessThan(result.t as number);
    expect(bids.filter((b) => b.bid.points.length === 2).length).toBeGreaterThan(5);

    // Awarded flexibility: bought where the day-ahead price was lower than where it was sold.
    const prices = result.pricesTicks as number[];
    const flex = [...pool.dayAheadFlexLots].filter(([, lots]) => lots !== 0);
    const periodOf = (id: string) => Number(id.slice(12, 14)) * 4 + Number(id.slice(14, 16)) / 15;
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    const bought = flex.filter(([, l]) => l > 0).map(([id]) => prices[periodOf(id)]!);
    const sold = flex.filter(([, l]) => l < 0).map(([id]) => prices[periodOf(id)]!);
    expect(bought.length).toBeGreaterThan(0);
    expect(sold.length).toBeGreaterThan(0);
    expect(mean(bought)).toBeLessThan(mean(sold));

    // Merit order: the participation costs per MWh delivered are below the mean β (16 EUR/MWh).
    const r = resultOf(run, 'pool');
    expect(pool.deliveredFlexMwh).toBeGreaterThan(0.5);
    const perMwh = r.assetCostEur / pool.deliveredFlexMwh!;
    expect(perMwh).toBeGreaterThanOrEqual(2);
    expect(perMwh).toBeLessThan(16);
    expect(r.missedDeadlines).toBe(0);
    expect(run.faults).toBe('');
  }, 300_000);
});
