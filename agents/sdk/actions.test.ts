import { describe, expect, it } from 'vitest';
import { ExecutionRestriction, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import {
  auctionBlock,
  auctionCurve,
  cancel,
  cancelAuctionBid,
  capacityBid,
  energyBid,
  modify,
  priceTicks,
  quantityLots,
  submit,
} from './actions.js';
import { ActionBuildError, AgentSdkError } from './errors.js';

function buildError(fn: () => unknown): ActionBuildError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ActionBuildError);
    expect(err).toBeInstanceOf(AgentSdkError);
    return err as ActionBuildError;
  }
  throw new Error('expected an ActionBuildError');
}

describe('priceTicks', () => {
  it('converts EUR/MWh to ticks of 0.01 exactly', () => {
    expect(priceTicks(80)).toBe(8000);
    expect(priceTicks(80.25)).toBe(8025);
    expect(priceTicks(-9999)).toBe(-999_900);
    expect(priceTicks(9999)).toBe(999_900);
    expect(priceTicks(0)).toBe(0);
    expect(priceTicks(0.01)).toBe(1);
    // Binary floating point noise is not an off-grid value.
    expect(priceTicks(0.1 + 0.2)).toBe(30);
    expect(priceTicks(1.15)).toBe(115); // 1.15 × 100 = 114.99999999999999
    expect(priceTicks(4.35)).toBe(435);
  });

  it('refuses off-grid and non-finite prices, naming the field and the grid', () => {
    const e = buildError(() => priceTicks(80.125));
    expect(e.field).toBe('price');
    expect(e.limit).toBe('multiple of 0.01 EUR/MWh');
    expect(e.message).toContain('price');
    expect(e.message).toContain('80.125');
    expect(buildError(() => priceTicks(12.3456, 'bid')).field).toBe('bid');
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(buildError(() => priceTicks(bad)).field).toBe('price');
  });

  it('refuses prices and quantities too large to be an exact count of ticks or lots', () => {
    // 1e20 EUR/MWh was 1e22 "ticks": a float the wire then refused with a bare "invalid int64".
    const e = buildError(() => priceTicks(1e20));
    expect(e.field).toBe('price');
    expect(e.limit).toBe('at most 90071992547409 EUR/MWh in magnitude');
    expect(buildError(() => priceTicks(-1e20)).field).toBe('price');
    expect(buildError(() => quantityLots(1e17, 'qty')).limit).toBe('at most 900719925474099 MW in magnitude');
    expect(priceTicks(90_071_992_547_409)).toBe(9_007_199_254_740_900);
  });
});

describe('quantityLots', () => {
  it('converts MW to lots of 0.1 exactly', () => {
    expect(quantityLots(0.1)).toBe(1);
    expect(quantityLots(1)).toBe(10);
    expect(quantityLots(12.3)).toBe(123);
    expect(quantityLots(0.7)).toBe(7);
    expect(quantityLots(0.1 * 3)).toBe(3);
  });

  it('refuses off-grid quantities with the lot grid as the limit', () => {
    const e = buildError(() => quantityLots(1.25));
    expect(e.field).toBe('quantity');
    expect(e.limit).toBe('multiple of 0.1 MW');
    expect(e.message).toContain('1.25');
    expect(buildError(() => quantityLots(0.05, 'size')).field).toBe('size');
    expect(buildError(() => quantityLots(Number.NaN)).field).toBe('quantity');
  });

  it('refuses zero and negative quantities with >= 0.1 MW as the limit', () => {
    for (const mw of [0, -0.1, -5]) {
      const e = buildError(() => quantityLots(mw));
      expect(e.field).toBe('quantity');
      expect(e.limit).toBe('>= 0.1 MW');
    }
  });
});

