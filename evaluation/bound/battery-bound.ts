// The perfect-foresight bound of a battery: the most the same battery could have earned on the
// run's realised prices, solved with HiGHS. Grid-side energies per quarter-hour, MWh:
//
//   maximise  Σ_t (sell_t − deg) d_t − (buy_t + deg) c_t  [+ terminal value]
//   s.t.      s_t = s_{t−1} + η_c c_t − d_t / η_d              (s_0 = the start SoC)
//             socMin ≤ s_t ≤ socMax,  0 ≤ c_t, d_t ≤ P·h,  c_t · d_t = 0
//             terminal: s_n = the given end SoC ('fixed'), or s_n free with the value
//             ref·η_d·(s_n − s_0)⁺ − (ref/η_c)·(s_n − s_0)⁻ added ('valued')
//
// The evaluator solves it with the exact dynamic programme of pwl-dp.ts (solveBoundDp), which
// the tests hold equal to this HiGHS formulation (solveBoundHighs) on random problems.
//
// buy_t ≤ sell_t are the best prices the battery could have bought and sold at (equal for the
// day-ahead bound); a quarter-hour without any price has c_t = d_t = 0. The twin meters one net
// flow per quarter-hour, hence c_t · d_t = 0. The LP without it is solved first; only when its
// optimum charges and discharges in the same quarter-hour (a spread wider than the round-trip
// loss, or energy worth dumping before negative prices) are binaries added, for exactly those
// quarter-hours, and the MIP solved again, until no quarter-hour does both. The last problem is
// a relaxation of the exact one whose optimum is feasible for it, hence the exact optimum.
import type { LpSolver } from '../../lib/index.js';
import { solvePwlDp } from './pwl-dp.js';

export interface BoundPeriod {
  /** Best price to buy at, EUR/MWh; undefined: nothing could be traded in this quarter-hour. */
  buyEurPerMwh: number | undefined;
  /** Best price to sell at, EUR/MWh (>= buy). */
  sellEurPerMwh: number | undefined;
}

export interface BatteryBoundSpec {
  powerMw: number;
  etaCharge: number;
  etaDischarge: number;
  socMinMwh: number;
  socMaxMwh: number;
  socStartMwh: number;
  /** EUR per MWh of grid-side throughput. */
  degradationEurPerMwh: number;
}

export type Terminal =
  | { kind: 'fixed'; socEndMwh: number }
  /** Stored energy valued at `refEurPerMwh`: sold at η_d when above the start, rebought at 1/η_c below it. */
  | { kind: 'valued'; refEurPerMwh: number };

export interface BoundProblem {
  spec: BatteryBoundSpec;
  periods: readonly BoundPeriod[];
  /** Period length, hours. */
  hours: number;
  terminal: Terminal;
}

export type BoundResult =
  | {
      status: 'optimal';
      /** Trading cash − degradation (+ the terminal value for 'valued'), EUR. */
      objectiveEur: number;
      /** The optimal plan: grid-side charge and discharge per period, MWh; SoC after each. */
      chargeMwh: number[];
      dischargeMwh: number[];
      socMwh: number[];
      /** LP solves (1 when the relaxation already was exact). */
      solves: number;
      binaries: number;
    }
  | { status: 'infeasible'; reason: string };

export class BoundInputError extends RangeError {
  constructor(
    readonly field: string,
    readonly limit: string,
    readonly value: unknown,
  ) {
    super(`perfect-foresight bound: ${field} must be ${limit}, got ${String(value)}`);
    this.name = 'BoundInputError';
  }
}

const TOLERANCE_MWH = 1e-7;
const MAX_ROUNDS = 20;
const SOLVER_OPTIONS = { output_flag: false, threads: 1, random_seed: 0, mip_rel_gap: 0 } as const;

/** Plain decimal text for the LP reader (it takes no exponents). */
function num(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`LP coefficient ${x} is not finite`);
  if (Math.abs(x) < 1e-12) return '0';
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(15))).includes('e') ? x.toFixed(12) : String(Number(x.toPrecision(15)));
}

