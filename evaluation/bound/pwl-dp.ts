// An exact dynamic programme for the perfect-foresight bound of one battery (the problem stated
// in battery-bound.ts), fast enough to score every game of a tournament.
//
// W_t(s) is the most the battery can still earn from period t on, entering it at SoC s; a
// continuous piecewise-linear function of s, kept as its breakpoints. With u = s_{t+1}, period t
// either charges (u ∈ [s, s + C], C = P·h·η_c, paying a = (buy + deg)/η_c per MWh stored) or
// discharges (u ∈ [s − D, s], D = P·h/η_d, earning b = (sell − deg)·η_d per MWh taken out) —
// never both, as the twin meters one net flow per quarter-hour:
//
//   W_t(s) = max( a·s + max_{u ∈ [s, s+C]} (W_{t+1}(u) − a·u),
//                 b·s + max_{u ∈ [s−D, s]} (W_{t+1}(u) − b·u) ),   s ∈ [socMin, socMax].
//
// Each inner term is a sliding-window maximum of a piecewise-linear function. Between consecutive
// points of {breakpoints} ∪ {breakpoints − window}, the window holds the same breakpoints, so the
// maximum there is the upper envelope of at most three lines (the two window ends and the best
// breakpoint inside); its breakpoints are where those lines cross. The maximum of the two terms is
// again an envelope of lines per interval. So every W_t is computed exactly (up to floating-point
// rounding), whether or not a period's spread beats the round-trip loss, and the plan is read
// forward by the same maximisation at the chosen SoC. Breakpoints grow by a few per period.

import type { BoundProblem } from './battery-bound.js';

/** A continuous piecewise-linear function: strictly increasing xs, values vs. */
export interface Pwl {
  xs: number[];
  vs: number[];
}

export interface DpPlan {
  valueEur: number;
  chargeMwh: number[];
  dischargeMwh: number[];
  socMwh: number[];
  /** Largest number of breakpoints of any value function (for the benchmark). */
  maxBreakpoints: number;
}

const EPS_X = 1e-9;

function evalAt(f: Pwl, x: number): number {
  const { xs, vs } = f;
  if (x <= xs[0]!) return vs[0]!;
  const last = xs.length - 1;
  if (x >= xs[last]!) return vs[last]!;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const x0 = xs[lo]!;
  const x1 = xs[hi]!;
  return vs[lo]! + ((vs[hi]! - vs[lo]!) * (x - x0)) / (x1 - x0);
}

/** Scratch space of envelope(): at most 2 ends + 3 crossings. */
const PTS = new Float64Array(5);

/** Pushes the upper envelope of `count` lines (ms, cs) on [a, b] (both ends and crossings) into out. */
function envelope(ms: Float64Array, cs: Float64Array, count: number, a: number, b: number, out: Pwl): void {
  let n = 0;
  PTS[n++] = a;
  for (let i = 0; i < count; i++)
    for (let j = i + 1; j < count; j++) {
      const dm = ms[i]! - ms[j]!;
      if (dm === 0) continue;
      const x = (cs[j]! - cs[i]!) / dm;
      if (x > a + EPS_X && x < b - EPS_X) PTS[n++] = x;
    }
  PTS[n++] = b;
  // Insertion sort of at most five points.
  for (let i = 1; i < n; i++) {
    const x = PTS[i]!;
    let j = i - 1;
    while (j >= 0 && PTS[j]! > x) {
      PTS[j + 1] = PTS[j]!;
      j--;
    }
    PTS[j + 1] = x;
  }
  for (let p = 0; p < n; p++) {
    const x = PTS[p]!;
    let v = Number.NEGATIVE_INFINITY;
    for (let l = 0; l < count; l++) v = Math.max(v, ms[l]! * x + cs[l]!);
    push(out, x, v);
  }
}

const LM = new Float64Array(3);
const LC = new Float64Array(3);

/** Sets line `i` of the scratch lines to f(x + shift) on [x0, x1] (f linear there). */
function setLine(i: number, f: Pwl, x0: number, x1: number, shift: number): void {
  const v0 = evalAt(f, x0 + shift);
  if (x1 - x0 < EPS_X) {
    LM[i] = 0;
    LC[i] = v0;
    return;
  }
  const m = (evalAt(f, x1 + shift) - v0) / (x1 - x0);
  LM[i] = m;
  LC[i] = v0 - m * x0;
}

/** The sorted union of two ascending sequences a[i] + da and b[j] + db, inside (lo, hi), with lo and hi. */
function mergedPoints(
  a: readonly number[],
  da: number,
  b: readonly number[],
  db: number,
  lo: number,
  hi: number,
): number[] {
  const out = [lo];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! + da <= b[j]! + db) ? a[i++]! + da : b[j++]! + db;
    if (x > lo && x < hi) out.push(x);
  }
  out.push(hi);
  return out;
}

function push(out: Pwl, x: number, v: number): void {
  const n = out.xs.length;
  if (n > 0 && x - out.xs[n - 1]! < EPS_X) {
    out.vs[n - 1] = Math.max(out.vs[n - 1]!, v);
    return;
  }
  out.xs.push(x);
  out.vs.push(v);
}

