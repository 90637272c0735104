// The battery scheduling LP of the optimising strategies, solved exactly without an LP solver.
// Grid-side power per period (c charge, d discharge, MW), period length h hours:
//
//   maximise  Σ_t p_t (d_t − c_t) h − deg (c_t + d_t) h + v s_n − M Σ_{t≥1} (lo_t + hi_t) − M e
//   s.t.      s_{t+1} = s_t + η_c c_t h − d_t h / η_d          (s_0 = soc0, a constant)
//             s_t + lo_t ≥ socMin,  s_t − hi_t ≤ socMax         (t = 1..n)
//             s_n + e ≥ endSocMin
//             0 ≤ c_t, d_t ≤ P;  c_t = max(n_t, 0), d_t = max(−n_t, 0) for fixed periods
//
// (slacks lo, hi, e ≥ 0 cost M; they keep the problem solvable when fixed periods break a bound).
// It is an LP, so the value W_t(s) of entering period t with SoC s is a concave piecewise-linear
// function of s on the whole real line. Period t can move the SoC by Δ and earn r_t(Δ), the upper
// boundary of the image of the box 0 ≤ c, d ≤ P under (c, d) ↦ (Δ, reward) — a concave function
// with at most four breakpoints (idle, charge at full power, discharge at full power, both at
// once). Then
//
//   W_t(s) = max_Δ r_t(Δ) + V_{t+1}(s + Δ),   V_t = W_t − M·(distance of s from [socMin, socMax])
//
// is a sup-convolution of two concave functions, whose slopes are the merge of both slope lists
// (the Minkowski sum of their hypographs). So every W_t is computed exactly, in time linear in its
// breakpoints, and the plan is read forward by maximising the same expression at the chosen SoC.
// Among equally good moves the one closest to idle is taken (then the smaller Δ), so the result
// is a deterministic function of the problem.

export interface BatteryPlanPeriod {
  /** Price forecast, EUR/MWh (enters the profit also for a fixed period). */
  priceEurPerMwh: number;
  /** Net grid power this period is fixed at (> 0 charge), MW; undefined: free. */
  fixedNetMw?: number;
}

export interface BatteryPlanProblem {
  periods: readonly BatteryPlanPeriod[];
  /** Period length, hours (0.25 for quarter-hours). */
  hours: number;
  powerMw: number;
  etaCharge: number;
  etaDischarge: number;
  socMinMwh: number;
  socMaxMwh: number;
  soc0Mwh: number;
  /** Lower bound of the SoC after the last period (soft, at the slack penalty). */
  endSocMinMwh: number;
  /** EUR per MWh of grid-side throughput; default 0. */
  degradationEurPerMwh?: number;
  /** Cost of the slack on the SoC bounds, EUR/MWh; default 100 000. */
  slackPenaltyEurPerMwh?: number;
  /** Value of the energy stored after the last period, EUR/MWh; default 0. */
  terminalValueEurPerMwh?: number;
}

export interface BatteryPlan {
  chargeMw: number[];
  dischargeMw: number[];
  /** chargeMw − dischargeMw: what the battery should hold in each period. */
  netMw: number[];
  /** SoC before period 0 (soc0) … after the last period; length n + 1. */
  socMwh: number[];
  /** Trading revenue minus degradation on the given prices, EUR (slacks and terminal value excluded). */
  profitEur: number;
  /** Σ of all slacks, MWh (0 when the hard problem was feasible). */
  slackMwh: number;
  /** The LP's objective: profit − M·slack + v·s_n, EUR. */
  objectiveEur: number;
}

export class BatteryPlanInputError extends RangeError {
  constructor(
    readonly field: string,
    readonly limit: string,
    value: unknown,
  ) {
    super(`battery plan: ${field} must be ${limit}, got ${String(value)}`);
    this.name = 'BatteryPlanInputError';
  }
}

export const DEFAULT_SLACK_PENALTY_EUR_PER_MWH = 100_000;

