import { describe, expect, it } from 'vitest';
import type { CidCommand, RejectedEvent } from '../types.js';
import { productTradeCashUnits } from '../units.js';
import { CidMarket } from './cid-market.js';
import {
  buy,
  cancel,
  config,
  GATE,
  hourlyProduct,
  modify,
  OPEN,
  openMarket,
  P1,
  P2,
  product,
  rejection,
  run,
  sell,
  submit,
  T,
  trades,
  types,
} from './test-helpers.js';

describe('submit and matching', () => {
  it('accepts a resting order with a server-assigned id and shows it in depth', () => {
    const market = openMarket();
    const events = run(market, buy('a1', 5000, 10, { clientRef: 'r1' }));
    expect(events).toStrictEqual([
      {
        type: 'accepted',
        time: T,
        orderId: 1,
        agentId: 'a1',
        productId: P1,
        side: 'buy',
        priceTicks: 5000,
        quantityLots: 10,
        tif: 'GTC',
        clientRef: 'r1',
      },
    ]);
    expect(run(market, buy('a2', 4990, 3))[0]).toMatchObject({ orderId: 2 });
    expect(market.depth(P1, 5)).toStrictEqual({
      productId: P1,
      bids: [
        { priceTicks: 5000, quantityLots: 10, orderCount: 1 },
        { priceTicks: 4990, quantityLots: 3, orderCount: 1 },
      ],
      asks: [],
    });
  });

  it('aggregates depth per level, best first, limited to the requested number of levels', () => {
    const market = openMarket();
    run(market, sell('s1', 5010, 2), sell('s2', 5000, 3), sell('s3', 5000, 4), sell('s4', 5020, 1));
    expect(market.depth(P1, 2).asks).toStrictEqual([
      { priceTicks: 5000, quantityLots: 7, orderCount: 2 },
      { priceTicks: 5010, quantityLots: 2, orderCount: 1 },
    ]);
  });

  it('fills the better price first', () => {
    const market = openMarket();
    run(market, sell('s1', 5010, 5), sell('s2', 5000, 5));
    const fills = trades(run(market, buy('b', 5020, 10)));
    expect(fills.map((t) => [t.sellAgentId, t.priceTicks])).toStrictEqual([
      ['s2', 5000],
      ['s1', 5010],
    ]);
  });

  it('fills first-in first-out within a level', () => {
    const market = openMarket();
    run(
      market,
      sell('s1', 5000, 5),
      sell('s2', 5000, 5, { time: T + 1 }),
      sell('s3', 5000, 5, { time: T + 1 }),
    );
    const fills = trades(run(market, buy('b', 5000, 7, { time: T + 2 })));
    expect(fills.map((t) => [t.sellOrderId, t.quantityLots])).toStrictEqual([
      [1, 5],
      [2, 2],
    ]);
    expect(market.getOrder(2)?.remainingLots).toBe(3);
    expect(market.getOrder(3)?.remainingLots).toBe(5);
  });

  it('trades at the resting price, whichever side aggresses', () => {
    const market = openMarket();
    run(market, sell('s', 4990, 1));
    expect(trades(run(market, buy('b', 5100, 1)))[0]).toMatchObject({
      priceTicks: 4990,
      aggressorSide: 'buy',
    });
    run(market, buy('b', 5100, 1));
    expect(trades(run(market, sell('s', 4000, 1)))[0]).toMatchObject({
      priceTicks: 5100,
      aggressorSide: 'sell',
    });
    expect(market.depth(P1, 1).lastTradePriceTicks).toBe(5100);
  });

  it('rests the unfilled remainder of a partially filled GTC order', () => {
    const market = openMarket();
    run(market, sell('s', 5000, 4));
    const events = run(market, buy('b', 5050, 10));
    expect(types(events)).toStrictEqual(['accepted', 'trade']);
    expect(events[1]).toStrictEqual({
      type: 'trade',
      time: T,
      tradeId: 1,
      productId: P1,
      priceTicks: 5000,
      quantityLots: 4,
      buyOrderId: 2,
      sellOrderId: 1,
      buyAgentId: 'b',
      sellAgentId: 's',
      aggressorSide: 'buy',
    });
    expect(market.getOrder(2)).toMatchObject({ remainingLots: 6, originalLots: 10, priceTicks: 5050 });
    expect(market.getOrder(1)).toBeUndefined();
    expect(market.depth(P1, 1).bids).toStrictEqual([{ priceTicks: 5050, quantityLots: 6, orderCount: 1 }]);
  });

  it('numbers trades from 1 across products', () => {
    const market = openMarket();
    run(market, sell('s', 5000, 1), sell('s', 5000, 1, { productId: P2 }));
    expect(trades(run(market, buy('b', 5000, 1)))[0]?.tradeId).toBe(1);
    expect(trades(run(market, buy('b', 5000, 1, { productId: P2 })))[0]?.tradeId).toBe(2);
  });
});

