import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssetSpec, GenerationSource, IllegalActionPolicy } from '../../gen/flexarena/v1/asset.js';
import { NamedRng } from '../../lib/random.js';
import { createWorld } from '../world/world.js';
import type { PeriodInfo } from './asset-twin.js';
import { ProsumerAsset, type ProsumerAssetOptions, worldGenerationMw } from './prosumer-asset.js';

const QH = 0.25;
const period = (step: number): PeriodInfo => ({ step, deliveryStartMs: step * 900_000, hours: QH });

/** 4 MW / 8 MWh behind a plant: 0 MW at night, 2 MW and 6 MW by day. */
const GEN = [0, 0, 2, 6, 6, 2, 0, 0, 3, 1];

function prosumer(over: Partial<ProsumerAssetOptions> = {}): ProsumerAsset {
  return new ProsumerAsset('pv', {
    battery: {
      powerMw: 4,
      energyMwh: 8,
      etaCharge: 0.95,
      etaDischarge: 0.95,
      socMin: 0.1,
      socMax: 0.9,
      socInitial: 0.5,
      degradationEurPerMwh: 3,
    },
    generationMw: GEN,
    stepHours: QH,
    source: 'solar',
    capacityMw: 10,
    allowImport: false,
    illegalPolicy: 'clip',
    toleranceKwh: 1,
    illegalPenaltyEur: 50,
    ...over,
  });
}

