// The continuous intraday market as a venue (cid-venue.ts): the market clock, protocol actions
// to market commands, fills on both sides' ledgers with exact cash, results, tape and coalesced
// public data.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ExecutionRestriction, RejectCode, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import { type Action, type ActionResult, ActionStatus } from '../../gen/flexarena/v1/session.js';
import { NamedRng } from '../../lib/random.js';
import type { CidCommand } from '../../market/index.js';
import { depthToProto, orderToProto } from '../core/convert.js';
import { emptyResult, unitContext } from '../core/test-support.js';
import { protocolMessage } from '../door/field-path.js';
import { createWorld, type World } from '../world/world.js';
import { CidVenue } from './cid-venue.js';

const DAY = '2026-11-22';
const DAY_MS = Date.parse(`${DAY}T00:00:00Z`);
const HOUR = 3_600_000;
const MINUTE = 60_000;
const H0 = 'h-20261122-0000';
const Q0 = 'qh-20261122-0000';
/** D-1 17:00: hourly (D-1 15:00) and quarter-hour (D-1 16:00) products of D are open. */
const OPEN_TIME = DAY_MS - 7 * HOUR;

let _world: World;
beforeAll(() => {
  _world = createWorld(undefined, new NamedRng(5), [DAY]);
});

function makeVenue(more: Record<string, unknown> = {}) {
  const { ctx, tape } = unitContext({
    ...more,
    name: 'cid',
    seed: 5,
    day: DAY,
    market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
    agents: [
      { id: 'alice', strategy: 'idle' },
      { id: 'bob', strategy: 'idle' },
    ],
  });
  const publisher = {
    get trades_() {
      return tape.published
        .filter((p) => p.topic.endsWith('.trades'))
        .map((p) => p.message as { productId: string; trades: readonly object[] });
    },
    get books() {
      return tape.published
        .filter((p) => p.topic.endsWith('.book'))
        .map((p) => {
          const m = p.message as { timeMs: number; depth: { productId: string } };
          return { productId: m.depth.productId, depth: { timeMs: m.timeMs, ...m.depth } };
        });
    },
  };
  const venue = new CidVenue(ctx);
  /** Runs the market clock up to and including `time`. */
  let clock = -Infinity;
  const advanceTo = async (time: number) => {
    const due = venue
      .scheduledEvents()
      .filter((e) => e.time > clock && e.time <= time)
      .sort((a, b) => a.time - b.time);
    for (const e of due) await e.run();
    clock = time;
  };
  return { ctx, venue, tape, publisher, advanceTo };
}

interface Order {
  productId: string;
  side: 'buy' | 'sell';
  priceTicks: number;
  quantityLots: number;
  tif?: TimeInForce;
  restriction?: ExecutionRestriction;
  peakLots?: number;
  clientRef?: string;
}

function submit(o: Order): Action {
  return {
    clientRef: o.clientRef ?? '',
    kind: {
      $case: 'submit',
      value: {
        productId: o.productId,
        side: o.side === 'buy' ? Side.SIDE_BUY : Side.SIDE_SELL,
        priceTicks: o.priceTicks,
        quantityLots: o.quantityLots,
        timeInForce: o.tif ?? TimeInForce.TIME_IN_FORCE_GTC,
        restriction: o.restriction ?? ExecutionRestriction.EXECUTION_RESTRICTION_NONE,
        peakLots: o.peakLots ?? 0,
      },
    },
  };
}

function handle(venue: CidVenue, agent: string, action: Action, time = OPEN_TIME): ActionResult {
  const result = emptyResult();
  venue.handle(agent, action, time, result);
  return result;
}

