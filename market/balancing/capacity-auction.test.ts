import { describe, expect, it } from 'vitest';
import {
  awardedCapacityLots,
  CapacityAuction,
  type CapacityAuctionResult,
  type CapacityBid,
  type CapacityDemand,
  type CapacityPricing,
  capacityPaymentCashUnits,
  clearCapacityAuction,
} from './capacity-auction.js';
import type { BalancingDirection, BalancingRejection } from './types.js';

function bid(
  bidId: string,
  agentId: string,
  direction: BalancingDirection,
  quantityLots: number,
  capacityPriceTicks: number,
  extra: Partial<CapacityBid> = {},
): CapacityBid {
  return { bidId, agentId, product: 2, direction, quantityLots, capacityPriceTicks, ...extra };
}

function demand(product: number, up: number, down: number): CapacityDemand {
  const d = { up: [0, 0, 0, 0, 0, 0], down: [0, 0, 0, 0, 0, 0] };
  d.up[product] = up;
  d.down[product] = down;
  return d;
}

function productResult(result: CapacityAuctionResult, product: number, direction: BalancingDirection) {
  const r = result.products.find((p) => p.product === product && p.direction === direction);
  if (r === undefined) throw new Error('missing product result');
  return r;
}

/** [bidId, awardedLots, settlementPriceTicks, paymentCashUnits] in merit order. */
function awardRows(result: CapacityAuctionResult, direction: BalancingDirection) {
  return productResult(result, 2, direction).awards.map((a) => [
    a.bidId,
    a.awardedLots,
    a.settlementPriceTicks,
    a.paymentCashUnits,
  ]);
}

// Worked example, product 2 (08:00–12:00). Demand up 60 lots (6 MW), down 25 lots (2.5 MW).
// Capacity prices in ticks of 0.01 EUR/MW/h; payment = lots × ticks × 400 cash units
// (0.1 MW × 0.01 EUR/MW/h × 4 h = 0.004 EUR).
//
//   up bids            lots  price   merit
//   c01 a               20   1000    2nd
//   c02 b               15   1250    3rd (ties with c04 at 1250; c02 < c04 by bidId)
//   c03 c               30    900    1st
//   c04 d               10   1250    4th
//   c05 e               40   2000    5th
//   down bids
//   d01 a               10    500    2nd
//   d02 b               20    300    1st
//   d03 c               20    800    3rd
//
// Up: c03 30 (cum 30), c01 20 (cum 50), c02 partial 10 of 15 (cum 60) → marginal 1250.
// Down: d02 20 (cum 20), d01 partial 5 of 10 (cum 25) → marginal 500.
const EXAMPLE: CapacityBid[] = [
  bid('c01', 'a', 'up', 20, 1000),
  bid('c02', 'b', 'up', 15, 1250),
  bid('c03', 'c', 'up', 30, 900),
  bid('c04', 'd', 'up', 10, 1250),
  bid('c05', 'e', 'up', 40, 2000),
  bid('d01', 'a', 'down', 10, 500),
  bid('d02', 'b', 'down', 20, 300),
  bid('d03', 'c', 'down', 20, 800),
];

