import { describe, expect, it } from 'vitest';
import type { CidCommand } from '../types.js';
import { CidMarket, newRawSubmit } from './cid-market.js';
import {
  CidEventBuffer,
  EV_ACCEPTED,
  EV_CANCELLED,
  EV_GATE_CLOSED,
  EV_MODIFIED,
  EV_REJECTED,
  EV_TRADE,
  REASON_GATE_CLOSURE,
  REASON_USER,
  REJECT_CODES,
} from './event-buffer.js';
import { BUY, GTC, IOC, SELL } from './order-book.js';
import { applyRaw, buy, config, GATE, openMarket, P1, P2, sell, T } from './test-helpers.js';

function rawMarket() {
  const market = openMarket();
  const order = newRawSubmit();
  order.time = T;
  order.product = market.productIndex(P1);
  return { market, order, a: market.agentIndex('a'), b: market.agentIndex('b') };
}

describe('low-level entry points', () => {
  it('hands out stable product and agent indexes', () => {
    const market = new CidMarket(config());
    expect([market.productIndex(P1), market.productIndex(P2), market.productIndex('nope')]).toStrictEqual([
      0, 1, -1,
    ]);
    const a = market.agentIndex('a');
    expect(market.agentIndex('b')).toBe(a + 1);
    expect(market.agentIndex('a')).toBe(a);
    expect([market.agentIdOf(a), market.productIdOf(1)]).toStrictEqual(['a', P2]);
  });

  it('writes each event as a record that carries what the event needs', () => {
    const { market, order, a, b } = rawMarket();
    Object.assign(order, { agent: a, side: SELL, priceTicks: 5000, quantityLots: 5, tif: GTC });
    expect(market.submitRaw(order)).toBe(1);
    const ev = market.events;
    expect([ev.kind(0), ev.orderId(0), ev.agent(0), ev.product(0)]).toStrictEqual([EV_ACCEPTED, 1, a, 0]);

    Object.assign(order, { agent: b, side: BUY, priceTicks: 5010, quantityLots: 7, tif: IOC });
    expect(market.submitRaw(order)).toBe(3);
    expect([ev.kind(1), ev.orderId(1), ev.otherOrderId(1), ev.agent(1), ev.side(1)]).toStrictEqual([
      EV_TRADE,
      2,
      1,
      a,
      BUY,
    ]);
    expect([ev.priceTicks(1), ev.lots(1), ev.tradeId(1)]).toStrictEqual([5000, 5, 1]);
    expect([ev.kind(2), ev.orderId(2), ev.lots(2), ev.code(2)]).toStrictEqual([EV_CANCELLED, 2, 2, 1]);

    Object.assign(order, { agent: a, side: SELL, priceTicks: 5020, quantityLots: 4, tif: GTC });
    market.submitRaw(order);
    expect(market.modifyRaw(T, a, 3, 5020, 2)).toBe(1);
    expect([ev.kind(0), ev.orderId(0), ev.lots(0), ev.code(0)]).toStrictEqual([EV_MODIFIED, 3, 2, 1]);
    expect(market.cancelRaw(T, a, 3)).toBe(1);
    expect([ev.kind(0), ev.orderId(0), ev.lots(0), ev.code(0)]).toStrictEqual([
      EV_CANCELLED,
      3,
      2,
      REASON_USER,
    ]);
    expect(market.cancelRaw(T, a, 3)).toBe(1);
    expect([ev.kind(0), REJECT_CODES[ev.code(0)], ev.orderId(0)]).toStrictEqual([
      EV_REJECTED,
      'UNKNOWN_ORDER',
      3,
    ]);
    market.validateInternalState();
  });

  it('gives the same events as apply() for the same commands', () => {
    const commands: CidCommand[] = [
      sell('s', 5000, 5, { clientRef: 'x' }),
      sell('s', 5010, 3, { peakLots: 1 }),
      buy('b', 5010, 2, { restriction: 'AON', tif: 'IOC' }),
      buy('b', 5010, 9, { tif: 'FOK' }),
      buy('b', 5010, 1, { productId: 'nope' }),
      buy('b', 999_901, 1),
      { type: 'modify', time: T, agentId: 's', orderId: 1, priceTicks: 5005, quantityLots: 1 },
      { type: 'cancel', time: T, agentId: 'b', orderId: 1 },
      { type: 'advance', time: GATE },
    ];
    const viaApply = openMarket();
    const viaRaw = openMarket();
    for (const command of commands) {
      expect(applyRaw(viaRaw, command)).toStrictEqual(viaApply.apply(command));
    }
    expect(viaRaw.stateHash()).toBe(viaApply.stateHash());
  });

  it('rejects unknown product indexes and side or tif codes as records', () => {
    const { market, order, a } = rawMarket();
    Object.assign(order, { agent: a, side: BUY, priceTicks: 5000, quantityLots: 1, tif: GTC });
    for (const [change, code] of [
      [{ product: 7 }, 'UNKNOWN_PRODUCT'],
      [{ product: -1 }, 'UNKNOWN_PRODUCT'],
      [{ side: 2 }, 'INVALID_SIDE'],
      [{ tif: 3 }, 'INVALID_TIME_IN_FORCE'],
      [{ peakLots: 2, quantityLots: 1 }, 'PEAK_INVALID'],
    ] as const) {
      expect(market.submitRaw({ ...order, ...change })).toBe(1);
      expect(REJECT_CODES[market.events.code(0)]).toBe(code);
    }
  });

  it('treats an unknown agent index or time going backwards as a caller bug', () => {
    const { market, order, a } = rawMarket();
    expect(() => market.cancelRaw(T, 99, 1)).toThrow(/agent index 99/);
    expect(() => market.submitRaw({ ...order, agent: 0.5 })).toThrow(/agent index/);
    market.cancelRaw(T + 10, a, 1);
    expect(() => market.cancelRaw(T, a, 1)).toThrow(/before the previous command time/);
    expect(() => market.advanceRaw(Number.NaN)).toThrow(/integer ms timestamp/);
  });

  it('keeps the clientRef of orders removed at gate closure', () => {
    const { market, order, a } = rawMarket();
    Object.assign(order, {
      agent: a,
      side: BUY,
      priceTicks: 5000,
      quantityLots: 1,
      tif: GTC,
      clientRef: 'r',
    });
    market.submitRaw(order);
    market.submitRaw({ ...order, clientRef: undefined });
    expect(market.advanceRaw(GATE)).toBe(3);
    const ev = market.events;
    expect([ev.kind(0), ev.code(0), ev.clientRef(0)]).toStrictEqual([EV_CANCELLED, REASON_GATE_CLOSURE, 'r']);
    expect([ev.kind(1), ev.clientRef(1)]).toStrictEqual([EV_CANCELLED, undefined]);
    expect(ev.kind(2)).toBe(EV_GATE_CLOSED);
    // The next command starts with a clean buffer.
    market.advanceRaw(GATE + 1);
    expect(market.events.count).toBe(0);
  });

  it('grows the event buffer for a sweep with many trades', () => {
    const { market, order, a, b } = rawMarket();
    Object.assign(order, { agent: a, side: SELL, quantityLots: 1, tif: GTC });
    for (let i = 0; i < 300; i++) market.submitRaw({ ...order, priceTicks: 5000 + i });
    Object.assign(order, { agent: b, side: BUY, priceTicks: 6000, quantityLots: 300, tif: IOC });
    expect(market.submitRaw(order)).toBe(301);
    const ev = market.events;
    for (let i = 1; i <= 300; i++) {
      expect([ev.kind(i), ev.priceTicks(i), ev.otherOrderId(i), ev.tradeId(i)]).toStrictEqual([
        EV_TRADE,
        5000 + i - 1,
        i,
        i,
      ]);
    }
    market.validateInternalState();
  });

  it('never mistakes an old id for the recycled node of a newer order', () => {
    const { market, order, a, b } = rawMarket();
    Object.assign(order, { agent: a, side: SELL, priceTicks: 5000, quantityLots: 1, tif: GTC });
    market.submitRaw(order);
    market.submitRaw({ ...order, agent: b, side: BUY });
    // Order 1 is filled; order 3 reuses its node.
    market.submitRaw(order);
    expect(market.getOrder(1)).toBeUndefined();
    expect(market.cancelRaw(T, a, 1)).toBe(1);
    expect(market.events.kind(0)).toBe(EV_REJECTED);
    expect(market.getOrder(3)).toMatchObject({ orderId: 3, agentId: 'a' });
    expect(market.cancelRaw(T, a, 3)).toBe(1);
    expect(market.events.kind(0)).toBe(EV_CANCELLED);
  });

  it('indexes orders across many id chunks, including chunks whose orders are all gone', () => {
    const { market, order, a } = rawMarket();
    Object.assign(order, { agent: a, side: BUY, quantityLots: 1, tif: GTC });
    const n = 140_000;
    for (let id = 1; id <= n; id++) {
      market.submitRaw({ ...order, priceTicks: 4000 + (id % 500) });
      // Order 8 keeps resting in the first chunk; every other order is cancelled 4 orders later.
      if (id > 4 && id - 4 !== 8) market.cancelRaw(T, a, id - 4);
    }
    market.validateInternalState();
    expect(market.openOrders('a').map((o) => o.orderId)).toStrictEqual([8, n - 3, n - 2, n - 1, n]);
    expect(market.getOrder(8)).toMatchObject({ orderId: 8, priceTicks: 4008 });
    expect(market.getOrder(70_000)).toBeUndefined();
    expect(market.cancelRaw(T, a, 70_000)).toBe(1);
    expect(REJECT_CODES[market.events.code(0)]).toBe('UNKNOWN_ORDER');
    expect(market.cancelRaw(T, a, 8)).toBe(1);
    expect(market.events.kind(0)).toBe(EV_CANCELLED);
    market.validateInternalState();
  });
});

describe('CidEventBuffer', () => {
  it('starts small, grows on demand and resets per command', () => {
    const buffer = new CidEventBuffer(1);
    buffer.reset();
    for (let i = 0; i < 10; i++) buffer.trade(100 + i, 200 + i, 3, 0, SELL, 5000 + i, i + 1, i + 1);
    expect(buffer.count).toBe(10);
    expect([buffer.orderId(9), buffer.otherOrderId(9), buffer.priceTicks(9), buffer.lots(9)]).toStrictEqual([
      109, 209, 5009, 10,
    ]);
    buffer.reset();
    expect(buffer.count).toBe(0);
  });
});
