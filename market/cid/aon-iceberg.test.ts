import { describe, expect, it } from 'vitest';
import type { TradeEvent } from '../types.js';
import { CidMarket } from './cid-market.js';
import {
  buy,
  cancel,
  config,
  GATE,
  modify,
  OPEN,
  openMarket,
  P1,
  rejection,
  run,
  sell,
  submit,
  T,
  trades,
  types,
} from './test-helpers.js';

const fills = (events: Parameters<typeof trades>[0]) =>
  trades(events).map((t: TradeEvent) => [t.buyOrderId, t.sellOrderId, t.priceTicks, t.quantityLots]);

describe('AON (all-or-none)', () => {
  it('executes an incoming AON order in full against several resting orders at once', () => {
    const market = openMarket();
    run(market, sell('s1', 5000, 4), sell('s2', 5010, 3));
    const events = run(market, buy('b', 5010, 7, { restriction: 'AON' }));
    expect(types(events)).toStrictEqual(['accepted', 'trade', 'trade']);
    expect(events[0]).toMatchObject({ orderId: 3, restriction: 'AON', quantityLots: 7 });
    expect(fills(events)).toStrictEqual([
      [3, 1, 5000, 4],
      [3, 2, 5010, 3],
    ]);
    expect(market.openOrders('b')).toStrictEqual([]);
  });

  it('rests a GTC AON order untraded when it cannot fill in full; the book may then look crossed', () => {
    const market = openMarket();
    run(market, sell('s', 5000, 4));
    const events = run(market, buy('b', 5000, 7, { restriction: 'AON' }));
    expect(types(events)).toStrictEqual(['accepted']);
    expect(market.getOrder(2)).toMatchObject({ restriction: 'AON', remainingLots: 7, priceTicks: 5000 });
    // run() has checked the invariants: crossing through an AON order is allowed.
    expect(market.depth(P1, 5)).toMatchObject({
      bids: [{ priceTicks: 5000, quantityLots: 7, orderCount: 1 }],
      asks: [{ priceTicks: 5000, quantityLots: 4, orderCount: 1 }],
    });
  });

  it('treats IOC AON as fill-or-kill: rejected unless it fills in full, using up no order id', () => {
    const market = openMarket();
    run(market, sell('s', 5000, 4));
    const before = market.stateHash();
    const rejected = rejection(run(market, buy('b', 5000, 5, { tif: 'IOC', restriction: 'AON' })));
    expect(rejected).toMatchObject({ code: 'FOK_NOT_FILLABLE', field: 'quantityLots', limit: '<= 4' });
    expect(rejected.message).toContain('IOC AON (fill or kill) quantityLots must be <= 4');
    expect(market.stateHash()).toBe(before);
    const events = run(market, buy('b', 5000, 4, { tif: 'IOC', restriction: 'AON' }));
    expect(types(events)).toStrictEqual(['accepted', 'trade']);
    expect(events[0]).toMatchObject({ orderId: 2, tif: 'IOC', restriction: 'AON' });
  });

  it('treats FOK AON exactly like FOK', () => {
    const market = openMarket();
    run(market, sell('s', 5000, 4));
    expect(rejection(run(market, buy('b', 5000, 5, { tif: 'FOK', restriction: 'AON' })))).toMatchObject({
      code: 'FOK_NOT_FILLABLE',
      limit: '<= 4',
    });
    expect(types(run(market, buy('b', 5000, 4, { tif: 'FOK', restriction: 'AON' })))).toStrictEqual([
      'accepted',
      'trade',
    ]);
  });

  it('passes over a resting AON order the incoming order cannot take whole; the AON keeps its place', () => {
    const market = openMarket();
    run(
      market,
      buy('a1', 5000, 10, { restriction: 'AON' }),
      buy('a2', 5000, 3),
      buy('a3', 4990, 5),
      buy('a4', 5000, 2, { time: T + 1 }),
    );
    // 6 < 10: the AON is passed over; the seller goes on to a2, then a4, then the next level.
    const events = run(market, sell('s', 4990, 6, { time: T + 2 }));
    expect(fills(events)).toStrictEqual([
      [2, 5, 5000, 3],
      [4, 5, 5000, 2],
      [3, 5, 4990, 1],
    ]);
    expect(market.getOrder(1)).toMatchObject({ remainingLots: 10, entryTime: T });
    // A later order large enough takes the AON first: it never lost its time priority.
    run(market, buy('a5', 5000, 4, { time: T + 3 }));
    expect(fills(run(market, sell('s', 5000, 12, { time: T + 4 })))).toStrictEqual([
      [1, 7, 5000, 10],
      [6, 7, 5000, 2],
    ]);
  });

  it('lets an incoming order that covers the whole AON order take it and go on', () => {
    const market = openMarket();
    run(market, buy('a1', 5000, 4, { restriction: 'AON' }), buy('a2', 5000, 3));
    expect(fills(run(market, sell('s', 5000, 6)))).toStrictEqual([
      [1, 3, 5000, 4],
      [2, 3, 5000, 2],
    ]);
    expect(market.getOrder(2)?.remainingLots).toBe(1);
  });

  it('passes over an own AON order that would not trade, but stops at one that would', () => {
    const market = openMarket();
    run(market, buy('x', 5000, 10, { restriction: 'AON' }), buy('y', 4990, 2));
    const events = run(market, sell('x', 4990, 3));
    expect(types(events)).toStrictEqual(['accepted', 'trade']);
    expect(fills(events)).toStrictEqual([[2, 3, 4990, 2]]);
    expect(market.getOrder(3)).toMatchObject({ remainingLots: 1, priceTicks: 4990 });

    const other = openMarket();
    run(other, buy('x', 5000, 2, { restriction: 'AON' }));
    const stopped = run(other, sell('x', 5000, 3));
    expect(types(stopped)).toStrictEqual(['accepted', 'cancelled']);
    expect(stopped[1]).toMatchObject({ reason: 'self-trade', remainingLots: 3 });
  });

  it('rests a GTC AON order whose fill would run into an own order, with no self-trade cancellation', () => {
    const market = openMarket();
    run(market, sell('s', 5000, 2), sell('b', 5000, 5), sell('s', 5000, 5));
    expect(types(run(market, buy('b', 5000, 4, { restriction: 'AON' })))).toStrictEqual(['accepted']);
    expect(market.getOrder(4)).toMatchObject({ remainingLots: 4, restriction: 'AON' });
    expect(rejection(run(market, buy('b', 5000, 4, { tif: 'IOC', restriction: 'AON' })))).toMatchObject({
      code: 'FOK_NOT_FILLABLE',
      limit: '<= 2',
    });
  });

  it('never matches on a priority-keeping reduction; a priority-losing modify decides all-or-none anew', () => {
    const market = openMarket();
    run(market, sell('s', 5000, 3), buy('b', 5000, 5, { restriction: 'AON' }));
    // Now 3 would fill it, but a reduction keeps priority and never aggresses.
    expect(run(market, modify('b', 2, 5000, 3))).toMatchObject([{ type: 'modified', priorityKept: true }]);
    expect(market.getOrder(2)).toMatchObject({ remainingLots: 3, restriction: 'AON' });
    const events = run(market, modify('b', 2, 5001, 3));
    expect(types(events)).toStrictEqual(['modified', 'trade']);
    expect(fills(events)).toStrictEqual([[2, 1, 5000, 3]]);
    // Not fillable in full: the modified AON order rests again, untraded.
    run(market, sell('s', 5000, 1), buy('b', 4000, 5, { restriction: 'AON' }));
    expect(types(run(market, modify('b', 4, 5000, 5)))).toStrictEqual(['modified']);
    expect(market.getOrder(4)).toMatchObject({ priceTicks: 5000, remainingLots: 5, originalLots: 5 });
  });

  it('lets FOK liquidity counting pass over AON orders too large to take whole', () => {
    const market = openMarket();
    run(market, buy('a', 5000, 10, { restriction: 'AON' }), buy('c', 5000, 3));
    expect(rejection(run(market, sell('s', 5000, 4, { tif: 'FOK' })))).toMatchObject({ limit: '<= 3' });
    expect(fills(run(market, sell('s', 5000, 10, { tif: 'FOK' })))).toStrictEqual([[1, 3, 5000, 10]]);
  });

  it('accepts an explicit restriction NONE as an ordinary order', () => {
    const market = openMarket();
    const events = run(market, buy('b', 5000, 2, { restriction: 'NONE' }));
    expect(events[0]).not.toHaveProperty('restriction');
    expect(market.getOrder(1)).not.toHaveProperty('restriction');
  });
});