describe('capacity auction: worked example under both pricing rules', () => {
  const cases: {
    pricing: CapacityPricing;
    up: (string | number)[][];
    down: (string | number)[][];
    total: number;
  }[] = [
    {
      pricing: 'pay-as-bid',
      // c03: 30 × 900 × 400 = 10 800 000 (= 108 EUR = 3 MW × 9 EUR/MW/h × 4 h)
      // c01: 20 × 1000 × 400 = 8 000 000; c02: 10 × 1250 × 400 = 5 000 000
      up: [
        ['c03', 30, 900, 10_800_000],
        ['c01', 20, 1000, 8_000_000],
        ['c02', 10, 1250, 5_000_000],
      ],
      // d02: 20 × 300 × 400 = 2 400 000; d01: 5 × 500 × 400 = 1 000 000
      down: [
        ['d02', 20, 300, 2_400_000],
        ['d01', 5, 500, 1_000_000],
      ],
      total: 27_200_000,
    },
    {
      pricing: 'pay-as-cleared',
      // everyone at 1250: 30 × 1250 × 400 = 15 000 000; 20 × … = 10 000 000; 10 × … = 5 000 000
      up: [
        ['c03', 30, 1250, 15_000_000],
        ['c01', 20, 1250, 10_000_000],
        ['c02', 10, 1250, 5_000_000],
      ],
      // everyone at 500: 20 × 500 × 400 = 4 000 000; 5 × 500 × 400 = 1 000 000
      down: [
        ['d02', 20, 500, 4_000_000],
        ['d01', 5, 500, 1_000_000],
      ],
      total: 35_000_000,
    },
  ];

  it.each(cases)('$pricing', ({ pricing, up, down, total }) => {
    const auction = new CapacityAuction({ pricing });
    for (const b of EXAMPLE) expect(auction.submit(b).accepted).toBe(true);
    const result = auction.clear(demand(2, 60, 25));
    expect(awardRows(result, 'up')).toStrictEqual(up);
    expect(awardRows(result, 'down')).toStrictEqual(down);
    expect(result.totalPaymentCashUnits).toBe(total);
    expect(productResult(result, 2, 'up')).toMatchObject({
      demandLots: 60,
      awardedLots: 60,
      unmetLots: 0,
      clearingPriceTicks: 1250,
    });
    expect(productResult(result, 2, 'down')).toMatchObject({
      demandLots: 25,
      awardedLots: 25,
      unmetLots: 0,
      clearingPriceTicks: 500,
    });
    const c02 = result.awards.find((a) => a.bidId === 'c02')!;
    expect(c02).toMatchObject({ offeredLots: 15, awardedLots: 10, partial: true, bidPriceTicks: 1250 });
    // Other products had no demand and no bids.
    expect(result.products).toHaveLength(12);
    expect(result.products.filter((p) => p.product !== 2).every((p) => p.awards.length === 0)).toBe(true);
  });

  it('skips an indivisible bid that does not fit and tries the next one', () => {
    // c02 indivisible: c03 30 + c01 20 = 50; c02 (15 > 10 left) skipped; c04 10 fits → 60.
    const bids = EXAMPLE.map((b) => (b.bidId === 'c02' ? { ...b, divisible: false } : b));
    const result = clearCapacityAuction(bids, demand(2, 60, 0), 'pay-as-bid');
    expect(awardRows(result, 'up')).toStrictEqual([
      ['c03', 30, 900, 10_800_000],
      ['c01', 20, 1000, 8_000_000],
      ['c04', 10, 1250, 5_000_000],
    ]);
    expect(productResult(result, 2, 'up').clearingPriceTicks).toBe(1250);
  });

  it('an indivisible bid that fits exactly is accepted in full', () => {
    const bids = [bid('x1', 'a', 'up', 10, 100, { divisible: false }), bid('x2', 'b', 'up', 10, 200)];
    const result = clearCapacityAuction(bids, demand(2, 10, 0));
    expect(awardRows(result, 'up')).toStrictEqual([['x1', 10, 100, 400_000]]);
  });

  it('breaks price ties by bidId, whatever the submission order', () => {
    const bids = [
      bid('t2', 'b', 'up', 10, 700),
      bid('t1', 'a', 'up', 10, 700),
      bid('t3', 'c', 'up', 10, 700),
    ];
    const forward = clearCapacityAuction(bids, demand(2, 15, 0));
    const backward = clearCapacityAuction([...bids].reverse(), demand(2, 15, 0));
    expect(awardRows(forward, 'up')).toStrictEqual([
      ['t1', 10, 700, 2_800_000],
      ['t2', 5, 700, 1_400_000],
    ]);
    expect(backward).toStrictEqual(forward);
  });

  it('reports unmet demand when bids run out; the clearing price is the last accepted bid', () => {
    const result = clearCapacityAuction(
      [bid('u1', 'a', 'up', 30, 450)],
      demand(2, 100, 10),
      'pay-as-cleared',
    );
    expect(productResult(result, 2, 'up')).toMatchObject({
      awardedLots: 30,
      unmetLots: 70,
      clearingPriceTicks: 450,
    });
    expect(productResult(result, 2, 'down')).toMatchObject({
      awardedLots: 0,
      unmetLots: 10,
      clearingPriceTicks: null,
      awards: [],
    });
  });

  it('clears up and down, and each product, separately', () => {
    const bids = [
      bid('p0u', 'a', 'up', 10, 100, { product: 0 }),
      bid('p0d', 'a', 'down', 10, 50, { product: 0 }),
      bid('p5u', 'b', 'up', 10, 900, { product: 5 }),
    ];
    const d: CapacityDemand = { up: [5, 0, 0, 0, 0, 10], down: [10, 0, 0, 0, 0, 0] };
    const result = clearCapacityAuction(bids, d);
    expect(result.awards.map((a) => [a.bidId, a.product, a.direction, a.awardedLots])).toStrictEqual([
      ['p0u', 0, 'up', 5],
      ['p0d', 0, 'down', 10],
      ['p5u', 5, 'up', 10],
    ]);
    expect(awardedCapacityLots(result.awards, 'a', 0)).toStrictEqual({ up: 5, down: 10 });
    expect(awardedCapacityLots(result.awards, 'a', 5)).toStrictEqual({ up: 0, down: 0 });
  });

  it('a zero price is valid and pays nothing', () => {
    const result = clearCapacityAuction([bid('z', 'a', 'up', 10, 0)], demand(2, 10, 0));
    expect(result.awards[0]).toMatchObject({ awardedLots: 10, paymentCashUnits: 0 });
  });

  it('capacityPaymentCashUnits: 1 MW at 10 EUR/MW/h for 4 h is 40 EUR', () => {
    expect(capacityPaymentCashUnits(10, 1000)).toBe(40 * 100_000);
  });
});

