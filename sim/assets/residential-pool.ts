// Residential battery pool (DESIGN.md §5; seed 001: Chasparis, Pichler, Spreitzhofer, Esterl,
// "A cooperative demand-response framework for day-ahead optimization in battery pools",
// Energy Informatics 2 (2019) 29). N households, each with PV, load and a battery; an aggregator
// extracts charging/discharging flexibility from the pool against participation costs β.
//
// Notation (seed 001, "Participation costs and notation" and "System dynamics"):
//   t = 1..T intervals of ΔT (here: step = t − 1, `stepHours` = ΔT, default 15 min, T = 96)
//   ΔP_i(t) = P_PV,i(t) − P_load,i(t)                       excess PV power
//   P_b,base,i(t) = B_i(ΔP_i(t), SOC_i(t))                   baseline battery power   (Alg. 1)
//   [v_d,i(t), v_c,i(t)] = V_i(P_b,base,i(t), SOC_i(t))      flexibility potentials   (Alg. 2)
//   SOC_i(t+1) = Σ_i(SOC_i(t), v_d,i(t), v_c,i(t), u_i(t))   SoC update               (Alg. 3)
//   u*(t) ∈ O_act,t(E(t), v̂_d(t), v̂_c(t))                   optimal activation       (Alg. 4)
//   V_c(t) = 1ᵀ v_c(t) ≥ 0, V_d(t) = 1ᵀ v_d(t) ≤ 0           pool potentials
//
// The seed prints Algorithms 1-4 as figures, not text; what is implemented here follows the
// prose around them (the self-consumption rule of "System dynamics", the activation problems
// (6)/(7) and the κ_d merit-order construction of "Optimal activation algorithm").
//
// Units and signs chosen for the arena (documented because the seed counts energy per interval):
//   - Powers in MW, energies in MWh, ΔT in hours. A battery power is grid (AC) side: charging
//     P_b > 0 stores η_c·P_b·ΔT, discharging P_b < 0 removes |P_b|·ΔT/η_d (as the BatteryTwin).
//   - v_c,i ≥ 0 and v_d,i ≤ 0 are the power deviations from the baseline battery power that the
//     battery can still make for the whole interval; the seed's energies are E_i(t) = x_i·ΔT with
//     x_i = u_i·v_c,i (u_i ≥ 0) or x_i = −u_i·v_d,i (u_i ≤ 0).
//   - β_c,i, β_d,i are € per MWh of activated flexibility; the cost of an activation is
//     C = Σ_i β_i·|x_i|·ΔT (the seed's C_c,t = Σ u_i v_c,i β_c,i with v in energy units).
//   - A request (the seed's E(t), here in MW) > 0 asks the pool to charge more (take more from
//     the grid), < 0 to discharge more.
//   - Grid exchange is "taken from the grid" (> 0 import, < 0 export), as the settlement:
//     P_grid,i = P_load,i − P_PV,i + P_b,i.
import {
  baselineBatteryPower,
  flexibilityPotential,
  type HouseholdBatteryLimits,
  socAfter,
} from '../../lib/index.js';
import type { RandomSource } from './profiles.js';
import { syntheticHousehold } from './profiles.js';

/** Battery parameters of household i (all ≥ 0; fractions of the capacity for the SoC). */
export interface HouseholdBattery {
  /** C_i, MWh. */
  capacityMwh: number;
  /** Max charging power, grid side, MW. */
  chargeMw: number;
  /** Max discharging power, grid side, MW (default chargeMw). */
  dischargeMw?: number;
  etaCharge: number;
  etaDischarge: number;
  /** SOC_min,i / C_i. */
  socMin: number;
  /** SOC_max,i / C_i. */
  socMax: number;
  /** SOC_i(1) / C_i. */
  socInitial: number;
}

