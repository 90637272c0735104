import { describe, expect, it } from 'vitest';
import { Side } from '../../gen/flexarena/v1/market.js';
import { quarterHourId } from '../../lib/product-id.js';
import { MarketMaker, othersBest, quotesFor } from './market-maker.js';
import { HOUR_MS, QH_MS } from './strategy-utils.js';
import {
  batteryAsset,
  book,
  DAY,
  forecasts,
  makeWakeUp,
  makeWelcome,
  order,
  submitsOf,
} from './test-fixtures.js';

const O = { halfSpreadTicks: 200, aversionTicksPerMw: 10, quoteLots: 25, maxInventoryLots: 50 };

describe('quotesFor', () => {
  it('quotes symmetrically around fair when flat', () => {
    expect(quotesFor(8_000, 0, 2, O)).toEqual([
      { side: 'buy', priceTicks: 7_800, lots: 25 },
      { side: 'sell', priceTicks: 8_200, lots: 25 },
    ]);
  });

  it('leans both quotes against inventory, more with more time to the gate', () => {
    // Long 2.5 MW, 2 h to the gate: reservation 10 × 2.5 × 3 = 75 ticks below fair.
    expect(quotesFor(8_000, 25, 2, O).map((q) => q.priceTicks)).toEqual([7_725, 8_125]);
    expect(quotesFor(8_000, -25, 0, O).map((q) => q.priceTicks)).toEqual([7_825, 8_225]);
  });

  it('does not quote the side that would pass the inventory limit', () => {
    expect(quotesFor(8_000, 50, 1, O).map((q) => q.side)).toEqual(['sell']);
    expect(quotesFor(8_000, -40, 1, O)).toEqual([
      { side: 'buy', priceTicks: 7_880, lots: 25 },
      { side: 'sell', priceTicks: 8_280, lots: 10 },
    ]);
  });
});

describe('othersBest', () => {
  it('skips levels that are only this agent own orders', () => {
    const b = book(
      'qh-20261122-1000',
      [
        [7_900, 10],
        [7_800, 10],
      ],
      [
        [8_100, 25],
        [8_200, 10],
      ],
    );
    const own = [order('qh-20261122-1000', Side.SIDE_SELL, 8_100, 25)];
    expect(othersBest(b, own, 'asks')).toBe(8_200);
    expect(othersBest(b, own, 'bids')).toBe(7_900);
  });
});