export function validateBatteryPlanProblem(p: BatteryPlanProblem): void {
  const check = (ok: boolean, field: string, limit: string, value: unknown) => {
    if (!ok) throw new BatteryPlanInputError(field, limit, value);
  };
  const finite = (x: number | undefined) => x === undefined || Number.isFinite(x);
  check(p.periods.length > 0, 'periods', 'non-empty', p.periods.length);
  check(p.hours > 0 && Number.isFinite(p.hours), 'hours', 'a finite number > 0', p.hours);
  check(p.powerMw >= 0 && Number.isFinite(p.powerMw), 'powerMw', 'a finite number >= 0', p.powerMw);
  check(p.etaCharge > 0 && p.etaCharge <= 1, 'etaCharge', 'in (0, 1]', p.etaCharge);
  check(p.etaDischarge > 0 && p.etaDischarge <= 1, 'etaDischarge', 'in (0, 1]', p.etaDischarge);
  check(Number.isFinite(p.socMaxMwh), 'socMaxMwh', 'finite', p.socMaxMwh);
  check(p.socMinMwh <= p.socMaxMwh, 'socMinMwh', `<= socMaxMwh (${p.socMaxMwh})`, p.socMinMwh);
  check(Number.isFinite(p.soc0Mwh), 'soc0Mwh', 'finite', p.soc0Mwh);
  check(Number.isFinite(p.endSocMinMwh), 'endSocMinMwh', 'finite', p.endSocMinMwh);
  check(finite(p.degradationEurPerMwh), 'degradationEurPerMwh', 'finite', p.degradationEurPerMwh);
  const m = p.slackPenaltyEurPerMwh;
  check(
    m === undefined || (m >= 0 && Number.isFinite(m)),
    'slackPenaltyEurPerMwh',
    'a finite number >= 0',
    m,
  );
  check(finite(p.terminalValueEurPerMwh), 'terminalValueEurPerMwh', 'finite', p.terminalValueEurPerMwh);
  for (const [i, per] of p.periods.entries()) {
    check(Number.isFinite(per.priceEurPerMwh), `periods[${i}].priceEurPerMwh`, 'finite', per.priceEurPerMwh);
    check(finite(per.fixedNetMw), `periods[${i}].fixedNetMw`, 'finite', per.fixedNetMw);
  }
}

/** Segments shorter than this (MWh) are dropped: far below any SoC the plan can resolve. */
const MIN_LEN = 1e-12;
/** Widening of the reachable SoC ranges against rounding, MWh. */
const REACH_MARGIN = 1e-6;

/** A list of segments (length, slope) in a fixed-capacity buffer; equal slopes are merged. */
class Segments {
  readonly lens: Float64Array;
  readonly slopes: Float64Array;
  count = 0;

  constructor(capacity: number) {
    this.lens = new Float64Array(capacity);
    this.slopes = new Float64Array(capacity);
  }

  push(len: number, slope: number): void {
    if (len < MIN_LEN) return;
    const k = this.count;
    if (k > 0 && this.slopes[k - 1] === slope) this.lens[k - 1] = this.lens[k - 1]! + len;
    else {
      this.lens[k] = len;
      this.slopes[k] = slope;
      this.count = k + 1;
    }
  }
}

/**
 * A concave piecewise-linear function on the real line: value v0 at x0, then the segments
 * seg[from..to) (non-increasing slopes), the slope `left` before x0 and `right` after the last
 * breakpoint.
 */
interface Concave {
  x0: number;
  v0: number;
  left: number;
  right: number;
  seg: Segments;
  from: number;
  to: number;
}

/**
 * The breakpoints and values of the value function V_{t+1} of every stage t, for the forward
 * pass: stage t's points are xs/vs[off[t] .. off[t] + cnt[t]), its tails left[t], right[t]. The
 * buffers are kept between solves (a solve runs synchronously to its end), so a solve allocates
 * almost nothing.
 */
class StagePoints {
  xs = new Float64Array(4096);
  vs = new Float64Array(4096);
  used = 0;
  off = new Int32Array(0);
  cnt = new Int32Array(0);
  left = new Float64Array(0);
  right = new Float64Array(0);

  reset(stages: number): void {
    this.used = 0;
    if (this.off.length < stages) {
      this.off = new Int32Array(stages);
      this.cnt = new Int32Array(stages);
      this.left = new Float64Array(stages);
      this.right = new Float64Array(stages);
    }
  }

  store(t: number, f: Concave): void {
    const k = f.to - f.from + 1;
    if (this.used + k > this.xs.length) {
      const size = Math.max(2 * this.xs.length, this.used + k);
      const xs = new Float64Array(size);
      const vs = new Float64Array(size);
      xs.set(this.xs.subarray(0, this.used));
      vs.set(this.vs.subarray(0, this.used));
      this.xs = xs;
      this.vs = vs;
    }
    const { xs, vs } = this;
    const { lens, slopes } = f.seg;
    let o = this.used;
    this.off[t] = o;
    this.cnt[t] = k;
    this.left[t] = f.left;
    this.right[t] = f.right;
    xs[o] = f.x0;
    vs[o] = f.v0;
    for (let i = f.from; i < f.to; i++, o++) {
      xs[o + 1] = xs[o]! + lens[i]!;
      vs[o + 1] = vs[o]! + slopes[i]! * lens[i]!;
    }
    this.used += k;
  }