export interface HouseholdSpec extends HouseholdBattery {
  id: string;
  /** P_PV,i(t), MW, ≥ 0. */
  pvMw: readonly number[];
  /** P_load,i(t), MW, ≥ 0. */
  loadMw: readonly number[];
  /** β_c,i(t), € per MWh of charging flexibility: a constant or one value per step. */
  betaCharge: number | readonly number[];
  /** β_d,i(t), € per MWh of discharging flexibility: a constant or one value per step. */
  betaDischarge: number | readonly number[];
}

/** The limits the algorithms need, SoC in MWh (lib/pool-household.ts, shared with the aggregator). */
export type BatteryLimits = HouseholdBatteryLimits;
export { baselineBatteryPower, flexibilityPotential };

export function batteryLimits(b: HouseholdBattery): BatteryLimits {
  return {
    chargeMw: b.chargeMw,
    dischargeMw: b.dischargeMw ?? b.chargeMw,
    etaCharge: b.etaCharge,
    etaDischarge: b.etaDischarge,
    socMinMwh: b.socMin * b.capacityMwh,
    socMaxMwh: b.socMax * b.capacityMwh,
  };
}

/** The deviation x_i = E_i(t)/ΔT of activation factor u_i ∈ [−1, 1] (seed: E_i = u_i v_c,i or −u_i v_d,i). */
export function activationDeviation(u: number, vd: number, vc: number): number {
  return u >= 0 ? u * vc : -u * vd;
}

/**
 * Algorithm 3, SOC_i(t+1) = Σ_i(SOC_i(t), v_d,i(t), v_c,i(t), u_i(t)) (with P_b,base,i(t), which
 * the seed's ordering computes just before): the battery runs at P_b = P_b,base + x_i for the
 * interval; charging stores η_c·P_b·ΔT, discharging removes |P_b|·ΔT/η_d. The result is clamped
 * to [SOC_min, SOC_max] against floating error only (v already respects the bounds).
 */
export function socUpdate(
  b: BatteryLimits,
  socMwh: number,
  pBaseMw: number,
  vd: number,
  vc: number,
  u: number,
  dtHours: number,
): number {
  return socAfter(b, socMwh, pBaseMw + activationDeviation(u, vd, vc), dtHours);
}

export interface Activation {
  /** E(t) as requested, MW (> 0 charge, < 0 discharge). */
  requestMw: number;
  /** u_i*(t) ∈ [−1, 1]: ≥ 0 for a charging request, ≤ 0 for a discharging one. */
  u: number[];
  /** x_i = u_i v_c,i or −u_i v_d,i, MW. */
  deviationMw: number[];
  /** Σ x_i, MW. */
  deliveredMw: number;
  /** requestMw − deliveredMw: the part beyond V_c(t) (or below V_d(t)), MW. */
  unmetMw: number;
  /** C_c,t or C_d,t = Σ β_i·|x_i|·ΔT, €. */
  costEur: number;
  /** Households activated in merit order (ascending β, ties by index). */
  order: number[];
  /** κ: how many are activated fully (u = ±1). */
  kappa: number;
  /** β of the last (marginal) activated household, €/MWh; null when nothing is activated. */
  marginalBetaEurPerMwh: number | null;
}

/**
 * How far apart two floating-point sums of the same `count` potentials (total |v| `totalMw`) can
 * be: recursive summation errs by at most (count − 1)·u·Σ|v| (u = 2⁻⁵³, half of Number.EPSILON);
 * the pool sums V_c in household order and Alg. 4 subtracts in β order, so their difference is
 * within twice that, count·EPSILON·Σ|v|. A request equal to V_c as the pool sums it must activate
 * every household fully (κ = N, nothing unmet), not leave 1e-18 MW unmet or a last u of
 * 0.99999999999998. For 30 households of kW-scale potentials this is ~1e-15 MW, far below the
 * pool's 1 kWh meter resolution, so no request that differs from V_c physically is affected.
 */
export function activationTolerance(count: number, totalMw: number): number {
  return count * Number.EPSILON * totalMw;
}

