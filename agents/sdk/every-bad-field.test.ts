// An action (or a hello) with several bad fields is one typed error that names them all: field,
// limit and reason are the first's, `also` the others', and the message lists them after the first
// ("…; also: …"), as the door's rejection does. The builders and checkHello stopped at the first.
// The builders check the arena's limits of ids and client_ref (useArenaLimits, from the Welcome's
// MarketSpec), the default where an arena does not say.
import { afterEach, describe, expect, it } from 'vitest';
import {
  arenaLimits,
  auctionCurve,
  cancelAuctionBid,
  capacityBid,
  submit,
  useArenaLimits,
} from './actions.js';
import { ActionBuildError, HelloError } from './errors.js';
import { checkHello } from './hello-fields.js';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

afterEach(() => useArenaLimits(undefined));

describe('the builders name every bad field', () => {
  it('submit: the first as field and limit, the others in the door order', () => {
    const e = thrown(() =>
      submit({
        clientRef: 'r'.repeat(65),
        productId: '',
        side: 'Buy' as 'buy',
        priceTicks: 100,
        quantityLots: 1,
        tif: 'ioc' as 'IOC',
        aon: 'no' as unknown as boolean,
      }),
    ) as ActionBuildError;
    expect(e).toBeInstanceOf(ActionBuildError);
    expect([e.field, e.limit]).toEqual(['client_ref', 'at most 64 bytes of UTF-8']);
    expect(e.also.map((f) => f.field)).toEqual([
      'submit.product_id',
      'submit.side',
      'submit.time_in_force',
      'submit.restriction',
    ]);
    const [head, rest] = e.message.split('; also: ');
    expect(head).toBe(`client_ref: "${'r'.repeat(65)}" is 65 bytes (limit: at most 64 bytes of UTF-8)`);
    expect(rest).toBe(
      'submit.product_id: "" is empty (limit: a non-empty string of at most 64 bytes of UTF-8); ' +
        "submit.side: \"Buy\" is not one of buy, sell (limit: 'buy' | 'sell'); " +
        "submit.time_in_force: \"ioc\" is not one of GTC, IOC, FOK (limit: 'GTC' | 'IOC' | 'FOK'); " +
        'submit.restriction: "no" is not a boolean (limit: true | false)',
    );
  });

  it('an auction bid, a cancel and a capacity bid', () => {
    const curve = thrown(() => auctionCurve('', 'b 1', 3, [], 'cubic' as 'step')) as ActionBuildError;
    expect([curve.field, ...curve.also.map((f) => f.field)]).toEqual([
      'auction_bid.auction_id',
      'auction_bid.bid_id',
      'auction_bid.curve.interpolation',
    ]);
    const cancel = thrown(() => cancelAuctionBid('\uD800', 'x'.repeat(65))) as ActionBuildError;
    expect([cancel.field, ...cancel.also.map((f) => f.field)]).toEqual([
      'cancel_auction_bid.auction_id',
      'cancel_auction_bid.bid_id',
    ]);
    const cap = thrown(() =>
      capacityBid(42 as unknown as string, 'sideways' as 'up', 1, 1, 1 as unknown as boolean),
    );
    expect([(cap as ActionBuildError).field, ...(cap as ActionBuildError).also.map((f) => f.field)]).toEqual([
      'capacity_bid.product_id',
      'capacity_bid.direction',
      'capacity_bid.indivisible',
    ]);
  });

  it('one bad field: the error as before, with no others', () => {
    const e = thrown(() =>
      submit({ productId: 'qh-1', side: 'sell', priceTicks: 1, quantityLots: 1, tif: 'DAY' as 'GTC' }),
    ) as ActionBuildError;
    expect(e.also).toEqual([]);
    expect(e.message).toBe(
      `submit.time_in_force: "DAY" is not one of GTC, IOC, FOK (limit: 'GTC' | 'IOC' | 'FOK')`,
    );
  });
});

