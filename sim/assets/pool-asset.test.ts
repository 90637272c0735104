import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssetSpec, AssetState } from '../../gen/flexarena/v1/asset.js';
import { NamedRng, RandomStream } from '../../lib/random.js';
import { createWorld } from '../world/world.js';
import { parseAssetConfig, type ResidentialPoolAssetConfig } from './asset-config.js';
import type { PeriodInfo } from './asset-twin.js';
import { PoolAsset, worldPoolHouseholds } from './pool-asset.js';
import { type HouseholdSpec, ResidentialPool, syntheticPoolHouseholds } from './residential-pool.js';

const QH = 0.25;
const period = (step: number): PeriodInfo => ({ step, deliveryStartMs: step * 900_000, hours: QH });

function households(seed = 3, n = 12): HouseholdSpec[] {
  return syntheticPoolHouseholds(new RandomStream('test.pool', seed), { households: n });
}

const asset = (hs = households()) => new PoolAsset('pool', hs, { stepHours: QH });

/** Energy of the pool's charging (> 0) or discharging (< 0) potential this step, kWh. */
function potentialKwh(a: PoolAsset, step: number): { up: number; down: number } {
  const f = a.pool.flexibility(step);
  return { up: f.VcMw * QH * 1000, down: f.VdMw * QH * 1000 };
}