function term(coef: number, v: string, first: boolean): string {
  if (coef === 0) return '';
  const sign = coef < 0 ? '-' : first ? '' : '+';
  return `${sign}${sign ? ' ' : ''}${num(Math.abs(coef))} ${v}`;
}

const check = (ok: boolean, field: string, limit: string, value: unknown) => {
  if (!ok) throw new BoundInputError(field, limit, value);
};

/** The battery of a bound (a BoundInputError naming `spec.<field>` when it is not one). */
export function validateBoundSpec(s: BatteryBoundSpec): void {
  check(s.powerMw >= 0 && Number.isFinite(s.powerMw), 'spec.powerMw', 'a finite number >= 0', s.powerMw);
  check(s.etaCharge > 0 && s.etaCharge <= 1, 'spec.etaCharge', 'in (0, 1]', s.etaCharge);
  check(s.etaDischarge > 0 && s.etaDischarge <= 1, 'spec.etaDischarge', 'in (0, 1]', s.etaDischarge);
  check(s.socMinMwh <= s.socMaxMwh, 'spec.socMinMwh', `<= socMaxMwh (${s.socMaxMwh})`, s.socMinMwh);
  check(
    s.socStartMwh >= s.socMinMwh - TOLERANCE_MWH && s.socStartMwh <= s.socMaxMwh + TOLERANCE_MWH,
    'spec.socStartMwh',
    `within [${s.socMinMwh}, ${s.socMaxMwh}]`,
    s.socStartMwh,
  );
  check(s.degradationEurPerMwh >= 0, 'spec.degradationEurPerMwh', '>= 0', s.degradationEurPerMwh);
}

export function validateBoundProblem(p: BoundProblem): void {
  check(p.periods.length > 0, 'periods', 'non-empty', p.periods.length);
  check(p.hours > 0 && Number.isFinite(p.hours), 'hours', '> 0', p.hours);
  validateBoundSpec(p.spec);
  p.periods.forEach((q, i) => {
    const priced = q.buyEurPerMwh !== undefined;
    check(priced === (q.sellEurPerMwh !== undefined), `periods[${i}]`, 'priced on both sides or neither', '');
    if (priced) {
      check(Number.isFinite(q.buyEurPerMwh), `periods[${i}].buyEurPerMwh`, 'finite', q.buyEurPerMwh);
      check(
        q.sellEurPerMwh! >= q.buyEurPerMwh!,
        `periods[${i}].sellEurPerMwh`,
        `>= buyEurPerMwh (${q.buyEurPerMwh})`,
        q.sellEurPerMwh,
      );
    }
  });
  if (p.terminal.kind === 'valued')
    check(
      Number.isFinite(p.terminal.refEurPerMwh),
      'terminal.refEurPerMwh',
      'finite',
      p.terminal.refEurPerMwh,
    );
}

