// Cost terms of the EV-fleet virtual power plant of Richter (2019), "Reinforcement Learning
// Portfolio Optimization of Electric Vehicle Virtual Power Plants" (seed 004), §1.2, eqs. 1–7,
// plus eq. 9 (VPP size), eq. 12 (reward) and the industry-tariff fallback. All functions are pure.
//
// Units follow the seed: powers P in kW, capacity price p^c in €/MW (per market period), energy
// prices p^e, p^u in €/MWh, industry tariff p^i in €/kWh, period lengths Δh, Δt in hours.
// Costs are in € and positive = the fleet pays; negative = the fleet is paid.

/** Δh of the seed's empirical case: 15-minute market periods. */
export const MARKET_PERIOD_HOURS = 0.25;
/** Δt of the seed's empirical case: 5-minute control periods. */
export const CONTROL_PERIOD_HOURS = 5 / 60;
/** γ (called δ in Table 1): charging power of one EV at a charging station (seed: 3.6 kW). */
export const EV_CHARGER_KW = 3.6;

// Power values such as 900 / 3.6 are not exact in binary floating point; counts and
// comparisons that the seed states exactly use this tolerance.
const EPS = 1e-9;

function assertFinite(name: string, x: number): void {
  if (!Number.isFinite(x)) throw new RangeError(`${name} must be finite, got ${x}`);
}

function assertNonNegative(name: string, x: number): void {
  assertFinite(name, x);
  if (x < 0) throw new RangeError(`${name} must be >= 0, got ${x}`);
}

function assertRisk(name: string, x: number): void {
  assertFinite(name, x);
  if (x < 0 || x > 1) throw new RangeError(`${name} must lie in [0, 1], got ${x}`);
}

/**
 * Eq. 1: predicted fleet charging power of a market period, the minimum of the predicted
 * available charging power P̂_t^fleet over its T control periods:
 * P̂_h^fleet ≐ min_{n∈{1..T}} P̂_{t+n}^fleet. An empty list (no prediction) gives 0 kW.
 */
export function predictedMarketPeriodPowerKw(predictedControlPeriodKw: readonly number[]): number {
  if (predictedControlPeriodKw.length === 0) return 0;
  let min = Number.POSITIVE_INFINITY;
  for (const p of predictedControlPeriodKw) {
    assertFinite('predicted control-period power', p);
    if (p < min) min = p;
  }
  return min;
}

/** E_h^bal = P·Δh/10³ (MWh) scaled by the activated share (the seed assumes full activation, 1). */
export function balancingEnergyMwh(
  powerKw: number,
  marketPeriodHours = MARKET_PERIOD_HOURS,
  activationShare = 1,
): number {
  return ((powerKw * marketPeriodHours) / 1e3) * activationShare;
}

/** E_h^intr = P·Δh/10³ (MWh). */
export function intradayEnergyMwh(powerKw: number, marketPeriodHours = MARKET_PERIOD_HOURS): number {
  return (powerKw * marketPeriodHours) / 1e3;
}

/**
 * Eq. 2: cost of charging from the balancing market,
 * C_h^bal(P) ≐ −(P·10⁻³·p̄^c) + (E_h^bal·p̄^e) = −(P·10⁻³·p̄^c) + (P·Δh/10³·p̄^e).
 * The first term is the capacity compensation (p̄^c ≥ 0 per the seed), the second the cost of the
 * activated energy (p̄^e may be negative). `activationShare` ∈ [0, 1] generalises the seed's full
 * activation (E^bal = P·Δh) for arenas that activate only part of the capacity; default 1 = seed.
 */
export function balancingCostEur(
  powerKw: number,
  capacityPriceEurPerMw: number,
  energyPriceEurPerMwh: number,
  marketPeriodHours = MARKET_PERIOD_HOURS,
  activationShare = 1,
): number {
  assertFinite('balancing power', powerKw);
  assertFinite('capacity price', capacityPriceEurPerMw);
  assertFinite('energy price', energyPriceEurPerMwh);
  assertRisk('activation share', activationShare);
  return (
    -(powerKw * 1e-3 * capacityPriceEurPerMw) +
    balancingEnergyMwh(powerKw, marketPeriodHours, activationShare) * energyPriceEurPerMwh
  );
}

/** Eq. 3: cost of charging from the intraday market, C_h^intr(P) ≐ E_h^intr·p̄^u = P·Δh/10³·p̄^u. */
export function intradayCostEur(
  powerKw: number,
  unitPriceEurPerMwh: number,
  marketPeriodHours = MARKET_PERIOD_HOURS,
): number {
  assertFinite('intraday power', powerKw);
  assertFinite('intraday price', unitPriceEurPerMwh);
  return intradayEnergyMwh(powerKw, marketPeriodHours) * unitPriceEurPerMwh;
}