  /** V_{t+1}(x). */
  valueAt(t: number, x: number): number {
    const { xs, vs } = this;
    const first = this.off[t]!;
    const last = first + this.cnt[t]! - 1;
    if (x <= xs[first]!) return vs[first]! + this.left[t]! * (x - xs[first]!);
    if (x >= xs[last]!) return vs[last]! + this.right[t]! * (x - xs[last]!);
    let lo = first;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! <= x) lo = mid;
      else hi = mid;
    }
    return vs[lo]! + ((vs[hi]! - vs[lo]!) * (x - xs[lo]!)) / (xs[hi]! - xs[lo]!);
  }
}

/**
 * One period's moves: the vertices of the upper boundary of {(Δ, reward)} over the power box,
 * ascending in Δ.
 */
interface Moves {
  dx: number[];
  reward: number[];
}

interface Corner {
  dx: number;
  reward: number;
  c: number;
  d: number;
}

function corner(p: BatteryPlanProblem, price: number, c: number, d: number): Corner {
  const deg = p.degradationEurPerMwh ?? 0;
  return {
    dx: (p.etaCharge * c - d / p.etaDischarge) * p.hours,
    reward: (price * (d - c) - deg * (c + d)) * p.hours,
    c,
    d,
  };
}

function movesOf(p: BatteryPlanProblem, t: number): Moves {
  const per = p.periods[t]!;
  const price = per.priceEurPerMwh;
  const fixed = per.fixedNetMw;
  const P = p.powerMw;
  const corners =
    fixed !== undefined
      ? [corner(p, price, Math.max(fixed, 0), Math.max(-fixed, 0))]
      : [corner(p, price, 0, P), corner(p, price, P, P), corner(p, price, 0, 0), corner(p, price, P, 0)];
  // Ascending Δ; at equal Δ the better reward, then the lower throughput, comes first.
  corners.sort((a, b) => a.dx - b.dx || b.reward - a.reward || a.c + a.d - (b.c + b.d));
  const hull: Corner[] = [];
  for (const q of corners) {
    if (hull.length > 0 && hull[hull.length - 1]!.dx === q.dx) continue;
    // Upper hull (monotone chain): drop the last vertex while it lies on or below the chord.
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      if ((b.reward - a.reward) * (q.dx - a.dx) <= (q.reward - a.reward) * (b.dx - a.dx)) hull.pop();
      else break;
    }
    hull.push(q);
  }
  return { dx: hull.map((q) => q.dx), reward: hull.map((q) => q.reward) };
}

/** Reward of the move Δ (a point of the hull's domain). */
function rewardOf(m: Moves, d: number): number {
  const k = m.dx.length;
  if (k === 1) return m.reward[0]!;
  let i = 0;
  while (i + 2 < k && d > m.dx[i + 1]!) i++;
  const w = (d - m.dx[i]!) / (m.dx[i + 1]! - m.dx[i]!);
  return m.reward[i]! + w * (m.reward[i + 1]! - m.reward[i]!);
}

/**
 * W(s) = max_Δ r(Δ) + V(s + Δ), the sup-convolution of V with y ↦ r(−y), into `out`: the merge
 * of both slope lists.
 */
function supConvolve(v: Concave, m: Moves, out: Segments): Concave {
  // g(y) = r(−y): vertex i of the hull (from the right) is at y = −dx.
  const k = m.dx.length;
  const gSlope = (j: number) =>
    (m.reward[k - 2 - j]! - m.reward[k - 1 - j]!) / (m.dx[k - 1 - j]! - m.dx[k - 2 - j]!);
  // Segments of g steeper than V's tails are absorbed by them (they only move the start point).
  let j0 = 0;
  while (j0 < k - 1 && gSlope(j0) >= v.left) j0++;
  let j1 = k - 1;
  while (j1 > j0 && gSlope(j1 - 1) <= v.right) j1--;
  out.count = 0;
  const { lens, slopes } = v.seg;
  let i = v.from;
  let j = j0;
  while (i < v.to || j < j1) {
    if (j >= j1) {
      out.push(lens[i]!, slopes[i]!);
      i++;
      continue;
    }
    const gs = gSlope(j);
    if (i < v.to && slopes[i]! >= gs) {
      out.push(lens[i]!, slopes[i]!);
      i++;
    } else {
      out.push(m.dx[k - 1 - j]! - m.dx[k - 2 - j]!, gs);
      j++;
    }
  }
  return {
    x0: v.x0 - m.dx[k - 1 - j0]!,
    v0: v.v0 + m.reward[k - 1 - j0]!,
    left: v.left,
    right: v.right,
    seg: out,
    from: 0,
    to: out.count,
  };
}

