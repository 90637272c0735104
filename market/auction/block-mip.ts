import {
  type Evaluation,
  evaluateSelection,
  isAdmissible,
  isBetter,
  type Problem,
  welfareTolerance,
} from './problem.js';

// BENCHMARK BASELINE ONLY — not used by the clearing. This is the block selection the auction used
// before the branch-and-bound (block-search.ts), kept so that `npm run bench:auction` can measure the
// new path against it in the same run. Known shortcomings, which are why it was replaced: no-good cuts
// remove one selection per solve, so hard instances run into the solve limit with a suboptimal result;
// linear curves enter as one chord per tick (huge models, and not exact).
//
// Block selection for many blocks: a welfare-maximising MIP (HiGHS) with one binary per block, plus
// EUPHEMIA-style iterations. Each MIP optimum is checked with the exact clearing; if it accepts a block
// paradoxically, a no-good cut removes exactly that selection and the MIP is solved again. A repair
// heuristic (drop the paradoxically accepted blocks until none is left) keeps an admissible incumbent,
// and the loop stops as soon as the MIP bound cannot beat it.
//
// Model per period t touched by blocks, with X_t = the curves' net quantity = −(blocks' net demand):
//   X_t = xFrom_t + Σ_j w_tj,  0 <= w_tj <= length_tj,  objective Σ price_tj · w_tj
// where the pieces are the concave welfare curve V_t of the aggregated curves restricted to the range
// X_t can take (from all buy blocks accepted to all sell blocks accepted, within what the curves can
// absorb). Exact for step curves; linear curves enter as chords at every tick.

// The solver comes from the project's one HiGHS loader.
export { type LpSolver, loadHighs } from '../../lib/index.js';

import type { LpSolver } from '../../lib/index.js';

const SOLVER_OPTIONS = {
  output_flag: false,
  presolve: 'off',
  mip_rel_gap: 0,
  mip_abs_gap: 1e-6,
  random_seed: 0,
  threads: 1,
} as const;

function num(x: number): string {
  // Plain decimal text (no exponent) for the LP reader; integers stay exact.
  if (Number.isInteger(x)) return String(x + 0);
  const s = x.toFixed(9);
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

function term(coef: number, name: string): string {
  return coef < 0 ? `- ${num(-coef)} ${name}` : `+ ${num(coef)} ${name}`;
}

function wrap(terms: string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < terms.length; i += 8) lines.push(`  ${terms.slice(i, i + 8).join(' ')}`);
  return lines.join('\n');
}

interface Model {
  /** The LP text without cuts and without the final "End". */
  head: string;
  bounds: string;
  binaries: string;
  /** Σ_t V_t(xFrom_t): the MIP objective plus this equals evaluateSelection().value. */
  offset: number;
}

function buildModel(problem: Problem): Model {
  const objective: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  let offset = 0;
  problem.blocks.forEach((b, i) => {
    objective.push(term(b.value, `u${i}`));
  });
  for (const t of problem.touched) {
    let buys = 0;
    let sells = 0;
    const lhs: string[] = [];
    problem.blocks.forEach((b, i) => {
      if (t < b.bid.firstPeriod || t > b.bid.lastPeriod) return;
      if (b.netDemand > 0) buys += b.netDemand;
      else sells -= b.netDemand;
      lhs.push(term(b.netDemand, `u${i}`));
    });
    const agg = problem.aggregates[t]!;
    const range = agg.feasibleRange;
    const xFrom = Math.max(-buys, range.lo);
    const xTo = Math.min(sells, range.hi);
    const at = agg.clear(-xFrom);
    if (at === null) throw new Error(`period ${t}: X = ${xFrom} should be feasible`);
    offset += at.value;
    agg.welfarePieces(xFrom, xTo).forEach((piece, j) => {
      const name = `w${t}_${j}`;
      objective.push(term(piece.price, name));
      lhs.push(term(1, name));
      bounds.push(`  0 <= ${name} <= ${num(piece.length)}`);
    });
    rows.push(` p${t}:\n${wrap(lhs)}\n  = ${num(-xFrom)}`);
  }
  const head = `Maximize\n obj:\n${wrap(objective)}\nSubject To\n${rows.join('\n')}\n`;
  const binaries = problem.blocks.map((_, i) => `u${i}`);
  return {
    head,
    bounds: `Bounds\n${bounds.join('\n')}\n`,
    binaries: `Binary\n${wrap(binaries)}\n`,
    offset,
  };
}

/** No-good cut: at least one block must differ from this selection. */
function noGoodCut(accepted: readonly boolean[], index: number): string {
  const terms: string[] = [];
  let ones = 0;
  accepted.forEach((a, i) => {
    terms.push(term(a ? -1 : 1, `u${i}`));
    if (a) ones++;
  });
  return ` cut${index}:\n${wrap(terms)}\n  >= ${1 - ones}`;
}

/** Drops paradoxically accepted blocks until none is left; null if that fails. */
function repair(problem: Problem, start: Evaluation): Evaluation | null {
  let e = start;
  for (let guard = 0; guard <= problem.blocks.length; guard++) {
    if (!e.feasible) return null;
    if (isAdmissible(e)) return e;
    const next = e.accepted.map((a, i) => a && !e.paradoxical[i]);
    e = evaluateSelection(problem, next);
  }
  return null;
}

export interface MipSelection {
  best: Evaluation;
  solves: number;
  /** False if the solve budget ran out before optimality was proven. */
  provenOptimal: boolean;
}

/** Bench controls: extra HiGHS options per solve (e.g. a time limit) and a stop check before each solve. */
export interface MipBaselineControls {
  solverOptions?: () => Record<string, unknown>;
  /** Checked before every solve; true stops the loop (the result is then not proven optimal). */
  stop?: () => boolean;
}

export function selectBlocksMip(
  problem: Problem,
  solver: LpSolver,
  maxSolves: number,
  controls: MipBaselineControls = {},
): MipSelection {
  const model = buildModel(problem);
  const cuts: string[] = [];
  let best = evaluateSelection(
    problem,
    problem.blocks.map(() => false),
  );
  let solves = 0;
  while (solves < maxSolves) {
    if (controls.stop?.()) break;
    const constraints = cuts.length > 0 ? `${cuts.join('\n')}\n` : '';
    const lp = `${model.head}${constraints}${model.bounds}${model.binaries}End\n`;
    const solution = solver.solve(lp, { ...SOLVER_OPTIONS, ...controls.solverOptions?.() });
    solves++;
    if (solution.Status === 'Time limit reached') break;
    if (solution.Status !== 'Optimal') throw new Error(`HiGHS returned ${solution.Status} for the block MIP`);
    const bound = solution.ObjectiveValue + model.offset;
    if (bound <= best.value + welfareTolerance(problem, best.value))
      return { best, solves, provenOptimal: true };
    const accepted = problem.blocks.map((_, i) => (solution.Columns[`u${i}`]?.Primal ?? 0) > 0.5);
    const e = evaluateSelection(problem, accepted);
    if (isAdmissible(e)) {
      if (isBetter(problem, e, best)) best = e;
      return { best, solves, provenOptimal: true };
    }
    cuts.push(noGoodCut(accepted, cuts.length));
    const repaired = repair(problem, e);
    if (repaired && isBetter(problem, repaired, best)) best = repaired;
  }
  return { best, solves, provenOptimal: false };
}