/**
 * Algorithm 4, u* ∈ O_act,t(E, v̂_d, v̂_c): merit-order optimal activation (seed 001,
 * "Optimal activation algorithm"; Proposition 1 = Prop. 7.2 of Chasparis et al. 2019).
 * Problem (7), discharging (E < 0): min C_d,t = Σ u_i v_d,i β_d,i s.t. Σ u_i v_d,i = −E,
 * u_i ∈ [−1, 0]; equivalently Σ x_i = E with x_i = −u_i v_d,i ∈ [v_d,i, 0] and cost
 * Σ β_d,i |x_i| (× ΔT here). The charging problem O_act,c,t (E > 0) is the same with v_c,i and
 * β_c,i, u_i ∈ [0, 1]. Since β > 0 a charging request is served only by u ≥ 0 and a discharging
 * one only by u ≤ 0 (the seed's decomposition of O_act,t into O_act,c,t and O_act,d,t).
 * Order the households by β ascending; with κ_d(E) = max{k : 0 ≥ Σ_{i≤k} v_d,i > E}, the first
 * κ are activated fully (u_i = −1), household κ+1 partially with
 * u_{κ+1} = −(E − Σ_{i≤κ} v_d,i)/v_d,κ+1, the rest not at all. A request beyond V_d(t) (V_c(t))
 * activates everything and the remainder is returned as `unmetMw` (it becomes imbalance).
 * Households with v = 0 are skipped (they cannot contribute). Float tolerance: a remainder within
 * `activationTolerance` of a household's potential activates it fully, and a remainder within it
 * of zero is zero (a request at capacity is met exactly, κ counts every full household).
 */
export function meritOrderActivation(
  requestMw: number,
  vd: readonly number[],
  vc: readonly number[],
  betaDischarge: readonly number[],
  betaCharge: readonly number[],
  dtHours: number,
): Activation {
  const n = vc.length;
  if (vd.length !== n || betaCharge.length !== n || betaDischarge.length !== n)
    throw new RangeError(
      'meritOrderActivation: vd, vc, betaDischarge and betaCharge must have the same length',
    );
  if (!Number.isFinite(requestMw)) throw new RangeError(`requestMw must be finite, got ${requestMw}`);
  const u = new Array<number>(n).fill(0);
  const x = new Array<number>(n).fill(0);
  const charging = requestMw > 0;
  const v = charging ? vc : vd;
  const beta = charging ? betaCharge : betaDischarge;
  const order: number[] = [];
  let kappa = 0;
  let cost = 0;
  let marginal: number | null = null;
  let remaining = Math.abs(requestMw); // |E − Σ_{activated} x|
  if (remaining > 0) {
    const candidates: number[] = [];
    let total = 0;
    for (let i = 0; i < n; i++)
      if (v[i]! !== 0) {
        candidates.push(i);
        total += Math.abs(v[i]!);
      }
    candidates.sort((a, b) => beta[a]! - beta[b]! || a - b);
    const tol = activationTolerance(candidates.length, total);
    for (const i of candidates) {
      if (remaining <= 0) break;
      const cap = Math.abs(v[i]!);
      // Within the rounding of the sums, what is left is this household's whole potential.
      const full = remaining >= cap - tol;
      const take = full ? cap : remaining;
      remaining = full ? remaining - cap : 0;
      if (remaining <= tol) remaining = 0;
      const frac = full ? 1 : take / cap;
      if (full) kappa++;
      u[i] = charging ? frac : -frac;
      x[i] = charging ? take : -take;
      cost += beta[i]! * take * dtHours;
      marginal = beta[i]!;
      order.push(i);
    }
  }
  let delivered = 0;
  for (const xi of x) delivered += xi;
  return {
    requestMw,
    u,
    deviationMw: x,
    deliveredMw: delivered + 0, // no −0 in records
    unmetMw: charging || remaining === 0 ? remaining : -remaining,
    costEur: cost,
    order,
    kappa,
    marginalBetaEurPerMwh: marginal,
  };
}

