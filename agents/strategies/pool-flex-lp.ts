// The day-ahead flexibility plan of a battery pool (seed 001, the DA optimisation of eq. 10 with
// the merit-order activation of Alg. 4 priced in), as an LP for HiGHS.
//
// E_t (MW, > 0: the pool charges more / discharges less than its baseline) is split into K
// segments per direction. Alg. 4 activates the households in ascending order of their
// participation cost β, so extracting more flexibility costs more per MWh: with the pool's β
// spread evenly over [β_min, β_max], segment k of K costs β_min + (k + ½)/K × (β_max − β_min).
// The LP charges segment k only when the cheaper ones are full because it is cheaper to do so —
// the merit order falls out of the objective, no integer variables needed.
//
//   maximise  Σ_t h [ p_t (Σ_k d_tk − Σ_k c_tk) − Σ_k (βc_k c_tk + βd_k d_tk) ]
//   s.t.      D_{t+1} = D_t + h (Σ_k c_tk − Σ_k d_tk),  D_0 = 0
//             −roomDown ≤ D_t ≤ roomUp,  D_n ≥ 0
//             0 ≤ c_tk ≤ V̂c(t) / K,  0 ≤ d_tk ≤ |V̂d(t)| / K
//
// D is the energy the activations have moved into (out of) the pool's batteries relative to the
// baseline; ending at D_n ≥ 0 leaves the households no emptier than self-consumption would have.
// The pool's spec (what the arena tells the agent) has no battery efficiencies, so the plan moves
// grid energy one to one; the losses of a round trip are left to the day-ahead margin.

import type { LpSolver } from '../../lib/index.js';

export interface PoolFlexProblem {
  /** Price forecast per period, EUR/MWh. */
  pricesEur: number[];
  /** Period length, hours. */
  hours: number;
  /**
   * Charge / discharge flexibility potential V̂_c(t), |V̂_d(t)|, MW (both ≥ 0): one value for
   * every period, or one per period (eq. 10 bounds E_t by each period's forecast potential).
   */
  chargeMw: number | readonly number[];
  dischargeMw: number | readonly number[];
  /** Energy room above / below the baseline SoC trajectory, MWh (both ≥ 0). */
  roomUpMwh: number;
  roomDownMwh: number;
  betaChargeMinEur: number;
  betaChargeMaxEur: number;
  betaDischargeMinEur: number;
  betaDischargeMaxEur: number;
  /** Merit-order segments per direction. */
  segments: number;
}

export interface PoolFlexPlan {
  /** E_t, MW (> 0 charge more than the baseline). */
  flexMw: number[];
  /** Profit of the plan on the forecast prices net of participation costs, EUR. */
  profitEur: number;
}

/** Cost of merit-order segment k of `segments` between β_min and β_max, EUR/MWh. */
export function segmentBeta(min: number, max: number, k: number, segments: number): number {
  return min + ((k + 0.5) / segments) * (max - min);
}

function num(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`pool flexibility LP: coefficient ${x} is not finite`);
  return Math.abs(x) < 1e-12 ? '0' : x.toFixed(9).replace(/\.?0+$/, '');
}

