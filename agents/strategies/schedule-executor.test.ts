import { describe, expect, it } from 'vitest';
import { Side } from '../../gen/flexarena/v1/market.js';
import { quarterHourId } from '../../lib/product-id.js';
import { MarketView } from '../sdk/market-view.js';
import { feasibleLots, tradeTowardSchedule } from './schedule-executor.js';
import { HOUR_MS, QH_MS } from './strategy-utils.js';
import {
  BATTERY,
  batteryAsset,
  book,
  DAY,
  makeWakeUp,
  makeWelcome,
  position,
  submitsOf,
} from './test-fixtures.js';

const NOW = DAY + 9 * HOUR_MS;
const view = MarketView.fromWelcome(makeWelcome({ assets: [batteryAsset()] }));
const next = (k: number) => quarterHourId(NOW + (k + 1) * QH_MS);

describe('feasibleLots', () => {
  it('cuts a schedule to the power and to the energy the SoC allows', () => {
    expect(feasibleLots(150, 10, BATTERY)).toBe(100); // power 10 MW
    expect(feasibleLots(-150, 10, BATTERY)).toBe(-100);
    // 0.5 MWh of room to 19 MWh at η 0.95: 21 lots of 25 kWh.
    expect(feasibleLots(100, 18.5, BATTERY)).toBe(21);
    expect(feasibleLots(-100, 1.2, BATTERY)).toBe(-7);
    expect(feasibleLots(-5, 1, BATTERY)).toBe(0);
  });
});

describe('tradeTowardSchedule', () => {
  const books = [0, 1, 2].map((k) => book(next(k), [[7_900, 500]], [[8_100, 500]]));

  it('trades the difference to the target on the next periods, limited at the touch ± slippage', () => {
    const wake = makeWakeUp({ timeMs: NOW, positions: [position(next(0), 20)], books });
    const orders = submitsOf(
      tradeTowardSchedule({
        wake,
        view,
        battery: BATTERY,
        socMwh: 10,
        target: (id) => (id === next(0) ? 50 : id === next(1) ? -30 : undefined),
        periods: 3,
        gateMarginMs: 60_000,
        slippageTicks: 200,
        clientRef: 't',
      }),
    );
    expect(orders).toHaveLength(2);
    expect(orders[0]).toMatchObject({
      productId: next(0),
      side: Side.SIDE_BUY,
      quantityLots: 30,
      priceTicks: 8_300,
    });
    expect(orders[1]).toMatchObject({
      productId: next(1),
      side: Side.SIDE_SELL,
      quantityLots: 30,
      priceTicks: 7_700,
    });
  });

  it('never plans past the SoC bounds, counting the positions held before', () => {
    const wake = makeWakeUp({ timeMs: NOW, books });
    const orders = submitsOf(
      tradeTowardSchedule({
        wake,
        view,
        battery: BATTERY,
        socMwh: 17,
        target: () => 100,
        periods: 3,
        gateMarginMs: 60_000,
        reference: () => 8_000,
        slippageTicks: 0,
        clientRef: 't',
      }),
    );
    // 2 MWh of room at η 0.95 ≈ 84 lots in all, the first period first.
    expect(orders.map((o) => o.quantityLots)).toEqual([84]);
    expect(orders[0]!.priceTicks).toBe(8_000);
  });
});