export interface PoolBaseline {
  step: number;
  /** ΔP_i(t), MW. */
  deltaPMw: number[];
  /** P_b,base,i(t), MW (Alg. 1). */
  pBaseMw: number[];
  /** Baseline grid exchange per household, MW (> 0 import). */
  gridMw: number[];
  /** Σ of gridMw. */
  poolGridMw: number;
}

export interface PoolFlexibility {
  step: number;
  /** v_c,i(t) ≥ 0, MW. */
  vc: number[];
  /** v_d,i(t) ≤ 0, MW. */
  vd: number[];
  /** V_c(t) = 1ᵀ v_c. */
  VcMw: number;
  /** V_d(t) = 1ᵀ v_d. */
  VdMw: number;
}

export interface PoolStep {
  step: number;
  /** The activation factors applied (each within [−1, 1], else refused); zeros for the baseline. */
  u: number[];
  /** x_i applied, MW. */
  deviationMw: number[];
  /** Σ x_i: the pool's deviation from its baseline, MW. */
  deliveredMw: number;
  baselineGridMw: number;
  /** Pool net grid exchange, MW (> 0 import), exact. */
  gridMw: number;
  /** Pool net grid exchange this step, whole kWh (> 0 import), from the pool meter register. */
  meteredKwh: number;
  /** Σ β_i |x_i| ΔT with the β of this step, €. */
  participationCostEur: number;
  socBeforeMwh: number[];
  socAfterMwh: number[];
}

export interface PoolOptions {
  /** ΔT, hours (default 0.25). */
  stepHours?: number;
}

function betaAt(beta: number | readonly number[], step: number): number {
  if (typeof beta === 'number') return beta;
  const b = beta[step];
  if (b === undefined) throw new RangeError(`no participation cost for step ${step}`);
  return b;
}

/**
 * The pool twin. State: SOC_i(t) per household. Steps run in order: `baseline`, `flexibility`
 * and `activate` describe the current step (no state change), `advance` applies activation
 * factors u_i(t) with Alg. 3 and meters the pool.
 *
 * Metering: the pool has one meter register in whole kWh; a step's `meteredKwh` is the
 * difference of two successive rounded readings of the exact cumulative exchange, so the
 * rounding of a step never accumulates (household flows are kW-scale, far below 1 kWh per step
 * for some, so per-household rounding would drown them).
 */
export class ResidentialPool {
  readonly stepHours: number;
  readonly households: readonly HouseholdSpec[];
  readonly limits: readonly BatteryLimits[];
  /** T: the shortest profile length. */
  readonly steps: number;
  private readonly soc: Float64Array;
  private cursor = 0;
  private cumulativeKwh = 0;
  private reading = 0;
  private costTotal = 0;
  private deliveredMwhTotal = 0;
  private cache: { step: number; baseline: PoolBaseline; flex: PoolFlexibility } | null = null;

  constructor(households: readonly HouseholdSpec[], options: PoolOptions = {}) {
    if (households.length === 0) throw new RangeError('a pool needs at least one household');
    this.stepHours = options.stepHours ?? 0.25;
    if (!(this.stepHours > 0 && Number.isFinite(this.stepHours)))
      throw new RangeError(`stepHours must be > 0, got ${this.stepHours}`);
    households.forEach(validateHousehold);
    this.households = households;
    this.limits = households.map(batteryLimits);
    this.steps = Math.min(...households.map((h) => Math.min(h.pvMw.length, h.loadMw.length)));
    this.soc = Float64Array.from(households, (h) => h.socInitial * h.capacityMwh);
  }

  get size(): number {
    return this.households.length;
  }

  /** The step `advance` expects next. */
  get stepIndex(): number {
    return this.cursor;
  }