export function validatePoolFlex(p: PoolFlexProblem): void {
  const bad = (field: string, why: string) => {
    throw new RangeError(`pool flexibility LP: ${field} ${why}`);
  };
  if (p.pricesEur.length === 0) bad('pricesEur', 'is empty');
  for (const [i, x] of p.pricesEur.entries())
    if (!Number.isFinite(x)) bad(`pricesEur[${i}]`, 'must be finite');
  if (!(p.hours > 0 && Number.isFinite(p.hours))) bad('hours', 'must be finite and > 0');
  for (const f of ['chargeMw', 'dischargeMw'] as const) {
    const v = p[f];
    if (typeof v === 'number') {
      if (!(v >= 0 && Number.isFinite(v))) bad(f, 'must be finite and >= 0');
    } else {
      if (v.length !== p.pricesEur.length)
        bad(f, `has ${v.length} periods, pricesEur has ${p.pricesEur.length}`);
      for (const [i, x] of v.entries())
        if (!(x >= 0 && Number.isFinite(x))) bad(`${f}[${i}]`, 'must be finite and >= 0');
    }
  }
  for (const f of ['roomUpMwh', 'roomDownMwh'] as const)
    if (!(p[f] >= 0 && Number.isFinite(p[f]))) bad(f, 'must be finite and >= 0');
  // The β enter every segment's cost: a NaN or infinite one would otherwise surface as an
  // anonymous "coefficient is not finite" from the LP writer.
  for (const f of [
    'betaChargeMinEur',
    'betaChargeMaxEur',
    'betaDischargeMinEur',
    'betaDischargeMaxEur',
  ] as const)
    if (!Number.isFinite(p[f])) bad(f, `must be finite, got ${p[f]}`);
  if (p.betaChargeMinEur > p.betaChargeMaxEur) bad('betaChargeMinEur', 'must be <= betaChargeMaxEur');
  if (p.betaDischargeMinEur > p.betaDischargeMaxEur)
    bad('betaDischargeMinEur', 'must be <= betaDischargeMaxEur');
  if (!(Number.isInteger(p.segments) && p.segments >= 1 && p.segments <= 50))
    bad('segments', 'must be an integer in [1, 50]');
}

export function buildPoolFlexLp(p: PoolFlexProblem): string {
  validatePoolFlex(p);
  const n = p.pricesEur.length;
  const K = p.segments;
  const h = p.hours;
  const obj: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  const at = (v: number | readonly number[], t: number) => (typeof v === 'number' ? v : v[t]!);
  for (let t = 0; t < n; t++) {
    const price = p.pricesEur[t]!;
    const vc = at(p.chargeMw, t);
    const vd = at(p.dischargeMw, t);
    const bal = [`D${t + 1}`, ...(t > 0 ? [`- D${t}`] : [])];
    for (let k = 0; k < K; k++) {
      const bc = segmentBeta(p.betaChargeMinEur, p.betaChargeMaxEur, k, K);
      const bd = segmentBeta(p.betaDischargeMinEur, p.betaDischargeMaxEur, k, K);
      obj.push(`${num(-(price + bc) * h)} c${t}_${k}`, `${num((price - bd) * h)} d${t}_${k}`);
      bal.push(`- ${num(h)} c${t}_${k}`, `+ ${num(h)} d${t}_${k}`);
      bounds.push(` 0 <= c${t}_${k} <= ${num(vc / K)}`, ` 0 <= d${t}_${k} <= ${num(vd / K)}`);
    }
    rows.push(` bal${t}: ${bal.join(' ')} = 0`);
    bounds.push(` ${num(-p.roomDownMwh)} <= D${t + 1} <= ${num(p.roomUpMwh)}`);
  }
  rows.push(` end: D${n} >= 0`);
  const objective = obj.join(' + ').replace(/\+ -/g, '- ');
  return ['Maximize', ` obj: ${objective}`, 'Subject To', ...rows, 'Bounds', ...bounds, 'End', ''].join('\n');
}

const SOLVER_OPTIONS = { output_flag: false, presolve: 'off', threads: 1, random_seed: 0 } as const;

export function solvePoolFlex(solver: LpSolver, p: PoolFlexProblem): PoolFlexPlan {
  const res = solver.solve(buildPoolFlexLp(p), SOLVER_OPTIONS);
  if (res.Status !== 'Optimal') throw new Error(`pool flexibility LP: HiGHS status ${res.Status}`);
  const col = (name: string) => res.Columns[name]?.Primal ?? 0;
  const flexMw: number[] = [];
  for (let t = 0; t < p.pricesEur.length; t++) {
    let e = 0;
    for (let k = 0; k < p.segments; k++) e += col(`c${t}_${k}`) - col(`d${t}_${k}`);
    flexMw.push(e);
  }
  return { flexMw, profitEur: res.ObjectiveValue ?? 0 };
}
