// The page's state from messages encoded exactly as the arena encodes them (the generated proto
// codecs' toJSON, which leaves out default values).
import { describe, expect, it } from 'vitest';
import { AuctionResult } from '../../../gen/flexarena/v1/auction.js';
import { BalancingPeriodResult } from '../../../gen/flexarena/v1/balancing.js';
import { SettlementRecord } from '../../../gen/flexarena/v1/evaluation.js';
import { Side } from '../../../gen/flexarena/v1/market.js';
import { BookUpdate, ClockTick, RunEvent, TradesUpdate } from '../../../gen/flexarena/v1/public.js';
import { DashboardStore } from './store.js';

const RUN = 'r1';
const DAY = Date.UTC(2026, 10, 22);
const QH = 15 * 60_000;
const subject = (tail: string) => `flexarena.${RUN}.${tail}`;
const wire = <T>(codec: { toJSON(m: T): unknown }, m: T) => JSON.parse(JSON.stringify(codec.toJSON(m)));

function started(store: DashboardStore): void {
  store.apply(
    subject('run'),
    wire(RunEvent, {
      runId: RUN,
      event: 'started',
      timeMs: DAY - 16 * 3_600_000,
      name: 'demo',
      seed: 0, // a default: absent on the wire
      agentIds: ['a', 'b'],
      productIds: ['h-20261122-0000', 'qh-20261122-0000', 'qh-20261122-0015'],
    }),
  );
}

function record(seq: number, agentId: string, qh: number, profit: number, socMwh = 0) {
  return wire(SettlementRecord, {
    ...SettlementRecord.fromPartial({}),
    runId: RUN,
    seq,
    agentId,
    strategy: `s-${agentId}`,
    productId: `qh-20261122-00${String(qh * 15).padStart(2, '0')}`,
    deliveryStartMs: DAY + qh * QH,
    settledAtMs: DAY + (qh + 1) * QH,
    profitCashUnits: profit,
    positionKwh: -2_500 * (qh + 1),
    socMwh,
  });
}

