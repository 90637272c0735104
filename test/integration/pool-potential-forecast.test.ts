// The aggregator's forecast of the pool's flexibility potentials (agents/strategies/pool-potential.ts)
// against the pool twin (sim/assets/pool-asset.ts): given what the arena tells the pool's agent
// (ResidentialPoolSpec.household_specs, AssetState.household_soc_mwh) and perfect forecasts —
// PV = kWp × the solar capacity factor, a flat load — V̂_c(t), V̂_d(t) equal the twin's V_c(t),
// V_d(t) along the baseline, period by period.
import { describe, expect, it } from 'vitest';
import { forecastPoolPotentials } from '../../agents/strategies/pool-potential.js';
import { RandomStream } from '../../lib/random.js';
import { PoolAsset } from '../../sim/assets/pool-asset.js';
import type { HouseholdSpec } from '../../sim/assets/residential-pool.js';

describe('forecast pool potentials', () => {
  it('equal the twin’s V_c, V_d along the baseline under perfect forecasts', () => {
    const rng = new RandomStream('test.pool-potential', 3);
    const T = 96 * 2;
    const cf = Array.from({ length: T }, (_, t) => {
      const hour = ((t % 96) + 0.5) / 4;
      return Math.max(0, Math.sin((Math.PI * (hour - 6)) / 12)) * (0.6 + 0.4 * rng.next());
    });
    const kwp: number[] = [];
    const households: HouseholdSpec[] = Array.from({ length: 30 }, (_, i) => {
      kwp.push(4 + 6 * rng.next());
      const loadMw = (7 + 12 * rng.next()) / 24 / 1000;
      return {
        id: `hh${i}`,
        capacityMwh: (5 + 7 * rng.next()) / 1000,
        chargeMw: (3 + 2 * rng.next()) / 1000,
        etaCharge: 0.95,
        etaDischarge: 0.9,
        socMin: 0.1,
        socMax: 0.95,
        socInitial: 0.1 + 0.85 * rng.next(),
        pvMw: cf.map((c) => (kwp[i]! / 1000) * c),
        loadMw: Array(T).fill(loadMw),
        betaCharge: 50,
        betaDischarge: 50,
      };
    });
    const asset = new PoolAsset('pool', households, { stepHours: 0.25, pvKwp: kwp });
    const spec = asset.spec();
    if (spec.kind?.$case !== 'residentialPool') throw new Error('not a pool');
    // From a SoC after some periods, as a wake-up reports it.
    for (let s = 0; s < 20; s++) asset.pool.advance(s);
    const forecast = forecastPoolPotentials(
      spec.kind.value.householdSpecs,
      asset.state().householdSocMwh,
      cf.slice(20),
      0.25,
    );
    let zeroVc = 0;
    for (let s = 20; s < T; s++) {
      const f = asset.pool.flexibility(s);
      expect(forecast[s - 20]!.vcMw).toBeCloseTo(f.VcMw, 12);
      expect(forecast[s - 20]!.vdMw).toBeCloseTo(f.VdMw, 12);
      if (f.VcMw < 1e-12) zeroVc++;
      asset.pool.advance(s);
    }
    expect(zeroVc).toBeGreaterThan(0); // some midday periods without charge potential at all
  });
});
