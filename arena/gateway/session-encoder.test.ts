// A wake-up encoded as own fields + shared bytes decodes to exactly the message the generated
// encoder gives, for every agent of a decision point; the shared part is encoded once per point.
import { describe, expect, it } from 'vitest';
import { SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import { Order, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import { PrivateView, WakeUp } from '../../gen/flexarena/v1/session.js';
import { SessionEncoder } from './session-encoder.js';

function shared(k: number): Pick<WakeUp, 'books' | 'priceForecasts' | 'fundamentalsForecasts'> {
  return {
    books: Array.from({ length: 30 }, (_, i) => ({
      productId: `qh-20261122-${String(i).padStart(4, '0')}`,
      bids: Array.from({ length: 20 }, (_, j) => ({
        priceTicks: 8000 - j * 100 - k,
        quantityLots: j + 1,
        orderCount: 1,
      })),
      asks: Array.from({ length: 20 }, (_, j) => ({
        priceTicks: -8000 + j * 100,
        quantityLots: 2 ** 33 + j,
        orderCount: 2,
      })),
      hasLastTrade: i % 2 === 0,
      lastTradePriceTicks: i % 2 === 0 ? -12_345 : 0,
    })),
    priceForecasts: [{ productId: 'qh-20261122-0000', priceTicks: 9_999 + k }],
    fundamentalsForecasts: [
      { productId: 'qh-20261122-0000', demandMw: 1.5, windMw: 2.25, solarMw: 0, residualMw: -0.75 },
    ],
  };
}

function wake(agent: number, s: ReturnType<typeof shared>): SessionResponse {
  return {
    kind: {
      $case: 'wakeUp',
      // Shared arrays by reference, as the core hands them out for one decision point.
      value: {
        ...WakeUp.fromPartial({
          wakeId: 7,
          timeMs: 1_795_000_000_000,
          reportSeq: 40 + agent,
          cashUnits: -(2 ** 40) + agent,
          fills: [
            {
              tradeId: 2 ** 50,
              orderId: agent,
              productId: 'h-20261122-01',
              priceTicks: -5,
              quantityLots: 3,
              timeMs: 1,
            },
          ],
          positions: [
            {
              productId: 'qh-20261122-0003',
              netLots: -agent - 1,
              boughtLots: 1,
              soldLots: agent + 2,
              cashUnits: 77,
            },
          ],
        }),
        ...s,
      },
    },
  };
}

describe('SessionEncoder', () => {
  it('gives every agent a wake-up that decodes exactly as the plain encoding, encoding the shared part once', () => {
    const enc = new SessionEncoder();
    const s = shared(0);
    for (let agent = 0; agent < 5; agent++) {
      const msg = wake(agent, s);
      const bytes = enc.encode(msg);
      expect(SessionResponse.decode(bytes)).toEqual(
        SessionResponse.decode(SessionResponse.encode(msg).finish()),
      );
      expect(SessionResponse.decode(bytes)).toEqual(msg);
    }
    expect(enc.reused).toBe(4);
  });

  it('encodes the shared part again for the next decision point', () => {
    const enc = new SessionEncoder();
    enc.encode(wake(1, shared(0)));
    const next = wake(1, shared(1));
    expect(SessionResponse.decode(enc.encode(next))).toEqual(next);
    expect(enc.reused).toBe(0);
  });

  it('encodes other messages exactly as the generated encoder', () => {
    const enc = new SessionEncoder();
    const ack: SessionResponse = {
      kind: {
        $case: 'actionAck',
        value: { wakeId: 3, reportSeq: 9, batchStatus: 1, message: 'x', results: [] },
      },
    };
    expect([...enc.encode(ack)]).toEqual([...SessionResponse.encode(ack).finish()]);
  });

  it('leaves nothing behind in its writer when a message cannot be encoded', () => {
    const enc = new SessionEncoder();
    const bad = wake(1, shared(0));
    if (bad.kind?.$case !== 'wakeUp') throw new Error('a wake-up');
    // An int64 the wire cannot hold: the generated encoder throws half-way through the message.
    const broken: SessionResponse = {
      kind: { $case: 'wakeUp', value: { ...bad.kind.value, cashUnits: 1.5 } },
    };
    expect(() => enc.encode(broken)).toThrow();
    for (const next of [wake(2, shared(1)), wake(3, shared(1))])
      expect(SessionResponse.decode(enc.encode(next))).toEqual(next);
  });

  it('writes resting orders kept from an earlier wake-up as before, and a replaced order as it is now', () => {
    const order = (id: number, priceTicks: number): Order =>
      Order.fromPartial({
        orderId: 2 ** 50 + id,
        clientRef: `q-${id}`,
        productId: `qh-20261122-${String(id % 96).padStart(4, '0')}`,
        side: id % 2 === 0 ? Side.SIDE_BUY : Side.SIDE_SELL,
        priceTicks,
        remainingLots: 1 + (id % 10),
        originalLots: 10 + id,
        timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
        entryTimeMs: 1_795_000_000_000 + id,
        peakLots: id % 3,
        hiddenLots: id % 5,
      });
    const withOrders = (agent: number, orders: Order[]): SessionResponse => {
      const msg = wake(agent, shared(0));
      if (msg.kind?.$case !== 'wakeUp') throw new Error('a wake-up');
      return { kind: { $case: 'wakeUp', value: { ...msg.kind.value, openOrders: orders } } };
    };
    const enc = new SessionEncoder();
    const first = Array.from({ length: 40 }, (_, i) => order(i, -20_000 + 1_000 * i));
    // The venue's next list: the same message objects, one order replaced (a modify), one gone, one new.
    const second = [...first.slice(0, 5), order(5, 77_777), ...first.slice(7), order(40, 123)];
    // Each message encoded twice: the second time every order is kept. Cumulative counts: 0 + 40;
    // then 38 of 40 kept (5 + 33), + 40; then none.
    for (const [msg, reused] of [
      [withOrders(1, first), 40],
      [withOrders(1, second), 118],
      [withOrders(2, []), 118],
    ] as const) {
      const plain = SessionResponse.decode(SessionResponse.encode(msg).finish());
      expect(SessionResponse.decode(enc.encode(msg))).toEqual(msg);
      expect(SessionResponse.decode(enc.encode(msg))).toEqual(plain);
      expect(enc.ordersReused).toBe(reused);
    }
    // A DELTA_PRIVATE wake-up (its orders a delta): written as they are, nothing kept, the same bytes.
    const delta = withOrders(3, second);
    if (delta.kind?.$case !== 'wakeUp') throw new Error('a wake-up');
    const deltaMsg: SessionResponse = {
      kind: { $case: 'wakeUp', value: { ...delta.kind.value, privateView: PrivateView.PRIVATE_VIEW_DELTA } },
    };
    const kept = enc.ordersReused;
    const bytes = enc.encode(deltaMsg);
    expect(enc.ordersReused).toBe(kept);
    expect(SessionResponse.decode(bytes)).toEqual(deltaMsg);
    expect(SessionResponse.decode(bytes)).toEqual(
      SessionResponse.decode(SessionResponse.encode(deltaMsg).finish()),
    );
  });
});
