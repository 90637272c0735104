import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BatteryAssetConfig as BatteryConfig } from './asset-config.js';
import { BatteryTwin } from './battery.js';

/** 10 MW / 20 MWh, eta 0.9 each way, SoC in [2, 18] MWh, starting at 10 MWh. */
function spec(over: Partial<BatteryConfig> = {}): BatteryConfig {
  return {
    type: 'battery',
    powerMw: 10,
    energyMwh: 20,
    etaCharge: 0.9,
    etaDischarge: 0.9,
    socMin: 0.1,
    socMax: 0.9,
    socInitial: 0.5,
    degradationEurPerMwh: 0,
    ...over,
  };
}

const QH = 0.25;

describe('BatteryTwin', () => {
  it('starts at socInitial and exposes the bounds in MWh', () => {
    const b = new BatteryTwin('b', spec());
    expect(b.socMwh).toBeCloseTo(10, 12);
    expect(b.socMinMwh).toBeCloseTo(2, 12);
    expect(b.socMaxMwh).toBeCloseTo(18, 12);
    expect(b.clippedCount).toBe(0);
    expect(b.shortfallMwh).toBe(0);
  });

  it('meters a feasible charge exactly and stores energy × etaCharge', () => {
    const b = new BatteryTwin('b', spec());
    const s = b.step(1000, QH);
    expect(s).toMatchObject({ scheduledKwh: 1000, meteredKwh: 1000, clipped: false });
    expect(s.socBeforeMwh).toBeCloseTo(10, 12);
    expect(s.socAfterMwh).toBeCloseTo(10.9, 9);
    expect(b.socMwh).toBeCloseTo(10.9, 9);
    expect(b.clippedCount).toBe(0);
    expect(b.shortfallMwh).toBe(0);
  });

  it('meters a feasible discharge exactly and drains energy / etaDischarge', () => {
    const b = new BatteryTwin('b', spec());
    const s = b.step(-900, QH);
    expect(s).toMatchObject({ scheduledKwh: -900, meteredKwh: -900, clipped: false });
    expect(b.socMwh).toBeCloseTo(9, 9);
    expect(b.clippedCount).toBe(0);
  });

  it('treats a zero schedule as feasible and leaves the SoC alone', () => {
    const b = new BatteryTwin('b', spec());
    expect(b.step(0, QH)).toMatchObject({ meteredKwh: 0, clipped: false });
    expect(b.socMwh).toBeCloseTo(10, 12);
  });

  it('clips at the power limit (power × hours), counts it and accumulates the shortfall', () => {
    const b = new BatteryTwin('b', spec());
    // 10 MW for a quarter-hour is 2500 kWh.
    const up = b.step(3000, QH);
    expect(up.meteredKwh).toBe(2500);
    expect(up.clipped).toBe(true);
    expect(b.clippedCount).toBe(1);
    expect(b.shortfallMwh).toBeCloseTo(0.5, 12);
    expect(b.socMwh).toBeCloseTo(10 + 2.5 * 0.9, 9);

    const down = b.step(-4000, QH);
    expect(down.meteredKwh).toBe(-2500);
    expect(down.clipped).toBe(true);
    expect(b.clippedCount).toBe(2);
    expect(b.shortfallMwh).toBeCloseTo(0.5 + 1.5, 12);

    // Exactly at the limit is not clipped.
    const exact = b.step(2500, QH);
    expect(exact).toMatchObject({ meteredKwh: 2500, clipped: false });
    expect(b.clippedCount).toBe(2);
  });

  it('uses the period length: the same schedule fits in an hour but not in a quarter-hour', () => {
    const b = new BatteryTwin('b', spec());
    expect(b.step(5000, 1).meteredKwh).toBe(5000);
    expect(b.step(5000, QH).meteredKwh).toBe(2500);
  });

  it('clips at socMax, counts it and never overfills', () => {
    const b = new BatteryTwin('b', spec());
    // Room: (18 - 10) / 0.9 MWh = 8888.9 kWh from the grid; one hour allows 10 000 kWh.
    const s = b.step(10_000, 1);
    expect(s.meteredKwh).toBe(8888);
    expect(s.clipped).toBe(true);
    expect(b.clippedCount).toBe(1);
    expect(b.shortfallMwh).toBeCloseTo(1.112, 12);
    expect(b.socMwh).toBeLessThanOrEqual(18);
    expect(b.socMwh).toBeCloseTo(10 + 8.888 * 0.9, 9);

    // Room left: 0.0008 MWh / 0.9 = 0.89 kWh, less than one whole kWh: nothing is metered.
    const again = b.step(1000, QH);
    expect(again.meteredKwh).toBe(0);
    expect(again.clipped).toBe(true);
    expect(b.clippedCount).toBe(2);
    expect(b.shortfallMwh).toBeCloseTo(1.112 + (1000 - again.meteredKwh) / 1000, 12);
    expect(b.socMwh).toBeLessThanOrEqual(18);
  });

  it('clips at socMin, counts it and never overdrains', () => {
    const b = new BatteryTwin('b', spec());
    // Available at the grid: (10 - 2) × 0.9 MWh = 7200 kWh.
    const s = b.step(-10_000, 1);
    expect(s.meteredKwh).toBeLessThanOrEqual(-7199);
    expect(s.meteredKwh).toBeGreaterThanOrEqual(-7200);
    expect(s.clipped).toBe(true);
    expect(b.clippedCount).toBe(1);
    expect(b.shortfallMwh).toBeCloseTo((10_000 + s.meteredKwh) / 1000, 12);
    expect(b.socMwh).toBeGreaterThanOrEqual(2);
    expect(b.socMwh).toBeCloseTo(2, 2);

    const empty = b.step(-500, QH);
    expect(empty.meteredKwh).toBeGreaterThanOrEqual(-1);
    expect(empty.meteredKwh).toBeLessThanOrEqual(0);
    expect(empty.clipped).toBe(true);
    expect(b.clippedCount).toBe(2);
    expect(b.socMwh).toBeGreaterThanOrEqual(2);
  });

  // Exactly 500 kWh of room (or of energy) computes as 499.9999999999992 (…83): floored without a
  // slack for floating noise, a schedule that hugs the bound was clipped by 1 kWh.
  it('meters a schedule that reaches a bound exactly in full, despite floating noise', () => {
    const toFull = new BatteryTwin('b', spec({ socInitial: (18 - 0.0009 * 500) / 20 }));
    expect(toFull.headroomKwh(QH).maxChargeKwh).toBe(500);
    expect(toFull.preview(500, QH)).toEqual({ meteredKwh: 500, clipped: false });
    expect(toFull.step(500, QH)).toMatchObject({ meteredKwh: 500, clipped: false });
    expect(toFull.socMwh).toBeCloseTo(18, 9);
    expect(toFull.socMwh).toBeLessThanOrEqual(18);
    const toEmpty = new BatteryTwin('b', spec({ socInitial: (2 + 500 / 0.9 / 1000) / 20 }));
    expect(toEmpty.headroomKwh(QH).maxDischargeKwh).toBe(500);
    expect(toEmpty.step(-500, QH)).toMatchObject({ meteredKwh: -500, clipped: false });
    expect(toEmpty.socMwh).toBeGreaterThanOrEqual(2);
  });

  it('meters in whole kWh rounded towards zero, so it never exceeds the physical limit', () => {
    // Room from 17.99 to 18 MWh at eta 0.9: 11.1 kWh from the grid -> 11 kWh metered.
    const nearFull = new BatteryTwin('b', spec({ socInitial: 17.99 / 20 }));
    const up = nearFull.step(100, QH);
    expect(up.meteredKwh).toBe(11);
    expect(Number.isInteger(up.meteredKwh)).toBe(true);
    expect(nearFull.socMwh).toBeLessThanOrEqual(18);
    expect(nearFull.socMwh).toBeCloseTo(17.99 + 0.011 * 0.9, 9);

    // Available from 2.0137 down to 2 MWh at eta 0.9: 12.33 kWh -> 12 kWh metered.
    const nearEmpty = new BatteryTwin('b', spec({ socInitial: 2.0137 / 20 }));
    const down = nearEmpty.step(-100, QH);
    expect(down.meteredKwh).toBe(-12);
    expect(nearEmpty.socMwh).toBeGreaterThanOrEqual(2);
    expect(nearEmpty.socMwh).toBeCloseTo(2.0137 - 0.012 / 0.9, 9);

    // A power limit that is not a whole number of kWh: 1.0005 MW × 0.25 h = 250.125 kWh -> 250.
    const oddPower = new BatteryTwin('b', spec({ powerMw: 1.0005 }));
    expect(oddPower.step(1000, QH).meteredKwh).toBe(250);
    expect(oddPower.step(-1000, QH).meteredKwh).toBe(-250);
  });

  it('property: SoC stays in [socMin, socMax]; |metered| <= |scheduled|, same sign, whole kWh, within power', () => {
    const specArb = fc
      .record({
        powerMw: fc.double({ min: 0.1, max: 50, noNaN: true }),
        energyMwh: fc.double({ min: 0.1, max: 100, noNaN: true }),
        etaCharge: fc.double({ min: 0.5, max: 1, noNaN: true }),
        etaDischarge: fc.double({ min: 0.5, max: 1, noNaN: true }),
        a: fc.double({ min: 0, max: 1, noNaN: true }),
        b: fc.double({ min: 0, max: 1, noNaN: true }),
        c: fc.double({ min: 0, max: 1, noNaN: true }),
      })
      .map(({ a, b, c, ...rest }) => {
        const socMin = Math.min(a, b);
        const socMax = Math.max(a, b);
        return spec({ ...rest, socMin, socMax, socInitial: socMin + c * (socMax - socMin) });
      });
    const stepArb = fc.record({
      kwh: fc.oneof(fc.integer({ min: -60_000, max: 60_000 }), fc.integer({ min: -300, max: 300 })),
      hours: fc.constantFrom(0.25, 0.5, 1),
    });
    fc.assert(
      fc.property(specArb, fc.array(stepArb, { minLength: 1, maxLength: 40 }), (cfg, steps) => {
        const b = new BatteryTwin('b', cfg);
        let clipped = 0;
        let shortfall = 0;
        for (const { kwh, hours } of steps) {
          const s = b.step(kwh, hours);
          expect(Number.isInteger(s.meteredKwh)).toBe(true);
          expect(Math.abs(s.meteredKwh)).toBeLessThanOrEqual(Math.abs(kwh));
          expect(s.meteredKwh * kwh).toBeGreaterThanOrEqual(0);
          expect(Math.abs(s.meteredKwh)).toBeLessThanOrEqual(cfg.powerMw * hours * 1000);
          expect(b.socMwh).toBeGreaterThanOrEqual(b.socMinMwh);
          expect(b.socMwh).toBeLessThanOrEqual(b.socMaxMwh);
          expect(s.socAfterMwh).toBe(b.socMwh);
          // Energy bookkeeping: the SoC moves by metered × eta (charge) or metered / eta (discharge).
          const expectedDelta =
            s.meteredKwh >= 0
              ? (s.meteredKwh / 1000) * cfg.etaCharge
              : s.meteredKwh / 1000 / cfg.etaDischarge;
          expect(Math.abs(s.socAfterMwh - s.socBeforeMwh - expectedDelta)).toBeLessThan(1e-9);
          expect(s.clipped).toBe(s.meteredKwh !== kwh);
          if (s.clipped) {
            clipped++;
            shortfall += Math.abs(kwh - s.meteredKwh);
          }
        }
        expect(b.clippedCount).toBe(clipped);
        expect(b.shortfallMwh).toBeCloseTo(shortfall / 1000, 9);
      }),
      { numRuns: 300 },
    );
  });
});