describe('capacity auction: validation', () => {
  const good = bid('ok', 'a', 'up', 10, 1000);
  const cases: [string, Partial<CapacityBid>, string, string, string][] = [
    ['empty bidId', { bidId: '' }, 'BID_ID_INVALID', 'bidId', 'a non-empty string'],
    ['product 6', { product: 6 }, 'PRODUCT_OUT_OF_RANGE', 'product', '>= 0 and <= 5'],
    ['product -1', { product: -1 }, 'PRODUCT_OUT_OF_RANGE', 'product', '>= 0 and <= 5'],
    ['product 1.5', { product: 1.5 }, 'PRODUCT_OUT_OF_RANGE', 'product', '>= 0 and <= 5'],
    ['direction', { direction: 'sideways' as never }, 'DIRECTION_INVALID', 'direction', "'up' or 'down'"],
    ['zero quantity', { quantityLots: 0 }, 'QUANTITY_INVALID', 'quantityLots', '>= 1 and <= 100000'],
    ['negative quantity', { quantityLots: -5 }, 'QUANTITY_INVALID', 'quantityLots', '>= 1 and <= 100000'],
    ['fractional quantity', { quantityLots: 2.5 }, 'QUANTITY_INVALID', 'quantityLots', '>= 1 and <= 100000'],
    ['huge quantity', { quantityLots: 100_001 }, 'QUANTITY_INVALID', 'quantityLots', '>= 1 and <= 100000'],
    [
      'negative price',
      { capacityPriceTicks: -1 },
      'PRICE_OUT_OF_RANGE',
      'capacityPriceTicks',
      '>= 0 and <= 9999999',
    ],
    [
      'price above max',
      { capacityPriceTicks: 10_000_000 },
      'PRICE_OUT_OF_RANGE',
      'capacityPriceTicks',
      '>= 0 and <= 9999999',
    ],
    [
      'NaN price',
      { capacityPriceTicks: Number.NaN },
      'PRICE_OUT_OF_RANGE',
      'capacityPriceTicks',
      '>= 0 and <= 9999999',
    ],
    [
      'divisible',
      { divisible: 'yes' as never },
      'DIVISIBLE_INVALID',
      'divisible',
      'true, false or absent (= true)',
    ],
  ];

  it.each(cases)('%s → %s', (_name, override, code, field, limit) => {
    const auction = new CapacityAuction();
    const res = auction.submit({ ...good, ...override });
    expect(res.accepted).toBe(false);
    const rejection = (res as { rejection: BalancingRejection }).rejection;
    expect(rejection).toMatchObject({ code, field, limit, agentId: 'a' });
    expect(rejection.message).toContain(field);
    expect(auction.bids()).toHaveLength(0);
  });

  it('names every bad field of one bid, the first as code, field and limit', () => {
    const auction = new CapacityAuction();
    const res = auction.submit({
      ...good,
      bidId: '',
      product: 6,
      direction: 'sideways' as never,
      quantityLots: 0,
      capacityPriceTicks: -1,
      divisible: 'yes' as never,
    });
    const rejection = (res as { rejection: BalancingRejection }).rejection;
    expect(rejection).toMatchObject({ code: 'BID_ID_INVALID', field: 'bidId', limit: 'a non-empty string' });
    expect(rejection.also?.map((r) => [r.code, r.field])).toEqual([
      ['PRODUCT_OUT_OF_RANGE', 'product'],
      ['DIRECTION_INVALID', 'direction'],
      ['QUANTITY_INVALID', 'quantityLots'],
      ['PRICE_OUT_OF_RANGE', 'capacityPriceTicks'],
      ['DIVISIBLE_INVALID', 'divisible'],
    ]);
    const [head, rest] = rejection.message.split('; also: ');
    expect(head).toBe('bidId must be a non-empty string; got ""');
    expect(rest).toBe(rejection.also?.map((r) => r.message).join('; '));
    expect(auction.bids()).toHaveLength(0);
  });

  it('has no `also` when one field is bad', () => {
    const res = new CapacityAuction().submit({ ...good, quantityLots: 0 });
    expect((res as { rejection: BalancingRejection }).rejection.also).toBeUndefined();
  });

  it('accepts the limits themselves', () => {
    const auction = new CapacityAuction();
    expect(auction.submit({ ...good, bidId: 'lo', capacityPriceTicks: 0, quantityLots: 1 }).accepted).toBe(
      true,
    );
    expect(
      auction.submit({
        ...good,
        bidId: 'hi',
        capacityPriceTicks: 9_999_999,
        quantityLots: 100_000,
        product: 5,
      }).accepted,
    ).toBe(true);
  });

  it('honours a configured price cap', () => {
    const auction = new CapacityAuction({ priceMaxTicks: 50_000 });
    const res = auction.submit({ ...good, capacityPriceTicks: 50_001 });
    expect(res).toMatchObject({
      accepted: false,
      rejection: { code: 'PRICE_OUT_OF_RANGE', limit: '>= 0 and <= 50000' },
    });
  });

  it('rejects a duplicate bid id and keeps the first bid', () => {
    const auction = new CapacityAuction();
    expect(auction.submit(good).accepted).toBe(true);
    const res = auction.submit({ ...good, agentId: 'b', quantityLots: 99 });
    expect(res).toMatchObject({
      accepted: false,
      rejection: { code: 'DUPLICATE_BID', field: 'bidId', bidId: 'ok' },
    });
    expect(auction.bids()).toStrictEqual([{ ...good, divisible: true }]);
  });

  it('rejects submits after close() with GATE_CLOSED and keeps what was accepted', () => {
    const auction = new CapacityAuction();
    auction.submit(good);
    auction.close();
    expect(auction.closed).toBe(true);
    const res = auction.submit({ ...good, bidId: 'late' });
    expect(res).toMatchObject({
      accepted: false,
      rejection: {
        code: 'GATE_CLOSED',
        bidId: 'late',
        limit: 'submitted before the capacity auction gate closes',
      },
    });
    const result = auction.clear(demand(2, 10, 0));
    expect(result.awards.map((a) => a.bidId)).toStrictEqual(['ok']);
  });

  it('clear() closes the gate and runs only once', () => {
    const auction = new CapacityAuction();
    auction.clear(demand(2, 10, 0));
    expect(auction.submit(good)).toMatchObject({ accepted: false, rejection: { code: 'GATE_CLOSED' } });
    expect(() => auction.clear(demand(2, 10, 0))).toThrow(/already cleared/);
  });

  it('treats a missing agentId, bad demand or bad config as caller bugs', () => {
    expect(() => new CapacityAuction().submit({ ...good, agentId: '' })).toThrow(TypeError);
    expect(() => clearCapacityAuction([], { up: [1, 2, 3], down: [0, 0, 0, 0, 0, 0] })).toThrow(RangeError);
    expect(() => clearCapacityAuction([], { up: [0, 0, 0, 0, 0, -1], down: [0, 0, 0, 0, 0, 0] })).toThrow(
      RangeError,
    );
    expect(() => new CapacityAuction({ pricing: 'vickrey' as never })).toThrow(RangeError);
    expect(() => clearCapacityAuction([good, good], demand(2, 1, 0))).toThrow(/duplicate/);
  });
});
