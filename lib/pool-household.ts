// Algorithms 1 and 2 of seed 001 (Chasparis et al. 2019) for one household battery: the
// self-consumption baseline and the flexibility potentials. Shared by the pool twin
// (sim/assets/residential-pool.ts, which documents units and signs) and the aggregator strategy,
// which runs the same rules on its forecasts to bound its plan by the forecast potentials
// v̂_c,i(t), v̂_d,i(t) as the seed does. Powers in MW (grid side), SoC in MWh, ΔT in hours.

/** The limits the algorithms need, SoC in MWh. */
export interface HouseholdBatteryLimits {
  chargeMw: number;
  dischargeMw: number;
  etaCharge: number;
  etaDischarge: number;
  socMinMwh: number;
  socMaxMwh: number;
}

/** Highest battery power (charging) the interval allows: power limit and room to SOC_max. */
export function maxBatteryPower(b: HouseholdBatteryLimits, soc: number, dt: number): number {
  return Math.min(b.chargeMw, Math.max(0, (b.socMaxMwh - soc) / (b.etaCharge * dt)));
}

/** Lowest battery power (discharging, ≤ 0) the interval allows: power limit and energy above SOC_min. */
export function minBatteryPower(b: HouseholdBatteryLimits, soc: number, dt: number): number {
  return -Math.min(b.dischargeMw, Math.max(0, ((soc - b.socMinMwh) * b.etaDischarge) / dt));
}

/**
 * Algorithm 1, P_b,base,i(t) = B_i(ΔP_i(t), SOC_i(t)): self-consumption baseline.
 * a) ΔP ≥ 0: the excess PV first charges the battery (up to its power and SOC_max), the rest is
 *    fed into the grid; b) ΔP < 0: the excess load is first covered by the battery (up to its
 *    power and SOC_min), the rest is drawn from the grid. Returns the battery power, MW.
 */
export function baselineBatteryPower(
  b: HouseholdBatteryLimits,
  deltaPMw: number,
  socMwh: number,
  dtHours: number,
): number {
  if (deltaPMw >= 0) return Math.min(deltaPMw, maxBatteryPower(b, socMwh, dtHours));
  return Math.max(deltaPMw, minBatteryPower(b, socMwh, dtHours));
}

/**
 * Algorithm 2, [v_d,i(t), v_c,i(t)] = V_i(P_b,base,i(t), SOC_i(t)): how far the battery power
 * can move up (v_c ≥ 0, more charging / less discharging) or down (v_d ≤ 0) from the baseline
 * for the whole interval without leaving its power or SoC limits. Every deviation in
 * [v_d, v_c] is then feasible (the SoC change is monotone in the power).
 */
export function flexibilityPotential(
  b: HouseholdBatteryLimits,
  pBaseMw: number,
  socMwh: number,
  dtHours: number,
): { vd: number; vc: number } {
  return {
    vc: Math.max(0, maxBatteryPower(b, socMwh, dtHours) - pBaseMw),
    vd: Math.min(0, minBatteryPower(b, socMwh, dtHours) - pBaseMw),
  };
}

/** SoC after running at battery power `pMw` for the interval (Alg. 3 for a given power), clamped to the bounds. */
export function socAfter(b: HouseholdBatteryLimits, socMwh: number, pMw: number, dtHours: number): number {
  const next = socMwh + (pMw >= 0 ? b.etaCharge * pMw * dtHours : (pMw * dtHours) / b.etaDischarge);
  return Math.min(b.socMaxMwh, Math.max(b.socMinMwh, next));
}
