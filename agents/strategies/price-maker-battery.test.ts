import { beforeAll, describe, expect, it } from 'vitest';
import { Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import { type LpSolver, loadHighs } from '../../lib/highs.js';
import { quarterHourId } from '../../lib/product-id.js';
import { ParamError } from '../sdk/errors.js';
import { MarketViewError } from '../sdk/market-view.js';
import { PriceMakerBattery } from './price-maker-battery.js';
import { HOUR_MS, QH_MS } from './strategy-utils.js';
import {
  assetState,
  batteryAsset,
  book,
  DAY,
  forecasts,
  makeWakeUp,
  makeWelcome,
  submitsOf,
} from './test-fixtures.js';

let solver: LpSolver;
beforeAll(async () => {
  solver = await loadHighs();
});

const NOW = DAY + 9 * HOUR_MS;

/** Forecast 40 EUR/MWh for the next 2 hours, then 140 for 2 hours; 16 quarter-hours. */
const PRICES = Array.from({ length: 16 }, (_, k) => (k < 8 ? 4_000 : 14_000));

/** A ladder around `mid` with `lotsPerLevel` per 1-EUR level, 20 levels a side. */
function ladder(id: string, mid: number, lotsPerLevel: number) {
  const levels = (sign: number) =>
    Array.from({ length: 20 }, (_, k) => [mid + sign * (50 + k * 100), lotsPerLevel] as [number, number]);
  return book(id, levels(-1), levels(1));
}

function wake(lotsPerLevel: number) {
  const ids = PRICES.map((_, k) => quarterHourId(NOW + QH_MS + k * QH_MS));
  return makeWakeUp({
    timeMs: NOW,
    assets: [assetState({ socMwh: 10 })],
    priceForecasts: forecasts(NOW + QH_MS, PRICES),
    books: ids.map((id, k) => ladder(id, PRICES[k]!, lotsPerLevel)),
  });
}

function ready(): PriceMakerBattery {
  const s = new PriceMakerBattery({ dayAhead: false }, solver);
  s.onWelcome(makeWelcome({ assets: [batteryAsset()] }));
  return s;
}

describe('PriceMakerBattery', () => {
  it('needs a battery and validates its parameters', () => {
    expect(() => ready().onWelcome(makeWelcome())).toThrow(MarketViewError);
    expect(() => new PriceMakerBattery({ laterPremiumEur: 0.001 })).toThrow(ParamError);
    expect(() => new PriceMakerBattery({ nope: 1 })).toThrow(ParamError);
  });

  // The one price offset that took any float: 0.005 entered the book LP off the tick grid.
  it('refuses a default half-spread off the tick grid, naming it', () => {
    expect(() => new PriceMakerBattery({ defaultHalfSpreadEur: 0.005 })).toThrow(
      'params.defaultHalfSpreadEur: must be a multiple of 0.01 EUR/MWh (one price tick)',
    );
    expect(new PriceMakerBattery({ defaultHalfSpreadEur: 0.75 }).params.defaultHalfSpreadEur).toBe(0.75);
  });

  it('buys the cheap hours and sells the dear ones with IOC orders limited inside the visible book', async () => {
    const orders = submitsOf(await ready().decide(wake(10)));
    expect(orders.length).toBeGreaterThan(0);
    for (const o of orders) {
      expect(o.timeInForce).toBe(TimeInForce.TIME_IN_FORCE_IOC);
      const k = PRICES.findIndex((_, i) => quarterHourId(NOW + QH_MS + i * QH_MS) === o.productId);
      if (o.side === Side.SIDE_BUY) {
        expect(PRICES[k]).toBe(4_000);
        expect(o.priceTicks).toBeLessThanOrEqual(4_000 + 50 + 19 * 100);
      } else {
        expect(PRICES[k]).toBe(14_000);
        expect(o.priceTicks).toBeGreaterThanOrEqual(14_000 - 50 - 19 * 100);
      }
    }
  });

  it('takes less from a thin book than from a deep one', async () => {
    const volume = async (lots: number) =>
      submitsOf(await ready().decide(wake(lots))).reduce((a, o) => a + o.quantityLots, 0);
    const thin = await volume(1);
    const deep = await volume(20);
    expect(thin).toBeGreaterThan(0);
    expect(thin).toBeLessThan(deep);
  });

  it('does not trade when the spread costs more than the price difference', async () => {
    const flat = makeWakeUp({
      timeMs: NOW,
      assets: [assetState({ socMwh: 10 })],
      priceForecasts: forecasts(NOW + QH_MS, Array(16).fill(8_000)),
      books: Array.from({ length: 16 }, (_, k) => ladder(quarterHourId(NOW + QH_MS + k * QH_MS), 8_000, 10)),
    });
    expect(submitsOf(await ready().decide(flat))).toEqual([]);
  });
});