describe('CidVenue', () => {
  it('opens hourly products at D-1 15:00 and quarter-hours at D-1 16:00, closes them 5 min before delivery', async () => {
    const { venue, tape, advanceTo } = makeVenue();
    const times = [...new Set(venue.scheduledEvents().map((e) => e.time))];
    expect(times).toContain(DAY_MS - 9 * HOUR);
    expect(times).toContain(DAY_MS - 8 * HOUR);
    await advanceTo(DAY_MS - 9 * HOUR);
    expect(venue.market.productStatus(H0)).toBe('open');
    expect(venue.market.productStatus(Q0)).toBe('pending');
    expect(venue.openBooks()).toHaveLength(24);
    await advanceTo(DAY_MS - 8 * HOUR);
    expect(venue.openBooks()).toHaveLength(24 + 96);
    await advanceTo(DAY_MS - 5 * MINUTE);
    expect(venue.market.productStatus(Q0)).toBe('closed');
    expect(venue.market.productStatus(H0)).toBe('closed');
    expect(venue.market.productStatus('qh-20261122-0015')).toBe('open');
    expect(tape.records.filter((r) => r.type === 'product-opened')).toHaveLength(120);
    expect(tape.records.filter((r) => r.type === 'gate-closed').map((r) => r.productId)).toEqual([H0, Q0]);
  });

  it("lists the open books in the products' order as they open and close, asked early or late", async () => {
    const { ctx, venue, advanceTo } = makeVenue();
    const late = makeVenue();
    const expected = (v: CidVenue) =>
      ctx.products.all.filter((p) => v.market.productStatus(p.id) === 'open').map((p) => p.id);
    // Asked before anything opened (the list is then kept from the events), and only at the end.
    expect(venue.openBooks()).toEqual([]);
    const times = [...new Set(venue.scheduledEvents().map((e) => e.time))].sort((a, b) => a - b);
    for (const t of times.filter((x) => x <= DAY_MS + 12 * HOUR)) {
      await advanceTo(t);
      expect(venue.openBooks().map((b) => b.productId)).toEqual(expected(venue));
    }
    await late.advanceTo(DAY_MS + 12 * HOUR);
    expect(late.venue.openBooks().map((b) => b.productId)).toEqual(expected(late.venue));
    expect(late.venue.openBooks().length).toBeGreaterThan(10);
  });

  it('books a fill on both ledgers with exact cash: hourly product, 100 units per lot·tick', async () => {
    const { ctx, venue, tape, advanceTo } = makeVenue();
    await advanceTo(OPEN_TIME);
    const resting = handle(
      venue,
      'alice',
      submit({ productId: H0, side: 'sell', priceTicks: 8_000, quantityLots: 10 }),
    );
    expect(resting.status).toBe(ActionStatus.ACTION_STATUS_ACCEPTED);
    expect(resting.fills).toEqual([]);
    const agg = handle(
      venue,
      'bob',
      submit({
        productId: H0,
        side: 'buy',
        priceTicks: 8_100,
        quantityLots: 4,
        tif: TimeInForce.TIME_IN_FORCE_IOC,
      }),
      OPEN_TIME + 1_000,
    );
    expect(agg.status).toBe(ActionStatus.ACTION_STATUS_ACCEPTED);
    // The trade executes at the resting order's price.
    const cash = 4 * 8_000 * 100;
    const bob = ctx.ledger('bob');
    const alice = ctx.ledger('alice');
    expect(bob.position(H0)).toEqual({ boughtLots: 4, soldLots: 0, cashUnits: -cash });
    expect(alice.position(H0)).toEqual({ boughtLots: 0, soldLots: 4, cashUnits: cash });
    expect([bob.cash.cid, alice.cash.cid]).toEqual([-cash, cash]);
    expect([bob.tradedLots, alice.tradedLots]).toEqual([4, 4]);
    expect([bob.orders, alice.orders]).toEqual([1, 1]);
    expect(venue.trades).toBe(1);
    const trade = tape.records.find((r) => r.type === 'trade')!;
    expect(trade).toMatchObject({
      t: OPEN_TIME + 1_000,
      productId: H0,
      priceTicks: 8_000,
      quantityLots: 4,
      buyAgentId: 'bob',
      sellAgentId: 'alice',
      aggressorSide: 'buy',
    });
    const fill = {
      tradeId: trade.tradeId,
      productId: H0,
      priceTicks: 8_000,
      quantityLots: 4,
      timeMs: OPEN_TIME + 1_000,
    };
    expect(agg.fills).toEqual([{ ...fill, orderId: agg.orderId, side: Side.SIDE_BUY, aggressor: true }]);
    expect(bob.takeReports().fills).toEqual(agg.fills);
    expect(alice.takeReports().fills).toEqual([
      { ...fill, orderId: resting.orderId, side: Side.SIDE_SELL, aggressor: false },
    ]);
  });

  it('books quarter-hour fills at 25 units per lot·tick, negative prices included', async () => {
    const { ctx, venue, advanceTo } = makeVenue();
    await advanceTo(OPEN_TIME);
    handle(venue, 'bob', submit({ productId: Q0, side: 'buy', priceTicks: -1_234, quantityLots: 7 }));
    handle(venue, 'alice', submit({ productId: Q0, side: 'sell', priceTicks: -2_000, quantityLots: 3 }));
    expect(ctx.ledger('alice').cash.cid).toBe(3 * -1_234 * 25);
    expect(ctx.ledger('bob').cash.cid).toBe(-3 * -1_234 * 25);
    expect(ctx.ledger('bob').netLots(Q0)).toBe(3);
    expect(ctx.ledger('alice').netLots(Q0)).toBe(-3);
  });

  it('passes AON and iceberg fields from the protocol to the market', async () => {
    const { ctx, venue, advanceTo } = makeVenue();
    await advanceTo(OPEN_TIME);
    const apply = vi.spyOn(venue.market, 'apply');
    handle(
      venue,
      'alice',
      submit({
        productId: Q0,
        side: 'sell',
        priceTicks: 9_000,
        quantityLots: 20,
        restriction: ExecutionRestriction.EXECUTION_RESTRICTION_AON,
        clientRef: 'aon',
      }),
    );
    handle(
      venue,
      'alice',
      submit({ productId: Q0, side: 'sell', priceTicks: 9_100, quantityLots: 10, peakLots: 3 }),
    );
    handle(venue, 'alice', submit({ productId: Q0, side: 'sell', priceTicks: 9_200, quantityLots: 5 }));
    const commands = apply.mock.calls.map(
      (c) => c[0] as CidCommand & { restriction?: string; peakLots?: number },
    );
    expect(commands[0]).toMatchObject({
      type: 'submit',
      agentId: 'alice',
      restriction: 'AON',
      clientRef: 'aon',
    });
    expect(commands[0]!.peakLots).toBeUndefined();
    expect(commands[1]).toMatchObject({ type: 'submit', peakLots: 3 });
    expect(commands[1]!.restriction).toBeUndefined();
    expect(commands[2]!.restriction).toBeUndefined();
    expect(commands[2]!.peakLots).toBeUndefined();
    apply.mockRestore();

    const { openOrders } = venue.wakeUpPart('alice', []);
    expect(
      openOrders.map((o) => [o.priceTicks, o.restriction, o.peakLots, o.hiddenLots, o.remainingLots]),
    ).toEqual([
      [9_000, ExecutionRestriction.EXECUTION_RESTRICTION_AON, 0, 0, 20],
      [9_100, ExecutionRestriction.EXECUTION_RESTRICTION_NONE, 3, 7, 10],
      [9_200, ExecutionRestriction.EXECUTION_RESTRICTION_NONE, 0, 0, 5],
    ]);
    // Depth shows the iceberg's clip only.
    const book = venue.openBooks().find((b) => b.productId === Q0)!;
    expect(book.asks.map((l) => [l.priceTicks, l.quantityLots])).toEqual([
      [9_000, 20],
      [9_100, 3],
      [9_200, 5],
    ]);
    // 15 lots cannot take the AON order whole: matching passes over it to the iceberg and beyond.
    const r = handle(
      venue,
      'bob',
      submit({
        productId: Q0,
        side: 'buy',
        priceTicks: 9_200,
        quantityLots: 15,
        tif: TimeInForce.TIME_IN_FORCE_IOC,
      }),
    );
    expect(r.fills.map((f) => [f.priceTicks, f.quantityLots])).toEqual([
      [9_100, 3],
      [9_100, 3],
      [9_100, 3],
      [9_100, 1],
      [9_200, 5],
    ]);
    expect(ctx.ledger('bob').cash.cid).toBe(-(10 * 9_100 + 5 * 9_200) * 25);
    // An IOC AON that cannot fill in full is refused like FOK.
    const aon = handle(
      venue,
      'bob',
      submit({
        productId: Q0,
        side: 'buy',
        priceTicks: 9_000,
        quantityLots: 25,
        tif: TimeInForce.TIME_IN_FORCE_IOC,
        restriction: ExecutionRestriction.EXECUTION_RESTRICTION_AON,
      }),
    );
    expect(aon.rejectCode).toBe(RejectCode.REJECT_CODE_FOK_NOT_FILLABLE);
  });

  it('returns typed rejections and counts them; cancels and modifies only own orders', async () => {
    const { ctx, venue, advanceTo } = makeVenue();
    await advanceTo(DAY_MS - 9 * HOUR + 30 * MINUTE); // hourly open, quarter-hours not yet
    const early = handle(
      venue,
      'bob',
      submit({ productId: Q0, side: 'buy', priceTicks: 5_000, quantityLots: 1 }),
      DAY_MS - 9 * HOUR + 30 * MINUTE,
    );
    expect(early.status).toBe(ActionStatus.ACTION_STATUS_REJECTED);
    expect(early.rejectCode).toBe(RejectCode.REJECT_CODE_MARKET_NOT_OPEN);
    const unknown = handle(
      venue,
      'bob',
      submit({ productId: 'qh-20261123-0000', side: 'buy', priceTicks: 1, quantityLots: 1 }),
    );
    expect(unknown).toMatchObject({
      rejectCode: RejectCode.REJECT_CODE_UNKNOWN_PRODUCT,
      field: expect.any(String),
    });
    expect(unknown.field).not.toBe('');
    const high = handle(
      venue,
      'bob',
      submit({ productId: H0, side: 'buy', priceTicks: 1_000_000, quantityLots: 1 }),
    );
    expect(high).toMatchObject({ rejectCode: RejectCode.REJECT_CODE_PRICE_OUT_OF_RANGE });
    expect(high.limit).toContain('999900');

    const mine = handle(
      venue,
      'alice',
      submit({ productId: H0, side: 'sell', priceTicks: 9_000, quantityLots: 5 }),
    );
    const cancelOther = handle(venue, 'bob', {
      clientRef: '',
      kind: { $case: 'cancel', value: { orderId: mine.orderId } },
    });
    expect(cancelOther.rejectCode).toBe(RejectCode.REJECT_CODE_UNKNOWN_ORDER);
    const modifyOther = handle(venue, 'bob', {
      clientRef: '',
      kind: { $case: 'modify', value: { orderId: mine.orderId, priceTicks: 9_000, quantityLots: 1 } },
    });
    expect(modifyOther.rejectCode).toBe(RejectCode.REJECT_CODE_UNKNOWN_ORDER);
    expect(ctx.ledger('bob').rejects).toBe(5);
    const modify = handle(venue, 'alice', {
      clientRef: '',
      kind: { $case: 'modify', value: { orderId: mine.orderId, priceTicks: 9_000, quantityLots: 2 } },
    });
    expect(modify).toMatchObject({ status: ActionStatus.ACTION_STATUS_ACCEPTED, orderId: mine.orderId });
    const cancel = handle(venue, 'alice', {
      clientRef: '',
      kind: { $case: 'cancel', value: { orderId: mine.orderId } },
    });
    expect(cancel).toMatchObject({ status: ActionStatus.ACTION_STATUS_ACCEPTED, orderId: mine.orderId });
    expect(venue.market.openOrders('alice')).toEqual([]);
    expect(ctx.ledger('alice').rejects).toBe(0);
  });

  it('never trades an agent with itself', async () => {
    const { ctx, venue, advanceTo } = makeVenue();
    await advanceTo(OPEN_TIME);
    handle(venue, 'alice', submit({ productId: Q0, side: 'sell', priceTicks: 8_000, quantityLots: 5 }));
    const r = handle(
      venue,
      'alice',
      submit({ productId: Q0, side: 'buy', priceTicks: 8_000, quantityLots: 5 }),
    );
    expect(r.fills).toEqual([]);
    expect(venue.trades).toBe(0);
    expect(ctx.ledger('alice').positions.get(Q0)).toBeUndefined();
  });

  it('rejects orders after the gate and removes resting ones at gate closure', async () => {
    const { ctx, venue, tape, advanceTo } = makeVenue();
    await advanceTo(OPEN_TIME);
    handle(venue, 'alice', submit({ productId: Q0, side: 'sell', priceTicks: 8_000, quantityLots: 5 }));
    await advanceTo(DAY_MS - 5 * MINUTE);
    expect(venue.market.openOrders('alice')).toEqual([]);
    expect(tape.records.some((r) => r.type === 'cancelled' && r.reason === 'gate-closure')).toBe(true);
    const late = handle(
      venue,
      'bob',
      submit({ productId: Q0, side: 'buy', priceTicks: 8_000, quantityLots: 5 }),
      DAY_MS - 4 * MINUTE,
    );
    expect(late.rejectCode).toBe(RejectCode.REJECT_CODE_GATE_CLOSED);
    expect(ctx.ledger('bob').positions.size).toBe(0);
  });

  it('publishes trades and depth per touched product once per decision point', async () => {
    const { venue, tape, publisher, advanceTo } = makeVenue();
    await advanceTo(OPEN_TIME);
    venue.publish(OPEN_TIME); // the openings touched every book
    tape.published.length = 0;
    handle(venue, 'alice', submit({ productId: Q0, side: 'sell', priceTicks: 8_000, quantityLots: 5 }));
    handle(venue, 'bob', submit({ productId: Q0, side: 'buy', priceTicks: 8_000, quantityLots: 2 }));
    handle(venue, 'bob', submit({ productId: Q0, side: 'buy', priceTicks: 8_000, quantityLots: 1 }));
    handle(venue, 'bob', submit({ productId: H0, side: 'buy', priceTicks: 7_000, quantityLots: 1 }));
    venue.publish(OPEN_TIME + 15 * MINUTE);
    expect(publisher.trades_.map((t) => [t.productId, t.trades.length])).toEqual([[Q0, 2]]);
    expect(publisher.books.map((b) => b.productId).sort()).toEqual([H0, Q0]);
    expect(publisher.books.find((b) => b.productId === Q0)!.depth).toMatchObject({
      timeMs: OPEN_TIME + 15 * MINUTE,
      asks: [{ priceTicks: 8_000, quantityLots: 2, orderCount: 1 }],
    });
    venue.publish(OPEN_TIME + 30 * MINUTE);
    expect(publisher.trades_).toHaveLength(1);
    expect(publisher.books).toHaveLength(2);
  });
});

