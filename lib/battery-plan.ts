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
//
// The value functions are only built where they can matter. Beyond the SoCs reachable from s_0
// they are never asked for. And where the slack penalty outweighs what any move can earn
// (M > 2·R + |v|, R the steepest reward per MWh of SoC of any period), no optimal schedule goes
// further outside [socMin, socMax] than the fixed periods push it (see `socRegion`): there the
// functions are cut off with a cliff (a slope of ∓CLIFF). That only lowers the value of schedules
// that are not optimal, so the optimum and the optimal moves stay what they are; in a pace run it
// drops ~85 % of the breakpoints, which lay far outside the SoC bounds.

export interface BatteryPlanPeriod {
  /** Price forecast, EUR/MWh (enters the profit also for a fixed period). */
  priceEurPerMwh: number;
  /** Net grid power this period is fixed at (> 0 charge), MW; undefined: free. */
  fixedNetMw?: number;
}

/** A battery as the scheduling LPs model it (this one and the strategies' HiGHS variants). */
export interface BatteryLimits {
  /** Period length, hours (0.25 for quarter-hours). */
  hours: number;
  powerMw: number;
  etaCharge: number;
  etaDischarge: number;
  socMinMwh: number;
  socMaxMwh: number;
}

export interface BatteryPlanProblem extends BatteryLimits {
  periods: readonly BatteryPlanPeriod[];
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
  // The field names are built only for a failure: a plan of 192 periods is checked at every solve.
  for (let i = 0; i < p.periods.length; i++) {
    const per = p.periods[i]!;
    if (!Number.isFinite(per.priceEurPerMwh))
      throw new BatteryPlanInputError(`periods[${i}].priceEurPerMwh`, 'finite', per.priceEurPerMwh);
    if (!finite(per.fixedNetMw))
      throw new BatteryPlanInputError(`periods[${i}].fixedNetMw`, 'finite', per.fixedNetMw);
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
 * Every period's moves: the vertices of the upper boundary of {(Δ, reward)} over the power box,
 * ascending in Δ — period t's are dx/reward[4t .. 4t + count[t]). One table kept between solves
 * (a solve runs synchronously to its end): a plan is re-solved at every decision point, and small
 * objects per period (corners, sorted copies, hulls) were most of what the planner allocated.
 */
class MoveTable {
  dx = new Float64Array(0);
  reward = new Float64Array(0);
  count = new Int32Array(0);

  reset(periods: number): void {
    if (this.count.length < periods) {
      this.dx = new Float64Array(4 * periods);
      this.reward = new Float64Array(4 * periods);
      this.count = new Int32Array(periods);
    }
  }
}

/** The corners of one period's power box (at most 4): Δ, reward and throughput c + d. */
const cornerDx = new Float64Array(4);
const cornerReward = new Float64Array(4);
const cornerThroughput = new Float64Array(4);
const cornerOrder = new Int32Array(4);
const hullIdx = new Int32Array(4);

function setCorner(p: BatteryPlanProblem, i: number, price: number, c: number, d: number): void {
  const deg = p.degradationEurPerMwh ?? 0;
  cornerDx[i] = (p.etaCharge * c - d / p.etaDischarge) * p.hours;
  cornerReward[i] = (price * (d - c) - deg * (c + d)) * p.hours;
  cornerThroughput[i] = c + d;
}

/** Ascending Δ; at equal Δ the better reward, then the lower throughput, comes first. */
function cornerCompare(a: number, b: number): number {
  return (
    cornerDx[a]! - cornerDx[b]! ||
    cornerReward[b]! - cornerReward[a]! ||
    cornerThroughput[a]! - cornerThroughput[b]!
  );
}

function movesOf(p: BatteryPlanProblem, t: number, table: MoveTable): void {
  const per = p.periods[t]!;
  const price = per.priceEurPerMwh;
  const fixed = per.fixedNetMw;
  const P = p.powerMw;
  let k: number;
  if (fixed !== undefined) {
    setCorner(p, 0, price, Math.max(fixed, 0), Math.max(-fixed, 0));
    k = 1;
  } else {
    setCorner(p, 0, price, 0, P);
    setCorner(p, 1, price, P, P);
    setCorner(p, 2, price, 0, 0);
    setCorner(p, 3, price, P, 0);
    k = 4;
  }
  // A stable insertion sort: the same order as the stable Array#sort with this comparator.
  for (let i = 0; i < k; i++) cornerOrder[i] = i;
  for (let i = 1; i < k; i++)
    for (let j = i; j > 0 && cornerCompare(cornerOrder[j - 1]!, cornerOrder[j]!) > 0; j--) {
      const x = cornerOrder[j]!;
      cornerOrder[j] = cornerOrder[j - 1]!;
      cornerOrder[j - 1] = x;
    }
  let h = 0;
  for (let i = 0; i < k; i++) {
    const q = cornerOrder[i]!;
    if (h > 0 && cornerDx[hullIdx[h - 1]!] === cornerDx[q]) continue;
    // Upper hull (monotone chain): drop the last vertex while it lies on or below the chord.
    while (h >= 2) {
      const a = hullIdx[h - 2]!;
      const b = hullIdx[h - 1]!;
      if (
        (cornerReward[b]! - cornerReward[a]!) * (cornerDx[q]! - cornerDx[a]!) <=
        (cornerReward[q]! - cornerReward[a]!) * (cornerDx[b]! - cornerDx[a]!)
      )
        h--;
      else break;
    }
    hullIdx[h++] = q;
  }
  const base = 4 * t;
  for (let i = 0; i < h; i++) {
    table.dx[base + i] = cornerDx[hullIdx[i]!]!;
    table.reward[base + i] = cornerReward[hullIdx[i]!]!;
  }
  table.count[t] = h;
}

/** Reward of the move Δ of period t (a point of the hull's domain). */
function rewardOf(m: MoveTable, t: number, d: number): number {
  const k = m.count[t]!;
  const base = 4 * t;
  const { dx, reward } = m;
  if (k === 1) return reward[base]!;
  let i = base;
  while (i + 2 < base + k && d > dx[i + 1]!) i++;
  const w = (d - dx[i]!) / (dx[i + 1]! - dx[i]!);
  return reward[i]! + w * (reward[i + 1]! - reward[i]!);
}

/** Slope of segment j of g(y) = r(−y) for period t's moves at dx/reward[base .. base + k). */
function gSlope(m: MoveTable, base: number, k: number, j: number): number {
  return (
    (m.reward[base + k - 2 - j]! - m.reward[base + k - 1 - j]!) /
    (m.dx[base + k - 1 - j]! - m.dx[base + k - 2 - j]!)
  );
}

/**
 * W(s) = max_Δ r(Δ) + V(s + Δ), the sup-convolution of V with y ↦ r(−y) for period t's moves,
 * into `out` (another function than `v`, with its own segment buffer): the merge of both slope
 * lists.
 */
function supConvolve(v: Concave, m: MoveTable, t: number, out: Concave): Concave {
  // g(y) = r(−y): vertex i of the hull (from the right) is at y = −dx.
  const k = m.count[t]!;
  const base = 4 * t;
  // Segments of g steeper than V's tails are absorbed by them (they only move the start point).
  let j0 = 0;
  while (j0 < k - 1 && gSlope(m, base, k, j0) >= v.left) j0++;
  let j1 = k - 1;
  while (j1 > j0 && gSlope(m, base, k, j1 - 1) <= v.right) j1--;
  const seg = out.seg;
  seg.count = 0;
  const { lens, slopes } = v.seg;
  let i = v.from;
  let j = j0;
  while (i < v.to || j < j1) {
    if (j >= j1) {
      seg.push(lens[i]!, slopes[i]!);
      i++;
      continue;
    }
    const gs = gSlope(m, base, k, j);
    if (i < v.to && slopes[i]! >= gs) {
      seg.push(lens[i]!, slopes[i]!);
      i++;
    } else {
      seg.push(m.dx[base + k - 1 - j]! - m.dx[base + k - 2 - j]!, gs);
      j++;
    }
  }
  out.x0 = v.x0 - m.dx[base + k - 1 - j0]!;
  out.v0 = v.v0 + m.reward[base + k - 1 - j0]!;
  out.left = v.left;
  out.right = v.right;
  out.from = 0;
  out.to = seg.count;
  return out;
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
 * f − M·(socMin − s)⁺ − M·(s − socMax)⁺ into `out` (another function than `f`, with its own
 * segment buffer), in one pass: segments that straddle a bound are split, and a bound outside f's
 * breakpoints gets a tail segment to it.
 */
function withSocPenalty(f: Concave, lo: number, hi: number, m: number, out: Concave): Concave {
  // Numbers from here on: the optimiser takes a parameter for any value, and a variable that is
  // sometimes a parameter and sometimes computed (the piece start in pushPenalised) was then kept
  // boxed — a heap number per segment and stage, ~250 KB a solve and most of the planner's
  // garbage (a pace run: ~70 MB). Multiplying by 1 changes no number's value.
  lo *= 1;
  hi *= 1;
  m *= 1;
  const seg = out.seg;
  seg.count = 0;
  let x0 = f.x0;
  let v0 = f.v0;
  if (lo < x0 - MIN_LEN) {
    pushPenalised(seg, lo, x0, f.left, lo, hi, m);
    v0 += f.left * (lo - x0);
    x0 = lo;
  }
  let at = f.x0;
  const { lens, slopes } = f.seg;
  for (let i = f.from; i < f.to; i++) {
    const len = lens[i]!;
    pushPenalised(seg, at, at + len, slopes[i]!, lo, hi, m);
    at += len;
  }
  if (hi > at + MIN_LEN) pushPenalised(seg, at, hi, f.right, lo, hi, m);
  v0 -= m * Math.max(0, lo - x0) + m * Math.max(0, x0 - hi);
  out.x0 = x0;
  out.v0 = v0;
  out.left = f.left + m;
  out.right = f.right - m;
  out.from = 0;
  out.to = seg.count;
  return out;
}

/** The slope of the cliff beyond the SoC region (EUR/MWh): far steeper than any penalty. */
const CLIFF = 1e12;

/**
 * f restricted to [a, b] (the SoCs that can be reached there), in place: segments wholly outside
 * are dropped, and the tails continue the last dropped slopes, so f stays concave and exact on [a, b].
 * A side marked as a cliff (`cliffA`, `cliffB`) gets the slope ±CLIFF beyond [a, b] instead, f being
 * first extended to it with its own tail; the segment buffer has room for the two extensions.
 */
function crop(f: Concave, a: number, b: number, cliffA = false, cliffB = false): Concave {
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
  let right = j < f.to ? slopes[j]! : f.right;
  if (cliffA) {
    if (x0 > a + MIN_LEN) {
      // f starts inside the region: its left tail becomes a segment from a.
      if (i === 0) {
        lens.copyWithin(1, 0, j);
        slopes.copyWithin(1, 0, j);
        j++;
      } else i--;
      lens[i] = x0 - a;
      slopes[i] = left;
      v0 -= left * (x0 - a);
      x0 = a;
    }
    left = CLIFF;
  }
  if (cliffB) {
    if (b > end + MIN_LEN) {
      // f ends inside the region: its right tail becomes a segment to b (j is the end of the
      // kept segments, so nothing kept is overwritten).
      lens[j] = b - end;
      slopes[j] = right;
      j++;
    }
    right = -CLIFF;
  }
  f.x0 = x0;
  f.v0 = v0;
  f.left = left;
  f.right = right;
  f.from = i;
  f.to = j;
  return f;
}

/**
 * Where every optimal schedule keeps the SoC after each period, or undefined when the slack
 * penalty does not dominate the rewards. Why: take a schedule whose free moves (the sum X_t of the
 * moves of non-fixed periods up to t) rise above c = max(0, max(socMax, endMin) − soc0 + K⁻), K⁻
 * (K⁺) the total discharge (charge) of the fixed periods, and cut X at c: every move is replaced by
 * one between 0 and itself (allowed: idle is), the SoC is lowered only where it stays ≥ socMax and
 * endMin, the penalty falls by M·Σ_t (X_t − c)⁺, while the rewards and the terminal value lose at
 * most (2R + |v|)·Σ_t (X_t − c)⁺. With M > 2R + |v| the cut schedule is strictly better, so an
 * optimal one never rises above soc0 + K⁺ + c; the same below.
 */
function socRegion(
  p: BatteryPlanProblem,
  m: MoveTable,
  pen: number,
  v: number,
): { lo: number; hi: number } | undefined {
  let up = 0;
  let down = 0;
  let steepest = 0;
  for (let t = 0; t < p.periods.length; t++) {
    const base = 4 * t;
    const k = m.count[t]!;
    if (p.periods[t]!.fixedNetMw !== undefined) {
      const dx = m.dx[base]!;
      if (dx > 0) up += dx;
      else down -= dx;
      continue;
    }
    for (let i = base; i + 1 < base + k; i++) {
      const slope = Math.abs((m.reward[i + 1]! - m.reward[i]!) / (m.dx[i + 1]! - m.dx[i]!));
      if (slope > steepest) steepest = slope;
    }
  }
  // A margin against rounding: the region is only a bound, a wider one is as good.
  if (!(pen > (2 * steepest + Math.abs(v)) * (1 + 1e-6) + 1e-6)) return undefined;
  const soc0 = p.soc0Mwh;
  const top = Math.max(p.socMaxMwh, p.endSocMinMwh);
  return {
    lo: Math.min(soc0 - down, p.socMinMwh - up - down) - REGION_MARGIN,
    hi: Math.max(soc0 + up, top + down + up) + REGION_MARGIN,
  };
}

/** Widening of the SoC region against rounding, MWh. */
const REGION_MARGIN = 1e-3;

/** Candidate moves of bestMove and their values, kept between solves (grown when needed). */
let candidates = new Float64Array(64);
let candidateValues = new Float64Array(64);

/**
 * The best move Δ from SoC s into the next value function. Among moves within a rounding
 * tolerance of the best, the one closest to idle (then the smaller Δ) is taken.
 */
function bestMove(m: MoveTable, stages: StagePoints, t: number, s: number): number {
  const k = m.count[t]!;
  const base = 4 * t;
  const lo = m.dx[base]!;
  const hi = m.dx[base + k - 1]!;
  const need = k + 1 + stages.cnt[t]!;
  if (candidates.length < need) {
    candidates = new Float64Array(2 * need);
    candidateValues = new Float64Array(2 * need);
  }
  let count = 0;
  for (let i = 0; i < k; i++) candidates[count++] = m.dx[base + i]!;
  if (lo < 0 && hi > 0) candidates[count++] = 0;
  const { xs } = stages;
  const end = stages.off[t]! + stages.cnt[t]!;
  for (let i = stages.off[t]!; i < end; i++) {
    const d = xs[i]! - s;
    if (d > lo && d < hi) candidates[count++] = d;
  }
  let best = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const d = candidates[i]!;
    const v = rewardOf(m, t, d) + stages.valueAt(t, s + d);
    candidateValues[i] = v;
    if (v > best) best = v;
  }
  const tol = 1e-9 * Math.max(1, Math.abs(best));
  let choice = Number.NaN;
  for (let i = 0; i < count; i++) {
    if (candidateValues[i]! < best - tol) continue;
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
 * and discharging at once only where it pays). Written into `out`.
 */
function powerOf(p: BatteryPlanProblem, t: number, dx: number, out: { c: number; d: number }): void {
  const per = p.periods[t]!;
  const fixed = per.fixedNetMw;
  if (fixed !== undefined) {
    out.c = Math.max(fixed, 0);
    out.d = Math.max(-fixed, 0);
    return;
  }
  const { etaCharge: ec, etaDischarge: ed, hours: h, powerMw: P } = p;
  const deg = p.degradationEurPerMwh ?? 0;
  // Along the line d = (η_c·c·h − Δ)·η_d / h, the reward changes by this much per MW of c.
  const gain = per.priceEurPerMwh * (ec * ed - 1) - deg * (1 + ec * ed);
  const cLo = Math.max(0, dx / (ec * h));
  const cHi = Math.min(P, ((P * h) / ed + dx) / (ec * h));
  const c = Math.min(P, Math.max(0, gain > 1e-12 ? cHi : cLo));
  out.c = c;
  out.d = Math.min(P, Math.max(0, ((ec * c * h - dx) * ed) / h));
}

/** The two value functions the backward pass alternates between, each on its own segment buffer. */
function concaveOn(seg: Segments): Concave {
  return { x0: 0, v0: 0, left: 0, right: 0, seg, from: 0, to: 0 };
}

let scratch = { a: concaveOn(new Segments(1024)), b: concaveOn(new Segments(1024)) };
const stagePoints = new StagePoints();
const moveTable = new MoveTable();

export interface BatteryPlanOptions {
  /** false: build the value functions on every reachable SoC (to compare with; same plans). */
  socRegion?: boolean;
}

/** Solves the battery LP exactly (see the head of this file). */
export function solveBatteryPlan(p: BatteryPlanProblem, options: BatteryPlanOptions = {}): BatteryPlan {
  validateBatteryPlanProblem(p);
  const n = p.periods.length;
  const pen = p.slackPenaltyEurPerMwh ?? DEFAULT_SLACK_PENALTY_EUR_PER_MWH;
  const v = p.terminalValueEurPerMwh ?? 0;
  const lo = p.socMinMwh;
  const hi = p.socMaxMwh;
  const moves = moveTable;
  moves.reset(n);
  // The SoCs reachable before each period: the value functions are needed only there.
  const reachLo = new Float64Array(n + 1);
  const reachHi = new Float64Array(n + 1);
  reachLo[0] = p.soc0Mwh;
  reachHi[0] = p.soc0Mwh;
  for (let t = 0; t < n; t++) {
    movesOf(p, t, moves);
    reachLo[t + 1] = reachLo[t]! + moves.dx[4 * t]!;
    reachHi[t + 1] = reachHi[t]! + moves.dx[4 * t + moves.count[t]! - 1]!;
  }
  // Each period adds at most 3 segments of its moves, 2 splits, 2 tails and 2 cliff extensions.
  const capacity = 10 * n + 16;
  if (scratch.a.seg.lens.length < capacity)
    scratch = { a: concaveOn(new Segments(capacity)), b: concaveOn(new Segments(capacity)) };
  const { a, b } = scratch;
  stagePoints.reset(n);
  const region = options.socRegion === false ? undefined : socRegion(p, moves, pen, v);
  // V_n(s) = v·s − M·(endMin − s)⁺ − M·(distance from the bounds).
  b.seg.count = 0;
  b.x0 = p.endSocMinMwh;
  b.v0 = v * p.endSocMinMwh;
  b.left = v + pen;
  b.right = v;
  b.from = 0;
  b.to = 0;
  let f = withSocPenalty(b, lo, hi, pen, a);
  for (let t = n - 1; t >= 0; t--) {
    // f is `a` here: cropped in place, stored, then convolved into `b` and penalised back into `a`.
    let from = reachLo[t + 1]! - REACH_MARGIN;
    let to = reachHi[t + 1]! + REACH_MARGIN;
    const cliffLo = region !== undefined && region.lo > from;
    const cliffHi = region !== undefined && region.hi < to;
    if (cliffLo) from = region.lo;
    if (cliffHi) to = region.hi;
    f = crop(f, from, to, cliffLo, cliffHi);
    stagePoints.store(t, f);
    if (t > 0) f = withSocPenalty(supConvolve(f, moves, t, b), lo, hi, pen, a);
  }
  const chargeMw: number[] = [];
  const dischargeMw: number[] = [];
  const netMw: number[] = [];
  const socMwh = [p.soc0Mwh];
  const deg = p.degradationEurPerMwh ?? 0;
  const power = { c: 0, d: 0 };
  let soc = p.soc0Mwh;
  let profitEur = 0;
  let slackMwh = 0;
  for (let t = 0; t < n; t++) {
    powerOf(p, t, bestMove(moves, stagePoints, t, soc), power);
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
