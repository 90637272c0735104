import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CidCommand, CidEvent, RestingOrder } from '../types.js';
import { CidMarket } from './cid-market.js';
import { ReferenceBook } from './reference-book.js';
import { applyRaw, config, hourlyProduct, product } from './test-helpers.js';

// Random command streams over a few products (quarter-hourly and hourly) whose windows open and
// close while the stream runs, so every rule (matching, STP, IOC/FOK, AON, icebergs, modify, gate
// closure, validation) gets exercised together — through apply() and through the low-level API.

const BASE = Date.UTC(2026, 10, 21, 16, 0, 0);
const PRODUCTS = [
  product('a', BASE, BASE + 600),
  product('b', BASE + 20, BASE + 1000),
  product('c', BASE + 50, BASE + 300),
  product('d', BASE, BASE + 100_000),
  hourlyProduct('h', BASE + 10, BASE + 800),
];
const PRODUCT_IDS = PRODUCTS.map((p) => p.id);
const AGENTS = ['a1', 'a2', 'a3', 'a4'];
const CONFIG = config(PRODUCTS);

function mostly<T>(usual: fc.Arbitrary<T>, ...rare: T[]): fc.Arbitrary<T> {
  return fc.oneof({ weight: 40, arbitrary: usual }, { weight: 1, arbitrary: fc.constantFrom(...rare) });
}

const agentId = fc.constantFrom(...AGENTS);
// A narrow price band makes crossing, queueing at one level and self-trades frequent.
const priceTicks = mostly(fc.integer({ min: -3, max: 3 }), -999_900, 999_900, -999_901, 999_901, 0.5);
const quantityLots = mostly(fc.integer({ min: 1, max: 6 }), 0, -1, 2.5, 100_000, 100_001);
const orderId = fc.integer({ min: 1, max: 30 });
const clientRef = fc.option(fc.constantFrom('r1', 'r2'), { nil: undefined });

/** A command without its time, which the stream assigns as it advances. */
type Body = CidCommand extends infer C ? (C extends CidCommand ? Omit<C, 'time'> : never) : never;

// About one order in five is AON and one in five an iceberg, with rare invalid values and combinations.
const restriction = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant('NONE' as const) },
  { weight: 4, arbitrary: fc.constant('AON' as const) },
  { weight: 1, arbitrary: fc.constantFrom('FAK' as never, null as never) },
);
const peakLots = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 7) },
);

const submitBody: fc.Arbitrary<Body> = fc
  .record({
    type: fc.constant('submit' as const),
    agentId,
    productId: mostly(fc.constantFrom(...PRODUCT_IDS), 'nope'),
    side: mostly(fc.constantFrom('buy' as const, 'sell' as const), 'hold' as never),
    priceTicks,
    quantityLots,
    tif: mostly(
      fc.constantFrom('GTC' as const, 'GTC' as const, 'IOC' as const, 'FOK' as const),
      'DAY' as never,
    ),
    restriction,
    peakLots,
    clientRef,
  })
  // Optional fields are left out rather than set to undefined, as a client would send them.
  .map(({ restriction, peakLots, ...rest }) => ({
    ...rest,
    ...(restriction === undefined ? {} : { restriction }),
    ...(peakLots === undefined ? {} : { peakLots }),
  }));
const cancelBody: fc.Arbitrary<Body> = fc.record({
  type: fc.constant('cancel' as const),
  agentId,
  orderId,
  clientRef,
});
const modifyBody: fc.Arbitrary<Body> = fc.record({
  type: fc.constant('modify' as const),
  agentId,
  orderId,
  // Small quantities make priority-keeping reductions common.
  priceTicks: mostly(fc.integer({ min: -3, max: 3 }), 999_901),
  quantityLots: mostly(fc.integer({ min: 1, max: 4 }), 0),
  clientRef,
});
const advanceBody: fc.Arbitrary<Body> = fc.constant({ type: 'advance' as const });

/**
 * How a cancel or modify picks its order. Ids are unknown when the stream is generated, so most
 * steps are resolved against the orders resting at that moment: 'own' aims at one as its owner,
 * 'foreign' keeps the generated agent (usually someone else), 'blind' keeps the generated id.
 */
type Aim = 'own' | 'foreign' | 'blind';

interface Step {
  dt: number;
  body: Body;
  aim: Aim;
  pick: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  dt: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 5 }) },
    { weight: 1, arbitrary: fc.integer({ min: 10, max: 120 }) },
  ),
  body: fc.oneof(
    { weight: 10, arbitrary: submitBody },
    { weight: 1, arbitrary: cancelBody },
    { weight: 2, arbitrary: modifyBody },
    { weight: 1, arbitrary: advanceBody },
  ),
  aim: fc.constantFrom<Aim>('own', 'own', 'own', 'own', 'foreign', 'blind'),
  pick: fc.nat(),
});

// Starting before the first opening exercises MARKET_NOT_OPEN too.
const steps = fc.array(step, { minLength: 1, maxLength: 150, size: 'max' });

function toCommand({ body, aim, pick }: Step, time: number, resting: readonly RestingOrder[]): CidCommand {
  const target = resting[pick % Math.max(1, resting.length)];
  if (body.type === 'submit' || body.type === 'advance' || aim === 'blind' || target === undefined) {
    return { ...body, time };
  }
  const agentId = aim === 'own' ? target.agentId : body.agentId;
  return { ...body, time, orderId: target.orderId, agentId };
}