describe('IOC and FOK', () => {
  it('cancels the unfilled IOC remainder after the trades', () => {
    const market = openMarket();
    run(market, sell('s', 5000, 4));
    const events = run(market, buy('b', 5000, 10, { tif: 'IOC', clientRef: 'ioc' }));
    expect(types(events)).toStrictEqual(['accepted', 'trade', 'cancelled']);
    expect(events[2]).toStrictEqual({
      type: 'cancelled',
      time: T,
      orderId: 2,
      agentId: 'b',
      productId: P1,
      remainingLots: 6,
      reason: 'ioc-remainder',
      clientRef: 'ioc',
    });
    expect(market.openOrders('b')).toStrictEqual([]);
  });

  it('accepts and immediately cancels an IOC that finds nothing, and never cancels a filled one', () => {
    const market = openMarket();
    expect(types(run(market, buy('b', 5000, 3, { tif: 'IOC' })))).toStrictEqual(['accepted', 'cancelled']);
    run(market, sell('s', 5000, 3));
    expect(types(run(market, buy('b', 5000, 3, { tif: 'IOC' })))).toStrictEqual(['accepted', 'trade']);
  });

  it('fills a FOK completely when enough crosses, across levels', () => {
    const market = openMarket();
    run(market, sell('s1', 5000, 4), sell('s2', 5010, 4));
    const events = run(market, buy('b', 5010, 7, { tif: 'FOK' }));
    expect(types(events)).toStrictEqual(['accepted', 'trade', 'trade']);
    expect(trades(events).map((t) => t.quantityLots)).toStrictEqual([4, 3]);
    expect(market.openOrders('b')).toStrictEqual([]);
  });

  it('rejects a FOK that cannot be filled entirely and changes nothing', () => {
    const market = openMarket();
    run(market, sell('s1', 5000, 4), sell('s2', 5010, 3), sell('s3', 5020, 100));
    const before = market.stateHash();
    const rejected = rejection(run(market, buy('b', 5010, 8, { tif: 'FOK' })));
    expect(rejected).toMatchObject({
      code: 'FOK_NOT_FILLABLE',
      field: 'quantityLots',
      limit: '<= 7',
      command: 'submit',
    });
    expect(rejected.message).toContain('quantityLots');
    expect(rejected.message).toContain('<= 7');
    expect(market.stateHash()).toBe(before);
    expect(run(market, buy('b', 1, 1))[0]).toMatchObject({ type: 'accepted', orderId: 4 });
  });

  it('counts FOK liquidity only up to the first own order', () => {
    const market = openMarket();
    run(market, sell('s', 5000, 2), sell('b', 5000, 5), sell('s', 5000, 5));
    expect(rejection(run(market, buy('b', 5000, 3, { tif: 'FOK' })))).toMatchObject({ limit: '<= 2' });
    expect(types(run(market, buy('b', 5000, 2, { tif: 'FOK' })))).toStrictEqual(['accepted', 'trade']);
  });
});

