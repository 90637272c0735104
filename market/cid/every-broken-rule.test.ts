// A CID order that breaks several rules is refused once, naming every one: code, field and limit
// are the first's (what a check that stopped there gave, which tapes and agents rely on), the
// others are in `also` and in the message after "; also: ", as the door's, the auction's and the
// balancing markets' rejections. Before, the market named only the first.
import { describe, expect, it } from 'vitest';
import type { RejectedEvent } from '../types.js';
import { CidMarket } from './cid-market.js';
import { applyRaw, buy, config, GATE, modify, openMarket, P1, P2, run, T } from './test-helpers.js';

const rules = (r: RejectedEvent) => [[r.code, r.field], ...(r.also ?? []).map((x) => [x.code, x.field])];

describe('a CID order breaking several rules', () => {
  it('names each after the first: unknown product, peak above the quantity, an iceberg neither GTC nor without AON', () => {
    const market = openMarket();
    const order = buy('a', 5000, 5, { productId: 'nope', tif: 'IOC', restriction: 'AON', peakLots: 9 });
    const [r] = run(market, order) as RejectedEvent[];
    expect(r).toMatchObject({ type: 'rejected', code: 'UNKNOWN_PRODUCT', field: 'productId' });
    expect(r!.limit).toBe('a configured product id');
    expect(rules(r!)).toEqual([
      ['UNKNOWN_PRODUCT', 'productId'],
      ['PEAK_INVALID', 'peakLots'],
      ['ICEBERG_NOT_ALLOWED', 'tif'],
      ['ICEBERG_NOT_ALLOWED', 'restriction'],
    ]);
    expect(r!.message).toBe(
      'productId "nope" is not a configured product id; also: ' +
        "peakLots must be an integer >= 1 and <= 5 (the order's quantityLots); got 9; " +
        `tif must be 'GTC' for an iceberg order (peakLots is set); got "IOC"; ` +
        `restriction must be 'NONE' for an iceberg order (peakLots is set); got "AON"`,
    );
    // Each of the others is a rejection of its own, worded as if it were the only one.
    expect(r!.also![0]).toMatchObject({ code: 'PEAK_INVALID', limit: '>= 1 and <= 5', agentId: 'a' });
  });

  it('names the window after the order’s own fields, and stays one rule where there is one', () => {
    const market = new CidMarket(config());
    const late = buy('a', 5000, 10, { peakLots: 3, restriction: 'AON', time: GATE + 1 });
    const [r] = run(market, late) as RejectedEvent[];
    expect(rules(r!)).toEqual([
      ['ICEBERG_NOT_ALLOWED', 'restriction'],
      ['GATE_CLOSED', 'time'],
    ]);
    const [single] = run(market, buy('a', 5000, 10, { time: GATE + 2 })) as RejectedEvent[];
    expect(single).toMatchObject({ code: 'GATE_CLOSED', field: 'time' });
    expect(single).not.toHaveProperty('also');
    expect(single!.message).not.toContain('; also: ');
  });

  it('names a modify’s price, quantity and window, an unknown order’s price and quantity', () => {
    const market = openMarket();
    const [accepted] = run(market, buy('a', 5000, 4, { productId: P2 }));
    const orderId = (accepted as { orderId: number }).orderId;
    const [own] = run(market, modify('a', orderId, 999_901, 0, T + 1)) as RejectedEvent[];
    expect(rules(own!)).toEqual([
      ['PRICE_OUT_OF_RANGE', 'priceTicks'],
      ['QUANTITY_INVALID', 'quantityLots'],
    ]);
    const [unknown] = run(market, modify('a', 999, 999_901, 2.5, T + 2)) as RejectedEvent[];
    expect(rules(unknown!)).toEqual([
      ['UNKNOWN_ORDER', 'orderId'],
      ['PRICE_OUT_OF_RANGE', 'priceTicks'],
      ['QUANTITY_INVALID', 'quantityLots'],
    ]);
    const [closed] = run(market, modify('a', orderId, -999_901, 3, GATE + 3_600_000)) as RejectedEvent[];
    expect(rules(closed!)).toEqual([
      ['PRICE_OUT_OF_RANGE', 'priceTicks'],
      ['GATE_CLOSED', 'time'],
    ]);
  });

  it('says the same through the low-level entry points (eventsOf)', () => {
    const order = buy('a', 5000, 5, { productId: P1, tif: 'FOK', peakLots: 0, time: GATE });
    const [viaApply] = run(openMarket(), order) as RejectedEvent[];
    const [viaRaw] = applyRaw(openMarket(), order) as RejectedEvent[];
    expect(rules(viaApply!)).toEqual([
      ['PEAK_INVALID', 'peakLots'],
      ['ICEBERG_NOT_ALLOWED', 'tif'],
      ['GATE_CLOSED', 'time'],
    ]);
    expect(viaRaw).toStrictEqual(viaApply);
  });
});