  /** SOC_i, MWh (a copy). */
  socMwh(): number[] {
    return Array.from(this.soc);
  }

  /** Σ of metered kWh so far (the register reading). */
  get meteredKwhTotal(): number {
    return this.reading;
  }

  get participationCostEur(): number {
    return this.costTotal;
  }

  /** Σ |Σ_i x_i| ΔT so far, MWh: flexibility energy delivered. */
  get deliveredFlexMwh(): number {
    return this.deliveredMwhTotal;
  }

  private requireCurrent(step: number): void {
    if (step !== this.cursor)
      throw new RangeError(`step ${step} is not the current step ${this.cursor} (the pool runs in order)`);
    if (step >= this.steps) throw new RangeError(`step ${step} beyond the profiles (T = ${this.steps})`);
  }

  private compute(step: number): { baseline: PoolBaseline; flex: PoolFlexibility } {
    this.requireCurrent(step);
    if (this.cache?.step === step) return this.cache;
    const n = this.size;
    const dt = this.stepHours;
    const deltaPMw = new Array<number>(n);
    const pBaseMw = new Array<number>(n);
    const gridMw = new Array<number>(n);
    const vc = new Array<number>(n);
    const vd = new Array<number>(n);
    let poolGrid = 0;
    let Vc = 0;
    let Vd = 0;
    for (let i = 0; i < n; i++) {
      const h = this.households[i]!;
      const lim = this.limits[i]!;
      const soc = this.soc[i]!;
      const dP = h.pvMw[step]! - h.loadMw[step]!;
      const pb = baselineBatteryPower(lim, dP, soc, dt);
      const f = flexibilityPotential(lim, pb, soc, dt);
      deltaPMw[i] = dP;
      pBaseMw[i] = pb;
      gridMw[i] = pb - dP;
      vc[i] = f.vc;
      vd[i] = f.vd;
      poolGrid += pb - dP;
      Vc += f.vc;
      Vd += f.vd;
    }
    this.cache = {
      step,
      baseline: { step, deltaPMw, pBaseMw, gridMw, poolGridMw: poolGrid },
      flex: { step, vc, vd, VcMw: Vc, VdMw: Vd },
    };
    return this.cache;
  }

  /** Alg. 1 for every household at the current step. */
  baseline(step: number): PoolBaseline {
    const b = this.compute(step).baseline;
    return {
      step,
      deltaPMw: b.deltaPMw.slice(),
      pBaseMw: b.pBaseMw.slice(),
      gridMw: b.gridMw.slice(),
      poolGridMw: b.poolGridMw,
    };
  }

  /** Alg. 2 for every household at the current step. */
  flexibility(step: number): PoolFlexibility {
    const f = this.compute(step).flex;
    return { step, vc: f.vc.slice(), vd: f.vd.slice(), VcMw: f.VcMw, VdMw: f.VdMw };
  }

  /** β_c(t), β_d(t) of every household. */
  participationCosts(step: number): { betaCharge: number[]; betaDischarge: number[] } {
    return {
      betaCharge: this.households.map((h) => betaAt(h.betaCharge, step)),
      betaDischarge: this.households.map((h) => betaAt(h.betaDischarge, step)),
    };
  }

  /** Alg. 4 at the current step for a pool deviation `requestMw` from the baseline. No state change. */
  activate(step: number, requestMw: number): Activation {
    const { flex } = this.compute(step);
    const beta = this.participationCosts(step);
    return meritOrderActivation(
      requestMw,
      flex.vd,
      flex.vc,
      beta.betaDischarge,
      beta.betaCharge,
      this.stepHours,
    );
  }