/** Appends [x0, x1] with `slope` to out, split at lo and hi, plus the penalty's slope (± m). */
function pushPenalised(
  out: Segments,
  x0: number,
  x1: number,
  slope: number,
  lo: number,
  hi: number,
  m: number,
) {
  let a = x0;
  if (lo > a + MIN_LEN && lo < x1 - MIN_LEN) {
    out.push(lo - a, slope + m);
    a = lo;
  }
  if (hi > a + MIN_LEN && hi < x1 - MIN_LEN) {
    const mid = (a + hi) / 2;
    out.push(hi - a, slope + (mid < lo ? m : 0));
    a = hi;
  }
  const mid = (a + x1) / 2;
  out.push(x1 - a, slope + (mid < lo ? m : mid > hi ? -m : 0));
}

/**
 * f − M·(socMin − s)⁺ − M·(s − socMax)⁺ into `out`, in one pass: segments that straddle a bound
 * are split, and a bound outside f's breakpoints gets a tail segment to it.
 */
function withSocPenalty(f: Concave, lo: number, hi: number, m: number, out: Segments): Concave {
  out.count = 0;
  let x0 = f.x0;
  let v0 = f.v0;
  if (lo < x0 - MIN_LEN) {
    pushPenalised(out, lo, x0, f.left, lo, hi, m);
    v0 += f.left * (lo - x0);
    x0 = lo;
  }
  let at = f.x0;
  const { lens, slopes } = f.seg;
  for (let i = f.from; i < f.to; i++) {
    const len = lens[i]!;
    pushPenalised(out, at, at + len, slopes[i]!, lo, hi, m);
    at += len;
  }
  if (hi > at + MIN_LEN) pushPenalised(out, at, hi, f.right, lo, hi, m);
  v0 -= m * Math.max(0, lo - x0) + m * Math.max(0, x0 - hi);
  return { x0, v0, left: f.left + m, right: f.right - m, seg: out, from: 0, to: out.count };
}

/**
 * f restricted to [a, b] (the SoCs that can be reached there): segments wholly outside are
 * dropped, and the tails continue the last dropped slopes, so f stays concave and exact on [a, b].
 */
function cropped(f: Concave, a: number, b: number): Concave {
  const { lens, slopes } = f.seg;
  let x0 = f.x0;
  let v0 = f.v0;
  let left = f.left;
  let i = f.from;
  while (i < f.to && x0 + lens[i]! <= a) {
    v0 += slopes[i]! * lens[i]!;
    x0 += lens[i]!;
    left = slopes[i]!;
    i++;
  }
  let end = x0;
  let j = i;
  while (j < f.to && end < b) end += lens[j++]!;
  const right = j < f.to ? slopes[j]! : f.right;
  return { x0, v0, left, right, seg: f.seg, from: i, to: j };
}

/**
 * The best move Δ from SoC s into the next value function. Among moves within a rounding
 * tolerance of the best, the one closest to idle (then the smaller Δ) is taken.
 */
function bestMove(m: Moves, stages: StagePoints, t: number, s: number): number {
  const k = m.dx.length;
  const lo = m.dx[0]!;
  const hi = m.dx[k - 1]!;
  const candidates: number[] = m.dx.slice();
  if (lo < 0 && hi > 0) candidates.push(0);
  const { xs } = stages;
  const end = stages.off[t]! + stages.cnt[t]!;
  for (let i = stages.off[t]!; i < end; i++) {
    const d = xs[i]! - s;
    if (d > lo && d < hi) candidates.push(d);
  }
  const values = new Float64Array(candidates.length);
  let best = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < candidates.length; i++) {
    const d = candidates[i]!;
    const v = rewardOf(m, d) + stages.valueAt(t, s + d);
    values[i] = v;
    if (v > best) best = v;
  }
  const tol = 1e-9 * Math.max(1, Math.abs(best));
  let choice = Number.NaN;
  for (let i = 0; i < candidates.length; i++) {
    if (values[i]! < best - tol) continue;
    const d = candidates[i]!;
    if (
      Number.isNaN(choice) ||
      Math.abs(d) < Math.abs(choice) ||
      (Math.abs(d) === Math.abs(choice) && d < choice)
    )
      choice = d;
  }
  return choice;
}

/**
 * Grid-side charge and discharge of the move Δ in period t: on the line η_c·c·h − d·h/η_d = Δ
 * within the power box, the best reward, and among equal rewards the least throughput (charging
 * and discharging at once only where it pays).
 */