describe('modify', () => {
  it('keeps priority for a pure quantity reduction', () => {
    const market = openMarket();
    run(market, sell('a1', 5000, 10), sell('a2', 5000, 10, { time: T + 1 }));
    const events = run(market, modify('a1', 1, 5000, 4, T + 2));
    expect(events).toStrictEqual([
      {
        type: 'modified',
        time: T + 2,
        orderId: 1,
        agentId: 'a1',
        productId: P1,
        priceTicks: 5000,
        quantityLots: 4,
        priorityKept: true,
      },
    ]);
    expect(market.getOrder(1)).toMatchObject({ remainingLots: 4, entryTime: T });
    const fills = trades(run(market, buy('b', 5000, 6, { time: T + 3 })));
    expect(fills.map((t) => [t.sellOrderId, t.quantityLots])).toStrictEqual([
      [1, 4],
      [2, 2],
    ]);
  });

  it('loses priority on a quantity increase', () => {
    const market = openMarket();
    run(market, sell('a1', 5000, 10), sell('a2', 5000, 10));
    expect(run(market, modify('a1', 1, 5000, 12, T + 5))[0]).toMatchObject({
      priorityKept: false,
      quantityLots: 12,
    });
    expect(market.getOrder(1)).toMatchObject({ remainingLots: 12, originalLots: 12, entryTime: T + 5 });
    expect(trades(run(market, buy('b', 5000, 5, { time: T + 5 })))[0]?.sellOrderId).toBe(2);
  });

  it('loses priority when the quantity is restated unchanged', () => {
    const market = openMarket();
    run(market, sell('a1', 5000, 10), sell('a2', 5000, 10));
    expect(run(market, modify('a1', 1, 5000, 10))[0]).toMatchObject({ priorityKept: false });
    expect(trades(run(market, buy('b', 5000, 1)))[0]?.sellOrderId).toBe(2);
  });

  it('loses priority on a price change', () => {
    const market = openMarket();
    run(market, sell('a1', 5000, 10), sell('a2', 5001, 10));
    expect(run(market, modify('a1', 1, 5001, 5))[0]).toMatchObject({ priorityKept: false, priceTicks: 5001 });
    expect(trades(run(market, buy('b', 5001, 1)))[0]?.sellOrderId).toBe(2);
  });

  it('lets a re-priced order aggress immediately and rest its remainder under the same id', () => {
    const market = openMarket();
    run(market, buy('a1', 4900, 1), sell('a2', 5000, 3));
    const events = run(market, modify('a1', 1, 5000, 5));
    expect(types(events)).toStrictEqual(['modified', 'trade']);
    expect(events[1]).toMatchObject({
      buyOrderId: 1,
      sellOrderId: 2,
      priceTicks: 5000,
      quantityLots: 3,
      aggressorSide: 'buy',
    });
    expect(market.getOrder(1)).toMatchObject({ remainingLots: 2, priceTicks: 5000 });
  });

  it('validates price, quantity and window like a submit', () => {
    const market = openMarket();
    run(market, buy('a1', 4900, 5));
    expect(rejection(run(market, modify('a1', 1, 999_901, 5)))).toMatchObject({
      code: 'PRICE_OUT_OF_RANGE',
      command: 'modify',
      orderId: 1,
    });
    expect(rejection(run(market, modify('a1', 1, 4900, 0)))).toMatchObject({ code: 'QUANTITY_INVALID' });
    expect(rejection(run(market, modify('a1', 1, 4900, 2, GATE)))).toMatchObject({
      code: 'GATE_CLOSED',
      field: 'time',
    });
    expect(market.getOrder(1)).toMatchObject({ remainingLots: 5, priceTicks: 4900 });
  });

  it("refuses to modify another agent's order with the same answer as for an unknown one", () => {
    const market = openMarket();
    run(market, buy('a1', 4900, 5));
    const foreign = rejection(run(market, modify('a2', 1, 4800, 1)));
    const unknown = rejection(run(market, modify('a2', 99, 4800, 1)));
    expect(foreign).toMatchObject({ code: 'UNKNOWN_ORDER', field: 'orderId', orderId: 1 });
    expect({ ...foreign, orderId: 0, message: '' }).toStrictEqual({ ...unknown, orderId: 0, message: '' });
    expect(market.getOrder(1)).toMatchObject({ remainingLots: 5, priceTicks: 4900 });
  });
});