  /**
   * The quantities `advance` applies for `activation` at the current step (u, x_i, Σ x_i, pool
   * grid exchange, participation cost). No state change.
   *
   * u_i(t) ∈ [−1, 1] is the domain of the control in seed 001 ("Participation costs and
   * notation": |u_i| is the share of the potential v_c,i or v_d,i activated; O_act,t maps into
   * [−1, 1]^N). A factor outside is not a value of the model, so it is refused by name, never
   * clamped: clamping would apply a different activation than the caller computed and meter it
   * without a word. A request beyond the pool's potential is the model's saturation instead: Alg. 4
   * (`activate`) activates everything and reports the rest as `unmetMw`, and the pool's asset
   * reports that period as clipped (metered ≠ schedule).
   */
  private evaluate(
    step: number,
    activation: { readonly u: readonly number[] } | undefined,
  ): { u: number[]; x: number[]; delivered: number; grid: number; cost: number } {
    const { baseline, flex } = this.compute(step);
    const n = this.size;
    if (activation && activation.u.length !== n)
      throw new RangeError(`activation has ${activation.u.length} factors for ${n} households`);
    const dt = this.stepHours;
    const u = new Array<number>(n);
    const x = new Array<number>(n);
    let delivered = 0;
    let grid = 0;
    let cost = 0;
    for (let i = 0; i < n; i++) {
      const raw = activation ? activation.u[i]! : 0;
      if (!Number.isFinite(raw)) throw new RangeError(`u[${i}] must be finite, got ${raw}`);
      if (raw < -1 || raw > 1)
        throw new RangeError(
          `u[${i}] (household ${this.households[i]!.id}) must lie within [-1, 1] (seed 001: u_i(t) ∈ [−1, 1]), got ${raw}`,
        );
      const ui = raw;
      const h = this.households[i]!;
      const xi = activationDeviation(ui, flex.vd[i]!, flex.vc[i]!);
      u[i] = ui;
      x[i] = xi;
      delivered += xi;
      grid += baseline.gridMw[i]! + xi;
      cost += (xi >= 0 ? betaAt(h.betaCharge, step) : betaAt(h.betaDischarge, step)) * Math.abs(xi) * dt;
    }
    return { u, x, delivered, grid, cost };
  }

  /**
   * What `advance(step, activation)` would meter, without changing any state: the same
   * evaluation and the same register reading, so `meteredKwh` equals advance's exactly.
   */
  preview(
    step: number,
    activation?: { readonly u: readonly number[] },
  ): { deliveredMw: number; gridMw: number; meteredKwh: number; participationCostEur: number } {
    const e = this.evaluate(step, activation);
    const meteredKwh = Math.round(this.cumulativeKwh + e.grid * this.stepHours * 1000) - this.reading;
    return {
      deliveredMw: e.delivered,
      gridMw: e.grid,
      meteredKwh: meteredKwh === 0 ? 0 : meteredKwh,
      participationCostEur: e.cost,
    };
  }

  /**
   * Alg. 3 for every household with activation factors `activation.u` (omitted: the baseline),
   * applied to this step's actual potentials; meters the pool and moves to the next step.
   */
  advance(step: number, activation?: { readonly u: readonly number[] }): PoolStep {
    const { baseline, flex } = this.compute(step);
    const { u, x, delivered, grid, cost } = this.evaluate(step, activation);
    const n = this.size;
    const dt = this.stepHours;
    const before = Array.from(this.soc);
    for (let i = 0; i < n; i++)
      this.soc[i] = socUpdate(
        this.limits[i]!,
        this.soc[i]!,
        baseline.pBaseMw[i]!,
        flex.vd[i]!,
        flex.vc[i]!,
        u[i]!,
        dt,
      );
    this.cumulativeKwh += grid * dt * 1000;
    const reading = Math.round(this.cumulativeKwh);
    const meteredKwh = reading - this.reading;
    this.reading = reading;
    this.costTotal += cost;
    this.deliveredMwhTotal += Math.abs(delivered) * dt;
    this.cursor++;
    this.cache = null;
    return {
      step,
      u,
      deviationMw: x,
      deliveredMw: delivered,
      baselineGridMw: baseline.poolGridMw,
      gridMw: grid,
      meteredKwh: meteredKwh === 0 ? 0 : meteredKwh,
      participationCostEur: cost,
      socBeforeMwh: before,
      socAfterMwh: Array.from(this.soc),
    };
  }
}

