import { describe, expect, it } from 'vitest';
import { block, curve, stepBuy, stepSell } from './test-helpers.js';
import { type AuctionBid, type AuctionConfig, defaultAuctionConfig } from './types.js';
import { AuctionBook, assertValidAuctionConfig, validateBid } from './validate-bid.js';

const config: AuctionConfig = { ...defaultAuctionConfig(4), maxQuantityLots: 1000, maxCurvePoints: 5 };

const good = curve('c1', 0, [
  [1000, 50],
  [2000, 10],
  [3000, -20],
]);

describe('validateBid', () => {
  it('accepts valid curves and blocks', () => {
    expect(validateBid(config, good)).toBeNull();
    expect(validateBid(config, curve('c2', 3, [[0, -1000]], 'linear'))).toBeNull();
    expect(validateBid(config, block('k', 'sell', 1, 3, -50_000, 1000))).toBeNull();
    expect(validateBid(config, stepBuy('b', 0, 400_000, 1000))).toBeNull();
  });

  // Each row: the bid, then the expected code, field and limit.
  const rows: [string, AuctionBid, string, string, string][] = [
    [
      'curve price above the maximum',
      curve('x', 0, [
        [0, 1],
        [400_001, 0],
      ]),
      'PRICE_OUT_OF_RANGE',
      'points[1].priceTicks',
      '>= -50000 and <= 400000',
    ],
    [
      'curve price below the minimum',
      curve('x', 0, [[-50_001, 1]]),
      'PRICE_OUT_OF_RANGE',
      'points[0].priceTicks',
      '>= -50000 and <= 400000',
    ],
    [
      'curve price not an integer',
      curve('x', 0, [[10.5, 1]]),
      'PRICE_OUT_OF_RANGE',
      'points[0].priceTicks',
      '>= -50000 and <= 400000',
    ],
    [
      'curve quantity too big',
      curve('x', 0, [[0, 1001]]),
      'QUANTITY_INVALID',
      'points[0].quantityLots',
      '>= -1000 and <= 1000',
    ],
    [
      'curve quantity too negative',
      curve('x', 0, [[0, -1001]]),
      'QUANTITY_INVALID',
      'points[0].quantityLots',
      '>= -1000 and <= 1000',
    ],
    [
      'curve quantity not an integer',
      curve('x', 0, [[0, 2.5]]),
      'QUANTITY_INVALID',
      'points[0].quantityLots',
      '>= -1000 and <= 1000',
    ],
    [
      'curve prices not strictly increasing',
      curve('x', 0, [
        [100, 5],
        [100, 3],
      ]),
      'CURVE_NOT_MONOTONE',
      'points[1].priceTicks',
      '> 100',
    ],
    [
      'curve quantity rising with price',
      curve('x', 0, [
        [100, 5],
        [200, 3],
        [300, 4],
      ]),
      'CURVE_NOT_MONOTONE',
      'points[2].quantityLots',
      '<= 3',
    ],
    ['curve without points', curve('x', 0, []), 'CURVE_EMPTY', 'points', '>= 1 point'],
    [
      'curve with too many points',
      curve(
        'x',
        0,
        [0, 1, 2, 3, 4, 5].map((i) => [i, -i]),
      ),
      'TOO_MANY_POINTS',
      'points',
      '<= 5 points',
    ],
    ['curve period out of range', curve('x', 4, [[0, 1]]), 'PERIOD_OUT_OF_RANGE', 'period', '>= 0 and <= 3'],
    ['curve period negative', curve('x', -1, [[0, 1]]), 'PERIOD_OUT_OF_RANGE', 'period', '>= 0 and <= 3'],
    [
      'unknown interpolation',
      { ...good, interpolation: 'cubic' as 'step' },
      'INVALID_FIELD',
      'interpolation',
      "'step' or 'linear'",
    ],
    [
      'block quantity zero',
      block('x', 'buy', 0, 1, 100, 0),
      'QUANTITY_INVALID',
      'quantityLots',
      '>= 1 and <= 1000',
    ],
    [
      'block quantity negative',
      block('x', 'sell', 0, 1, 100, -5),
      'QUANTITY_INVALID',
      'quantityLots',
      '>= 1 and <= 1000',
    ],
    [
      'block quantity too big',
      block('x', 'sell', 0, 1, 100, 1001),
      'QUANTITY_INVALID',
      'quantityLots',
      '>= 1 and <= 1000',
    ],
    [
      'block quantity not an integer',
      block('x', 'sell', 0, 1, 100, 1.5),
      'QUANTITY_INVALID',
      'quantityLots',
      '>= 1 and <= 1000',
    ],
    [
      'block price out of range',
      block('x', 'buy', 0, 1, 400_001, 5),
      'PRICE_OUT_OF_RANGE',
      'priceTicks',
      '>= -50000 and <= 400000',
    ],
    [
      'block first period out of range',
      block('x', 'buy', 4, 4, 100, 5),
      'PERIOD_OUT_OF_RANGE',
      'firstPeriod',
      '>= 0 and <= 3',
    ],
    [
      'block last period before the first',
      block('x', 'buy', 2, 1, 100, 5),
      'PERIOD_OUT_OF_RANGE',
      'lastPeriod',
      '>= 2 and <= 3',
    ],
    [
      'block last period out of range',
      block('x', 'buy', 2, 4, 100, 5),
      'PERIOD_OUT_OF_RANGE',
      'lastPeriod',
      '>= 2 and <= 3',
    ],
    [
      'block side unknown',
      { ...block('x', 'buy', 0, 0, 100, 5), side: 'hold' as 'buy' },
      'INVALID_FIELD',
      'side',
      "'buy' or 'sell'",
    ],
    [
      'unknown kind',
      { ...good, kind: 'spline' } as unknown as AuctionBid,
      'INVALID_FIELD',
      'kind',
      "'curve' or 'block'",
    ],
    ['empty bidId', { ...good, bidId: '' }, 'INVALID_FIELD', 'bidId', 'a string of 1 to 128 characters'],
    [
      'missing agentId',
      { ...good, agentId: undefined as unknown as string },
      'INVALID_FIELD',
      'agentId',
      'a string of 1 to 128 characters',
    ],
  ];

  for (const [name, bid, code, field, limit] of rows) {
    it(`${name} → ${code} on ${field}`, () => {
      const rejection = validateBid(config, bid);
      expect(rejection).toMatchObject({ code, field, limit });
      expect(rejection!.message).toContain(
        field
          .split('.')
          .pop()!
          .replace(/\[\d+\]/, ''),
      );
    });
  }
});