describe('cancel', () => {
  it('cancels an own order once, echoing the clientRef', () => {
    const market = openMarket();
    run(market, buy('a1', 4900, 5));
    expect(run(market, { ...cancel('a1', 1), clientRef: 'c1' })).toStrictEqual([
      {
        type: 'cancelled',
        time: T,
        orderId: 1,
        agentId: 'a1',
        productId: P1,
        remainingLots: 5,
        reason: 'user',
        clientRef: 'c1',
      },
    ]);
    expect(market.depth(P1, 1).bids).toStrictEqual([]);
    expect(rejection(run(market, cancel('a1', 1)))).toMatchObject({
      code: 'UNKNOWN_ORDER',
      command: 'cancel',
    });
  });

  it("gives UNKNOWN_ORDER, identically, for another agent's, a filled and a never-seen order", () => {
    const market = openMarket();
    run(market, buy('a1', 4900, 5), sell('a2', 5000, 1), buy('a3', 5000, 1));
    const foreign = rejection(run(market, cancel('a9', 1)));
    const filled = rejection(run(market, cancel('a9', 2)));
    const unknown = rejection(run(market, cancel('a9', 42)));
    expect(foreign).toMatchObject({
      code: 'UNKNOWN_ORDER',
      field: 'orderId',
      limit: 'an open order of this agent',
    });
    const anonymous = (r: RejectedEvent) => ({ ...r, orderId: 0, message: r.message.replace(/\d+/, 'N') });
    expect(anonymous(filled)).toStrictEqual(anonymous(foreign));
    expect(anonymous(unknown)).toStrictEqual(anonymous(foreign));
    expect(market.getOrder(1)?.remainingLots).toBe(5);
  });
});