function validateHousehold(h: HouseholdSpec, i: number): void {
  const where = `household ${i} (${h.id})`;
  const nonNeg = (v: number, name: string) => {
    if (!(Number.isFinite(v) && v >= 0))
      throw new RangeError(`${where}: ${name} must be finite and >= 0, got ${v}`);
  };
  nonNeg(h.capacityMwh, 'capacityMwh');
  if (h.capacityMwh === 0) throw new RangeError(`${where}: capacityMwh must be > 0`);
  nonNeg(h.chargeMw, 'chargeMw');
  nonNeg(h.dischargeMw ?? h.chargeMw, 'dischargeMw');
  for (const [name, eta] of [
    ['etaCharge', h.etaCharge],
    ['etaDischarge', h.etaDischarge],
  ] as const)
    if (!(eta > 0 && eta <= 1)) throw new RangeError(`${where}: ${name} must be in (0, 1], got ${eta}`);
  if (!(h.socMin >= 0 && h.socMin <= h.socInitial && h.socInitial <= h.socMax && h.socMax <= 1))
    throw new RangeError(`${where}: need 0 <= socMin <= socInitial <= socMax <= 1`);
  h.pvMw.forEach((v, t) => {
    nonNeg(v, `pvMw[${t}]`);
  });
  h.loadMw.forEach((v, t) => {
    nonNeg(v, `loadMw[${t}]`);
  });
  for (const [name, beta] of [
    ['betaCharge', h.betaCharge],
    ['betaDischarge', h.betaDischarge],
  ] as const) {
    if (typeof beta === 'number') nonNeg(beta, name);
    else
      beta.forEach((v, t) => {
        nonNeg(v, `${name}[${t}]`);
      });
  }
}

export interface SyntheticPoolOptions {
  /** N (seed 001: 30). */
  households?: number;
  /** T (seed 001: 96). */
  steps?: number;
  /** ΔT, hours (seed 001: 0.25). */
  stepHours?: number;
}

/**
 * A synthetic pool shaped like seed 001's experiment (N = 30, ΔT = 15 min, T = 96). The seed's
 * household data are not public; sizes here are plausible residential values, not the seed's:
 * 4-10 kWp PV, 0.3-0.8 kW mean load, 5-12 kWh batteries at 3-5 kW, η = 0.95, SoC in [10 %, 95 %],
 * β uniform in 20-200 €/MWh per direction. All randomness comes from `rng`.
 */
export function syntheticPoolHouseholds(
  rng: RandomSource,
  options: SyntheticPoolOptions = {},
): HouseholdSpec[] {
  const n = options.households ?? 30;
  const steps = options.steps ?? 96;
  const stepHours = options.stepHours ?? 0.25;
  const out: HouseholdSpec[] = [];
  const between = (lo: number, hi: number) => lo + (hi - lo) * rng.next();
  for (let i = 0; i < n; i++) {
    const pvPeakMw = between(0.004, 0.01);
    const loadMeanMw = between(0.0003, 0.0008);
    const { pvMw, loadMw } = syntheticHousehold({ steps, stepHours, pvPeakMw, loadMeanMw }, rng);
    out.push({
      id: `hh${String(i + 1).padStart(2, '0')}`,
      capacityMwh: between(0.005, 0.012),
      chargeMw: between(0.003, 0.005),
      etaCharge: 0.95,
      etaDischarge: 0.95,
      socMin: 0.1,
      socMax: 0.95,
      socInitial: between(0.1, 0.95),
      pvMw,
      loadMw,
      betaCharge: between(20, 200),
      betaDischarge: between(20, 200),
    });
  }
  return out;
}