describe('CidVenue wake-up parts', () => {
  // The venue keeps the messages of resting orders and depths between wake-ups and looks up only
  // what events named since; whatever the sequence, a wake-up must show exactly what the market
  // holds now, and an unchanged order or depth must be the very same (already frozen) message.
  it('equal the market at every wake-up through random submits, fills, modifies, cancels and a gate closure', async () => {
    const { ctx, venue, advanceTo } = makeVenue();
    await advanceTo(DAY_MS - 8 * HOUR);
    const rng = new NamedRng(11).stream('cid-venue-wake-parts');
    const products = [Q0, 'qh-20261122-0015', H0];
    const agents = ['alice', 'bob'];
    const fresh = (agent: string) => ({
      openOrders: venue.market.openOrders(agent).map(orderToProto),
      books: ctx.products.all
        .filter((p) => venue.market.productStatus(p.id) === 'open')
        .map((p) => depthToProto(venue.market.depth(p.id, ctx.cfg.market.cid.depthLevels))),
    });
    let time = DAY_MS - 8 * HOUR;
    const previous = new Map<string, Map<number, object>>();
    let reused = 0;
    for (let round = 0; round < 60; round++) {
      for (let i = 0; i < 8; i++) {
        const agent = agents[rng.int(0, 1)]!;
        const mine = venue.market.openOrders(agent);
        const pick = rng.int(0, 9);
        time += 1_000;
        if (pick < 2 && mine.length > 0) {
          const o = mine[rng.int(0, mine.length - 1)]!;
          handle(
            venue,
            agent,
            { clientRef: '', kind: { $case: 'cancel', value: { orderId: o.orderId } } },
            time,
          );
        } else if (pick < 4 && mine.length > 0) {
          const o = mine[rng.int(0, mine.length - 1)]!;
          handle(
            venue,
            agent,
            {
              clientRef: `m${round}`,
              kind: {
                $case: 'modify',
                value: {
                  orderId: o.orderId,
                  priceTicks: rng.int(90, 110) * 100,
                  quantityLots: rng.int(1, 12),
                },
              },
            },
            time,
          );
        } else {
          handle(
            venue,
            agent,
            submit({
              productId: products[rng.int(0, products.length - 1)]!,
              side: rng.int(0, 1) === 0 ? 'buy' : 'sell',
              priceTicks: rng.int(90, 110) * 100,
              quantityLots: rng.int(1, 12),
              ...(pick === 9 ? { tif: TimeInForce.TIME_IN_FORCE_IOC } : {}),
              ...(pick === 8 ? { peakLots: 2, quantityLots: 10 } : {}),
              clientRef: `r${round}-${i}`,
            }),
            time,
          );
        }
      }
      if (round === 40) {
        // The first quarter-hour's gate closes: its resting orders are cancelled, its book goes.
        time = DAY_MS - 5 * MINUTE;
        await advanceTo(time);
      }
      const books = venue.openBooks();
      for (const agent of agents) {
        const part = venue.wakeUpPart(agent, books);
        expect(part).toEqual(fresh(agent));
        const before = previous.get(agent);
        for (const o of part.openOrders) {
          const old = before?.get(o.orderId);
          if (old && JSON.stringify(old) === JSON.stringify(o)) {
            expect(o).toBe(old);
            reused++;
          }
        }
        previous.set(agent, new Map(part.openOrders.map((o) => [o.orderId, o])));
      }
    }
    expect(reused).toBeGreaterThan(100);
    expect(venue.market.productStatus(Q0)).toBe('closed');
  });

  it('names every rule an order breaks, each in the protocol’s names; the tape keeps the one message', async () => {
    const { venue, tape, advanceTo } = makeVenue({ limits: { maxOpenOrders: 1 } });
    await advanceTo(OPEN_TIME);
    const iceberg = {
      productId: H0,
      side: 'buy' as const,
      priceTicks: 5_000,
      quantityLots: 2,
      peakLots: 9,
      tif: TimeInForce.TIME_IN_FORCE_IOC,
      restriction: ExecutionRestriction.EXECUTION_RESTRICTION_AON,
    };
    const r = handle(venue, 'alice', submit(iceberg));
    // Code, field and limit are the first rule's, as before; the simulation words the first part.
    expect(r).toMatchObject({
      status: ActionStatus.ACTION_STATUS_REJECTED,
      rejectCode: RejectCode.REJECT_CODE_PEAK_INVALID,
      field: 'peakLots',
      limit: '>= 1 and <= 2',
    });
    expect(r.message).toBe(
      "peakLots must be an integer >= 1 and <= 2 (the order's quantityLots); got 9; also: " +
        'submit.time_in_force must be TIME_IN_FORCE_GTC for an iceberg order (submit.peak_lots is set); got TIME_IN_FORCE_IOC; ' +
        'submit.restriction must be EXECUTION_RESTRICTION_NONE for an iceberg order (submit.peak_lots is set); got EXECUTION_RESTRICTION_AON',
    );
    // What the agent reads once the simulation has put the first part in the protocol's names.
    expect(protocolMessage(submit(iceberg), r.field, r.message)).toBe(
      "submit.peak_lots must be an integer >= 1 and <= 2 (the order's submit.quantity_lots); got 9; also: " +
        'submit.time_in_force must be TIME_IN_FORCE_GTC for an iceberg order (submit.peak_lots is set); got TIME_IN_FORCE_IOC; ' +
        'submit.restriction must be EXECUTION_RESTRICTION_NONE for an iceberg order (submit.peak_lots is set); got EXECUTION_RESTRICTION_AON',
    );
    const record = tape.records.find((x) => x.type === 'rejected')!;
    expect(record).toMatchObject({ code: 'PEAK_INVALID', field: 'peakLots' });
    expect(record.message).toMatch(/got 9; also: tif must be 'GTC' .*; restriction must be 'NONE'/);
    expect(record).not.toHaveProperty('also');
    // Over the open-order limit, the order's own faults come after that one.
    handle(venue, 'bob', submit({ productId: H0, side: 'buy', priceTicks: 5_000, quantityLots: 1 }));
    const over = handle(
      venue,
      'bob',
      submit({ ...iceberg, productId: 'qh-20261122-2400', tif: TimeInForce.TIME_IN_FORCE_GTC }),
    );
    expect(over).toMatchObject({ rejectCode: RejectCode.REJECT_CODE_TOO_MANY_OPEN_ORDERS, field: 'submit' });
    expect(over.message).toMatch(
      /^submit: the agent already has 1 open orders; .*; also: submit\.product_id "qh-20261122-2400" is not a configured product id; submit\.peak_lots must be .*; submit\.restriction must be EXECUTION_RESTRICTION_NONE/,
    );
  });
});