function allOpenOrders(book: { openOrders(agentId: string): RestingOrder[] }): RestingOrder[] {
  return AGENTS.flatMap((a) => book.openOrders(a)).sort((x, y) => x.orderId - y.orderId);
}

type Entry = (market: CidMarket, cmd: CidCommand) => CidEvent[];
const viaApply: Entry = (market, cmd) => market.apply(cmd);

/** Feeds the steps to the market, resolving each against the market's own open orders. */
function drive(
  market: CidMarket,
  stream: readonly Step[],
  each?: (cmd: CidCommand, events: CidEvent[]) => void,
  entry: Entry = viaApply,
) {
  let time = BASE - 3;
  const all: CidEvent[] = [];
  for (const s of stream) {
    time += s.dt;
    const cmd = toCommand(s, time, allOpenOrders(market));
    const events = entry(market, cmd);
    each?.(cmd, events);
    all.push(...events);
  }
  return all;
}

/** Everything observable through queries; compared as text because it runs after every command. */
function observable(book: CidMarket | ReferenceBook): string {
  const products = PRODUCT_IDS.map((id) => [book.depth(id, 1000), book.productStatus(id)]);
  return JSON.stringify([products, AGENTS.map((a) => book.openOrders(a))]);
}

/**
 * Replays events as a ledger of every order's live quantity. Each trade takes the same lots from a
 * buy and a sell order, each cancel must remove exactly what is left, and whatever is left at the end
 * must be what the book still shows.
 */
function checkLedger(events: readonly CidEvent[], market: CidMarket): void {
  const live = new Map<number, number>();
  const take = (id: number, lots: number) => {
    const left = (live.get(id) ?? 0) - lots;
    expect(left).toBeGreaterThanOrEqual(0);
    live.set(id, left);
  };
  for (const e of events) {
    if (e.type === 'accepted' || e.type === 'modified') live.set(e.orderId, e.quantityLots);
    if (e.type === 'trade') {
      expect(e.buyAgentId).not.toBe(e.sellAgentId);
      take(e.buyOrderId, e.quantityLots);
      take(e.sellOrderId, e.quantityLots);
    }
    if (e.type === 'cancelled') {
      expect(e.remainingLots).toBe(live.get(e.orderId));
      take(e.orderId, e.remainingLots);
    }
  }
  const resting = new Map(
    AGENTS.flatMap((a) => market.openOrders(a)).map((o) => [o.orderId, o.remainingLots]),
  );
  for (const [id, lots] of live) expect(resting.get(id) ?? 0).toBe(lots);
}

describe('CidMarket against the reference book', () => {
  it('emits identical events and keeps a consistent book after every command', () => {
    fc.assert(
      fc.property(steps, (stream) => {
        const market = new CidMarket(CONFIG);
        const reference = new ReferenceBook(CONFIG);
        drive(market, stream, (cmd, events) => {
          expect(events).toStrictEqual(reference.apply(cmd));
          market.validateInternalState();
          expect(observable(market)).toBe(observable(reference));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same events and state through the low-level entry points (submitRaw etc.)', () => {
    fc.assert(
      fc.property(steps, (stream) => {
        const market = new CidMarket(CONFIG);
        const reference = new ReferenceBook(CONFIG);
        drive(
          market,
          stream,
          (cmd, events) => {
            expect(events).toStrictEqual(reference.apply(cmd));
            market.validateInternalState();
            expect(observable(market)).toBe(observable(reference));
          },
          applyRaw,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: a replay gives the same events and state hash', () => {
    fc.assert(
      fc.property(steps, (stream) => {
        const first = new CidMarket(CONFIG);
        const second = new CidMarket(CONFIG);
        expect(JSON.stringify(drive(second, stream))).toBe(JSON.stringify(drive(first, stream)));
        expect(second.stateHash()).toBe(first.stateHash());
      }),
      { numRuns: 100 },
    );
  });

  it('numbers orders and trades densely from 1', () => {
    fc.assert(
      fc.property(steps, (stream) => {
        const events = drive(new CidMarket(CONFIG), stream);
        const orderIds = events.flatMap((e) => (e.type === 'accepted' ? [e.orderId] : []));
        const tradeIds = events.flatMap((e) => (e.type === 'trade' ? [e.tradeId] : []));
        expect(orderIds).toStrictEqual(orderIds.map((_, i) => i + 1));
        expect(tradeIds).toStrictEqual(tradeIds.map((_, i) => i + 1));
      }),
      { numRuns: 100 },
    );
  });

  it('conserves lots: bought equals sold per product and every order balances', () => {
    fc.assert(
      fc.property(steps, (stream) => {
        const market = new CidMarket(CONFIG);
        const events = drive(market, stream);
        const net = new Map<string, Map<string, number>>();
        for (const e of events) {
          if (e.type !== 'trade') continue;
          const positions = net.get(e.productId) ?? new Map<string, number>();
          positions.set(e.buyAgentId, (positions.get(e.buyAgentId) ?? 0) + e.quantityLots);
          positions.set(e.sellAgentId, (positions.get(e.sellAgentId) ?? 0) - e.quantityLots);
          net.set(e.productId, positions);
        }
        for (const positions of net.values()) {
          expect([...positions.values()].reduce((s, v) => s + v, 0)).toBe(0);
        }
        checkLedger(events, market);
      }),
      { numRuns: 200 },
    );
  });
});