describe('icebergs', () => {
  it('shows only the clip in depth and the whole order to its owner', () => {
    const market = openMarket();
    const events = run(market, sell('i', 5000, 10, { peakLots: 3, clientRef: 'ice' }));
    expect(events[0]).toMatchObject({ type: 'accepted', quantityLots: 10, peakLots: 3, clientRef: 'ice' });
    expect(market.depth(P1, 1).asks).toStrictEqual([{ priceTicks: 5000, quantityLots: 3, orderCount: 1 }]);
    expect(market.openOrders('i')).toStrictEqual([
      {
        orderId: 1,
        agentId: 'i',
        productId: P1,
        side: 'sell',
        priceTicks: 5000,
        remainingLots: 10,
        originalLots: 10,
        tif: 'GTC',
        entryTime: T,
        peakLots: 3,
        hiddenLots: 7,
        clientRef: 'ice',
      },
    ]);
  });

  it('aggresses with its whole quantity on entry and rests the rest as a clip and hidden lots', () => {
    const market = openMarket();
    run(market, sell('s', 5000, 4));
    expect(fills(run(market, buy('i', 5000, 10, { peakLots: 3 })))).toStrictEqual([[2, 1, 5000, 4]]);
    expect(market.getOrder(2)).toMatchObject({ remainingLots: 6, hiddenLots: 3, peakLots: 3 });
    expect(market.depth(P1, 1).bids).toStrictEqual([{ priceTicks: 5000, quantityLots: 3, orderCount: 1 }]);
  });

  it('shows a new clip at the back of its level, with the trade time, once a clip is used up', () => {
    const market = openMarket();
    run(market, sell('i', 5000, 6, { peakLots: 2 }), sell('o', 5000, 5, { time: T + 1 }));
    expect(fills(run(market, buy('b', 5000, 2, { time: T + 2 })))).toStrictEqual([[3, 1, 5000, 2]]);
    expect(market.getOrder(1)).toMatchObject({ remainingLots: 4, hiddenLots: 2, entryTime: T + 2 });
    expect(market.depth(P1, 1).asks).toStrictEqual([{ priceTicks: 5000, quantityLots: 7, orderCount: 2 }]);
    // The iceberg lost its time priority to the order queued behind it.
    expect(fills(run(market, buy('b', 5000, 1, { time: T + 3 })))).toStrictEqual([[4, 2, 5000, 1]]);
  });

  it('meets its next clip again within one sweep, after the orders queued before it', () => {
    const market = openMarket();
    run(market, sell('i', 5000, 6, { peakLots: 2 }), sell('o', 5000, 3), sell('p', 5010, 1));
    expect(fills(run(market, buy('b', 5010, 10)))).toStrictEqual([
      [4, 1, 5000, 2],
      [4, 2, 5000, 3],
      [4, 1, 5000, 2],
      [4, 1, 5000, 2],
      [4, 3, 5010, 1],
    ]);
  });

  it('shows a last clip smaller than the peak', () => {
    const market = openMarket();
    run(market, sell('i', 5000, 5, { peakLots: 2 }), buy('b', 5000, 2), buy('b', 5000, 2));
    expect(market.getOrder(1)).toMatchObject({ remainingLots: 1, hiddenLots: 0 });
    expect(market.depth(P1, 1).asks).toStrictEqual([{ priceTicks: 5000, quantityLots: 1, orderCount: 1 }]);
  });

  it('keeps its place while a clip is only partly taken', () => {
    const market = openMarket();
    run(market, sell('i', 5000, 6, { peakLots: 3 }), sell('o', 5000, 2, { time: T + 1 }));
    run(market, buy('b', 5000, 1, { time: T + 2 }));
    expect(market.getOrder(1)).toMatchObject({ remainingLots: 5, hiddenLots: 3, entryTime: T });
    expect(fills(run(market, buy('b', 5000, 2, { time: T + 3 })))).toStrictEqual([[4, 1, 5000, 2]]);
  });

  it('takes hidden lots first on a priority-keeping reduction', () => {
    const market = openMarket();
    run(market, sell('i', 5000, 10, { peakLots: 3 }));
    expect(run(market, modify('i', 1, 5000, 5))).toMatchObject([{ priorityKept: true, quantityLots: 5 }]);
    expect(market.getOrder(1)).toMatchObject({ remainingLots: 5, hiddenLots: 2 });
    run(market, modify('i', 1, 5000, 2));
    expect(market.getOrder(1)).toMatchObject({ remainingLots: 2, hiddenLots: 0 });
    expect(market.depth(P1, 1).asks).toStrictEqual([{ priceTicks: 5000, quantityLots: 2, orderCount: 1 }]);
  });

  it('aggresses with its whole quantity again after a priority-losing modify', () => {
    const market = openMarket();
    run(market, sell('i', 5010, 10, { peakLots: 3 }), buy('b', 5000, 4));
    const events = run(market, modify('i', 1, 5000, 8, T + 1));
    expect(types(events)).toStrictEqual(['modified', 'trade']);
    expect(fills(events)).toStrictEqual([[2, 1, 5000, 4]]);
    expect(market.getOrder(1)).toMatchObject({
      remainingLots: 4,
      hiddenLots: 1,
      originalLots: 8,
      peakLots: 3,
      entryTime: T + 1,
    });
  });

  it('cancels and closes with its whole remainder, hidden lots included', () => {
    const market = openMarket();
    run(market, sell('i', 5000, 10, { peakLots: 3 }), sell('i', 5001, 7, { peakLots: 2, clientRef: 'g' }));
    expect(run(market, cancel('i', 1))).toMatchObject([
      { type: 'cancelled', reason: 'user', remainingLots: 10 },
    ]);
    expect(run(market, { type: 'advance', time: GATE })[0]).toMatchObject({
      reason: 'gate-closure',
      remainingLots: 7,
      clientRef: 'g',
    });
  });

  it('counts hidden lots for FOK, in the order matching meets them', () => {
    const market = openMarket();
    run(market, sell('i', 5000, 6, { peakLots: 2 }), sell('o', 5000, 1));
    expect(rejection(run(market, buy('b', 5000, 8, { tif: 'FOK' })))).toMatchObject({ limit: '<= 7' });
    expect(fills(run(market, buy('b', 5000, 7, { tif: 'FOK' })))).toStrictEqual([
      [3, 1, 5000, 2],
      [3, 2, 5000, 1],
      [3, 1, 5000, 2],
      [3, 1, 5000, 2],
    ]);
  });
});