describe('opening and gate closure', () => {
  it('opens products in product order as the clock reaches them', () => {
    const market = new CidMarket(config());
    expect(market.productStatus(P1)).toBe('pending');
    expect(market.apply({ type: 'advance', time: OPEN - 3_600_000 })).toStrictEqual([
      { type: 'product-opened', time: OPEN - 3_600_000, productId: P2 },
    ]);
    expect(market.apply({ type: 'advance', time: OPEN - 1 })).toStrictEqual([]);
    expect(market.apply({ type: 'advance', time: OPEN })).toStrictEqual([
      { type: 'product-opened', time: OPEN, productId: P1 },
    ]);
    expect(market.productStatus(P1)).toBe('open');
  });

  it('rejects orders before the product opens', () => {
    const market = new CidMarket(config());
    const rejected = rejection(market.apply(buy('a1', 5000, 1, { time: OPEN - 1 })));
    expect(rejected).toMatchObject({
      code: 'MARKET_NOT_OPEN',
      field: 'time',
      limit: '>= 2026-11-21T16:00:00.000Z',
    });
    expect(rejected.message).toContain('time must be >= 2026-11-21T16:00:00.000Z');
    // Validation follows the command time, not whether an advance has been seen.
    expect(market.apply(buy('a1', 5000, 1, { time: OPEN }))[0]).toMatchObject({
      type: 'accepted',
      orderId: 1,
    });
  });

  it('rejects orders from the gate closure on, even before the closing advance', () => {
    const market = openMarket();
    expect(run(market, buy('a1', 5000, 1, { time: GATE - 1 }))[0]).toMatchObject({ type: 'accepted' });
    const rejected = rejection(run(market, buy('a1', 5000, 1, { time: GATE })));
    expect(rejected).toMatchObject({
      code: 'GATE_CLOSED',
      field: 'time',
      limit: '< 2026-11-21T23:55:00.000Z',
    });
    expect(rejected.message).toContain('time must be < 2026-11-21T23:55:00.000Z');
    expect(market.productStatus(P1)).toBe('open');
  });

  it('removes resting orders in id order at gate closure, then reports the closure', () => {
    const market = openMarket();
    run(
      market,
      sell('a2', 5100, 2, { clientRef: 'x' }),
      buy('a1', 4900, 1),
      buy('a1', 4900, 3, { productId: P2 }),
      sell('a1', 5000, 1),
    );
    const events = run(market, { type: 'advance', time: GATE });
    expect(events).toStrictEqual([
      {
        type: 'cancelled',
        time: GATE,
        orderId: 1,
        agentId: 'a2',
        productId: P1,
        remainingLots: 2,
        reason: 'gate-closure',
        clientRef: 'x',
      },
      {
        type: 'cancelled',
        time: GATE,
        orderId: 2,
        agentId: 'a1',
        productId: P1,
        remainingLots: 1,
        reason: 'gate-closure',
      },
      {
        type: 'cancelled',
        time: GATE,
        orderId: 4,
        agentId: 'a1',
        productId: P1,
        remainingLots: 1,
        reason: 'gate-closure',
      },
      { type: 'gate-closed', time: GATE, productId: P1 },
    ]);
    expect(market.productStatus(P1)).toBe('closed');
    expect(market.openOrders('a1').map((o) => o.orderId)).toStrictEqual([3]);
    expect(rejection(run(market, cancel('a1', 2, GATE)))).toMatchObject({ code: 'UNKNOWN_ORDER' });
    expect(run(market, { type: 'advance', time: GATE + 1 })).toStrictEqual([]);
  });

  it('still lets an owner cancel between the gate time and the closing advance', () => {
    const market = openMarket();
    run(market, buy('a1', 5000, 1));
    expect(run(market, modify('a1', 1, 5000, 1, GATE))[0]).toMatchObject({ code: 'GATE_CLOSED' });
    expect(run(market, cancel('a1', 1, GATE))[0]).toMatchObject({ type: 'cancelled', reason: 'user' });
  });

  it('opens and closes in one step when the clock jumps over the whole window', () => {
    const market = new CidMarket(config([product('short', OPEN, OPEN + 10)]));
    expect(market.apply({ type: 'advance', time: OPEN + 20 })).toStrictEqual([
      { type: 'product-opened', time: OPEN + 20, productId: 'short' },
      { type: 'gate-closed', time: OPEN + 20, productId: 'short' },
    ]);
  });

  it('treats time going backwards as a bug and leaves the state alone', () => {
    const market = openMarket();
    run(market, buy('a1', 5000, 1));
    const before = market.stateHash();
    expect(() => market.apply(buy('a1', 5000, 1, { time: T - 1 }))).toThrow(
      /before the previous command time/,
    );
    expect(() => market.apply({ type: 'advance', time: 1.5 })).toThrow(/integer/);
    expect(market.stateHash()).toBe(before);
  });
});