describe('checkHello names every bad field', () => {
  it('strategy, sdk_name and last_report_seq in one HelloError', () => {
    const e = thrown(() =>
      checkHello({ strategy: 7, sdkName: 'sdk\uDC00', lastReportSeq: -1 } as never, {
        strategy: 'Strategy.name',
        sdkName: 'sdkName',
      }),
    ) as HelloError;
    expect(e).toBeInstanceOf(HelloError);
    expect(e.field).toBe('hello.strategy');
    expect(e.also.map((f) => f.field)).toEqual(['hello.sdk_name', 'hello.last_report_seq']);
    expect(e.message).toMatch(
      /^hello\.strategy: Strategy\.name is a number, not a string \(limit: .*\); also: hello\.sdk_name: sdkName "sdk\\udc00" holds a lone surrogate \(limit: .*\); hello\.last_report_seq: lastReportSeq -1 is not one \(limit: .*\)$/,
    );
  });
});

describe('the builders check the limits of ids and client_ref the arena states', () => {
  const order = (productId: string, clientRef = '') =>
    submit({ productId, side: 'buy', priceTicks: 1, quantityLots: 1, clientRef });

  it('a larger limit admits a longer id; a smaller one refuses it in its words', () => {
    const id = `qh-${'9'.repeat(97)}`; // 100 bytes
    expect((thrown(() => order(id)) as ActionBuildError).limit).toBe('at most 64 bytes of UTF-8');
    useArenaLimits({ maxIdBytes: 128, maxClientRefBytes: 8 });
    expect(arenaLimits()).toEqual({ idBytes: 128, clientRefBytes: 8, curvePoints: 200 });
    expect(order(id).kind?.value).toMatchObject({ productId: id });
    const ref = thrown(() => order(id, 'ref-123456')) as ActionBuildError;
    expect([ref.field, ref.limit, ref.also]).toEqual(['client_ref', 'at most 8 bytes of UTF-8', []]);
    useArenaLimits({ maxIdBytes: 16, maxClientRefBytes: 16 });
    expect((thrown(() => order('qh-20261122-00150')) as ActionBuildError).limit).toBe(
      'at most 16 bytes of UTF-8',
    );
  });

  it('0 or no MarketSpec (an arena from before the fields): the default, 64', () => {
    useArenaLimits({ maxIdBytes: 0, maxClientRefBytes: 0, maxCurvePoints: 0 });
    expect(arenaLimits()).toEqual({ idBytes: 64, clientRefBytes: 64, curvePoints: 200 });
    useArenaLimits({ maxIdBytes: 10, maxClientRefBytes: 10, maxCurvePoints: 3 });
    useArenaLimits(undefined);
    expect(arenaLimits()).toEqual({ idBytes: 64, clientRefBytes: 64, curvePoints: 200 });
  });
});

describe('auctionCurve checks the number of points against the limit the arena states', () => {
  afterEach(() => useArenaLimits(undefined));
  const points = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ priceTicks: 100 * i, quantityLots: n - i }));

  it("refuses more points than the door's default, 200, in the door's words", () => {
    expect(auctionCurve('da-20261122', 'b1', 0, points(200)).kind?.$case).toBe('auctionBid');
    const e = thrown(() => auctionCurve('da-20261122', 'b1', 0, points(201))) as ActionBuildError;
    expect(e).toBeInstanceOf(ActionBuildError);
    expect([e.field, e.limit, e.reason]).toEqual([
      'auction_bid.curve.points',
      'at most 200 points',
      '201 points',
    ]);
  });

  it("checks the arena's own limit, named with the other bad fields", () => {
    useArenaLimits({ maxCurvePoints: 4 });
    expect(arenaLimits().curvePoints).toBe(4);
    expect(auctionCurve('da-20261122', 'b1', 0, points(4)).kind?.$case).toBe('auctionBid');
    const e = thrown(() => auctionCurve('da-20261122', 'b 1', 0, points(5))) as ActionBuildError;
    expect([e.field, ...e.also.map((f) => f.field)]).toEqual([
      'auction_bid.bid_id',
      'auction_bid.curve.points',
    ]);
    expect(e.also[0]?.limit).toBe('at most 4 points');
    useArenaLimits({ maxCurvePoints: 300 });
    expect(auctionCurve('da-20261122', 'b1', 0, points(300)).kind?.$case).toBe('auctionBid');
  });

  it('refuses points that are not a list', () => {
    const e = thrown(() =>
      auctionCurve(
        'da-20261122',
        'b1',
        0,
        'none' as unknown as { priceTicks: number; quantityLots: number }[],
      ),
    ) as ActionBuildError;
    expect([e.field, e.limit]).toEqual(['auction_bid.curve.points', 'a list of points']);
  });
});