describe('PoolAsset', () => {
  it('has the Alg. 1 self-consumption exchange as baseline, and meters it with no cost', () => {
    const hs = households();
    const a = asset(hs);
    const bare = new ResidentialPool(hs, { stepHours: QH });
    let imports = 0;
    let exports = 0;
    for (let t = 0; t < 96; t++) {
      const b = a.baselineKwh(period(t));
      expect(b).toBe(bare.advance(t).meteredKwh);
      expect(a.step(b, period(t))).toEqual({ meteredKwh: b, clipped: false });
      if (b > 0) imports++;
      if (b < 0) exports++;
    }
    expect(imports).toBeGreaterThan(0); // night: the load draws from the grid once batteries are empty
    expect(exports).toBeGreaterThan(0); // midday: PV beyond what the batteries take is fed in
    expect(a.costs()).toEqual({ degradationEur: 0, lostRentalEur: 0, tariffEur: 0, penaltyEur: 0 });
    expect(a.finalSocMwh()).toBeCloseTo(
      bare.socMwh().reduce((s, x) => s + x, 0),
      12,
    );
    // Past baselines are the recorded ones.
    const again = asset(hs);
    const seen: number[] = [];
    for (let t = 0; t < 10; t++) {
      seen.push(again.baselineKwh(period(t)));
      again.step(seen[t]! + 5, period(t));
    }
    expect(seen.map((_, t) => again.baselineKwh(period(t)))).toEqual(seen);
  });

  it('activates a feasible deviation in merit order: meters the schedule, costs β·|x|·ΔT', () => {
    const a = asset();
    // Early morning (06:00): batteries partly empty, charging potential available.
    const T = 24;
    for (let t = 0; t < T; t++) a.step(a.baselineKwh(period(t)), period(t));
    const b = a.baselineKwh(period(T));
    const { up } = potentialKwh(a, T);
    expect(up).toBeGreaterThan(10);
    const schedule = b + Math.floor(up / 2);
    const act = a.pool.activate(T, (schedule - b) / 1000 / QH);
    expect(act.unmetMw).toBe(0);
    const soc = a.finalSocMwh();
    expect(a.preview(schedule, period(T))).toEqual({ meteredKwh: schedule, clipped: false });
    expect(a.step(schedule, period(T))).toEqual({ meteredKwh: schedule, clipped: false });
    expect(a.costs().penaltyEur).toBeCloseTo(act.costEur, 12);
    expect(act.costEur).toBeGreaterThan(0);
    expect(a.finalSocMwh()).toBeGreaterThan(soc);
    expect(a.state().deliveredFlexibilityMwh).toBeCloseTo((schedule - b) / 1000, 9);
  });

  it('serves a discharge request (schedule below the baseline) from the cheapest batteries first', () => {
    const hs = households();
    const a = asset(hs);
    const ref = asset(hs);
    for (let t = 0; t < 70; t++) {
      a.step(a.baselineKwh(period(t)), period(t));
      ref.step(ref.baselineKwh(period(t)), period(t));
    }
    const b = a.baselineKwh(period(70));
    const { down } = potentialKwh(a, 70);
    expect(down).toBeLessThan(-10);
    const schedule = b + Math.ceil(down / 3);
    const act = a.pool.activate(70, (schedule - b) / 1000 / QH);
    const flex = a.pool.flexibility(70);
    expect(a.step(schedule, period(70))).toEqual({ meteredKwh: schedule, clipped: false });
    ref.step(b, period(70));
    expect(a.finalSocMwh()).toBeLessThan(ref.finalSocMwh());
    // Merit order: the activated households are the cheapest ones that could discharge.
    const beta = hs.map((h) => h.betaDischarge as number);
    const marginal = act.marginalBetaEurPerMwh!;
    expect(act.order.length).toBeGreaterThan(0);
    expect(act.order.length).toBeLessThan(hs.length);
    act.u.forEach((u, i) => {
      if (u !== 0) expect(beta[i]).toBeLessThanOrEqual(marginal);
      else if (flex.vd[i]! < 0) expect(beta[i]).toBeGreaterThanOrEqual(marginal);
    });
    expect(a.costs().penaltyEur).toBeCloseTo(act.costEur, 12);
  });

  it('clips a request beyond the potential: everything activated, the rest is shortfall', () => {
    const a = asset();
    for (let t = 0; t < 24; t++) a.step(a.baselineKwh(period(t)), period(t));
    const b = a.baselineKwh(period(24));
    const { up } = potentialKwh(a, 24);
    expect(up).toBeGreaterThan(10);
    const schedule = b + Math.ceil(up) + 200;
    const r = a.step(schedule, period(24));
    expect(r.clipped).toBe(true);
    expect(r.meteredKwh).toBeLessThan(schedule);
    expect(Math.abs(r.meteredKwh - (b + up))).toBeLessThanOrEqual(1);
    expect(a.state().clippedPeriods).toBe(1);
    expect(a.state().shortfallMwh).toBeCloseTo((schedule - r.meteredKwh) / 1000, 12);
  });

  it('runs skipped periods at the baseline and refuses past ones', () => {
    const hs = households();
    const a = asset(hs);
    const ref = asset(hs);
    const b10 = a.baselineKwh(period(10)); // catches up 0–9 at the baseline
    for (let t = 0; t < 10; t++) ref.step(ref.baselineKwh(period(t)), period(t));
    expect(ref.baselineKwh(period(10))).toBe(b10);
    expect(a.baselineKwh(period(4))).toBe(ref.baselineKwh(period(4)));
    expect(a.costs().penaltyEur).toBe(0);
    a.step(b10, period(10));
    expect(() => a.step(0, period(10))).toThrow(/past/);
    expect(() => a.preview(0, period(96))).toThrow(RangeError);
  });

  it('preview equals step exactly, for random deviations; previews leave no trace', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: -1.5, max: 1.5, noNaN: true })), {
          minLength: 96,
          maxLength: 96,
        }),
        fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: 3, maxLength: 3 }),
        (seed, shares, extra) => {
          const hs = households(seed, 8);
          const a = asset(hs);
          const b = asset(hs);
          shares.forEach((share, t) => {
            const base = a.baselineKwh(period(t));
            const { up, down } = potentialKwh(a, t);
            const dev = share >= 0 ? share * up : -share * down;
            const schedule = base + Math.round(dev);
            for (const x of extra) a.preview(schedule + x, period(t));
            const before = a.state();
            const p = a.preview(schedule, period(t));
            expect(a.state()).toEqual(before);
            const r = a.step(schedule, period(t));
            expect(r).toEqual(p);
            expect(r.clipped).toBe(r.meteredKwh !== schedule);
            // |share| ≤ 1 stays within the potential: metered = schedule up to the register's rounding.
            if (Math.abs(share) <= 0.999) expect(Math.abs(r.meteredKwh - schedule)).toBeLessThanOrEqual(1);
            expect(b.step(schedule, period(t))).toEqual(r);
          });
          expect(a.state()).toEqual(b.state());
          expect(a.costs()).toEqual(b.costs());
        },
      ),
      { numRuns: 40 },
    );
  });

  it('fills the proto spec with pool totals and the state', () => {
    const hs = households(5, 4);
    const a = asset(hs);
    a.step(a.baselineKwh(period(0)) + 1, period(0));
    const spec = a.spec();
    expect(spec.kind?.$case).toBe('residentialPool');
    if (spec.kind?.$case !== 'residentialPool') return;
    const v = spec.kind.value;
    expect(v.households).toBe(4);
    expect(v.batteryCapacityMwh).toBeCloseTo(
      hs.reduce((s, h) => s + h.capacityMwh, 0),
      12,
    );
    expect(v.socInitialMwh).toBeCloseTo(
      hs.reduce((s, h) => s + h.socInitial * h.capacityMwh, 0),
      12,
    );
    expect(v.betaChargeMinEurPerMwh).toBe(Math.min(...hs.map((h) => h.betaCharge as number)));
    expect(v.betaDischargeMaxEurPerMwh).toBe(Math.max(...hs.map((h) => h.betaDischarge as number)));
    expect(v.pvKwpTotal).toBeGreaterThan(0);
    expect(AssetSpec.decode(AssetSpec.encode(spec).finish())).toEqual(spec);
    const st = a.state();
    expect(st.socMwh).toBeCloseTo(a.finalSocMwh(), 12);
    expect(AssetState.decode(AssetState.encode(st).finish())).toEqual(st);
  });
});