/** Drops breakpoints where the function is straight. */
function simplify(f: Pwl): Pwl {
  const xs: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < f.xs.length; i++) {
    const x = f.xs[i]!;
    const v = f.vs[i]!;
    if (xs.length >= 2 && i < f.xs.length) {
      const k = xs.length;
      const x0 = xs[k - 2]!;
      const v0 = vs[k - 2]!;
      const x1 = xs[k - 1]!;
      const v1 = vs[k - 1]!;
      const predicted = v0 + ((v - v0) * (x1 - x0)) / (x - x0);
      if (Math.abs(predicted - v1) <= 1e-9 * Math.max(1, Math.abs(v1))) {
        xs[k - 1] = x;
        vs[k - 1] = v;
        continue;
      }
    }
    xs.push(x);
    vs.push(v);
  }
  return { xs, vs };
}

/**
 * g(s) = k·s + max_{u ∈ [s + from, s + to] ∩ dom f} (f(u) − k·u), for s in [dLo, dHi] (the
 * points where the window meets dom f, clipped by the caller's bounds). from ≤ to.
 */
function windowMax(f: Pwl, k: number, from: number, to: number, dLo: number, dHi: number): Pwl | undefined {
  const lo = f.xs[0]!;
  const hi = f.xs[f.xs.length - 1]!;
  const a = Math.max(dLo, lo - to);
  const b = Math.min(dHi, hi - from);
  if (a > b + EPS_X) return undefined;
  const phiVs = new Array<number>(f.xs.length);
  for (let i = 0; i < f.xs.length; i++) phiVs[i] = f.vs[i]! - k * f.xs[i]!;
  const phi: Pwl = { xs: f.xs, vs: phiVs };
  const cand = mergedPoints(f.xs, -to, f.xs, -from, a, b);
  const out: Pwl = { xs: [], vs: [] };
  // Breakpoints strictly inside the window, kept in a deque of decreasing phi values as the
  // window slides right.
  const n = f.xs.length;
  let enter = 0;
  const deque: number[] = [];
  let head = 0;
  for (let i = 0; i + 1 < cand.length; i++) {
    const s0 = cand[i]!;
    const s1 = cand[i + 1]!;
    if (s1 - s0 < EPS_X) continue;
    const mid = (s0 + s1) / 2;
    const wLo = mid + from;
    const wHi = mid + to;
    while (enter < n && f.xs[enter]! < wHi) {
      while (deque.length > head && phiVs[deque[deque.length - 1]!]! <= phiVs[enter]!) deque.pop();
      deque.push(enter++);
    }
    while (deque.length > head && f.xs[deque[head]!]! <= wLo) head++;
    let count = 0;
    if (deque.length > head) {
      LM[count] = 0;
      LC[count++] = phiVs[deque[head]!]!;
    }
    if (wLo >= lo) setLine(count++, phi, s0, s1, from);
    if (wHi <= hi) setLine(count++, phi, s0, s1, to);
    envelope(LM, LC, count, s0, s1, out);
  }
  if (cand.length === 1 || b - a < EPS_X) {
    // A single point: the window's best value there.
    const v = bestInWindow(phi, a + from, a + to);
    out.xs = [a];
    out.vs = [v];
  }
  for (let i = 0; i < out.xs.length; i++) out.vs[i] = out.vs[i]! + k * out.xs[i]!;
  return out;
}

/** max of f over [u0, u1] ∩ dom f (a breakpoint or an end). */
function bestInWindow(f: Pwl, u0: number, u1: number): number {
  const lo = Math.max(u0, f.xs[0]!);
  const hi = Math.min(u1, f.xs[f.xs.length - 1]!);
  let best = Math.max(evalAt(f, lo), evalAt(f, hi));
  for (let i = 0; i < f.xs.length; i++) if (f.xs[i]! > lo && f.xs[i]! < hi) best = Math.max(best, f.vs[i]!);
  return best;
}

/** max(f, g) where both are defined, whichever is defined elsewhere; domains overlap or touch. */
function upperMax(f: Pwl | undefined, g: Pwl | undefined): Pwl | undefined {
  if (!f) return g;
  if (!g) return f;
  const xs = mergedPoints(
    f.xs,
    0,
    g.xs,
    0,
    Math.min(f.xs[0]!, g.xs[0]!),
    Math.max(f.xs.at(-1)!, g.xs.at(-1)!),
  );
  const fLo = f.xs[0]! - EPS_X;
  const fHi = f.xs[f.xs.length - 1]! + EPS_X;
  const gLo = g.xs[0]! - EPS_X;
  const gHi = g.xs[g.xs.length - 1]! + EPS_X;
  const inF = (x: number) => x >= fLo && x <= fHi;
  const inG = (x: number) => x >= gLo && x <= gHi;
  const out: Pwl = { xs: [], vs: [] };
  for (let i = 0; i + 1 < xs.length; i++) {
    const a = xs[i]!;
    const b = xs[i + 1]!;
    if (b - a < EPS_X) continue;
    const mid = (a + b) / 2;
    let count = 0;
    if (inF(mid)) setLine(count++, f, a, b, 0);
    if (inG(mid)) setLine(count++, g, a, b, 0);
    envelope(LM, LC, count, a, b, out);
  }
  if (out.xs.length === 0) {
    out.xs = [xs[0]!];
    out.vs = [
      Math.max(
        inF(xs[0]!) ? f.vs[0]! : Number.NEGATIVE_INFINITY,
        inG(xs[0]!) ? g.vs[0]! : Number.NEGATIVE_INFINITY,
      ),
    ];
  }
  return out;
}