describe('action builders', () => {
  it('submit builds a protocol submit with GTC and an empty client ref by default', () => {
    expect(submit({ productId: 'qh-20261122-1200', side: 'buy', priceTicks: 8000, quantityLots: 5 })).toEqual(
      {
        clientRef: '',
        kind: {
          $case: 'submit',
          value: {
            productId: 'qh-20261122-1200',
            side: Side.SIDE_BUY,
            priceTicks: 8000,
            quantityLots: 5,
            timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
            restriction: ExecutionRestriction.EXECUTION_RESTRICTION_NONE,
            peakLots: 0,
          },
        },
      },
    );
  });

  it('submit maps side and time in force', () => {
    const a = submit({
      productId: 'p',
      side: 'sell',
      priceTicks: -100,
      quantityLots: 1,
      tif: 'IOC',
      clientRef: 'x',
    });
    expect(a.clientRef).toBe('x');
    expect(a.kind?.$case).toBe('submit');
    if (a.kind?.$case !== 'submit') throw new Error('unreachable');
    expect(a.kind.value.side).toBe(Side.SIDE_SELL);
    expect(a.kind.value.timeInForce).toBe(TimeInForce.TIME_IN_FORCE_IOC);
    const fok = submit({ productId: 'p', side: 'buy', priceTicks: 1, quantityLots: 1, tif: 'FOK' });
    expect(fok.kind?.$case === 'submit' && fok.kind.value.timeInForce).toBe(TimeInForce.TIME_IN_FORCE_FOK);
  });

  it('cancel and modify carry the order id, price and quantity', () => {
    expect(cancel(42)).toEqual({ clientRef: '', kind: { $case: 'cancel', value: { orderId: 42 } } });
    expect(cancel(42, 'c')).toEqual({ clientRef: 'c', kind: { $case: 'cancel', value: { orderId: 42 } } });
    expect(modify(7, 8100, 3)).toEqual({
      clientRef: '',
      kind: { $case: 'modify', value: { orderId: 7, priceTicks: 8100, quantityLots: 3 } },
    });
    expect(modify(7, 8100, 3, 'm').clientRef).toBe('m');
  });
});

describe('action builders: named choices from plain JavaScript', () => {
  // The types allow only the listed strings, but a plain JavaScript agent can pass anything: 'Buy'
  // used to build a sell, 'Up' a down bid, 'Linear' a step curve, and a tif of 'ioc' an order an
  // in-process run took as GTC (its time_in_force undefined). Each is a typed error naming the field.
  const order = { productId: 'qh-20261122-1000', priceTicks: 100, quantityLots: 1 };
  it('refuses a side, tif, direction, interpolation or flag outside its choices', () => {
    const cases: [() => unknown, string, string][] = [
      [() => submit({ ...order, side: 'Buy' as never }), 'submit.side', "'buy' | 'sell'"],
      [
        () => submit({ ...order, side: 'buy', tif: 'ioc' as never }),
        'submit.time_in_force',
        "'GTC' | 'IOC' | 'FOK'",
      ],
      [() => submit({ ...order, side: 'buy', aon: 'no' as never }), 'submit.restriction', 'true | false'],
      [
        () =>
          auctionBlock('da', 'b', {
            side: 'BUY' as never,
            firstPeriod: 0,
            lastPeriod: 1,
            priceTicks: 1,
            quantityLots: 1,
          }),
        'auction_bid.block.side',
        "'buy' | 'sell'",
      ],
      [
        () => auctionCurve('da', 'b', 0, [], 'Linear' as never),
        'auction_bid.curve.interpolation',
        "'step' | 'linear'",
      ],
      [() => capacityBid('afrr-20261122-0', 'Up' as never, 1, 1), 'capacity_bid.direction', "'up' | 'down'"],
      [
        () => capacityBid('afrr-20261122-0', 'up', 1, 1, 1 as never),
        'capacity_bid.indivisible',
        'true | false',
      ],
      [() => energyBid('qh-20261122-1000', 'DOWN' as never, 1, 1), 'energy_bid.direction', "'up' | 'down'"],
    ];
    for (const [build, field, limit] of cases) {
      const e = buildError(build);
      expect([e.field, e.limit]).toEqual([field, limit]);
    }
  });

  it('still maps every listed choice', () => {
    expect(submit({ ...order, side: 'sell', tif: 'FOK', aon: true }).kind).toMatchObject({
      value: { side: Side.SIDE_SELL, timeInForce: TimeInForce.TIME_IN_FORCE_FOK, restriction: 2 },
    });
    expect(energyBid('qh-20261122-1000', 'down', 1, 1).kind).toMatchObject({ value: { direction: 2 } });
    expect(auctionCurve('da', 'b', 0, [], 'linear').kind).toMatchObject({
      value: { bid: { value: { interpolation: 2 } } },
    });
  });
});