/** The problem in CPLEX LP text, with binaries u<t> for the periods in `binary`. */
export function boundLpText(p: BoundProblem, binary: ReadonlySet<number> = new Set()): string {
  const s = p.spec;
  const n = p.periods.length;
  const e = s.powerMw * p.hours;
  const deg = s.degradationEurPerMwh;
  const obj: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  for (let t = 0; t < n; t++) {
    const q = p.periods[t]!;
    const traded = q.buyEurPerMwh !== undefined;
    if (traded) {
      obj.push(
        term(q.sellEurPerMwh! - deg, `d${t}`, obj.length === 0),
        term(-q.buyEurPerMwh! - deg, `c${t}`, false),
      );
      bounds.push(` 0 <= c${t} <= ${num(e)}`, ` 0 <= d${t} <= ${num(e)}`);
    } else bounds.push(` c${t} = 0`, ` d${t} = 0`);
    const prev = t === 0 ? '' : ` - s${t - 1}`;
    rows.push(
      ` b${t}: s${t}${prev} - ${num(s.etaCharge)} c${t} + ${num(1 / s.etaDischarge)} d${t} = ${num(t === 0 ? s.socStartMwh : 0)}`,
    );
    bounds.push(` ${num(s.socMinMwh)} <= s${t} <= ${num(s.socMaxMwh)}`);
    if (binary.has(t) && traded) {
      rows.push(` uc${t}: c${t} - ${num(e)} u${t} <= 0`, ` ud${t}: d${t} + ${num(e)} u${t} <= ${num(e)}`);
    }
  }
  const last = `s${n - 1}`;
  if (p.terminal.kind === 'fixed') rows.push(` end: ${last} = ${num(p.terminal.socEndMwh)}`);
  else {
    // s_n − s_0 = up − down; up is worth ref·η_d, down costs ref/η_c (concave, so an LP).
    const ref = p.terminal.refEurPerMwh;
    rows.push(` end: ${last} - up + down = ${num(s.socStartMwh)}`);
    obj.push(term(ref * s.etaDischarge, 'up', false), term(-ref / s.etaCharge, 'down', false));
    const upMax = Math.max(0, s.socMaxMwh - s.socStartMwh);
    const downMax = Math.max(0, s.socStartMwh - s.socMinMwh);
    bounds.push(` 0 <= up <= ${num(upMax)}`, ` 0 <= down <= ${num(downMax)}`);
    // A negative reference price makes the valuation convex: one side only, by a binary.
    if (ref < 0)
      rows.push(` tu: up - ${num(upMax)} z <= 0`, ` td: down + ${num(downMax)} z <= ${num(downMax)}`);
  }
  const objective = obj.filter((x) => x !== '').join(' ') || '0 c0';
  const ints = [...binary].filter((t) => p.periods[t]?.buyEurPerMwh !== undefined).map((t) => `u${t}`);
  if (p.terminal.kind === 'valued' && p.terminal.refEurPerMwh < 0) ints.push('z');
  return [
    'Maximize',
    ` obj: ${objective}`,
    'Subject To',
    ...rows,
    'Bounds',
    ...bounds,
    ...(ints.length > 0 ? ['Binary', ` ${ints.join(' ')}`] : []),
    'End',
    '',
  ].join('\n');
}

/** Solves the bound exactly with HiGHS (LP, then binaries where the LP charged and discharged at once). */
export function solveBoundHighs(solver: LpSolver, p: BoundProblem): BoundResult {
  validateBoundProblem(p);
  const n = p.periods.length;
  const binary = new Set<number>();
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const res = solver.solve(boundLpText(p, binary), SOLVER_OPTIONS);
    if (res.Status === 'Infeasible' || res.Status === 'Primal infeasible or unbounded')
      return { status: 'infeasible', reason: 'no schedule of the battery reaches the terminal condition' };
    if (res.Status !== 'Optimal') throw new Error(`perfect-foresight bound: HiGHS status ${res.Status}`);
    const col = (name: string) => res.Columns[name]?.Primal ?? 0;
    const chargeMwh = Array.from({ length: n }, (_, t) => Math.max(0, col(`c${t}`)));
    const dischargeMwh = Array.from({ length: n }, (_, t) => Math.max(0, col(`d${t}`)));
    const both = chargeMwh.flatMap((c, t) =>
      Math.min(c, dischargeMwh[t]!) > TOLERANCE_MWH && !binary.has(t) ? [t] : [],
    );
    if (both.length === 0)
      return {
        status: 'optimal',
        objectiveEur: res.ObjectiveValue,
        chargeMwh,
        dischargeMwh,
        socMwh: Array.from({ length: n }, (_, t) => col(`s${t}`)),
        solves: round,
        binaries: binary.size,
      };
    for (const t of both) binary.add(t);
  }
  throw new Error(`perfect-foresight bound: complementarity not reached in ${MAX_ROUNDS} rounds`);
}

/** Solves the bound exactly with the piecewise-linear dynamic programme (pwl-dp.ts). */
export function solveBoundDp(p: BoundProblem): BoundResult {
  validateBoundProblem(p);
  const plan = solvePwlDp(p);
  if (!plan)
    return { status: 'infeasible', reason: 'no schedule of the battery reaches the terminal condition' };
  return {
    status: 'optimal',
    objectiveEur: plan.valueEur,
    chargeMwh: plan.chargeMwh,
    dischargeMwh: plan.dischargeMwh,
    socMwh: plan.socMwh,
    solves: 1,
    binaries: 0,
  };
}