describe('validation', () => {
  it('rejects an unknown product', () => {
    const market = openMarket();
    expect(rejection(run(market, buy('a1', 5000, 1, { productId: 'nope' })))).toMatchObject({
      code: 'UNKNOWN_PRODUCT',
      field: 'productId',
    });
  });

  it('rejects an invalid side or time in force', () => {
    const market = openMarket();
    const badSide = submit({ agentId: 'a1', side: 'hold' as never });
    expect(rejection(run(market, badSide))).toMatchObject({ code: 'INVALID_SIDE', field: 'side' });
    const badTif = buy('a1', 5000, 1, { tif: 'DAY' as never });
    expect(rejection(run(market, badTif))).toMatchObject({ code: 'INVALID_TIME_IN_FORCE', field: 'tif' });
  });

  it('accepts the price limits themselves and rejects anything beyond or off-grid', () => {
    const market = openMarket();
    expect(run(market, buy('a1', -999_900, 1))[0]?.type).toBe('accepted');
    expect(run(market, sell('a2', 999_900, 1))[0]?.type).toBe('accepted');
    for (const priceTicks of [-999_901, 999_901, 5000.5, Number.NaN]) {
      const rejected = rejection(run(market, buy('a1', priceTicks, 1)));
      expect(rejected).toMatchObject({
        code: 'PRICE_OUT_OF_RANGE',
        field: 'priceTicks',
        limit: '>= -999900 and <= 999900',
      });
      expect(rejected.message).toContain('priceTicks must be an integer >= -999900 and <= 999900');
    }
  });

  it('rejects zero, negative, fractional and oversized quantities', () => {
    const market = openMarket();
    for (const quantityLots of [0, -1, 1.5, 100_001]) {
      const rejected = rejection(run(market, buy('a1', 5000, quantityLots)));
      expect(rejected).toMatchObject({
        code: 'QUANTITY_INVALID',
        field: 'quantityLots',
        limit: '>= 1 and <= 100000',
      });
      expect(rejected.message).toContain(`got ${quantityLots}`);
    }
    expect(run(market, buy('a1', 5000, 100_000))[0]).toMatchObject({ type: 'accepted', orderId: 1 });
  });

  it('checks product, side, tif, price, quantity, then the window', () => {
    const market = new CidMarket(config());
    const worst = { time: OPEN - 1, side: 'x' as never, tif: 'x' as never, priceTicks: 1e9, quantityLots: 0 };
    const codes = [
      { ...worst, productId: 'nope' },
      worst,
      { ...worst, side: 'buy' as const },
      { ...worst, side: 'buy' as const, tif: 'GTC' as const },
      { ...worst, side: 'buy' as const, tif: 'GTC' as const, priceTicks: 1 },
      { ...worst, side: 'buy' as const, tif: 'GTC' as const, priceTicks: 1, quantityLots: 1 },
    ].map((overrides) => rejection(market.apply(submit({ agentId: 'a1', ...overrides }))).code);
    expect(codes).toStrictEqual([
      'UNKNOWN_PRODUCT',
      'INVALID_SIDE',
      'INVALID_TIME_IN_FORCE',
      'PRICE_OUT_OF_RANGE',
      'QUANTITY_INVALID',
      'MARKET_NOT_OPEN',
    ]);
  });

  it('rejects an inconsistent configuration', () => {
    expect(() => new CidMarket({ ...config(), priceMinTicks: 10, priceMaxTicks: 0 })).toThrow(/price range/);
    expect(() => new CidMarket(config([product('x', 0, 10), product('x', 0, 10)]))).toThrow(/duplicate/);
    expect(() => new CidMarket(config([product('x', 10, 0)]))).toThrow(/openMs/);
  });
});

describe('self-trade prevention', () => {
  it('cancels the incoming order instead of trading with an own resting order', () => {
    const market = openMarket();
    run(market, sell('a1', 5000, 5));
    const events = run(market, buy('a1', 5000, 5, { clientRef: 'b' }));
    expect(types(events)).toStrictEqual(['accepted', 'cancelled']);
    expect(events[1]).toMatchObject({ orderId: 2, reason: 'self-trade', remainingLots: 5, clientRef: 'b' });
    expect(market.getOrder(1)?.remainingLots).toBe(5);
  });

  it('keeps the trades done before reaching the own order', () => {
    const market = openMarket();
    run(market, sell('a2', 4990, 3), sell('a1', 5000, 5), sell('a3', 5000, 5));
    const events = run(market, buy('a1', 5000, 10, { tif: 'IOC' }));
    expect(types(events)).toStrictEqual(['accepted', 'trade', 'cancelled']);
    expect(events[2]).toMatchObject({ reason: 'self-trade', remainingLots: 7 });
    expect(market.getOrder(2)?.remainingLots).toBe(5);
    expect(market.getOrder(3)?.remainingLots).toBe(5);
  });

  it('lets an own order that does not cross sit on the other side', () => {
    const market = openMarket();
    run(market, sell('a1', 5100, 5));
    expect(types(run(market, buy('a1', 5000, 5)))).toStrictEqual(['accepted']);
  });

  it('applies to a re-priced order too', () => {
    const market = openMarket();
    run(market, buy('a1', 4900, 5), sell('a1', 5000, 5));
    const events = run(market, modify('a1', 1, 5000, 5));
    expect(types(events)).toStrictEqual(['modified', 'cancelled']);
    expect(events[1]).toMatchObject({ orderId: 1, reason: 'self-trade' });
    expect(market.openOrders('a1').map((o) => o.orderId)).toStrictEqual([2]);
  });
});