/**
 * Industry-tariff fallback: energy that was not bought on a market is charged at the flat industry
 * tariff p^i (€/kWh). The seed uses it as the outside option in eqs. 4–5 (E·10³·p^i) and in the
 * §1.2.6 example (900 kW × 0.25 h × 0.15 €/kWh = 33.75 €).
 */
export function industryTariffCostEur(energyKwh: number, tariffEurPerKwh: number): number {
  assertFinite('tariff energy', energyKwh);
  assertFinite('industry tariff', tariffEurPerKwh);
  return energyKwh * tariffEurPerKwh;
}

/** The industry-tariff cost of charging `powerKw` for one market period: P·Δh·p^i. */
export function industryTariffCostForPowerEur(
  powerKw: number,
  tariffEurPerKwh: number,
  marketPeriodHours = MARKET_PERIOD_HOURS,
): number {
  return industryTariffCostEur(powerKw * marketPeriodHours, tariffEurPerKwh);
}

export interface BalancingBidInput {
  /** P̂_h^fleet one week ahead, kW (eq. 1). */
  predictedFleetKw: number;
  /** λ_h^bal ∈ [0, 1]. */
  riskBalancing: number;
  /** p̄_h^c, €/MW. */
  capacityPriceEurPerMw: number;
  /** p̄_h^e, €/MWh. */
  energyPriceEurPerMwh: number;
  /** p̄_h^u, €/MWh. */
  intradayPriceEurPerMwh: number;
  /** p^i, €/kWh. */
  industryTariffEurPerKwh: number;
  marketPeriodHours?: number;
}

/**
 * Eq. 4: balancing bid quantity
 * P_h^bal ≐ 0 if C_h^bal(P̂) ≥ E_h^bal·10³·p^i (the industry tariff is cheaper),
 *           0 if C_h^bal(P̂) ≥ C_h^intr(P̂)     (the intraday market is cheaper),
 *           P̂·(1 − λ_h^bal) otherwise.
 */
export function balancingBidQuantityKw(input: BalancingBidInput): number {
  const dh = input.marketPeriodHours ?? MARKET_PERIOD_HOURS;
  const p = input.predictedFleetKw;
  assertNonNegative('predicted fleet power', p);
  assertRisk('λ^bal', input.riskBalancing);
  const cBal = balancingCostEur(p, input.capacityPriceEurPerMw, input.energyPriceEurPerMwh, dh);
  const tariff = balancingEnergyMwh(p, dh) * 1e3 * input.industryTariffEurPerKwh;
  if (cBal >= tariff) return 0;
  if (cBal >= intradayCostEur(p, input.intradayPriceEurPerMwh, dh)) return 0;
  return p * (1 - input.riskBalancing);
}

export interface IntradayBidInput {
  /** P̂_h^fleet 30 minutes ahead, kW. */
  predictedFleetKw: number;
  /** P_h^bal already committed on the balancing market, kW. */
  balancingCommittedKw: number;
  /** λ_h^intr ∈ [0, 1]. */
  riskIntraday: number;
  /** p̄_h^u, €/MWh. */
  intradayPriceEurPerMwh: number;
  /** p^i, €/kWh. */
  industryTariffEurPerKwh: number;
  marketPeriodHours?: number;
}

/**
 * Eq. 5: intraday bid quantity
 * P_h^intr ≐ 0 if C_h^intr(P̂ − P^bal) ≥ E_h^intr·10³·p^i, else (P̂ − P^bal)·(1 − λ_h^intr).
 * Assumption (the seed does not cover it): when P̂ < P^bal the remainder is clamped to 0 — the
 * fleet only charges, so it never sells back on the intraday market here.
 */
export function intradayBidQuantityKw(input: IntradayBidInput): number {
  const dh = input.marketPeriodHours ?? MARKET_PERIOD_HOURS;
  assertNonNegative('predicted fleet power', input.predictedFleetKw);
  assertNonNegative('balancing commitment', input.balancingCommittedKw);
  assertRisk('λ^intr', input.riskIntraday);
  const rest = Math.max(0, input.predictedFleetKw - input.balancingCommittedKw);
  const cIntr = intradayCostEur(rest, input.intradayPriceEurPerMwh, dh);
  const tariff = intradayEnergyMwh(rest, dh) * 1e3 * input.industryTariffEurPerKwh;
  if (cIntr >= tariff) return 0;
  return rest * (1 - input.riskIntraday);
}

/**
 * Eq. 6: an EV belongs to the VPP iff it is connected (c_i = 1) and has enough free storage to
 * charge the whole next control period: Ω − ω_i ≥ γ·Δt. (The seed prints the set condition with
 * "∨"; the prose — "(a) are connected … and (b) have enough free battery storage" — means "∧".)
 */
