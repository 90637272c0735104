// The simulation core through its decision cycle, with scripted agents instead of a network:
// actions are applied in arrival order (wake-up time + the agent's latency), missed deadlines and
// absent agents are facts on the tape, every action passes the door (typed rejections, the rest of
// the batch processed), refused batches get an answer, private messages resume without loss, and
// the settlement records add up to the ledgers exactly.
import { describe, expect, it } from 'vitest';
import { CurveInterpolation } from '../../gen/flexarena/v1/auction.js';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import { RejectCode, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import {
  type Action,
  type ActionAck,
  ActionStatus,
  BatchStatus,
  type WakeUp,
} from '../../gen/flexarena/v1/session.js';
import { parseRunConfig } from '../config/run-config.js';
import { RecordTotals } from '../results/record-totals.js';
import { runResults } from '../results/results.js';
import { CASH_KINDS } from './agent-ledger.js';
import { type Answer, Simulation } from './simulation.js';
import { RecordingSink } from './test-support.js';

const DAY = '2026-11-22';
const DAY_MS = Date.parse(`${DAY}T00:00:00Z`);
const MINUTE = 60_000;
const Q0 = 'qh-20261122-0000';

/** A script answers a wake-up with actions, or misses it. */
type Script = (wake: WakeUp) => Action[] | 'missed';

async function setup(doc: Record<string, unknown>) {
  const cfg = parseRunConfig({ name: 'engine', seed: 3, day: DAY, nats: { enabled: false }, ...doc });
  const tape = new RecordingSink();
  const totals = new RecordTotals();
  const sim = await Simulation.create(cfg, { runId: 'engine-run', sinks: [tape, totals] });
  return { cfg, sim, ctx: sim.ctx, tape, totals };
}

interface Played {
  acks: Map<string, ActionAck[]>;
  wakes: Map<string, WakeUp[]>;
}

/** Runs the clock to its end, asking each script at every decision point (absent ones are not woken). */
async function play(
  sim: Simulation,
  scripts: Record<string, Script>,
  absent: ReadonlySet<string> = new Set(),
) {
  const played: Played = { acks: new Map(), wakes: new Map() };
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => m.set(k, [...(m.get(k) ?? []), v]);
  const collect = (id: string) => {
    for (const m of sim.takeMessages(id)) if (m.kind === 'actionAck') push(played.acks, id, m.value);
  };
  for (let dp = await sim.advance(); dp; dp = await sim.advance()) {
    for (const id of dp.agentIds) {
      collect(id);
      if (absent.has(id)) {
        sim.answer(id, { kind: 'absent' });
        continue;
      }
      const wake = sim.wakeUp(id);
      push(played.wakes, id, wake);
      const out = scripts[id]?.(wake) ?? [];
      const answer: Answer =
        out === 'missed'
          ? { kind: 'missed' }
          : { kind: 'batch', batch: { wakeId: wake.wakeId, actions: out } };
      const receipt = sim.answer(id, answer);
      if (!receipt.taken) push(played.acks, id, receipt.ack);
    }
  }
  const summary = await sim.finish();
  for (const id of sim.agentIds) collect(id);
  return { ...played, summary };
}

function order(
  productId: string,
  side: 'buy' | 'sell',
  priceTicks: number,
  lots: number,
  ioc = false,
): Action {
  return {
    clientRef: `${side}-${lots}`,
    kind: {
      $case: 'submit',
      value: {
        productId,
        side: side === 'buy' ? Side.SIDE_BUY : Side.SIDE_SELL,
        priceTicks,
        quantityLots: lots,
        timeInForce: ioc ? TimeInForce.TIME_IN_FORCE_IOC : TimeInForce.TIME_IN_FORCE_GTC,
        restriction: 0,
        peakLots: 0,
      },
    },
  };
}

const cidOnly = {
  simStartHoursBeforeDay: 8,
  market: {
    auctions: { dayAhead: false, intraday: false },
    balancing: { enabled: false },
    cid: { hourlyProducts: false },
  },
};

describe('Simulation: the decision cycle', () => {
  it('applies actions in arrival order, not configuration order: the faster agent gets the trade', async () => {
    const { sim, ctx, tape } = await setup({
      ...cidOnly,
      agents: [
        { id: 'slow', strategy: 'idle', latencyMs: { min: 500, max: 500 } },
        { id: 'fast', strategy: 'idle', latencyMs: { min: 10, max: 10 } },
        { id: 'maker', strategy: 'idle', latencyMs: { min: 100, max: 100 } },
      ],
    });
    const buy = (w: WakeUp) => (w.wakeId === 2 ? [order(Q0, 'buy', 8_000, 5, true)] : []);
    const played = await play(sim, {
      slow: buy,
      fast: buy,
      maker: (w) => (w.wakeId === 1 ? [order(Q0, 'sell', 8_000, 5)] : []),
    });
    const start = DAY_MS - 8 * 60 * MINUTE;
    expect(sim.simStartMs).toBe(start);
    const batches = tape.records.filter((r) => r.type === 'batch');
    expect(batches.map((b) => [b.agent, b.wakeId, b.t])).toEqual([
      ['maker', 1, start + 100],
      ['slow', 2, start + 15 * MINUTE + 500],
      ['fast', 2, start + 15 * MINUTE + 10],
    ]);
    expect(played.acks.get('fast')![0]!.results[0]!.fills).toHaveLength(1);
    const slowAck = played.acks.get('slow')![0]!.results[0]!;
    expect(slowAck.fills).toEqual([]);
    // The ack tells the whole story: nothing was left to fill, so the IOC's 5 lots were cancelled.
    expect(slowAck).toMatchObject({ status: ActionStatus.ACTION_STATUS_ACCEPTED, cancelledLots: 5 });
    expect(ctx.ledger('fast').netLots(Q0)).toBe(5);
    expect(ctx.ledger('slow').netLots(Q0)).toBe(0);
    expect(played.summary.trades).toBe(1);
    // The maker learns of its fill at its next wake-up.
    const makerFills = played.wakes.get('maker')!.flatMap((w) => w.fills);
    expect(makerFills).toMatchObject([
      { productId: Q0, side: Side.SIDE_SELL, quantityLots: 5, aggressor: false },
    ]);
    // Every quarter-hour is settled, every agent each time, and the run's cash sums to zero.
    expect(tape.records.filter((r) => r.type === 'balancing-result')).toHaveLength(96);
    expect(tape.records.filter((r) => r.type === 'settlement')).toHaveLength(96 * 3);
    expect(tape.settlements).toHaveLength(96 * 3);
    const end = tape.records.find((r) => r.type === 'run-end')!;
    const parties = end.parties as { totalCashUnits: number }[];
    expect(parties.reduce((s, p) => s + p.totalCashUnits, 0)).toBe(0);
  });

  it('records a missed deadline as a fact on the tape, counts it, and reports it as a fault', async () => {
    const { sim, ctx, tape } = await setup({
      ...cidOnly,
      agents: [{ id: 'sleepy', strategy: 'idle', latencyMs: { min: 0, max: 0 } }],
    });
    await play(sim, { sleepy: (w) => (w.wakeId === 3 ? 'missed' : []) });
    expect(ctx.ledger('sleepy').missedDeadlines).toBe(1);
    expect(tape.records.filter((r) => r.type === 'missed-deadline')).toMatchObject([
      { agent: 'sleepy', wakeId: 3, t: DAY_MS - 8 * 60 * MINUTE + 30 * MINUTE },
    ]);
    expect(tape.faults.map((f) => `${f.agentId} ${f.kind}`)).toEqual(['sleepy missed-deadline']);
  });

  it("draws every agent's latency at every decision point, so an absent agent shifts no one else", async () => {
    const agents = [
      { id: 'absent', strategy: 'idle', latencyMs: { min: 1, max: 5_000 } },
      { id: 'busy', strategy: 'idle', latencyMs: { min: 1, max: 5_000 } },
    ];
    const ping = (): Action[] => [{ clientRef: '', kind: { $case: 'cancel', value: { orderId: 999_999 } } }];
    const latencies = async (absent: Set<string>) => {
      const { sim, tape } = await setup({ ...cidOnly, agents });
      const played = await play(sim, { absent: ping, busy: ping }, absent);
      const batches = tape.records.filter((r) => r.type === 'batch' && r.agent === 'busy');
      const wakeTimes = new Map(played.wakes.get('busy')!.map((w) => [w.wakeId, w.timeMs]));
      return { lat: batches.map((b) => b.t - wakeTimes.get(b.wakeId as number)!), tape };
    };
    const both = await latencies(new Set());
    const alone = await latencies(new Set(['absent']));
    expect(both.lat.length).toBeGreaterThan(100);
    expect(new Set(both.lat).size).toBeGreaterThan(50); // really random
    expect(alone.lat).toEqual(both.lat);
    expect(alone.tape.records.filter((r) => r.type === 'agent-absent')).toMatchObject([{ agent: 'absent' }]);
  });

  it('runs a full market day with every flow balanced, and records that add up to the ledgers exactly', async () => {
    const { sim, ctx, tape, totals } = await setup({
      agents: [
        { id: 'liq', strategy: 'idle', role: 'liquidity', latencyMs: { min: 5, max: 5 } },
        {
          id: 'trader',
          strategy: 'idle',
          latencyMs: { min: 50, max: 50 },
          asset: { type: 'battery', powerMw: 5, energyMwh: 10, degradationEurPerMwh: 3 },
        },
      ],
    });
    const cap = 'afrr-20261122-2';
    const up = BalancingDirection.BALANCING_DIRECTION_UP;
    const played = await play(sim, {
      trader: (w) => {
        if (w.wakeId === 30) return [order('h-20261122-1100', 'buy', 300_000, 7, true)];
        if (w.wakeId !== 1) return [];
        const actions: Action[] = [
          {
            clientRef: 'da',
            kind: {
              $case: 'auctionBid',
              value: {
                auctionId: 'da-20261122',
                bidId: 'noon',
                bid: {
                  $case: 'curve',
                  value: {
                    period: 40,
                    interpolation: CurveInterpolation.CURVE_INTERPOLATION_STEP,
                    points: [
                      { priceTicks: -50_000, quantityLots: 20 },
                      { priceTicks: 400_000, quantityLots: 20 },
                    ],
                  },
                },
              },
            },
          },
          {
            clientRef: 'cap',
            kind: {
              $case: 'capacityBid',
              value: { productId: cap, direction: up, quantityLots: 20, priceTicks: 100, indivisible: false },
            },
          },
        ];
        for (let step = 32; step < 48; step++)
          actions.push({
            clientRef: 'energy',
            kind: {
              $case: 'energyBid',
              value: {
                productId: ctx.products.quarterHours[step]!.id,
                direction: up,
                quantityLots: 20,
                priceTicks: 0,
              },
            },
          });
        return actions;
      },
      liq: (w) => {
        const want: Action[] = [];
        if (
          w.books.some((b) => b.productId === 'qh-20261122-1000') &&
          !w.openOrders.some((o) => o.productId === 'qh-20261122-1000')
        )
          want.push(order('qh-20261122-1000', 'sell', 30_000, 10));
        if (
          w.books.some((b) => b.productId === 'h-20261122-1100') &&
          w.wakeId < 30 &&
          !w.openOrders.some((o) => o.productId === 'h-20261122-1100')
        )
          want.push(order('h-20261122-1100', 'sell', 9_001, 3));
        return want;
      },
    });
    const acks = played.acks.get('trader')![0]!.results;
    expect(acks.every((r) => r.status === ActionStatus.ACTION_STATUS_ACCEPTED)).toBe(true);
    const wakes = played.wakes.get('trader')!;
    expect(wakes.flatMap((w) => w.auctionAwards)).toMatchObject([
      { bidId: 'noon', quantityLots: 20, period: 40 },
    ]);
    expect(wakes.flatMap((w) => w.capacityAwards)).toMatchObject([{ productId: cap, quantityLots: 20 }]);
    const lastWake = wakes.at(-1)!.timeMs;
    expect(lastWake).toBe(DAY_MS + 23.5 * 60 * MINUTE);
    expect(wakes.flatMap((w) => w.settlements).map((x) => x.productId)).toEqual(
      ctx.products.quarterHours.filter((q) => q.deliveryEndMs <= lastWake).map((q) => q.id),
    );
    expect(tape.records.filter((r) => r.type === 'settlement')).toHaveLength(2 * 96);
    expect(ctx.ledger('trader').cash.capacity).toBe(20 * 100 * 400);
    expect(ctx.ledger('trader').netLots('qh-20261122-1000')).toBe(20);
    expect(ctx.ledger('trader').netLots('h-20261122-1100')).toBeGreaterThan(0);
    expect(tape.records.filter((r) => r.type === 'auction-result')).toHaveLength(4);
    expect(played.summary.ledgers.map((l) => l.agentId)).toEqual(['liq', 'trader']);
    expect(ctx.allLedgers().reduce((s, l) => s + l.totalCashUnits, 0)).toBe(0);

    // The evaluation contract: records numbered 1…n without gaps, and each agent's records add up
    // to its ledger in every cash category; costs to the twin's totals, in whole cash units.
    expect(tape.settlements.map((r) => r.seq)).toEqual(tape.settlements.map((_, i) => i + 1));
    const results = runResults(ctx, played.summary, totals, 'x');
    for (const id of ['liq', 'trader']) {
      const mine = tape.settlements.filter((r) => r.agentId === id);
      const ledger = ctx.ledger(id);
      for (const k of CASH_KINDS)
        expect(
          mine.reduce((s, r) => s + r.cash![k], 0),
          `${id} ${k}`,
        ).toBe(ledger.cash[k]);
      const r = results.agents.find((a) => a.agentId === id)!;
      expect(r.profitCashUnits).toBe(mine.reduce((s, x) => s + x.profitCashUnits, 0));
    }
    const trader = tape.settlements.filter((r) => r.agentId === 'trader');
    const degradation = trader.reduce((s, r) => s + r.costs!.degradation, 0);
    expect(degradation).toBe(Math.round(ctx.assets.get('trader')!.costs().degradationEur * 100_000));
    expect(degradation).toBeGreaterThan(0);
    // Capacity is spread over the block's sixteen quarter-hours, the hour's cash over its four.
    const capShares = trader.filter((r) => r.cash!.capacity !== 0).map((r) => r.productId);
    expect(capShares).toHaveLength(16);
    expect(trader.filter((r) => r.productId.startsWith('qh-20261122-11') && r.cash!.cid !== 0)).toHaveLength(
      4,
    );
  });
});

describe('Simulation: the clock starts before every gate', () => {
  it('at the latest start the configuration allows, the first wake-up bids into the capacity and day-ahead auctions', async () => {
    // The capacity gate is 15 h before the day: 15.25 is the latest start on the 15-minute grid.
    const { sim, ctx, tape } = await setup({
      simStartHoursBeforeDay: 15.25,
      agents: [{ id: 'early', strategy: 'idle', latencyMs: { min: 60_000, max: 60_000 } }],
    });
    const up = BalancingDirection.BALANCING_DIRECTION_UP;
    const played = await play(sim, {
      early: (w) =>
        w.wakeId !== 1
          ? []
          : [
              {
                clientRef: 'da',
                kind: {
                  $case: 'auctionBid',
                  value: {
                    auctionId: 'da-20261122',
                    bidId: 'first',
                    bid: {
                      $case: 'curve',
                      value: {
                        period: 0,
                        interpolation: CurveInterpolation.CURVE_INTERPOLATION_STEP,
                        points: [
                          { priceTicks: -50_000, quantityLots: 4 },
                          { priceTicks: 400_000, quantityLots: 4 },
                        ],
                      },
                    },
                  },
                },
              },
              {
                clientRef: 'cap',
                kind: {
                  $case: 'capacityBid',
                  value: {
                    productId: 'afrr-20261122-0',
                    direction: up,
                    quantityLots: 3,
                    priceTicks: 1,
                    indivisible: false,
                  },
                },
              },
            ],
    });
    expect(played.acks.get('early')![0]!.results.map((r) => r.status)).toEqual([
      ActionStatus.ACTION_STATUS_ACCEPTED,
      ActionStatus.ACTION_STATUS_ACCEPTED,
    ]);
    const start = tape.records[0]!;
    expect(start).toMatchObject({ type: 'run-start', t: DAY_MS - 15.25 * 60 * MINUTE });
    // Nothing is timed before the clock's start (the continuous books open later, from D-1 15:00).
    const before = tape.records.filter((r) => (r.t as number) < (start.t as number));
    expect(before.map((r) => r.type)).toEqual([]);
    const capacity = tape.records.find((r) => r.type === 'capacity-result')!;
    expect(capacity.awards).toMatchObject([{ agentId: 'early', awardedLots: 3 }]);
    expect(ctx.ledger('early').netLots(Q0)).toBe(4);
  });
});

describe('Simulation: the door', () => {
  const agents = [
    { id: 'maker', strategy: 'idle', latencyMs: { min: 5, max: 5 } },
    { id: 'taker', strategy: 'idle', latencyMs: { min: 10, max: 10 } },
  ];

  it('answers every action of a batch: typed rejections for bad ones, the valid ones processed', async () => {
    const { sim, ctx, tape } = await setup({ ...cidOnly, agents });
    const bad: unknown[] = [
      order(Q0, 'sell', 8_000, 5),
      {
        ...order(Q0, 'buy', 8_000, 1),
        kind: { $case: 'submit', value: { ...order(Q0, 'buy', 8_000, 1).kind!.value, side: 0 } },
      },
      {
        clientRef: 'nan',
        kind: { $case: 'submit', value: { productId: Q0, side: 1, priceTicks: Number.NaN, quantityLots: 1 } },
      },
      { clientRef: 'big-id', kind: { $case: 'cancel', value: { orderId: Number.NaN } } },
      {
        clientRef: 'float',
        kind: { $case: 'submit', value: { productId: Q0, side: 2, priceTicks: 80.5, quantityLots: 1 } },
      },
      { clientRef: 'nokind' },
      {
        clientRef: 'dir',
        kind: { $case: 'energyBid', value: { productId: Q0, direction: 0, quantityLots: 1, priceTicks: 1 } },
      },
      order(Q0, 'sell', 8_100, 2),
    ];
    const played = await play(sim, {
      maker: (w) => (w.wakeId === 1 ? (bad as Action[]) : []),
      taker: (w) => (w.wakeId === 2 ? [order(Q0, 'buy', 8_100, 7, true)] : []),
    });
    const results = played.acks.get('maker')![0]!.results;
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(results.map((r) => r.status)).toEqual([1, 2, 2, 2, 2, 2, 2, 1].map((s) => s as ActionStatus));
    expect(results.slice(1, 7).map((r) => [RejectCode[r.rejectCode], r.field])).toEqual([
      ['REJECT_CODE_INVALID_SIDE', 'submit.side'],
      ['REJECT_CODE_PRICE_OUT_OF_RANGE', 'submit.price_ticks'],
      ['REJECT_CODE_UNKNOWN_ORDER', 'cancel.order_id'],
      ['REJECT_CODE_PRICE_OUT_OF_RANGE', 'submit.price_ticks'],
      ['REJECT_CODE_INVALID_FIELD', 'kind'],
      // Balancing is switched off in this run: a typed rejection, not a broken stream.
      ['REJECT_CODE_MARKET_NOT_IN_RUN', 'energy_bid'],
    ]);
    expect(results[2]!.limit).toMatch(/^an integer within \[-999900, 999900\]/);
    expect(results[2]!.message).toMatch(/outside the 64-bit safe range/);
    // Both valid orders rested and were hit by the taker.
    expect(ctx.ledger('taker').netLots(Q0)).toBe(7);
    expect(tape.records.find((r) => r.type === 'batch' && r.agent === 'maker')!.rejected).toHaveLength(6);
    expect(ctx.ledger('maker').rejects).toBe(6);
  });

  it("names the batch's actions for an entry that is no Action at all", async () => {
    // Before, the field was "action", a name in neither the Action nor the ActionBatch.
    const { sim, tape } = await setup({ ...cidOnly, agents: [agents[0]!] });
    const played = await play(sim, {
      maker: (w) => (w.wakeId === 1 ? ([null, 42, order(Q0, 'buy', 8_000, 1)] as Action[]) : []),
    });
    const results = played.acks.get('maker')![0]!.results;
    expect(results.map((r) => [r.status, r.field, r.message])).toEqual([
      [
        ActionStatus.ACTION_STATUS_REJECTED,
        'actions',
        'actions: each entry must be an Action message; got null',
      ],
      [
        ActionStatus.ACTION_STATUS_REJECTED,
        'actions',
        'actions: each entry must be an Action message; got 42',
      ],
      [ActionStatus.ACTION_STATUS_ACCEPTED, '', ''],
    ]);
    expect(tape.records.find((r) => r.type === 'batch')!.rejected).toEqual([
      { index: 0, code: 'REJECT_CODE_INVALID_FIELD', field: 'actions' },
      { index: 1, code: 'REJECT_CODE_INVALID_FIELD', field: 'actions' },
    ]);
  });

  it("words a venue's rejection in the proto's names, as its field; the tape keeps the market's event", async () => {
    // Before, the messages were the market library's: "peakLots must be an integer >= 1 and <= 1
    // (the order's quantityLots); got 5", "productId \"qh-20261122-2400\" is not a configured
    // product id" — names an agent that knows only the proto cannot look up.
    const { sim, tape } = await setup({ ...cidOnly, agents: [agents[0]!] });
    const iceberg = order(Q0, 'buy', 8_000, 1);
    if (iceberg.kind?.$case !== 'submit') throw new Error('unreachable');
    iceberg.kind.value.peakLots = 5;
    const played = await play(sim, {
      maker: (w) => (w.wakeId === 1 ? [iceberg, order('qh-20261122-2400', 'buy', 8_000, 1)] : []),
    });
    const results = played.acks.get('maker')![0]!.results;
    expect(results.map((r) => [RejectCode[r.rejectCode], r.field, r.message])).toEqual([
      [
        'REJECT_CODE_PEAK_INVALID',
        'submit.peak_lots',
        "submit.peak_lots must be an integer >= 1 and <= 1 (the order's submit.quantity_lots); got 5",
      ],
      [
        'REJECT_CODE_UNKNOWN_PRODUCT',
        'submit.product_id',
        'submit.product_id "qh-20261122-2400" is not a configured product id',
      ],
    ]);
    expect(tape.records.filter((r) => r.type === 'rejected').map((r) => [r.field, r.message])).toEqual([
      ['peakLots', "peakLots must be an integer >= 1 and <= 1 (the order's quantityLots); got 5"],
      ['productId', 'productId "qh-20261122-2400" is not a configured product id'],
    ]);
  });

  it("names enum values in a venue's rejection as the proto does; the tape keeps the market's words", async () => {
    // Before: "submit.time_in_force must be 'GTC' for an iceberg order (submit.peak_lots is set);
    // got \"IOC\"", limit "'GTC' for an iceberg order": the library's names of TIME_IN_FORCE_*.
    const { sim, tape } = await setup({ ...cidOnly, agents: [agents[0]!] });
    const iceberg = order(Q0, 'buy', 8_000, 5, true);
    if (iceberg.kind?.$case !== 'submit') throw new Error('unreachable');
    iceberg.kind.value.peakLots = 1;
    const played = await play(sim, { maker: (w) => (w.wakeId === 1 ? [iceberg] : []) });
    const results = played.acks.get('maker')![0]!.results;
    expect(results.map((r) => [RejectCode[r.rejectCode], r.field, r.limit, r.message])).toEqual([
      [
        'REJECT_CODE_ICEBERG_NOT_ALLOWED',
        'submit.time_in_force',
        'TIME_IN_FORCE_GTC for an iceberg order',
        'submit.time_in_force must be TIME_IN_FORCE_GTC for an iceberg order (submit.peak_lots is set); got TIME_IN_FORCE_IOC',
      ],
    ]);
    expect(
      tape.records.filter((r) => r.type === 'rejected').map((r) => [r.code, r.field, r.limit, r.message]),
    ).toEqual([
      [
        'ICEBERG_NOT_ALLOWED',
        'tif',
        "'GTC' for an iceberg order",
        'tif must be \'GTC\' for an iceberg order (peakLots is set); got "IOC"',
      ],
    ]);
  });

  it('refuses stale, duplicate and late batches as a whole, each with an ack that says why', async () => {
    const { sim } = await setup({ ...cidOnly, agents: [{ id: 'a', strategy: 'idle' }] });
    const dp1 = (await sim.advance())!;
    const w1 = sim.wakeUp('a');
    expect(sim.answer('a', { kind: 'batch', batch: { wakeId: w1.wakeId, actions: [] } })).toEqual({
      taken: true,
    });
    const dup = sim.answer('a', {
      kind: 'batch',
      batch: { wakeId: dp1.wakeId, actions: [order(Q0, 'buy', 1, 1)] },
    });
    expect(dup).toMatchObject({ taken: false, ack: { batchStatus: BatchStatus.BATCH_STATUS_DUPLICATE } });
    const wrong = sim.answer('a', {
      kind: 'batch',
      batch: { wakeId: 77, actions: [order(Q0, 'buy', 1, 1)] },
    });
    expect(wrong).toMatchObject({ taken: false, ack: { batchStatus: BatchStatus.BATCH_STATUS_STALE_WAKE } });
    if (wrong.taken) throw new Error('unreachable');
    expect(wrong.ack.results).toMatchObject([
      { status: ActionStatus.ACTION_STATUS_REJECTED, rejectCode: RejectCode.REJECT_CODE_STALE_WAKE },
    ]);
    // A wake_id beyond ±(2^53−1) reaches the core as NaN (the gateway's reader): the ack says so,
    // where it said "wake_id NaN".
    const huge = sim.answer('a', { kind: 'batch', batch: { wakeId: Number.NaN, actions: [] } });
    if (huge.taken) throw new Error('unreachable');
    expect(huge.ack).toMatchObject({ wakeId: 0, batchStatus: BatchStatus.BATCH_STATUS_STALE_WAKE });
    expect(huge.ack.message).toMatch(/^wake_id a value beyond ±\(2\^53−1\): /);
    const dp2 = (await sim.advance())!;
    sim.wakeUp('a');
    sim.answer('a', { kind: 'missed' });
    await sim.advance();
    const late = sim.answer('a', {
      kind: 'batch',
      batch: { wakeId: dp2.wakeId, actions: [order(Q0, 'buy', 1, 1)] },
    });
    expect(late).toMatchObject({
      taken: false,
      ack: { batchStatus: BatchStatus.BATCH_STATUS_LATE, reportSeq: 0 },
    });
    if (late.taken) throw new Error('unreachable');
    expect(late.ack.results[0]!.rejectCode).toBe(RejectCode.REJECT_CODE_LATE_BATCH);
  });
});

describe('Simulation: per-agent limits', () => {
  it('rejects actions beyond limits.maxActionsPerWakeUp and GTC submits beyond limits.maxOpenOrders, typed', async () => {
    const { sim, ctx, tape } = await setup({
      ...cidOnly,
      limits: { maxActionsPerWakeUp: 5, maxOpenOrders: 3 },
      agents: [
        { id: 'a', strategy: 'idle', latencyMs: { min: 5, max: 5 } },
        { id: 'b', strategy: 'idle', latencyMs: { min: 5, max: 5 } },
      ],
    });
    // Wake 1: six passive buys (limit 5 actions): four pass the door, the fourth of them is one
    // open order too many; the sixth action is beyond the batch limit.
    // Wake 2: at the limit of open orders, an IOC sell still trades (it never rests).
    const played = await play(sim, {
      a: (w) =>
        w.wakeId === 1
          ? [1, 2, 3, 4, 5, 6].map((i) => order(Q0, 'buy', 1_000 + i, 1))
          : w.wakeId === 2
            ? [order(Q0, 'buy', 900, 1, true)]
            : [],
      b: (w) => (w.wakeId === 2 ? [order(Q0, 'sell', 1_000, 1, true)] : []),
    });
    const results = played.acks.get('a')![0]!.results;
    expect(results.map((r) => RejectCode[r.rejectCode])).toEqual([
      'REJECT_CODE_UNSPECIFIED',
      'REJECT_CODE_UNSPECIFIED',
      'REJECT_CODE_UNSPECIFIED',
      'REJECT_CODE_TOO_MANY_OPEN_ORDERS',
      'REJECT_CODE_TOO_MANY_OPEN_ORDERS',
      'REJECT_CODE_TOO_MANY_ACTIONS',
    ]);
    expect(results[3]).toMatchObject({ field: 'submit', status: ActionStatus.ACTION_STATUS_REJECTED });
    expect(results[3]!.limit).toBe('at most 3 open orders per agent (limits.maxOpenOrders)');
    expect(results[5]).toMatchObject({ field: 'actions', limit: 'at most 5 actions per wake-up' });
    // The refusal is a fact on the tape like any rejection.
    expect(
      tape.records.filter((r) => r.type === 'rejected' && r.code === 'TOO_MANY_OPEN_ORDERS'),
    ).toHaveLength(2);
    // b's IOC sell met a's best resting buy (1003): limits do not stop trading.
    expect(ctx.ledger('b').netLots(Q0)).toBe(-1);
    expect(played.acks.get('a')![1]!.results[0]!.status).toBe(ActionStatus.ACTION_STATUS_ACCEPTED);
  });
});

describe('Simulation: private messages resume', () => {
  it('sends again, in new messages, everything after the last processed report; nothing twice', async () => {
    const { sim } = await setup({
      ...cidOnly,
      agents: [
        { id: 'maker', strategy: 'idle', latencyMs: { min: 5, max: 5 } },
        { id: 'taker', strategy: 'idle', latencyMs: { min: 10, max: 10 } },
      ],
    });
    const fillsSeen: number[] = [];
    let processed = 0;
    let dropNext = false;
    for (let dp = await sim.advance(); dp; dp = await sim.advance()) {
      // The maker quotes each time; the taker lifts it, so the maker has a fill at every wake-up.
      const mw = sim.wakeUp('maker');
      if (dropNext) {
        // The maker crashed after this wake-up was sent, before handling it: it resumes with the
        // last sequence it processed and gets the same reports again, in a new wake-up.
        expect(sim.resume('maker', processed)).toBeGreaterThan(0);
        dropNext = false;
        const again = sim.wakeUp('maker');
        expect(again.reportSeq).toBeGreaterThan(mw.reportSeq);
        expect(again.fills).toEqual(mw.fills);
        for (const m of sim.takeMessages('maker')) if (m.kind === 'actionAck') processed = m.value.reportSeq;
        fillsSeen.push(...again.fills.map((f) => f.tradeId));
        processed = again.reportSeq;
      } else {
        for (const m of sim.takeMessages('maker')) if (m.kind === 'actionAck') processed = m.value.reportSeq;
        fillsSeen.push(...mw.fills.map((f) => f.tradeId));
        processed = mw.reportSeq;
        dropNext = dp.wakeId % 7 === 3;
      }
      sim.answer('maker', {
        kind: 'batch',
        batch: { wakeId: dp.wakeId, actions: dp.wakeId < 60 ? [order(Q0, 'sell', 8_000, 1)] : [] },
      });
      sim.wakeUp('taker');
      sim.takeMessages('taker');
      sim.answer('taker', {
        kind: 'batch',
        batch: {
          wakeId: dp.wakeId,
          actions: dp.wakeId > 1 && dp.wakeId < 62 ? [order(Q0, 'buy', 8_000, 1, true)] : [],
        },
      });
    }
    await sim.finish();
    expect(fillsSeen.length).toBeGreaterThan(25);
    expect(new Set(fillsSeen).size).toBe(fillsSeen.length);
    expect(fillsSeen.length).toBe(sim.ctx.ledger('maker').tradedLots);
  });
});

describe('Simulation: the end of a run', () => {
  it('hands each agent what came after its last wake-up: the acks and fills of its last batch, the last settlements', async () => {
    const { sim, ctx } = await setup({
      ...cidOnly,
      agents: [
        { id: 'maker', strategy: 'idle', latencyMs: { min: 5, max: 5 } },
        { id: 'taker', strategy: 'idle', latencyMs: { min: 10, max: 10 } },
      ],
    });
    const lastQh = 'qh-20261122-2345';
    const takerWakes: WakeUp[] = [];
    for (let dp = await sim.advance(); dp; dp = await sim.advance()) {
      // The taker lifts the maker's offer at the last decision point: the fill happens after its
      // last wake-up, when no wake-up is left to report it.
      const isLast = dp.timeMs + 15 * MINUTE >= sim.lastDecisionMs;
      sim.takeMessages('maker');
      sim.wakeUp('maker');
      sim.answer('maker', {
        kind: 'batch',
        batch: { wakeId: dp.wakeId, actions: dp.wakeId === 1 ? [order(lastQh, 'sell', 8_000, 3)] : [] },
      });
      sim.takeMessages('taker');
      takerWakes.push(sim.wakeUp('taker'));
      sim.answer('taker', {
        kind: 'batch',
        batch: { wakeId: dp.wakeId, actions: isLast ? [order(lastQh, 'buy', 8_000, 2, true)] : [] },
      });
    }
    expect(() => sim.finalMessages('taker')).toThrow(/before finish/);
    const summary = await sim.finish();
    expect(summary.trades).toBe(1);
    expect(takerWakes.flatMap((w) => w.fills)).toEqual([]);

    const taker = sim.finalMessages('taker');
    const lastSeq = takerWakes.at(-1)!.reportSeq;
    expect(taker.acks).toHaveLength(1);
    const ack = taker.acks[0]!;
    if (ack.kind !== 'actionAck') throw new Error('expected an ack');
    expect(ack.value.reportSeq).toBe(lastSeq + 1);
    expect(ack.value.results[0]!.fills).toMatchObject([{ quantityLots: 2 }]);
    const report = taker.finalReport;
    expect(report).toMatchObject({ wakeId: 0, reportSeq: lastSeq + 2 });
    expect(report.fills).toMatchObject([{ productId: lastQh, side: Side.SIDE_BUY, quantityLots: 2 }]);
    expect(report.positions).toMatchObject([{ productId: lastQh, netLots: 2 }]);
    expect(report.cashUnits).toBe(ctx.ledger('taker').totalCashUnits);
    // The last quarter-hour is settled after the last decision point: its settlement is here too.
    expect(report.settlements.map((s) => s.productId)).toContain(lastQh);
    // The maker's fill on its resting order reaches it the same way.
    expect(sim.finalMessages('maker').finalReport.fills).toMatchObject([
      { productId: lastQh, side: Side.SIDE_SELL, quantityLots: 2, aggressor: false },
    ]);
  });
});

describe('Simulation: sinks', () => {
  it('takes a sink added before the first decision point, with every record; refuses one added later', async () => {
    const { sim, tape } = await setup({ ...cidOnly, agents: [{ id: 'a', strategy: 'idle' }] });
    const late = new RecordingSink();
    sim.addSink(late);
    await play(sim, {});
    expect(late.records.length).toBeGreaterThan(0);
    expect(late.published.length).toBeGreaterThan(0);
    expect(late.settlements.length).toBeGreaterThan(0);
    expect([late.records, late.published, late.settlements]).toEqual([
      tape.records,
      tape.published,
      tape.settlements,
    ]);
    expect(() => sim.addSink(new RecordingSink())).toThrow('addSink() after the run started');
  });
});