describe('DashboardStore', () => {
  it('takes the run, its products and agents from the run-started event', () => {
    const store = new DashboardStore(RUN);
    started(store);
    expect(store.run).toEqual({ name: 'demo', seed: 0, event: 'started' });
    expect(store.products).toEqual(['h-20261122-0000', 'qh-20261122-0000', 'qh-20261122-0015']);
    expect(store.agentOrder).toEqual(['a', 'b']);
    expect(store.joinedLateAtMs).toBeUndefined();
    expect(store.priceColumns()[0]).toEqual([DAY / 1000, (DAY + QH) / 1000]);
  });

  it('does not take the run manifest, sent before the started event, for a late join', () => {
    const store = new DashboardStore(RUN);
    store.apply(subject('settlement._manifest'), { runId: RUN, name: 'demo', day: '2026-11-22', days: 1 });
    started(store);
    store.apply(subject('settlement._end'), { runId: RUN, records: 2 });
    expect(store.joinedLateAtMs).toBeUndefined();
    expect(store.rejected).toEqual([]);
  });

  it('shows the clock, and notes a page that joined after the start', () => {
    const store = new DashboardStore(RUN);
    store.apply(subject('clock'), wire(ClockTick, { timeMs: DAY, time: '', phase: 'decision' }));
    expect(store.clock).toEqual({ timeMs: DAY, phase: 'decision' });
    expect(store.joinedLateAtMs).toBe(DAY);
  });

  // The header said 09:45 (the last decision point's tick) while the replay slider said 09:59:
  // the page is at the player's position, as the slider shows.
  it("is, in a replay, at the player's position, not at the last decision point", () => {
    const store = new DashboardStore(RUN);
    expect(store.timeMs).toBeUndefined();
    started(store);
    const t945 = DAY + 9.75 * 3_600_000;
    store.apply(subject('clock'), wire(ClockTick, { timeMs: t945, time: '', phase: 'decision' }));
    expect(store.timeMs).toBe(t945);
    store.changed.clear();
    store.onReplayPosition(t945 + 14 * 60_000);
    expect(store.timeMs).toBe(t945 + 14 * 60_000);
    expect(store.changed.has('clock')).toBe(true);
    // The tick is still the decision point's, with its phase.
    expect(store.clock).toEqual({ timeMs: t945, phase: 'decision' });
    // A live page has no player: the last tick.
    const live = new DashboardStore(RUN);
    started(live);
    live.apply(subject('clock'), wire(ClockTick, { timeMs: t945, time: '', phase: 'decision' }));
    expect(live.timeMs).toBe(t945);
  });

  it('keeps the depth of each book, with levels of zero-valued fields read as 0', () => {
    const store = new DashboardStore(RUN);
    started(store);
    store.apply(
      subject('cid.qh-20261122-0000.book'),
      wire(BookUpdate, {
        timeMs: DAY - QH,
        depth: {
          productId: 'qh-20261122-0000',
          bids: [{ priceTicks: 0, quantityLots: 10, orderCount: 1 }],
          asks: [{ priceTicks: 7_050, quantityLots: 20, orderCount: 2 }],
          hasLastTrade: false,
          lastTradePriceTicks: 0,
        },
      }),
    );
    expect(store.books.get('qh-20261122-0000')).toEqual({
      timeMs: DAY - QH,
      bids: [{ priceTicks: 0, quantityLots: 10, orderCount: 1 }],
      asks: [{ priceTicks: 7_050, quantityLots: 20, orderCount: 2 }],
    });
    expect(store.changed.has('book')).toBe(true);
  });

  it('collects trades per product, a ticker, and the VWAP of each quarter-hour product', () => {
    const store = new DashboardStore(RUN);
    started(store);
    const trade = (tradeId: number, productId: string, priceTicks: number, quantityLots: number) => ({
      tradeId,
      timeMs: DAY - QH,
      productId,
      priceTicks,
      quantityLots,
      aggressorSide: Side.SIDE_BUY,
    });
    store.apply(
      subject('cid.qh-20261122-0000.trades'),
      wire(TradesUpdate, {
        productId: 'qh-20261122-0000',
        timeMs: DAY - QH,
        trades: [trade(1, 'qh-20261122-0000', 7_000, 10), trade(2, 'qh-20261122-0000', 8_000, 30)],
      }),
    );
    // Hourly products' trades are listed but not in the quarter-hours' VWAP.
    store.apply(
      subject('cid.h-20261122-0000.trades'),
      wire(TradesUpdate, {
        productId: 'h-20261122-0000',
        timeMs: DAY - QH,
        trades: [trade(3, 'h-20261122-0000', 50_000, 10)],
      }),
    );
    expect(store.trades.get('qh-20261122-0000')!.map((t) => [t.tradeId, t.aggressor])).toEqual([
      [1, 'buy'],
      [2, 'buy'],
    ]);
    expect(store.ticker.map((t) => t.tradeId)).toEqual([1, 2, 3]);
    expect(store.newTradeIds).toEqual([1, 2, 3]);
    const [, , vwap] = store.priceColumns();
    expect(vwap).toEqual([(7_000 * 10 + 8_000 * 30) / 40 / 100, null]);
  });

  it('places day-ahead prices by period and imbalance prices by quarter-hour', () => {
    const store = new DashboardStore(RUN);
    started(store);
    store.apply(
      subject('da.results'),
      wire(AuctionResult, {
        auctionId: 'da-20261122',
        firstPeriod: 0,
        pricesTicks: [6_500, 0],
        volumesLots: [10, 0],
        provenOptimal: true,
        welfareGapBoundCashUnits: 0,
        acceptedBlockCount: 2,
        paradoxicallyRejectedBlockCount: 1,
        timeMs: Date.UTC(2026, 10, 21, 12),
      }),
    );
    store.apply(
      subject('balancing.qh-20261122-0015'),
      wire(BalancingPeriodResult, {
        productId: 'qh-20261122-0015',
        systemImbalanceKwh: 1_000,
        activatedUpKwh: 1_000,
        activatedDownKwh: 0,
        upPriceTicks: 12_000,
        downPriceTicks: 0,
        imbalanceLongPriceTicks: 12_000,
        imbalanceShortPriceTicks: 12_000,
        timeMs: Date.UTC(2026, 10, 22, 0, 30),
      }),
    );
    const [, da, , imbalance] = store.priceColumns();
    expect(da).toEqual([65, 0]);
    expect(imbalance).toEqual([null, 120]);
    // 1 MW in one quarter-hour: 0.25 MWh, the figure the table shows (the lots summed are no MW).
    expect(store.auctions[0]).toMatchObject({
      auctionId: 'da-20261122',
      periods: 2,
      volumeLots: 10,
      energyKwh: 250,
      acceptedBlocks: 2,
    });
    expect(store.balancing[0]).toMatchObject({ productId: 'qh-20261122-0015', activatedDownKwh: 0 });
  });

  it('counts each settlement record once, whichever way it came, and sums profits exactly', () => {
    const store = new DashboardStore(RUN);
    started(store);
    store.apply(subject('settlement.a'), record(1, 'a', 0, 123_456_789, 7.5));
    store.onSettlement(record(1, 'a', 0, 123_456_789, 7.5)); // the same record read back from JetStream
    store.onSettlement(record(3, 'a', 1, -23_456_780, 5.25)); // out of order: seq 3 before seq 2
    store.apply(subject('settlement.b'), record(2, 'b', 0, 0));
    const a = store.agents.get('a')!;
    expect(a).toMatchObject({
      strategy: 's-a',
      profitCashUnits: 100_000_009,
      records: 2,
      positionKwh: -5_000,
      socMwh: 5.25,
      lastProductId: 'qh-20261122-0015',
    });
    expect(store.agents.get('b')).toMatchObject({ profitCashUnits: 0, records: 1, positionKwh: -2_500 });
    expect(store.profitColumns()).toEqual([
      [(DAY + QH) / 1000, (DAY + 2 * QH) / 1000],
      [1_234.56789, 1_000.00009],
      [0, 0],
    ]);
  });

  it('sets aside what it cannot read instead of guessing', () => {
    const store = new DashboardStore(RUN);
    store.apply('flexarena.other-run.clock', {});
    store.apply(subject('cid.x'), {});
    store.onSettlement({ agentId: 'a' });
    expect(store.rejected.map((r) => r.reason)).toEqual([
      'not a subject of this run',
      'unknown subject',
      'no seq or agentId',
    ]);
    expect(store.agents.size).toBe(0);
  });
});
