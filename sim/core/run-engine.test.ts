// The sequencer (run-engine.ts) in process, with a scripted AgentChannel instead of gRPC: actions
// are applied in arrival order (wake-up time + the agent's latency), missed deadlines and absent
// agents are recorded as facts, latency streams are per agent, and a full market day settles
// every quarter-hour with cash summing to zero over all parties.
import { describe, expect, it } from 'vitest';
import { NullPublisher } from '../../arena/nats/market-data-publisher.js';
import { type TapeRecord, TapeWriter } from '../../arena/tape/tape-writer.js';
import { CurveInterpolation } from '../../gen/flexarena/v1/auction.js';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import { Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import { type Action, type ActionAck, ActionStatus, type WakeUp } from '../../gen/flexarena/v1/session.js';
import { NamedRng } from '../../lib/random.js';
import { parseRunConfig } from '../config/run-config.js';
import { consecutiveDays, ProductCatalog } from '../world/products.js';
import { createWorld, type World } from '../world/world.js';
import type { AgentChannel, WakeOutcome } from './agent-channel.js';
import { RunContext } from './run-context.js';
import { RunEngine } from './run-engine.js';

const DAY = '2026-11-22';
const DAY_MS = Date.parse(`${DAY}T00:00:00Z`);
const MINUTE = 60_000;
const Q0 = 'qh-20261122-0000';

class RecordingTape extends TapeWriter {
  readonly records: TapeRecord[] = [];
  override write(record: TapeRecord): void {
    this.records.push(record);
    super.write(record);
  }
}

type Script = (wake: WakeUp) => Action[] | 'missed';

class ScriptedChannel implements AgentChannel {
  readonly acks = new Map<string, ActionAck[]>();
  readonly wakes = new Map<string, WakeUp[]>();

  constructor(
    private readonly scripts: Record<string, Script>,
    private readonly disconnected: ReadonlySet<string> = new Set(),
  ) {}

  async waitForAgents(): Promise<string[]> {
    return [];
  }

  isConnected(agentId: string): boolean {
    return !this.disconnected.has(agentId);
  }

  async wake(agentId: string, wake: WakeUp): Promise<WakeOutcome> {
    const list = this.wakes.get(agentId) ?? [];
    list.push(wake);
    this.wakes.set(agentId, list);
    const out = this.scripts[agentId]?.(wake) ?? [];
    return out === 'missed' ? { kind: 'missed' } : { kind: 'batch', actions: out };
  }

  ack(agentId: string, ack: ActionAck): void {
    const list = this.acks.get(agentId) ?? [];
    list.push(ack);
    this.acks.set(agentId, list);
  }

  end(): void {}
}

const worlds = new Map<number, World>();

function setup(doc: Record<string, unknown>) {
  const cfg = parseRunConfig({ name: 'engine', seed: 3, day: DAY, nats: { enabled: false }, ...doc });
  const cid = cfg.market.cid;
  const products = new ProductCatalog(consecutiveDays(cfg.day, cfg.days), {
    openHoursBeforeDay: cid.openHoursBeforeDay,
    hourlyOpenHoursBeforeDay: cid.hourlyOpenHoursBeforeDay,
    hourlyProducts: cid.hourlyProducts,
    gateClosureMinutes: cid.localGateMinutes,
  });
  let world = worlds.get(cfg.seed);
  if (!world) {
    world = createWorld(cfg.world, new NamedRng(cfg.seed), products.days);
    worlds.set(cfg.seed, world);
  }
  const tape = new RecordingTape();
  const faults: string[] = [];
  const ctx = new RunContext(
    cfg,
    'engine-run',
    products,
    world,
    new NamedRng(cfg.seed),
    tape,
    new NullPublisher(),
    {
      fault: (agent, kind) => faults.push(`${agent} ${kind}`),
    },
  );
  return { cfg, ctx, tape, faults };
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

describe('RunEngine', () => {
  it('applies actions in arrival order, not configuration order: the faster agent gets the trade', async () => {
    const { ctx, tape } = setup({
      ...cidOnly,
      agents: [
        { id: 'slow', strategy: 'idle', latencyMs: { min: 500, max: 500 } },
        { id: 'fast', strategy: 'idle', latencyMs: { min: 10, max: 10 } },
        { id: 'maker', strategy: 'idle', latencyMs: { min: 100, max: 100 } },
      ],
    });
    const buy = (w: WakeUp) => (w.wakeId === 2 ? [order(Q0, 'buy', 8_000, 5, true)] : []);
    const channel = new ScriptedChannel({
      slow: buy,
      fast: buy,
      maker: (w) => (w.wakeId === 1 ? [order(Q0, 'sell', 8_000, 5)] : []),
    });
    const engine = new RunEngine(ctx, channel);
    const summary = await engine.run();
    const start = DAY_MS - 8 * 60 * MINUTE;
    expect(engine.simStartMs).toBe(start);
    const batches = tape.records.filter((r) => r.type === 'batch');
    expect(batches.map((b) => [b.agent, b.wakeId, b.t])).toEqual([
      ['maker', 1, start + 100],
      ['slow', 2, start + 15 * MINUTE + 500],
      ['fast', 2, start + 15 * MINUTE + 10],
    ]);
    expect(channel.acks.get('fast')![0]!.results[0]!.fills).toHaveLength(1);
    expect(channel.acks.get('slow')![0]!.results[0]!.fills).toEqual([]);
    expect(ctx.ledger('fast').netLots(Q0)).toBe(5);
    expect(ctx.ledger('slow').netLots(Q0)).toBe(0);
    expect(summary.trades).toBe(1);
    // The maker learns of its fill at its next wake-up.
    const makerFills = channel.wakes.get('maker')!.flatMap((w) => w.fills);
    expect(makerFills).toMatchObject([
      { productId: Q0, side: Side.SIDE_SELL, quantityLots: 5, aggressor: false },
    ]);
    // Every quarter-hour is settled, every agent each time, and the run's cash sums to zero.
    expect(tape.records.filter((r) => r.type === 'balancing-result')).toHaveLength(96);
    expect(tape.records.filter((r) => r.type === 'settlement')).toHaveLength(96 * 3);
    const end = tape.records.find((r) => r.type === 'run-end')!;
    const parties = end.parties as { totalCashUnits: number }[];
    expect(parties.reduce((s, p) => s + p.totalCashUnits, 0)).toBe(0);
  });

  it('records a missed deadline as a fact on the tape, counts it, and reports it as a fault', async () => {
    const { ctx, tape, faults } = setup({
      ...cidOnly,
      agents: [{ id: 'sleepy', strategy: 'idle', latencyMs: { min: 0, max: 0 } }],
    });
    const channel = new ScriptedChannel({ sleepy: (w) => (w.wakeId === 3 ? 'missed' : []) });
    await new RunEngine(ctx, channel).run();
    expect(ctx.ledger('sleepy').missedDeadlines).toBe(1);
    expect(tape.records.filter((r) => r.type === 'missed-deadline')).toMatchObject([
      { agent: 'sleepy', wakeId: 3, t: DAY_MS - 8 * 60 * MINUTE + 30 * MINUTE },
    ]);
    expect(faults).toEqual(['sleepy missed-deadline']);
  });

  it("draws every agent's latency at every decision point, so an absent agent shifts no one else", async () => {
    const agents = [
      { id: 'absent', strategy: 'idle', latencyMs: { min: 1, max: 5_000 } },
      { id: 'busy', strategy: 'idle', latencyMs: { min: 1, max: 5_000 } },
    ];
    const ping = (): Action[] => [{ clientRef: '', kind: { $case: 'cancel', value: { orderId: 999_999 } } }];
    const latencies = async (disconnected: Set<string>) => {
      const { ctx, tape } = setup({ ...cidOnly, agents });
      const channel = new ScriptedChannel({ absent: ping, busy: ping }, disconnected);
      await new RunEngine(ctx, channel).run();
      const batches = tape.records.filter((r) => r.type === 'batch' && r.agent === 'busy');
      const wakeTimes = new Map(channel.wakes.get('busy')!.map((w) => [w.wakeId, w.timeMs]));
      return { lat: batches.map((b) => b.t - wakeTimes.get(b.wakeId as number)!), tape };
    };
    const both = await latencies(new Set());
    const alone = await latencies(new Set(['absent']));
    expect(both.lat.length).toBeGreaterThan(100);
    expect(new Set(both.lat).size).toBeGreaterThan(50); // really random
    expect(alone.lat).toEqual(both.lat);
    expect(alone.tape.records.filter((r) => r.type === 'agent-absent')).toMatchObject([{ agent: 'absent' }]);
  });

  it('runs a full market day (CID, auctions, balancing) with every flow balanced at every settlement', async () => {
    const { ctx, tape } = setup({
      agents: [
        { id: 'liq', strategy: 'idle', role: 'liquidity', latencyMs: { min: 5, max: 5 } },
        {
          id: 'trader',
          strategy: 'idle',
          latencyMs: { min: 50, max: 50 },
          asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
        },
      ],
    });
    const cap = 'afrr-20261122-2';
    const up = BalancingDirection.BALANCING_DIRECTION_UP;
    const channel = new ScriptedChannel({
      trader: (w) => {
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
        // The liquidity role quotes the noon quarter-hour once it opens; the trader never hits it.
        const open = w.books.some((b) => b.productId === 'qh-20261122-1000');
        return open && w.openOrders.length === 0 ? [order('qh-20261122-1000', 'sell', 30_000, 10)] : [];
      },
    });
    const summary = await new RunEngine(ctx, channel).run();
    const acks = channel.acks.get('trader')![0]!.results;
    expect(acks.every((r) => r.status === ActionStatus.ACTION_STATUS_ACCEPTED)).toBe(true);
    const wakes = channel.wakes.get('trader')!;
    expect(wakes.flatMap((w) => w.auctionAwards)).toMatchObject([
      { bidId: 'noon', quantityLots: 20, period: 40 },
    ]);
    expect(wakes.flatMap((w) => w.capacityAwards)).toMatchObject([{ productId: cap, quantityLots: 20 }]);
    // Wake-ups carry the settlement of every quarter-hour delivered by the last decision point
    // (23:30, before the last gate at 23:40); the tape has all of them, for every agent.
    const lastWake = wakes.at(-1)!.timeMs;
    expect(lastWake).toBe(DAY_MS + 23.5 * 60 * MINUTE);
    expect(wakes.flatMap((w) => w.settlements).map((x) => x.productId)).toEqual(
      ctx.products.quarterHours.filter((q) => q.deliveryEndMs <= lastWake).map((q) => q.id),
    );
    expect(tape.records.filter((r) => r.type === 'settlement')).toHaveLength(2 * 96);
    expect(ctx.ledger('trader').cash.capacity).toBe(20 * 100 * 400);
    expect(ctx.ledger('trader').netLots('qh-20261122-1000')).toBe(20);
    expect(tape.records.filter((r) => r.type === 'obligation-shortfall')).toEqual([]);
    expect(tape.records.filter((r) => r.type === 'auction-result')).toHaveLength(4);
    expect(summary.ledgers.map((l) => l.agentId)).toEqual(['liq', 'trader']);
    const total = ctx.allLedgers().reduce((s, l) => s + l.totalCashUnits, 0);
    expect(total).toBe(0);
    for (const qh of ctx.products.quarterHours)
      expect(
        ctx.allLedgers().reduce((s, l) => s + l.netLots(qh.id), 0),
        qh.id,
      ).toBe(0);
  });
});