function powerOf(p: BatteryPlanProblem, t: number, dx: number): { c: number; d: number } {
  const per = p.periods[t]!;
  const fixed = per.fixedNetMw;
  if (fixed !== undefined) return { c: Math.max(fixed, 0), d: Math.max(-fixed, 0) };
  const { etaCharge: ec, etaDischarge: ed, hours: h, powerMw: P } = p;
  const deg = p.degradationEurPerMwh ?? 0;
  // Along the line d = (η_c·c·h − Δ)·η_d / h, the reward changes by this much per MW of c.
  const gain = per.priceEurPerMwh * (ec * ed - 1) - deg * (1 + ec * ed);
  const cLo = Math.max(0, dx / (ec * h));
  const cHi = Math.min(P, ((P * h) / ed + dx) / (ec * h));
  const c = Math.min(P, Math.max(0, gain > 1e-12 ? cHi : cLo));
  const d = Math.min(P, Math.max(0, ((ec * c * h - dx) * ed) / h));
  return { c, d };
}

let scratch = { a: new Segments(1024), b: new Segments(1024) };
const stagePoints = new StagePoints();

/** Solves the battery LP exactly (see the head of this file). */
export function solveBatteryPlan(p: BatteryPlanProblem): BatteryPlan {
  validateBatteryPlanProblem(p);
  const n = p.periods.length;
  const pen = p.slackPenaltyEurPerMwh ?? DEFAULT_SLACK_PENALTY_EUR_PER_MWH;
  const v = p.terminalValueEurPerMwh ?? 0;
  const lo = p.socMinMwh;
  const hi = p.socMaxMwh;
  const moves: Moves[] = new Array(n);
  // The SoCs reachable before each period: the value functions are needed only there.
  const reachLo = new Float64Array(n + 1);
  const reachHi = new Float64Array(n + 1);
  reachLo[0] = p.soc0Mwh;
  reachHi[0] = p.soc0Mwh;
  for (let t = 0; t < n; t++) {
    const m = movesOf(p, t);
    moves[t] = m;
    reachLo[t + 1] = reachLo[t]! + m.dx[0]!;
    reachHi[t + 1] = reachHi[t]! + m.dx[m.dx.length - 1]!;
  }
  // Each period adds at most 3 segments of its moves, 2 splits and 2 tails.
  const capacity = 8 * n + 8;
  if (scratch.a.lens.length < capacity) scratch = { a: new Segments(capacity), b: new Segments(capacity) };
  const { a, b } = scratch;
  stagePoints.reset(n);
  // V_n(s) = v·s − M·(endMin − s)⁺ − M·(distance from the bounds).
  const terminal: Concave = {
    x0: p.endSocMinMwh,
    v0: v * p.endSocMinMwh,
    left: v + pen,
    right: v,
    seg: b,
    from: 0,
    to: 0,
  };
  let f = withSocPenalty(terminal, lo, hi, pen, a);
  for (let t = n - 1; t >= 0; t--) {
    f = cropped(f, reachLo[t + 1]! - REACH_MARGIN, reachHi[t + 1]! + REACH_MARGIN);
    stagePoints.store(t, f);
    if (t > 0) f = withSocPenalty(supConvolve(f, moves[t]!, b), lo, hi, pen, a);
  }
  const chargeMw: number[] = [];
  const dischargeMw: number[] = [];
  const netMw: number[] = [];
  const socMwh = [p.soc0Mwh];
  const deg = p.degradationEurPerMwh ?? 0;
  let soc = p.soc0Mwh;
  let profitEur = 0;
  let slackMwh = 0;
  for (let t = 0; t < n; t++) {
    const m = moves[t]!;
    const power = powerOf(p, t, bestMove(m, stagePoints, t, soc));
    chargeMw.push(power.c);
    dischargeMw.push(power.d);
    netMw.push(power.c - power.d);
    soc += (p.etaCharge * power.c - power.d / p.etaDischarge) * p.hours;
    socMwh.push(soc);
    profitEur += (p.periods[t]!.priceEurPerMwh * (power.d - power.c) - deg * (power.c + power.d)) * p.hours;
    slackMwh += Math.max(0, lo - soc) + Math.max(0, soc - hi);
  }
  slackMwh += Math.max(0, p.endSocMinMwh - soc);
  return {
    chargeMw,
    dischargeMw,
    netMw,
    socMwh,
    profitEur,
    slackMwh,
    objectiveEur: profitEur - pen * slackMwh + v * soc,
  };
}
