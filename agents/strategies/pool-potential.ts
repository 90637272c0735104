// Forecast flexibility potentials of a residential battery pool (seed 001, "Forecast flexibility
// potential"): V̂_c(t) = Σ_i v̂_c,i(t) ≥ 0 and V̂_d(t) = Σ_i v̂_d,i(t) ≤ 0, the bounds every
// period's flexibility E(t) must keep (V̂_d(t) ≤ E(t) ≤ V̂_c(t), the constraint of eq. 10 under
// forecasts). Per household, Alg. 1 (self-consumption baseline) and Alg. 2 (potentials) run on
// the forecast excess PV ΔP̂_i(t) = P̂_PV,i(t) − P̂_load,i(t), starting from the household's SoC at
// the wake-up and advancing it along the baseline (Alg. 3 with u = 0).
//
// What the aggregator knows (ResidentialPoolSpec.household_specs, AssetState.household_soc_mwh):
// each battery's limits, kWp and mean daily load, and each SoC now. Forecasts built from them:
//   P̂_PV,i(t) = kWp_i × the world's forecast solar capacity factor (FundamentalsForecast.solar_mw
//               / WorldInfo.solar_capacity_mw), as the arena's pool makes its PV, without the
//               per-household day factor (local clouds) it cannot know;
//   P̂_load,i(t) = the household's mean load (load_mwh_per_day / 24): the arena does not tell
//               the load's daily shape.
// Limits of the forecast: the SoCs follow the baseline, not the activations the plan itself
// will make (the day-ahead LP keeps its own energy room for those), and forecast errors of PV
// and load carry into the potentials — the strategy takes a share of them (flexShare).

import type { PoolHousehold } from '../../gen/flexarena/v1/asset.js';
import {
  baselineBatteryPower,
  flexibilityPotential,
  type HouseholdBatteryLimits,
  socAfter,
} from '../../lib/index.js';

export interface PoolPotential {
  /** V̂_c(t) ≥ 0, MW: how much more the pool can charge than its baseline. */
  vcMw: number;
  /** V̂_d(t) ≤ 0, MW: how much more it can discharge. */
  vdMw: number;
}

function limitsOf(h: PoolHousehold): HouseholdBatteryLimits {
  return {
    chargeMw: h.chargeMw,
    dischargeMw: h.dischargeMw,
    etaCharge: h.etaCharge,
    etaDischarge: h.etaDischarge,
    socMinMwh: h.socMinMwh,
    socMaxMwh: h.socMaxMwh,
  };
}

/**
 * V̂_c, V̂_d of consecutive periods of `hours` each, the first starting now. `solarCf[t]` is the
 * forecast solar capacity factor of period t (0..1). `socMwh[i]` is household i's SoC now.
 */
export function forecastPoolPotentials(
  households: readonly PoolHousehold[],
  socMwh: readonly number[],
  solarCf: readonly number[],
  hours: number,
): PoolPotential[] {
  if (socMwh.length !== households.length)
    throw new RangeError(
      `pool potentials: ${socMwh.length} household SoCs for ${households.length} households`,
    );
  if (!(hours > 0 && Number.isFinite(hours)))
    throw new RangeError(`pool potentials: hours must be > 0, got ${hours}`);
  const limits = households.map(limitsOf);
  const soc = Float64Array.from(socMwh);
  const out: PoolPotential[] = [];
  for (const cf of solarCf) {
    let vc = 0;
    let vd = 0;
    households.forEach((h, i) => {
      const lim = limits[i]!;
      const dP = (h.pvKwp / 1000) * cf - h.loadMwhPerDay / 24;
      const pb = baselineBatteryPower(lim, dP, soc[i]!, hours);
      const f = flexibilityPotential(lim, pb, soc[i]!, hours);
      vc += f.vc;
      vd += f.vd;
      soc[i] = socAfter(lim, soc[i]!, pb, hours);
    });
    out.push({ vcMw: vc, vdMw: vd + 0 });
  }
  return out;
}