describe('queries and determinism', () => {
  const script: CidCommand[] = [
    { type: 'advance', time: OPEN },
    sell('a1', 5000, 5),
    sell('a2', 5010, 5),
    buy('a3', 5010, 7),
    modify('a2', 2, 5005, 2),
    cancel('a3', 3),
    buy('a1', 4000, 1, { productId: P2, clientRef: 'z' }),
    { type: 'advance', time: GATE },
  ];

  it('produces the same events and state hash from the same commands', () => {
    const first = new CidMarket(config());
    const second = new CidMarket(config());
    const a = script.map((c) => first.apply(c));
    const b = script.map((c) => second.apply(c));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(second.stateHash()).toBe(first.stateHash());
    expect(first.stateHash()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes the state hash when the book changes', () => {
    const market = openMarket();
    const empty = market.stateHash();
    run(market, buy('a1', 5000, 1));
    const one = market.stateHash();
    run(market, cancel('a1', 1));
    expect(new Set([empty, one, market.stateHash()]).size).toBe(3);
  });

  it('lists open orders by id as copies the caller cannot use to change the book', () => {
    const market = openMarket();
    run(
      market,
      buy('a1', 4000, 1),
      buy('a2', 4000, 1),
      sell('a1', 6000, 2, { productId: P2, clientRef: 'q' }),
    );
    const orders = market.openOrders('a1');
    expect(orders).toStrictEqual([
      {
        orderId: 1,
        agentId: 'a1',
        productId: P1,
        side: 'buy',
        priceTicks: 4000,
        remainingLots: 1,
        originalLots: 1,
        tif: 'GTC',
        entryTime: T,
      },
      {
        orderId: 3,
        agentId: 'a1',
        productId: P2,
        side: 'sell',
        priceTicks: 6000,
        remainingLots: 2,
        originalLots: 2,
        tif: 'GTC',
        entryTime: T,
        clientRef: 'q',
      },
    ]);
    orders[0]!.remainingLots = 99;
    expect(market.getOrder(1)?.remainingLots).toBe(1);
    expect(market.openOrders('nobody')).toStrictEqual([]);
  });

  it('lists the products and refuses queries about unknown ones', () => {
    const market = openMarket();
    expect(market.products().map((p) => p.id)).toStrictEqual([P1, P2]);
    expect(() => market.depth('nope', 1)).toThrow(/unknown product/);
    expect(() => market.productStatus('nope')).toThrow(/unknown product/);
  });
});

describe('hourly products', () => {
  it('trades hourly and quarter-hourly products side by side, each in its own book', () => {
    const market = openMarket();
    const [qh, h] = market.products();
    expect([qh?.kind, h?.kind]).toStrictEqual(['QH', 'H']);
    run(market, sell('s', 5000, 10, { productId: P2 }), sell('s', 5100, 10));
    const hourly = trades(run(market, buy('b', 5100, 4, { productId: P2 })));
    expect(hourly).toMatchObject([{ productId: P2, priceTicks: 5000, quantityLots: 4 }]);
    expect(market.depth(P1, 1).asks).toStrictEqual([{ priceTicks: 5100, quantityLots: 10, orderCount: 1 }]);
    expect(market.depth(P2, 1)).toMatchObject({ asks: [{ quantityLots: 6 }], lastTradePriceTicks: 5000 });
    // 50.00 EUR/MWh x 0.4 MW x 1 h = 20 EUR, four times a quarter-hour's cash for the same trade.
    expect(productTradeCashUnits(h!, 5000, 4)).toBe(2_000_000);
    expect(productTradeCashUnits(qh!, 5000, 4)).toBe(500_000);
  });

  it('opens and closes an hourly product on its own window and removes its orders at its gate', () => {
    const market = new CidMarket(
      config([product(P1, OPEN, GATE), hourlyProduct('h', OPEN - 60_000, GATE - 60_000)]),
    );
    expect(market.apply({ type: 'advance', time: OPEN - 60_000 })).toStrictEqual([
      { type: 'product-opened', time: OPEN - 60_000, productId: 'h' },
    ]);
    run(
      market,
      { type: 'advance', time: OPEN },
      buy('a1', 4000, 3, { productId: 'h', time: OPEN }),
      buy('a1', 4000, 1, { time: OPEN }),
    );
    expect(run(market, { type: 'advance', time: GATE - 60_000 })).toStrictEqual([
      {
        type: 'cancelled',
        time: GATE - 60_000,
        orderId: 1,
        agentId: 'a1',
        productId: 'h',
        remainingLots: 3,
        reason: 'gate-closure',
      },
      { type: 'gate-closed', time: GATE - 60_000, productId: 'h' },
    ]);
    expect(market.productStatus(P1)).toBe('open');
    expect(market.openOrders('a1').map((o) => o.productId)).toStrictEqual([P1]);
  });

  it('rejects a configuration whose delivery length does not match the product kind', () => {
    const quarter = product('q', OPEN, GATE);
    expect(() => new CidMarket(config([{ ...quarter, kind: 'H' }]))).toThrow(
      /H product must deliver for 60 minutes/,
    );
    const hour = hourlyProduct('h', OPEN, GATE);
    expect(() => new CidMarket(config([{ ...hour, kind: 'QH' }]))).toThrow(
      /QH product must deliver for 15 minutes/,
    );
    expect(() => new CidMarket(config([{ ...hour, kind: 'D' as never }]))).toThrow(/unknown kind "D"/);
  });
});

describe('the clock over a long run', () => {
  // A clock event used to walk every product of the run, so its cost grew with the run's length
  // (a 90-day run has ~11 000 products, a few dozen open at once). Now it visits only the products
  // it opens or closes; the events are those of the walk, in product order.
  it('visits each product at most twice in all and opens and closes as a walk over every product would', () => {
    const DAY = 86_400_000;
    const STEP = 5 * 60_000;
    const days = 40;
    // Opening and gate times in no product order, with ties, some products opening at their gate.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const defs = Array.from({ length: days * 120 }, (_, i) => {
      const openMs = OPEN + Math.floor(i / 120) * DAY + random(48) * STEP * (random(3) === 0 ? 1 : 2);
      const gateMs = openMs + (random(5) === 0 ? 0 : random(200) * STEP);
      return i % 5 === 4 ? hourlyProduct(`h-${i}`, openMs, gateMs) : product(`qh-${i}`, openMs, gateMs);
    });
    const market = new CidMarket(config(defs));
    const status = defs.map(() => 'pending');
    const end = OPEN + (days + 3) * DAY;
    for (let t = OPEN - DAY; t <= end; t += STEP) {
      const expected: unknown[] = [];
      defs.forEach((p, i) => {
        if (status[i] === 'pending' && p.openMs <= t) {
          status[i] = 'open';
          expected.push({ type: 'product-opened', time: t, productId: p.id });
        }
        if (status[i] !== 'closed' && p.gateClosureMs <= t) {
          status[i] = 'closed';
          expected.push({ type: 'gate-closed', time: t, productId: p.id });
        }
      });
      expect(market.apply({ type: 'advance', time: t })).toStrictEqual(expected);
    }
    expect(status.every((s) => s === 'closed')).toBe(true);
    // 4 800 products, 12 673 clock events: the walk visited 61 million.
    expect(market.advanceVisits).toBeLessThanOrEqual(2 * defs.length);
  });
});
