// The perfect-foresight battery LP (mathematical programming paradigm, seed 000) as pure
// functions: build the CPLEX LP text, read HiGHS's solution back into a schedule.
//
//   maximise  Σ_t p_t (d_t − c_t) h − deg (c_t + d_t) h + v s_n − M Σ_t (lo_t + hi_t) − M e
//   s.t.      s_{t+1} = s_t + η_c c_t h − d_t h / η_d          (s_0 = soc0, a constant)
//             s_t + lo_t ≥ socMin,  s_t − hi_t ≤ socMax         (t = 1..n)
//             s_n + e ≥ endSocMin
//             0 ≤ c_t, d_t ≤ P;  c_t = max(n_t, 0), d_t = max(−n_t, 0) for fixed periods
//
// c, d are grid-side MW (charge, discharge), p in EUR/MWh, h the period length in hours. The
// slacks lo, hi, e cost M EUR/MWh: they are zero whenever the hard problem is feasible and only
// keep the model solvable when fixed periods (positions that can no longer be traded) already
// break a bound. The schedule an agent trades is the net grid power c_t − d_t. The terminal value
// v (EUR per MWh stored at the end, default 0) lets a plan value what it leaves in the battery
// instead of (or besides) a hard end target.
//
// lib/battery-plan.ts solves exactly this LP without a solver (solveBatteryPlan, a concave dynamic
// programme, ~10× faster); lp-battery uses it, and battery-lp.test.ts holds its optimum equal
// to HiGHS's on random instances. This HiGHS path stays the reference and serves the strategies
// that still call it.

import type { BatteryPlan, BatteryPlanPeriod, BatteryPlanProblem, LpSolver } from '../../lib/index.js';
import { checkEfficiencyAndSoc, checkPeriodAndPower, fieldError, linearExpr } from './lp-text.js';

// The LP and the DP solve one problem: the same problem type, named for this module's callers.
export type BatteryLpPeriod = BatteryPlanPeriod;
export type BatteryLpProblem = BatteryPlanProblem;

// The DP's plan without its objective, which the HiGHS path does not read back.
export type BatteryLpSchedule = Omit<BatteryPlan, 'objectiveEur'>;

/** Plain decimal text for the LP reader (no exponent). */
function num(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`LP coefficient ${x} is not finite`);
  if (Math.abs(x) < 1e-12) return '0';
  if (Number.isInteger(x)) return String(x);
  const text = Math.abs(x) >= 1e-6 && Math.abs(x) < 1e15 ? String(Number(x.toPrecision(15))) : x.toFixed(12);
  if (!/e/i.test(text)) return text;
  return x.toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
}

function expr(terms: [number, string][]): string {
  return linearExpr(terms, num, '');
}

export function validateBatteryLp(p: BatteryLpProblem): void {
  const bad = fieldError('battery LP');
  if (p.periods.length === 0) bad('periods', 'is empty');
  checkPeriodAndPower(p, bad);
  checkEfficiencyAndSoc(p, bad);
  if (p.terminalValueEurPerMwh !== undefined && !Number.isFinite(p.terminalValueEurPerMwh))
    bad('terminalValueEurPerMwh', 'must be finite');
  for (const [i, per] of p.periods.entries()) {
    if (!Number.isFinite(per.priceEurPerMwh)) bad(`periods[${i}].priceEurPerMwh`, 'must be finite');
    if (per.fixedNetMw !== undefined && !Number.isFinite(per.fixedNetMw))
      bad(`periods[${i}].fixedNetMw`, 'must be finite');
  }
}