describe('AON and iceberg rejections', () => {
  it('rejects an unknown restriction', () => {
    const market = openMarket();
    const rejected = rejection(run(market, buy('b', 5000, 1, { restriction: 'FAK' as never })));
    expect(rejected).toMatchObject({
      code: 'INVALID_RESTRICTION',
      field: 'restriction',
      limit: "'NONE' or 'AON'",
      command: 'submit',
    });
    expect(rejected.message).toBe(`restriction must be 'NONE' or 'AON'; got "FAK"`);
  });

  it('rejects a peak that is not an integer from 1 to the quantity, naming the limit', () => {
    const market = openMarket();
    for (const peakLots of [0, -1, 1.5, 11, Number.NaN]) {
      const rejected = rejection(run(market, sell('i', 5000, 10, { peakLots })));
      expect(rejected).toMatchObject({ code: 'PEAK_INVALID', field: 'peakLots', limit: '>= 1 and <= 10' });
      expect(rejected.message).toContain(`peakLots must be an integer >= 1 and <= 10`);
      expect(rejected.message).toContain(`got ${peakLots}`);
    }
    expect(run(market, sell('i', 5000, 10, { peakLots: 10 }))[0]).toMatchObject({
      type: 'accepted',
      orderId: 1,
    });
  });

  it('refuses icebergs that would not rest (IOC, FOK) and AON icebergs', () => {
    const market = openMarket();
    for (const tif of ['IOC', 'FOK'] as const) {
      const rejected = rejection(run(market, sell('i', 5000, 10, { peakLots: 2, tif })));
      expect(rejected).toMatchObject({
        code: 'ICEBERG_NOT_ALLOWED',
        field: 'tif',
        limit: "'GTC' for an iceberg order",
      });
      expect(rejected.message).toContain(`got "${tif}"`);
    }
    const aon = rejection(run(market, sell('i', 5000, 10, { peakLots: 2, restriction: 'AON' })));
    expect(aon).toMatchObject({
      code: 'ICEBERG_NOT_ALLOWED',
      field: 'restriction',
      limit: "'NONE' for an iceberg order",
    });
    expect(market.openOrders('i')).toStrictEqual([]);
  });

  it('checks restriction after tif, the peak after the quantity, and the window last', () => {
    const market = new CidMarket(config());
    const worst = {
      time: OPEN - 1,
      side: 'buy' as const,
      tif: 'x' as never,
      restriction: 'x' as never,
      priceTicks: 1e9,
      quantityLots: 0,
      peakLots: 0,
    };
    const codes = [
      worst,
      { ...worst, tif: 'IOC' as const },
      { ...worst, tif: 'IOC' as const, restriction: 'AON' as const },
      { ...worst, tif: 'IOC' as const, restriction: 'AON' as const, priceTicks: 1 },
      { ...worst, tif: 'IOC' as const, restriction: 'AON' as const, priceTicks: 1, quantityLots: 5 },
      {
        ...worst,
        tif: 'IOC' as const,
        restriction: 'AON' as const,
        priceTicks: 1,
        quantityLots: 5,
        peakLots: 2,
      },
      {
        ...worst,
        tif: 'GTC' as const,
        restriction: 'AON' as const,
        priceTicks: 1,
        quantityLots: 5,
        peakLots: 2,
      },
      {
        ...worst,
        tif: 'GTC' as const,
        priceTicks: 1,
        quantityLots: 5,
        peakLots: 2,
        restriction: 'NONE' as const,
      },
    ].map((overrides) => rejection(market.apply(submit({ agentId: 'a1', ...overrides }))));
    expect(codes.map((r) => [r.code, r.field])).toStrictEqual([
      ['INVALID_TIME_IN_FORCE', 'tif'],
      ['INVALID_RESTRICTION', 'restriction'],
      ['PRICE_OUT_OF_RANGE', 'priceTicks'],
      ['QUANTITY_INVALID', 'quantityLots'],
      ['PEAK_INVALID', 'peakLots'],
      ['ICEBERG_NOT_ALLOWED', 'tif'],
      ['ICEBERG_NOT_ALLOWED', 'restriction'],
      ['MARKET_NOT_OPEN', 'time'],
    ]);
  });
});