interface Rates {
  priced: boolean;
  a: number;
  b: number;
  C: number;
  D: number;
}

function rates(p: BoundProblem, t: number): Rates {
  const q = p.periods[t]!;
  const s = p.spec;
  const energy = s.powerMw * p.hours;
  if (q.buyEurPerMwh === undefined || q.sellEurPerMwh === undefined)
    return { priced: false, a: 0, b: 0, C: 0, D: 0 };
  return {
    priced: true,
    a: (q.buyEurPerMwh + s.degradationEurPerMwh) / s.etaCharge,
    b: (q.sellEurPerMwh - s.degradationEurPerMwh) * s.etaDischarge,
    C: energy * s.etaCharge,
    D: energy / s.etaDischarge,
  };
}

function terminalFunction(p: BoundProblem): Pwl | undefined {
  const s = p.spec;
  if (p.terminal.kind === 'fixed') {
    const e = p.terminal.socEndMwh;
    if (e < s.socMinMwh - 1e-7 || e > s.socMaxMwh + 1e-7) return undefined;
    return { xs: [Math.min(s.socMaxMwh, Math.max(s.socMinMwh, e))], vs: [0] };
  }
  const ref = p.terminal.refEurPerMwh;
  const s0 = s.socStartMwh;
  const value = (x: number) => (x >= s0 ? ref * s.etaDischarge * (x - s0) : -(ref / s.etaCharge) * (s0 - x));
  const xs = [...new Set([s.socMinMwh, s0, s.socMaxMwh])].sort((a, b) => a - b);
  return { xs, vs: xs.map(value) };
}

/** Solves the bound exactly; undefined when no schedule meets the terminal condition. */
export function solvePwlDp(p: BoundProblem): DpPlan | undefined {
  const n = p.periods.length;
  const { socMinMwh: sMin, socMaxMwh: sMax, socStartMwh: s0 } = p.spec;
  const ws: Pwl[] = new Array(n + 1);
  let w = terminalFunction(p);
  if (!w) return undefined;
  ws[n] = w;
  let maxBreakpoints = w.xs.length;
  for (let t = n - 1; t >= 0; t--) {
    const r = rates(p, t);
    let next: Pwl | undefined;
    if (!r.priced) next = windowMax(w, 0, 0, 0, sMin, sMax);
    else next = upperMax(windowMax(w, r.a, 0, r.C, sMin, sMax), windowMax(w, r.b, -r.D, 0, sMin, sMax));
    if (!next || next.xs.length === 0) return undefined;
    w = simplify(next);
    ws[t] = w;
    maxBreakpoints = Math.max(maxBreakpoints, w.xs.length);
  }
  const w0 = ws[0]!;
  if (s0 < w0.xs[0]! - 1e-7 || s0 > w0.xs[w0.xs.length - 1]! + 1e-7) return undefined;
  const chargeMwh: number[] = [];
  const dischargeMwh: number[] = [];
  const socMwh: number[] = [];
  let soc = s0;
  let value = 0;
  for (let t = 0; t < n; t++) {
    const r = rates(p, t);
    const f = ws[t + 1]!;
    let bestU = soc;
    let best = Number.NEGATIVE_INFINITY;
    const consider = (u: number, k: number) => {
      if (u < f.xs[0]! - EPS_X || u > f.xs[f.xs.length - 1]! + EPS_X) return;
      const v = evalAt(f, u) - k * (u - soc);
      if (v > best + 1e-12) {
        best = v;
        bestU = u;
      }
    };
    const sides: [number, number, number][] = r.priced
      ? [
          [soc, soc + r.C, r.a],
          [soc - r.D, soc, r.b],
        ]
      : [[soc, soc, 0]];
    for (const [u0, u1, k] of sides) {
      const lo = Math.max(u0, f.xs[0]!);
      const hi = Math.min(u1, f.xs[f.xs.length - 1]!);
      if (lo > hi + EPS_X) continue;
      consider(lo, k);
      consider(hi, k);
      for (const x of f.xs) if (x > lo && x < hi) consider(x, k);
    }
    const x = soc - bestU;
    const stage = x < 0 ? r.a * x : r.b * x;
    value += r.priced ? stage : 0;
    chargeMwh.push(x < 0 ? -x / p.spec.etaCharge : 0);
    dischargeMwh.push(x > 0 ? x * p.spec.etaDischarge : 0);
    soc = bestU;
    socMwh.push(soc);
  }
  if (p.terminal.kind === 'valued') value += evalAt(ws[n]!, soc);
  return { valueEur: value, chargeMwh, dischargeMwh, socMwh, maxBreakpoints };
}
