import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssetSpec, AssetState } from '../../gen/flexarena/v1/asset.js';
import type { PeriodInfo } from './asset-twin.js';
import { BatteryAsset } from './battery-asset.js';

const QH = 0.25;
const period = (step: number, hours = QH): PeriodInfo => ({ step, deliveryStartMs: step * 900_000, hours });

/** 10 MW / 20 MWh, η 0.9 each way, SoC in [2, 18] MWh, starting at 10 MWh, 5 €/MWh degradation. */
const SPEC = {
  powerMw: 10,
  energyMwh: 20,
  etaCharge: 0.9,
  etaDischarge: 0.9,
  socMin: 0.1,
  socMax: 0.9,
  socInitial: 0.5,
  degradationEurPerMwh: 5,
};

describe('BatteryAsset', () => {
  it('has a baseline of 0 in every period', () => {
    const a = new BatteryAsset('b', SPEC);
    expect(a.kind).toBe('battery');
    for (const s of [0, 5, 95]) expect(a.baselineKwh(period(s))).toBe(0);
    const r = a.step(a.baselineKwh(period(0)), period(0));
    expect(r).toEqual({ meteredKwh: 0, clipped: false });
    expect(a.finalSocMwh()).toBeCloseTo(10, 12);
  });

  it('meters charging > 0 and discharging < 0, in whole kWh', () => {
    const a = new BatteryAsset('b', SPEC);
    expect(a.step(1000, period(0))).toEqual({ meteredKwh: 1000, clipped: false });
    expect(a.finalSocMwh()).toBeCloseTo(10.9, 9);
    expect(a.step(-900, period(1))).toEqual({ meteredKwh: -900, clipped: false });
    expect(a.finalSocMwh()).toBeCloseTo(9.9, 9);
  });

  it('clips at the power limit and counts the shortfall', () => {
    const a = new BatteryAsset('b', SPEC);
    // 10 MW × 0.25 h = 2500 kWh at most.
    expect(a.preview(4000, period(0))).toEqual({ meteredKwh: 2500, clipped: true });
    expect(a.step(4000, period(0))).toEqual({ meteredKwh: 2500, clipped: true });
    expect(a.step(-3000, period(1))).toEqual({ meteredKwh: -2500, clipped: true });
    // A fractional schedule is floored: clipped by the fraction.
    expect(a.step(10.5, period(2))).toEqual({ meteredKwh: 10, clipped: true });
    const st = a.state();
    expect(st.clippedPeriods).toBe(3);
    expect(st.shortfallMwh).toBeCloseTo(1.5 + 0.5 + 0.0005, 12);
  });

  it('clips at the SoC bounds: an empty battery meters 0 for a discharge', () => {
    const a = new BatteryAsset('b', { ...SPEC, socInitial: 0.1 });
    expect(a.preview(-500, period(0))).toEqual({ meteredKwh: 0, clipped: true });
    const r = a.step(-500, period(0));
    expect(r).toEqual({ meteredKwh: 0, clipped: true });
    expect(Object.is(r.meteredKwh, -0)).toBe(false);
  });

  it('costs degradation on the grid-side throughput and nothing else', () => {
    const a = new BatteryAsset('b', SPEC);
    a.step(2000, period(0));
    a.step(-1000, period(1));
    expect(a.costs()).toEqual({ degradationEur: 3 * 5, lostRentalEur: 0, tariffEur: 0, penaltyEur: 0 });
    expect(a.state().throughputMwh).toBe(3);
    expect(a.state().costs?.degradationEur).toBe(15);
  });

  it('preview equals step exactly and changes nothing, for any schedules and step lengths', () => {
    const schedule = fc.oneof(
      fc.integer({ min: -12_000, max: 12_000 }),
      fc.double({ min: -12_000, max: 12_000, noNaN: true }),
      fc.constantFrom(0, -0, 1, -1, 2500, -2500),
    );
    fc.assert(
      fc.property(
        fc.record({
          powerMw: fc.double({ min: 0.1, max: 50, noNaN: true }),
          energyMwh: fc.double({ min: 0.1, max: 100, noNaN: true }),
          etaCharge: fc.double({ min: 0.5, max: 1, noNaN: true }),
          etaDischarge: fc.double({ min: 0.5, max: 1, noNaN: true }),
          socInitial: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        fc.array(fc.tuple(schedule, fc.constantFrom(0.25, 1 / 12, 1, 0.5)), { minLength: 1, maxLength: 60 }),
        (s, steps) => {
          const a = new BatteryAsset('p', { ...s, socMin: 0, socMax: 1, degradationEurPerMwh: 2 });
          steps.forEach(([kwh, hours], i) => {
            const before = a.state();
            const p = a.preview(kwh, period(i, hours));
            expect(a.preview(kwh, period(i, hours))).toEqual(p);
            expect(a.state()).toEqual(before);
            const r = a.step(kwh, period(i, hours));
            expect(r).toEqual(p);
            expect(r.clipped).toBe(r.meteredKwh !== kwh);
            expect(Number.isInteger(r.meteredKwh)).toBe(true);
            expect(Math.sign(r.meteredKwh) * Math.sign(kwh)).toBeGreaterThanOrEqual(0);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fills the proto spec and state, which survive an encode/decode round trip', () => {
    const a = new BatteryAsset('bat-1', SPEC);
    a.step(1000, period(0));
    const spec = a.spec();
    expect(spec).toEqual({
      assetId: 'bat-1',
      kind: {
        $case: 'battery',
        value: {
          powerMw: 10,
          energyMwh: 20,
          etaCharge: 0.9,
          etaDischarge: 0.9,
          socMinMwh: 2,
          socMaxMwh: 18,
          socInitialMwh: 10,
          degradationEurPerMwh: 5,
        },
      },
    });
    expect(AssetSpec.decode(AssetSpec.encode(spec).finish())).toEqual(spec);
    const st = a.state();
    expect(st.assetId).toBe('bat-1');
    expect(st.socMwh).toBeCloseTo(10.9, 9);
    expect(AssetState.decode(AssetState.encode(st).finish())).toEqual(st);
  });

  it('rejects a non-finite schedule', () => {
    const a = new BatteryAsset('b', SPEC);
    expect(() => a.step(Number.NaN, period(0))).toThrow(/finite/);
    expect(() => a.preview(Number.POSITIVE_INFINITY, period(0))).toThrow(/finite/);
  });
});