describe('AuctionBook', () => {
  it('accepts, rejects duplicates, cancels only the owner’s bids, keeps submission order', () => {
    const book = new AuctionBook(config);
    expect(book.submit(stepBuy('b1', 0, 5000, 10, 'alice'))).toEqual({ ok: true });
    expect(book.submit(stepSell('s1', 0, 4000, 10, 'bob'))).toEqual({ ok: true });
    const dup = book.submit(stepSell('b1', 1, 4000, 10, 'bob'));
    expect(dup).toMatchObject({ ok: false, rejection: { code: 'DUPLICATE_BID_ID', field: 'bidId' } });
    // Someone else's bid and an unknown bid get the same answer.
    const foreign = book.cancel('b1', 'bob');
    const unknown = book.cancel('zz', 'bob');
    expect(foreign).toMatchObject({
      ok: false,
      rejection: { code: 'UNKNOWN_BID', field: 'bidId', limit: 'a live bid of this agent' },
    });
    expect(unknown).toMatchObject({ ok: false, rejection: { code: 'UNKNOWN_BID' } });
    expect(book.cancel('b1', 'alice')).toEqual({ ok: true });
    // A cancelled id is free again and goes to the back of the order.
    expect(book.submit(block('b1', 'buy', 0, 1, 5000, 3, 'alice'))).toEqual({ ok: true });
    expect(book.bids().map((b) => b.bidId)).toEqual(['s1', 'b1']);
    expect(book.bidsOf('alice').map((b) => b.kind)).toEqual(['block']);
  });

  it('passes validation rejections through', () => {
    const book = new AuctionBook(config);
    const r = book.submit(block('k', 'buy', 0, 9, 100, 1));
    expect(r).toMatchObject({ ok: false, rejection: { code: 'PERIOD_OUT_OF_RANGE', field: 'lastPeriod' } });
    expect(book.bids()).toEqual([]);
  });

  it('after close() submit and cancel answer GATE_CLOSED', () => {
    const book = new AuctionBook(config);
    book.submit(stepBuy('b1', 0, 5000, 10, 'alice'));
    book.close();
    expect(book.isClosed).toBe(true);
    expect(book.submit(stepBuy('b2', 0, 5000, 10, 'alice'))).toMatchObject({
      ok: false,
      rejection: { code: 'GATE_CLOSED', limit: 'before gate closure' },
    });
    expect(book.cancel('b1', 'alice')).toMatchObject({ ok: false, rejection: { code: 'GATE_CLOSED' } });
    expect(book.bids()).toHaveLength(1);
  });

  it('stores frozen copies: mutating the submitted object changes nothing', () => {
    const book = new AuctionBook(config);
    const bid = stepBuy('b1', 0, 5000, 10, 'alice');
    book.submit(bid);
    bid.points[0]!.quantityLots = 999;
    bid.period = 3;
    const stored = book.bids()[0]!;
    expect(stored).toMatchObject({ period: 0, points: [{ quantityLots: 10 }, { quantityLots: 0 }] });
    expect(Object.isFrozen(stored)).toBe(true);
  });

  it('rejects an unusable config with an exception (a caller bug)', () => {
    expect(() => assertValidAuctionConfig({ ...config, periods: 0 })).toThrow(RangeError);
    expect(() => assertValidAuctionConfig({ ...config, maxQuantityLots: 0 })).toThrow(RangeError);
    expect(() => assertValidAuctionConfig({ ...config, periodMinutes: 10 })).toThrow(RangeError);
    expect(() => new AuctionBook({ ...config, priceMinTicks: 5, priceMaxTicks: 5 })).toThrow(RangeError);
  });
});