export function isVppEligible(
  plugged: boolean,
  socKwh: number,
  capacityKwh: number,
  chargerKw = EV_CHARGER_KW,
  controlPeriodHours = CONTROL_PERIOD_HOURS,
): boolean {
  return plugged && capacityKwh - socKwh >= chargerKw * controlPeriodHours - EPS;
}

/** P_t^fleet: available fleet charging power = |VPP|·γ (kW). */
export function availableFleetPowerKw(vppSize: number, chargerKw = EV_CHARGER_KW): number {
  return vppSize * chargerKw;
}

/**
 * Eq. 9: number of EVs needed to provide a charging power, |VPP| ≐ ⌈P/γ⌉
 * (§1.2.6: ⌈801 kW / 3.6 kW⌉ = 223 EVs). Tolerant of float noise: 900/3.6 counts as 250.
 */
export function vppCarsNeeded(powerKw: number, chargerKw = EV_CHARGER_KW): number {
  assertNonNegative('power', powerKw);
  if (!(chargerKw > 0)) throw new RangeError(`charger power must be > 0, got ${chargerKw}`);
  return Math.max(0, Math.ceil(powerKw / chargerKw - EPS));
}

/**
 * β_h, imbalance cost of a market period. The seed names β_h but gives no formula; here it is the
 * metered imbalance energy (kWh, > 0 = committed charging not delivered) times an imbalance price
 * (€/MWh) supplied by the arena's settlement. Assumption, documented as such.
 */
export function imbalanceCostEur(imbalanceKwh: number, imbalancePriceEurPerMwh: number): number {
  assertFinite('imbalance energy', imbalanceKwh);
  assertFinite('imbalance price', imbalancePriceEurPerMwh);
  return (imbalanceKwh / 1e3) * imbalancePriceEurPerMwh;
}

export interface LostRentalPricing {
  /** Fixed part of ρ_{t,i}, €. */
  baseEur: number;
  /** Rental revenue per minute of trip, €/min. */
  perMinuteEur: number;
}

/**
 * ρ_{t,i}: opportunity cost of refusing the rental of EV i in control period t. The seed gives no
 * number, only that "renting out EVs is considerably more profitable than using EVs as a VPP".
 * Assumption: the lost rental revenue, base + per-minute price × trip minutes (default pricing in
 * ev-fleet.ts: 0.29 €/min, a typical 2017 German free-floating car-sharing price).
 */
export function lostRentalCostEur(tripMinutes: number, pricing: LostRentalPricing): number {
  assertNonNegative('trip minutes', tripMinutes);
  return pricing.baseEur + pricing.perMinuteEur * tripMinutes;
}

export interface FleetPeriodCostTerms {
  /** C_h^bal(P_h^bal), € (eq. 2). */
  balancingCostEur: number;
  /** C_h^intr(P_h^intr), € (eq. 3). */
  intradayCostEur: number;
  /** β_h, € (imbalance). */
  imbalanceCostEur: number;
  /** ρ_{t,i} of every refused rental in the market period, € (Σ_t Σ_i ρ_{t,i}). */
  lostRentalCostsEur: readonly number[];
  /**
   * Industry-tariff fallback, € (energy charged outside the market commitments × p^i). Not a
   * term of the seed's eq. 7, which prices only market energy; 0 reproduces eq. 7 exactly.
   */
  tariffCostEur?: number;
}

/**
 * Eq. 7, the bracket for one market period h:
 * C_h^bal(P_h^bal) + C_h^intr(P_h^intr) + β_h + Σ_t^T Σ_i^|F| ρ_{t,i}  (+ tariff fallback).
 */
export function fleetMarketPeriodCostEur(terms: FleetPeriodCostTerms): number {
  let rho = 0;
  for (const r of terms.lostRentalCostsEur) rho += r;
  return (
    terms.balancingCostEur + terms.intradayCostEur + terms.imbalanceCostEur + rho + (terms.tariffCostEur ?? 0)
  );
}

/** Eq. 7: C^fleet(θ_λ) ≐ Σ_h^{N_h} [ … ], the fleet's total cost over all market periods. */
export function fleetTotalCostEur(periods: readonly FleetPeriodCostTerms[]): number {
  let total = 0;
  for (const p of periods) total += fleetMarketPeriodCostEur(p);
  return total;
}

/**
 * Eq. 12: R ≐ C_t^fleet − C_{t−1}^fleet, the cost accrued in the last step from accumulated fleet
 * costs. (The seed calls it the reward; as a cost, a learner maximising return uses −R.)
 */
export function stepCostFromAccumulatedEur(accumulatedNowEur: number, accumulatedBeforeEur: number): number {
  return accumulatedNowEur - accumulatedBeforeEur;
}