describe('ProsumerAsset', () => {
  it('has the baseline −generation: its own export with an idle battery', () => {
    const a = prosumer();
    expect(GEN.map((_, t) => a.baselineKwh(period(t)))).toEqual(GEN.map((g) => (g === 0 ? 0 : -g * 250)));
    expect(Object.is(a.baselineKwh(period(0)), -0)).toBe(false);
    for (let t = 0; t < GEN.length; t++) {
      const b = a.baselineKwh(period(t));
      expect(a.step(b, period(t))).toEqual({ meteredKwh: b, clipped: false });
    }
    expect(a.finalSocMwh()).toBeCloseTo(4, 12);
    expect(a.state().throughputMwh).toBe(0);
  });

  it('meters −export: no position puts the generation into the battery, selling more drains it', () => {
    const a = prosumer();
    a.step(0, period(0));
    a.step(0, period(1));
    // 2 MW × 0.25 h = 500 kWh generated, schedule 0: sell nothing, the battery takes 500 kWh.
    expect(a.step(0, period(2))).toEqual({ meteredKwh: 0, clipped: false });
    expect(a.finalSocMwh()).toBeCloseTo(4 + 0.5 * 0.95, 9);
    // 6 MW: export 2000 kWh (schedule −2000): the battery takes the other 1500 kWh.
    expect(a.step(-2000, period(3))).toEqual({ meteredKwh: -2000, clipped: false });
    // Sell 2500 kWh of 1500 generated: the battery discharges 1000 kWh.
    const soc = a.finalSocMwh();
    expect(a.step(-2500, period(4))).toEqual({ meteredKwh: -2500, clipped: false });
    expect(a.finalSocMwh()).toBeLessThan(soc - 0.1);
  });

  it('clips an illegal import (allowImport false) to selling 0 and charges the penalty', () => {
    const a = prosumer();
    // Night: no generation; taking 300 kWh from the grid is an illegal import.
    expect(a.preview(300, period(0))).toEqual({ meteredKwh: 0, clipped: true });
    expect(a.step(300, period(0))).toEqual({ meteredKwh: 0, clipped: true });
    expect(a.state().illegalPeriods).toBe(1);
    expect(a.state().clippedPeriods).toBe(1);
    expect(a.state().shortfallMwh).toBeCloseTo(0.3, 12);
    expect(a.costs().penaltyEur).toBe(50);
  });

  it('lets the battery charge from the grid when imports are allowed', () => {
    const a = prosumer({ allowImport: true });
    expect(a.step(300, period(0))).toEqual({ meteredKwh: 300, clipped: false });
    expect(a.finalSocMwh()).toBeCloseTo(4 + 0.3 * 0.95, 9);
    expect(a.costs()).toMatchObject({ lostRentalEur: 0, tariffEur: 0, penaltyEur: 0 });
    expect(a.costs().degradationEur).toBeCloseTo(0.3 * 3, 12);
  });

  it("meters the baseline for an illegal action under 'ignore'", () => {
    const a = prosumer({ illegalPolicy: 'ignore' });
    a.step(0, period(0));
    a.step(0, period(1));
    // Sell 2000 kWh of 500 generated: the battery (1000 kWh max per quarter-hour) cannot.
    expect(a.step(-2000, period(2))).toEqual({ meteredKwh: -500, clipped: true });
    expect(a.state().illegalPeriods).toBe(1);
    expect(a.finalSocMwh()).toBeCloseTo(4, 12);
  });

  it('runs skipped periods at the baseline and refuses past ones', () => {
    const a = prosumer();
    expect(a.step(0, period(2))).toEqual({ meteredKwh: 0, clipped: false });
    // Periods 0–1 ran idle (at night anyway); period 2's 500 kWh went into the battery.
    expect(a.finalSocMwh()).toBeCloseTo(4 + 0.5 * 0.95, 9);
    expect(a.state().clippedPeriods).toBe(0);
    expect(() => a.step(0, period(1))).toThrow(/past/);
    // Skipping the sunny periods 3–4 leaves the battery idle there: their generation is exported.
    expect(a.step(0, period(5))).toEqual({ meteredKwh: 0, clipped: false });
    expect(a.finalSocMwh()).toBeCloseTo(4 + 1 * 0.95, 9);
    expect(() => a.preview(0, { ...period(4), hours: 1 })).toThrow(/0.25 h/);
    expect(() => a.step(0, period(GEN.length))).toThrow(RangeError);
  });

  it('preview equals step exactly, whatever the schedules, policy and import rule', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'clip' | 'ignore'>('clip', 'ignore'),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(
          fc.oneof(fc.integer({ min: -4000, max: 2000 }), fc.double({ min: -4000, max: 2000, noNaN: true })),
          {
            minLength: GEN.length,
            maxLength: GEN.length,
          },
        ),
        (illegalPolicy, allowImport, socInitial, schedules) => {
          const battery = { ...prosumer().options.battery, socMin: 0, socMax: 1, socInitial };
          const a = prosumer({ illegalPolicy, allowImport, battery });
          const b = prosumer({ illegalPolicy, allowImport, battery });
          schedules.forEach((s, t) => {
            const before = a.state();
            const p = a.preview(s, period(t));
            expect(a.state()).toEqual(before);
            const r = a.step(s, period(t));
            expect(r).toEqual(p);
            expect(r.clipped).toBe(r.meteredKwh !== s);
            // A twin that never previews meters the same.
            expect(b.step(s, period(t))).toEqual(r);
          });
          expect(a.state()).toEqual(b.state());
          expect(a.costs()).toEqual(b.costs());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fills the proto spec', () => {
    const spec = prosumer().spec();
    expect(spec.kind?.$case).toBe('prosumer');
    if (spec.kind?.$case !== 'prosumer') return;
    expect(spec.kind.value).toMatchObject({
      generationSource: GenerationSource.GENERATION_SOURCE_SOLAR,
      generationCapacityMw: 10,
      allowImport: false,
      illegalPolicy: IllegalActionPolicy.ILLEGAL_ACTION_POLICY_CLIP,
      illegalPenaltyEur: 50,
    });
    expect(spec.kind.value.battery?.socMaxMwh).toBeCloseTo(7.2, 12);
    expect(AssetSpec.decode(AssetSpec.encode(spec).finish())).toEqual(spec);
  });
});

describe('worldGenerationMw', () => {
  const world = createWorld(undefined, new NamedRng(7), ['2024-06-01']);

  it("scales the world's realised solar or wind output to the plant", () => {
    const solarCap = world.config.calibration.solar.capacityMw;
    const windCap = world.config.calibration.wind.capacityMw;
    const solar = worldGenerationMw(world, 'solar', 20);
    const wind = worldGenerationMw(world, 'wind', 5);
    expect(solar).toHaveLength(96);
    for (let t = 0; t < 96; t++) {
      const r = world.realised(t);
      expect(solar[t]).toBeCloseTo((r.solarMw * 20) / solarCap, 9);
      expect(wind[t]).toBeCloseTo((r.windMw * 5) / windCap, 9);
      expect(solar[t]).toBeLessThanOrEqual(20);
    }
    expect(solar[0]).toBe(0); // midnight UTC: dark
    expect(Math.max(...solar)).toBeGreaterThan(5);
  });
});