describe("action builders: ids and client_ref within the door's 64 bytes of UTF-8", () => {
  // The Python SDK refused these when the action was built; this SDK let them go, so the door
  // rejected them a round trip later (or, in-process, only the tape said so). Same field paths and
  // limits as the door (sim/door/validate-action.ts).
  const order = { side: 'buy', priceTicks: 100, quantityLots: 1 } as const;
  const long = 'p'.repeat(65);
  const euros = '€'.repeat(22); // 66 bytes in 22 UTF-16 units
  const block = { side: 'buy', firstPeriod: 0, lastPeriod: 1, priceTicks: 1, quantityLots: 1 } as const;

  it('refuses an id or client_ref over 64 bytes, naming the proto field and the limit', () => {
    const cases: [() => unknown, string][] = [
      [() => submit({ ...order, productId: long }), 'submit.product_id'],
      [() => submit({ ...order, productId: euros }), 'submit.product_id'],
      [() => submit({ ...order, productId: 'p', clientRef: long }), 'client_ref'],
      [() => cancel(1, euros), 'client_ref'],
      [() => modify(1, 100, 1, long), 'client_ref'],
      [() => auctionCurve(long, 'b', 0, []), 'auction_bid.auction_id'],
      [() => auctionBlock(euros, 'b', block), 'auction_bid.auction_id'],
      [() => cancelAuctionBid(long, 'b'), 'cancel_auction_bid.auction_id'],
      [() => cancelAuctionBid('da', long), 'cancel_auction_bid.bid_id'],
      [() => capacityBid(long, 'up', 1, 1), 'capacity_bid.product_id'],
      [() => energyBid(euros, 'down', 1, 1), 'energy_bid.product_id'],
    ];
    for (const [build, field] of cases) {
      const e = buildError(build);
      expect([e.field, e.limit]).toEqual([field, 'at most 64 bytes of UTF-8']);
    }
    expect(buildError(() => submit({ ...order, productId: euros })).message).toBe(
      `submit.product_id: "${euros}" is 66 bytes (limit: at most 64 bytes of UTF-8)`,
    );
  });

  it('takes exactly 64 bytes, counted in UTF-8 as on the wire', () => {
    const at64 = `${'€'.repeat(21)}p`; // 63 + 1 bytes
    expect(submit({ ...order, productId: at64, clientRef: 'r'.repeat(64) }).clientRef).toBe('r'.repeat(64));
    expect(cancelAuctionBid('d'.repeat(64), 'b'.repeat(64)).kind).toMatchObject({
      value: { auctionId: 'd'.repeat(64) },
    });
  });

  it("refuses an auction bid id outside the door's rule, an empty id, a lone surrogate", () => {
    for (const bad of ['', 'b'.repeat(65), 'bid 1', 'bïd']) {
      const e = buildError(() => auctionCurve('da', bad, 0, []));
      expect([e.field, e.limit]).toEqual([
        'auction_bid.bid_id',
        '1-64 characters: letters, digits, "_", "." or "-"',
      ]);
      expect(buildError(() => auctionBlock('da', bad, block)).field).toBe('auction_bid.bid_id');
    }
    const empty = buildError(() => submit({ ...order, productId: '' }));
    expect([empty.field, empty.limit]).toEqual([
      'submit.product_id',
      'a non-empty string of at most 64 bytes of UTF-8',
    ]);
    const lone = buildError(() => energyBid('qh-\uD83D', 'up', 1, 1));
    expect([lone.field, lone.limit]).toEqual([
      'energy_bid.product_id',
      'valid UTF-8, the encoding of a proto3 string',
    ]);
    expect(lone.message).toContain('U+D83D at index 3');
    const num = buildError(() => submit({ ...order, productId: 42 as never }));
    expect([num.field, num.limit]).toEqual(['submit.product_id', 'a string']);
  });

  it("checks the ids before the bid, in the door's order", () => {
    expect(buildError(() => auctionCurve(long, 'b', 0, [], 'Linear' as never)).field).toBe(
      'auction_bid.auction_id',
    );
    expect(buildError(() => submit({ ...order, productId: long, clientRef: long })).field).toBe('client_ref');
  });
});
