// A bid that breaks several independent rules gets one rejection naming them all: code, field and
// limit are the first's (the one a check that stopped at the first gave), `also` the others', and
// the message lists them after it ("…; also: …"), as the core's door does for an action's fields.
// Rules between values (a block's last period after its first, prices rising along a curve) are
// checked only between values that passed their own checks. validateBid stopped at the first.
import { describe, expect, it } from 'vitest';
import { block, curve } from './test-helpers.js';
import { type AuctionBid, type AuctionConfig, defaultAuctionConfig } from './types.js';
import { AuctionBook, validateBid } from './validate-bid.js';

const config: AuctionConfig = { ...defaultAuctionConfig(4), maxQuantityLots: 1000, maxCurvePoints: 5 };

describe('validateBid names every rule a bid breaks', () => {
  it('a block: side, first period, price and quantity', () => {
    const bid = { ...block('k', 'buy', 9, 2, 400_001, 0), side: 'long' } as unknown as AuctionBid;
    const r = validateBid(config, bid)!;
    expect([r.code, r.field]).toEqual(['INVALID_FIELD', 'side']);
    expect(r.also?.map((x) => [x.code, x.field])).toEqual([
      ['PERIOD_OUT_OF_RANGE', 'firstPeriod'],
      ['PRICE_OUT_OF_RANGE', 'priceTicks'],
      ['QUANTITY_INVALID', 'quantityLots'],
    ]);
    expect(r.message).toBe(
      `side must be 'buy' or 'sell'; got "long"; also: firstPeriod must be an integer >= 0 and <= 3; got 9; ` +
        'priceTicks must be an integer >= -50000 and <= 400000; got 400001; ' +
        'quantityLots must be an integer >= 1 and <= 1000; got 0',
    );
  });

  it('a block whose last period is before its first: the order, when the first passed', () => {
    const r = validateBid(config, block('k', 'buy', 2, 1, 400_001, 5))!;
    expect([r.field, ...(r.also ?? []).map((x) => x.field)]).toEqual(['lastPeriod', 'priceTicks']);
    expect(r.limit).toBe('>= 2 and <= 3');
  });

  it('a curve: period, interpolation and each point, order only between good values', () => {
    const bid = curve(
      'c',
      7,
      [
        [0, 1],
        [400_001, 0],
        [10, 5],
        [5, 2000],
      ],
      'cubic' as 'step',
    );
    const r = validateBid(config, bid)!;
    expect([r.code, r.field]).toEqual(['PERIOD_OUT_OF_RANGE', 'period']);
    expect(r.also?.map((x) => [x.code, x.field])).toEqual([
      ['INVALID_FIELD', 'interpolation'],
      ['PRICE_OUT_OF_RANGE', 'points[1].priceTicks'],
      // Point 2's price is not compared with point 1's, which is out of range.
      ['CURVE_NOT_MONOTONE', 'points[2].quantityLots'],
      ['QUANTITY_INVALID', 'points[3].quantityLots'],
      ['CURVE_NOT_MONOTONE', 'points[3].priceTicks'],
    ]);
    expect(r.message.split('; also: ')).toHaveLength(2);
  });

  it('one broken rule: the rejection as before, without also', () => {
    const r = validateBid(config, block('k', 'buy', 0, 3, 400_001, 5))!;
    expect(r).toEqual({
      code: 'PRICE_OUT_OF_RANGE',
      field: 'priceTicks',
      limit: '>= -50000 and <= 400000',
      message: 'priceTicks must be an integer >= -50000 and <= 400000; got 400001',
    });
  });
});

describe("the book names a bid id already live after the bid's own rules", () => {
  it('a duplicate that breaks other rules: those first, the duplicate in also; alone: as before', () => {
    const book = new AuctionBook(config);
    expect(book.submit(block('k', 'buy', 0, 3, 1_000, 5))).toEqual({ ok: true });
    const bad = book.submit(block('k', 'buy', 0, 3, 400_001, 0));
    expect(bad.ok).toBe(false);
    const r = (bad as { rejection: NonNullable<ReturnType<typeof validateBid>> }).rejection;
    expect([r.code, r.field]).toEqual(['PRICE_OUT_OF_RANGE', 'priceTicks']);
    expect(r.also?.map((x) => [x.code, x.field])).toEqual([
      ['QUANTITY_INVALID', 'quantityLots'],
      ['DUPLICATE_BID_ID', 'bidId'],
    ]);
    expect(r.message).toMatch(
      /; also: quantityLots must be .*; bidId "k" must be unique among the live bids of this auction$/,
    );
    expect(book.submit(block('k', 'buy', 0, 3, 1_000, 5))).toEqual({
      ok: false,
      rejection: {
        code: 'DUPLICATE_BID_ID',
        field: 'bidId',
        limit: 'unique among the live bids of this auction',
        message: 'bidId "k" must be unique among the live bids of this auction',
      },
    });
  });
});