/** The LP in CPLEX LP format. Variables: c<t>, d<t>, s<t> (t = 1..n), lo<t>, hi<t>, e. */
export function buildBatteryLp(p: BatteryLpProblem): string {
  validateBatteryLp(p);
  const n = p.periods.length;
  const h = p.hours;
  const deg = p.degradationEurPerMwh ?? 0;
  const m = p.slackPenaltyEurPerMwh ?? 100_000;
  const obj: [number, string][] = [];
  for (let t = 0; t < n; t++) {
    const price = p.periods[t]!.priceEurPerMwh;
    obj.push([price * h - deg * h, `d${t}`], [-price * h - deg * h, `c${t}`]);
  }
  for (let t = 1; t <= n; t++) obj.push([-m, `lo${t}`], [-m, `hi${t}`]);
  obj.push([-m, 'e']);
  if (p.terminalValueEurPerMwh) obj.push([p.terminalValueEurPerMwh, `s${n}`]);

  const rows: string[] = [];
  for (let t = 0; t < n; t++) {
    // s_{t+1} − s_t − η_c h c_t + h/η_d d_t = 0, with s_0 a constant on the right-hand side.
    const terms: [number, string][] = [[1, `s${t + 1}`]];
    if (t > 0) terms.push([-1, `s${t}`]);
    terms.push([-p.etaCharge * h, `c${t}`], [h / p.etaDischarge, `d${t}`]);
    rows.push(` bal${t}: ${expr(terms)} = ${num(t === 0 ? p.soc0Mwh : 0)}`);
  }
  for (let t = 1; t <= n; t++) {
    rows.push(` min${t}: s${t} + lo${t} >= ${num(p.socMinMwh)}`);
    rows.push(` max${t}: s${t} - hi${t} <= ${num(p.socMaxMwh)}`);
  }
  rows.push(` end: s${n} + e >= ${num(p.endSocMinMwh)}`);

  const bounds: string[] = [];
  for (let t = 0; t < n; t++) {
    const fixed = p.periods[t]!.fixedNetMw;
    if (fixed === undefined) {
      bounds.push(` 0 <= c${t} <= ${num(p.powerMw)}`, ` 0 <= d${t} <= ${num(p.powerMw)}`);
    } else {
      bounds.push(` c${t} = ${num(Math.max(fixed, 0))}`, ` d${t} = ${num(Math.max(-fixed, 0))}`);
    }
  }
  for (let t = 1; t <= n; t++) bounds.push(` s${t} free`);
  return ['Maximize', ` obj: ${expr(obj)}`, 'Subject To', ...rows, 'Bounds', ...bounds, 'End', ''].join('\n');
}

/** Reads a solution's columns into a schedule; throws unless the status is Optimal. */
export function readBatteryLpSolution(
  p: BatteryLpProblem,
  result: { Status: string; Columns: Record<string, { Primal?: number }> },
): BatteryLpSchedule {
  if (result.Status !== 'Optimal') throw new Error(`battery LP: HiGHS status ${result.Status}`);
  const col = (name: string) => result.Columns[name]?.Primal ?? 0;
  const n = p.periods.length;
  const deg = p.degradationEurPerMwh ?? 0;
  const chargeMw: number[] = [];
  const dischargeMw: number[] = [];
  const netMw: number[] = [];
  const socMwh = [p.soc0Mwh];
  let profitEur = 0;
  let slackMwh = col('e');
  for (let t = 0; t < n; t++) {
    const c = Math.max(0, col(`c${t}`));
    const d = Math.max(0, col(`d${t}`));
    chargeMw.push(c);
    dischargeMw.push(d);
    netMw.push(c - d);
    socMwh.push(col(`s${t + 1}`));
    profitEur += p.periods[t]!.priceEurPerMwh * (d - c) * p.hours - deg * (c + d) * p.hours;
    slackMwh += col(`lo${t + 1}`) + col(`hi${t + 1}`);
  }
  return { chargeMw, dischargeMw, netMw, socMwh, profitEur, slackMwh };
}

const SOLVER_OPTIONS = { output_flag: false, presolve: 'off', threads: 1, random_seed: 0 } as const;

/** Builds, solves and reads the battery LP. */
export function solveBatteryLp(solver: LpSolver, p: BatteryLpProblem): BatteryLpSchedule {
  return readBatteryLpSolution(p, solver.solve(buildBatteryLp(p), SOLVER_OPTIONS));
}
