import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CurvePoint,
  fundamentalPrice,
  GERMANY_2024_STACK,
  MeritOrder,
  quarterHourSawtooth,
  supplyCurve,
} from './merit-order.js';
import { STEP_MS } from './time.js';

const mo = new MeritOrder();

/** Price (EUR) where a non-decreasing supply and a non-increasing demand curve cross (linear). */
function crossing(supply: CurvePoint[], demand: CurvePoint[]): number {
  const q = (c: CurvePoint[], p: number) => {
    for (let i = 1; i < c.length; i++) {
      const a = c[i - 1]!;
      const b = c[i]!;
      if (p <= b.priceTicks)
        return (
          a.quantityLots +
          ((b.quantityLots - a.quantityLots) * (p - a.priceTicks)) / (b.priceTicks - a.priceTicks)
        );
    }
    return c.at(-1)!.quantityLots;
  };
  let lo = Math.max(supply[0]!.priceTicks, demand[0]!.priceTicks);
  let hi = Math.min(supply.at(-1)!.priceTicks, demand.at(-1)!.priceTicks);
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (q(supply, mid) >= q(demand, mid)) hi = mid;
    else lo = mid;
  }
  return hi / 100;
}

describe('merit order', () => {
  it('is monotone: more residual load never lowers the price (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -40_000, max: 90_000, noNaN: true }),
        fc.double({ min: -40_000, max: 90_000, noNaN: true }),
        fc.double({ min: 0, max: 120_000, noNaN: true }),
        (r1, r2, re) => {
          const [lo, hi] = r1 <= r2 ? [r1, r2] : [r2, r1];
          expect(mo.price(lo, re)).toBeLessThanOrEqual(mo.price(hi, re) + 1e-9);
        },
      ),
    );
  });

  it('at fixed demand, more wind and solar never raise the price (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 20_000, max: 90_000, noNaN: true }),
        fc.double({ min: 0, max: 80_000, noNaN: true }),
        fc.double({ min: 0, max: 80_000, noNaN: true }),
        (demand, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(mo.price(demand - hi, hi)).toBeLessThanOrEqual(mo.price(demand - lo, lo) + 1e-9);
        },
      ),
    );
  });

  it('inverts the residual supply curve and stays within floor and cap', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -20_000, max: 70_000, noNaN: true }),
        fc.double({ min: 0, max: 80_000, noNaN: true }),
        (r, re) => {
          const p = mo.price(r, re);
          expect(p).toBeGreaterThanOrEqual(GERMANY_2024_STACK.priceFloorEur);
          expect(p).toBeLessThanOrEqual(GERMANY_2024_STACK.priceCapEur);
          if (p > GERMANY_2024_STACK.priceFloorEur && p < GERMANY_2024_STACK.priceCapEur) {
            expect(Math.abs(mo.residualSupplyMw(p, re) - r)).toBeLessThan(50);
          }
        },
      ),
    );
    expect(mo.price(1e6)).toBe(GERMANY_2024_STACK.priceCapEur);
    expect(mo.price(-1e6)).toBe(GERMANY_2024_STACK.priceFloorEur);
  });

  it('is calibrated to German 2024 levels', () => {
    // Typical residual loads: summer night ~30 GW, winter day ~40 GW, winter evening peak ~55 GW.
    expect(fundamentalPrice(30_000, 15_000)).toBeGreaterThan(60);
    expect(fundamentalPrice(30_000, 15_000)).toBeLessThan(90);
    expect(fundamentalPrice(40_000, 15_000)).toBeGreaterThan(70);
    expect(fundamentalPrice(40_000, 15_000)).toBeLessThan(105);
    expect(fundamentalPrice(55_000, 15_000)).toBeGreaterThan(100);
    // Sunny low-demand midday: residual load below zero goes negative as renewables are curtailed.
    expect(fundamentalPrice(-5_000, 50_000)).toBeLessThan(0);
    expect(fundamentalPrice(-5_000, 50_000)).toBeGreaterThan(-100);
  });

  it('publishes a non-decreasing supply curve', () => {
    const curve = supplyCurve(20_000);
    for (let i = 1; i < curve.length; i++) {
      expect(curve[i]!.priceEur).toBeGreaterThan(curve[i - 1]!.priceEur);
      expect(curve[i]!.supplyMw).toBeGreaterThanOrEqual(curve[i - 1]!.supplyMw);
    }
  });

  it('builds exogenous auction curves that cross at the fundamental price (shifted by the non-fundamental part)', () => {
    for (const [demand, re] of [
      [60_000, 20_000],
      [45_000, 48_000],
      [70_000, 5_000],
    ] as const) {
      const supply = mo.exogenousSupplyCurve(re);
      const buy = mo.exogenousDemandCurve(demand);
      for (let i = 1; i < supply.length; i++) {
        expect(supply[i]!.priceTicks).toBeGreaterThan(supply[i - 1]!.priceTicks);
        expect(supply[i]!.quantityLots).toBeGreaterThanOrEqual(supply[i - 1]!.quantityLots);
        expect(buy[i]!.quantityLots).toBeLessThanOrEqual(buy[i - 1]!.quantityLots);
      }
      const p = mo.price(demand - re, re);
      expect(crossing(supply, buy)).toBeCloseTo(p, 0);
      const shifted = crossing(mo.exogenousSupplyCurve(re, 12.5), mo.exogenousDemandCurve(demand, 12.5));
      expect(shifted).toBeCloseTo(p + 12.5, 0);
    }
  });

  it('rejects renewable tranches that do not sum to one', () => {
    expect(
      () =>
        new MeritOrder({ ...GERMANY_2024_STACK, renewables: [{ share: 0.5, bidMinEur: -10, bidMaxEur: 0 }] }),
    ).toThrow(/sum/);
  });
});

describe('quarter-hour sawtooth', () => {
  it('rises within the hour on an upward ramp, drops back at the full hour, mirrors on a downward ramp', () => {
    const starts = Array.from({ length: 12 }, (_, i) => i * STEP_MS);
    // Residual load rising 4 GW/h for two hours, then falling.
    const res = starts.map((_, i) => (i < 8 ? 30_000 + i * 1_000 : 38_000 - (i - 8) * 1_000));
    const saw = quarterHourSawtooth(res, starts, { eurPerGwPerHour: 2.5, capEur: 40 });
    expect(saw[0]!).toBeLessThan(0);
    expect(saw[3]!).toBeGreaterThan(0);
    expect(saw[3]!).toBeCloseTo(10, 6); // 2.5 EUR per GW/h × 4 GW/h
    expect(saw[4]! - saw[3]!).toBeLessThan(0); // drops back at the hour
    expect(saw[8]!).toBeGreaterThan(0);
    expect(saw[11]!).toBeLessThan(0);
    expect(saw[0]! + saw[1]! + saw[2]! + saw[3]!).toBeCloseTo(0, 9); // hourly mean unchanged
  });
});