describe('worldPoolHouseholds', () => {
  const world = createWorld(undefined, new NamedRng(11), ['2024-06-01', '2024-06-02']);
  const cfg = parseAssetConfig({ type: 'residential-pool', households: 20 }) as ResidentialPoolAssetConfig;
  const { type: _t, ...ranges } = cfg;
  const draw = (seed: number) =>
    worldPoolHouseholds(ranges, world, QH, new RandomStream('p', seed), new RandomStream('q', seed + 1));

  it('draws households within the ranges, PV following the world sun, load in local time', () => {
    const { households: hs, pvKwp, loadKwhPerDay } = draw(1);
    expect(hs).toHaveLength(20);
    const solarCap = world.config.calibration.solar.capacityMw;
    hs.forEach((h, i) => {
      expect(pvKwp[i]).toBeGreaterThanOrEqual(4);
      expect(pvKwp[i]).toBeLessThanOrEqual(10);
      expect(h.capacityMwh * 1000).toBeGreaterThanOrEqual(5);
      expect(h.capacityMwh * 1000).toBeLessThanOrEqual(12);
      expect(h.chargeMw * 1000).toBeGreaterThanOrEqual(3);
      expect(h.chargeMw * 1000).toBeLessThanOrEqual(5);
      expect(h.betaCharge).toBeGreaterThanOrEqual(20);
      expect(h.betaDischarge).toBeLessThanOrEqual(200);
      expect(h.socInitial).toBeGreaterThanOrEqual(0.1);
      expect(h.socInitial).toBeLessThanOrEqual(0.95);
      expect(h.pvMw).toHaveLength(192);
      expect(h.loadMw).toHaveLength(192);
      for (let t = 0; t < 192; t++) {
        const r = world.realised(t);
        if (r.solarMw === 0) expect(h.pvMw[t]).toBe(0);
        expect(h.pvMw[t]!).toBeLessThanOrEqual((pvKwp[i]! / 1000) * 1.3 * (r.solarMw / solarCap) + 1e-15);
        expect(h.loadMw[t]!).toBeGreaterThan(0);
      }
      const dayKwh = h.loadMw.reduce((s, x) => s + x * QH * 1000, 0) / 2;
      expect(dayKwh / loadKwhPerDay[i]!).toBeGreaterThan(0.8);
      expect(dayKwh / loadKwhPerDay[i]!).toBeLessThan(1.2);
    });
    // Evening peak (19–20 h local = 17–18 UTC in June) above the night (2–3 h local).
    const sum = (from: number, to: number) =>
      hs.reduce((s, h) => s + h.loadMw.slice(from, to).reduce((a, x) => a + x, 0), 0);
    expect(sum(68, 72)).toBeGreaterThan(1.5 * sum(0, 4));
  });

  it('is deterministic in its streams', () => {
    expect(draw(4)).toEqual(draw(4));
    expect(draw(4).households[0]!.pvMw).not.toEqual(draw(5).households[0]!.pvMw);
  });
});
