import { describe, expect, it } from 'vitest';
import {
  cashUnitsToCentEur,
  deliveryMinutes,
  eurToTicks,
  isOnLotGrid,
  isOnTickGrid,
  lotsToMw,
  mwToLots,
  productTradeCashUnits,
  ticksToEur,
  tradeCashUnits,
} from './index.js';

describe('unit conversions', () => {
  it('converts prices on the tick grid both ways', () => {
    expect(eurToTicks(12.34)).toBe(1234);
    expect(eurToTicks(-9999)).toBe(-999_900);
    expect(eurToTicks(0.3)).toBe(30);
    expect(Object.is(eurToTicks(-0), 0)).toBe(true);
    expect(ticksToEur(1234)).toBe(12.34);
    expect(ticksToEur(-999_900)).toBe(-9999);
  });

  it('converts quantities on the lot grid both ways', () => {
    expect(mwToLots(2.5)).toBe(25);
    expect(mwToLots(0.1 + 0.2)).toBe(3);
    expect(lotsToMw(25)).toBe(2.5);
  });

  it('refuses values off the grid instead of rounding them', () => {
    expect(() => eurToTicks(12.345)).toThrow(/multiple of 0.01/);
    expect(() => mwToLots(0.05)).toThrow(/multiple of 0.1/);
    expect(() => eurToTicks(Number.NaN)).toThrow(/finite/);
    expect(() => ticksToEur(1.5)).toThrow(/integer/);
    expect(() => lotsToMw(0.5)).toThrow(/integer/);
  });
});

describe('tradeCashUnits', () => {
  it('values a trade in 0.00001 EUR units: price x MW x hours', () => {
    // 50.00 EUR/MWh x 1 MW x 0.25 h = 12.5 EUR
    expect(tradeCashUnits(5000, 10, 15)).toBe(1_250_000);
    expect(tradeCashUnits(1, 1, 15)).toBe(25);
    expect(tradeCashUnits(1, 1, 60)).toBe(100);
    expect(tradeCashUnits(-999_900, 100_000, 60)).toBe(-999_900 * 100_000 * 100);
    expect(Object.is(tradeCashUnits(0, 5, 15), 0)).toBe(true);
  });

  it('refuses durations that would give fractional units, and non-integer inputs', () => {
    expect(() => tradeCashUnits(1, 1, 10)).toThrow(/multiple of 3/);
    expect(() => tradeCashUnits(1, 1, 0)).toThrow(/durationMinutes/);
    expect(() => tradeCashUnits(1.5, 1, 15)).toThrow(/priceTicks/);
    expect(() => tradeCashUnits(1, 0.5, 15)).toThrow(/quantityLots/);
  });
});

describe('product cash', () => {
  const start = Date.UTC(2026, 10, 22, 12);
  const quarter = { id: 'qh', deliveryStartMs: start, deliveryEndMs: start + 15 * 60_000 };
  const hour = { id: 'h', deliveryStartMs: start, deliveryEndMs: start + 60 * 60_000 };

  it('values a trade over the product delivery length: 15 minutes or an hour', () => {
    expect(deliveryMinutes(quarter)).toBe(15);
    expect(deliveryMinutes(hour)).toBe(60);
    expect(productTradeCashUnits(quarter, 5000, 10)).toBe(tradeCashUnits(5000, 10, 15));
    // 50.00 EUR/MWh x 1 MW x 1 h = 50 EUR.
    expect(productTradeCashUnits(hour, 5000, 10)).toBe(5_000_000);
  });

  it('refuses a delivery that is empty or not whole minutes', () => {
    expect(() => deliveryMinutes({ ...hour, deliveryEndMs: start })).toThrow(
      /positive whole number of minutes/,
    );
    expect(() => deliveryMinutes({ ...hour, deliveryEndMs: start + 90_000 })).toThrow(/minutes/);
    expect(() => productTradeCashUnits({ ...hour, deliveryEndMs: start + 10 * 60_000 }, 1, 1)).toThrow(
      /multiple of 3/,
    );
  });
});

describe('cashUnitsToCentEur', () => {
  it('rounds the exact integer to the cent, a half cent upward (not the binary float of units / 1e5)', () => {
    expect(cashUnitsToCentEur(172_472_500)).toBe(1724.73);
    expect((172_472_500 / 100_000).toFixed(2)).toBe('1724.72');
    expect(cashUnitsToCentEur(-172_472_500)).toBe(-1724.72);
    expect(cashUnitsToCentEur(499)).toBe(0);
    expect(cashUnitsToCentEur(500)).toBe(0.01);
  });
});

describe('grid checks', () => {
  it("say whether a value converts exactly, with the converters' tolerance for binary fractions", () => {
    expect(isOnTickGrid(0.1 + 0.2)).toBe(true);
    expect(isOnTickGrid(1.005)).toBe(false);
    expect(isOnLotGrid(0.1 * 3)).toBe(true);
    expect(isOnLotGrid(0.35)).toBe(false);
    expect(isOnLotGrid(Number.NaN)).toBe(false);
  });
});