describe('MarketMaker', () => {
  const NOW = DAY + 9 * HOUR_MS + 15 * 60_000; // not the last wake-up before an hourly issue
  const ids = Array.from({ length: 16 }, (_, k) => quarterHourId(NOW + (k + 1) * QH_MS));
  const wake = (extra = {}) =>
    makeWakeUp({
      timeMs: NOW,
      priceForecasts: forecasts(NOW + QH_MS, Array(16).fill(8_000)),
      books: ids.map((id) => book(id, [[7_950, 10]], [[8_050, 10]])),
      ...extra,
    });

  // Both were floored to whole lots silently: quoteMw 1.25 quoted 1.2 MW, 0.05 quoted 0.1 MW.
  it('refuses quote and inventory sizes off the 0.1 MW lot grid, naming the parameter', () => {
    expect(() => new MarketMaker({ quoteMw: 1.25 })).toThrow(
      'params.quoteMw: must be a multiple of 0.1 MW (one quantity lot)',
    );
    expect(() => new MarketMaker({ maxInventoryMw: 2.55 })).toThrow(
      'params.maxInventoryMw: must be a multiple of 0.1 MW (one quantity lot)',
    );
    expect(() => new MarketMaker({ quoteMw: 0.05 })).toThrow('params.quoteMw');
    expect(new MarketMaker({ quoteMw: 1.2, maxInventoryMw: 2.5 }).params).toMatchObject({
      quoteMw: 1.2,
      maxInventoryMw: 2.5,
    });
  });

  // It was rounded to a tick silently: 0.125 EUR/MWh per MW skewed quotes as 0.13 did.
  it('refuses an inventory aversion off the tick grid, naming it', () => {
    expect(() => new MarketMaker({ inventoryAversionEur: 0.125 })).toThrow(
      'params.inventoryAversionEur: must be a multiple of 0.01 EUR/MWh (one price tick)',
    );
    expect(new MarketMaker({ inventoryAversionEur: 0.13 }).params.inventoryAversionEur).toBe(0.13);
  });

  it('rests a bid and an ask behind the ladder on products far enough from the gate', () => {
    const s = new MarketMaker();
    s.onWelcome(makeWelcome({ assets: [batteryAsset()] }));
    const orders = submitsOf(s.decide(wake()));
    const products = new Set(orders.map((o) => o.productId));
    // Gates within 35 + 15 minutes are not quoted; the horizon is 4 hours.
    expect(products.has(ids[0]!)).toBe(false);
    expect(products.has(ids[3]!)).toBe(true);
    expect(products.has(ids[15]!)).toBe(true);
    for (const o of orders) {
      expect(o.quantityLots).toBe(25);
      expect(o.priceTicks).toBe(o.side === Side.SIDE_BUY ? 7_800 : 8_200);
    }
  });

  it('pulls its quotes at the last wake-up before a forecast issue', () => {
    const s = new MarketMaker();
    s.onWelcome(makeWelcome({ assets: [batteryAsset()] }));
    const before = DAY + 9 * HOUR_MS + 45 * 60_000;
    const resting = order(ids[6]!, Side.SIDE_BUY, 7_800, 25);
    const actions = s.decide(wake({ timeMs: before, openOrders: [resting] }));
    expect(submitsOf(actions)).toEqual([]);
    expect(actions.some((a) => a.kind?.$case === 'cancel' && a.kind.value.orderId === resting.orderId)).toBe(
      true,
    );
  });

  it('replaces the reducing quote by an exit order at break-even plus the minimum profit', () => {
    const s = new MarketMaker();
    s.onWelcome(makeWelcome({ assets: [batteryAsset()] }));
    // Bought 2.5 MW of ids[8] at 78 EUR/MWh: cash −78 × 0.625 MWh.
    const pos = {
      productId: ids[8]!,
      netLots: 25,
      boughtLots: 25,
      soldLots: 0,
      cashUnits: -78 * 0.625 * 100_000,
    };
    const orders = submitsOf(s.decide(wake({ positions: [pos] }))).filter((o) => o.productId === ids[8]);
    expect(orders).toEqual([
      expect.objectContaining({ side: Side.SIDE_SELL, priceTicks: 7_850, quantityLots: 25 }),
    ]);
  });

  // With room for more inventory the bid stays quoted beside the exit; after the price rose past
  // break-even the exit sell (70.50) lay below its own bid (~77) — it crossed itself.
  it('never crosses its own quotes: the exit stays above its own bid', () => {
    const s = new MarketMaker({ maxInventoryMw: 10 });
    s.onWelcome(makeWelcome({ assets: [batteryAsset()] }));
    const pos = {
      productId: ids[8]!,
      netLots: 25,
      boughtLots: 25,
      soldLots: 0,
      cashUnits: -70 * 0.625 * 100_000,
    };
    const orders = submitsOf(s.decide(wake({ positions: [pos] })));
    for (const id of new Set(orders.map((o) => o.productId))) {
      const buys = orders.filter((o) => o.productId === id && o.side === Side.SIDE_BUY);
      const sells = orders.filter((o) => o.productId === id && o.side === Side.SIDE_SELL);
      for (const b of buys) for (const x of sells) expect(x.priceTicks).toBeGreaterThan(b.priceTicks);
    }
    const mine = orders.filter((o) => o.productId === ids[8]);
    expect(mine.map((o) => o.side).sort()).toEqual([Side.SIDE_BUY, Side.SIDE_SELL]);
    const bid = mine.find((o) => o.side === Side.SIDE_BUY)!.priceTicks;
    expect(mine.find((o) => o.side === Side.SIDE_SELL)!.priceTicks).toBe(bid + 1);
  });
});
