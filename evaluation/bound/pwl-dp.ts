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

/** A line v = m·x + c on an interval. */
interface Line {
  m: number;
  c: number;
}

function lineThrough(f: Pwl, x0: number, x1: number, shift: number): Line {
  // f(x + shift) on [x0, x1], where no breakpoint of f lies strictly inside [x0+shift, x1+shift].
  const v0 = evalAt(f, x0 + shift);
  if (x1 - x0 < EPS_X) return { m: 0, c: v0 - 0 * x0 };
  const v1 = evalAt(f, x1 + shift);
  const m = (v1 - v0) / (x1 - x0);
  return { m, c: v0 - m * x0 };
}

/** Pushes the upper envelope of `lines` on [a, b] (both ends and crossings) into out. */
function envelope(lines: readonly Line[], a: number, b: number, out: Pwl): void {
  const pts = [a, b];
  for (let i = 0; i < lines.length; i++)
    for (let j = i + 1; j < lines.length; j++) {
      const dm = lines[i]!.m - lines[j]!.m;
      if (dm === 0) continue;
      const x = (lines[j]!.c - lines[i]!.c) / dm;
      if (x > a + EPS_X && x < b - EPS_X) pts.push(x);
    }
  pts.sort((p, q) => p - q);
  for (const x of pts) {
    let v = Number.NEGATIVE_INFINITY;
    for (const l of lines) v = Math.max(v, l.m * x + l.c);
    push(out, x, v);
  }
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
  const phi: Pwl = { xs: f.xs, vs: f.vs.map((v, i) => v - k * f.xs[i]!) };
  const cand = [a, b];
  for (const x of f.xs) {
    for (const s of [x - from, x - to]) if (s > a && s < b) cand.push(s);
  }
  cand.sort((p, q) => p - q);
  const out: Pwl = { xs: [], vs: [] };
  // Breakpoints strictly inside the window, kept in a deque of decreasing phi values as the
  // window slides right.
  const n = f.xs.length;
  let enter = 0;
  const deque: number[] = [];
  for (let i = 0; i + 1 < cand.length; i++) {
    const s0 = cand[i]!;
    const s1 = cand[i + 1]!;
    if (s1 - s0 < EPS_X) continue;
    const mid = (s0 + s1) / 2;
    const wLo = mid + from;
    const wHi = mid + to;
    while (enter < n && f.xs[enter]! < wHi) {
      while (deque.length > 0 && phi.vs[deque[deque.length - 1]!]! <= phi.vs[enter]!) deque.pop();
      deque.push(enter++);
    }
    while (deque.length > 0 && f.xs[deque[0]!]! <= wLo) deque.shift();
    const lines: Line[] = [];
    if (deque.length > 0) lines.push({ m: 0, c: phi.vs[deque[0]!]! });
    if (wLo >= lo) lines.push(lineThrough(phi, s0, s1, from));
    if (wHi <= hi) lines.push(lineThrough(phi, s0, s1, to));
    envelope(lines, s0, s1, out);
  }
  if (cand.length === 1 || b - a < EPS_X) {
    // A single point: the window's best value there.
    const v = bestInWindow(phi, a + from, a + to);
    out.xs = [a];
    out.vs = [v];
  }
  return { xs: out.xs, vs: out.vs.map((v, i) => v + k * out.xs[i]!) };
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
  const xs = [...new Set([...f.xs, ...g.xs])].sort((p, q) => p - q);
  const inF = (x: number) => x >= f.xs[0]! - EPS_X && x <= f.xs[f.xs.length - 1]! + EPS_X;
  const inG = (x: number) => x >= g.xs[0]! - EPS_X && x <= g.xs[g.xs.length - 1]! + EPS_X;
  const out: Pwl = { xs: [], vs: [] };
  for (let i = 0; i + 1 < xs.length; i++) {
    const a = xs[i]!;
    const b = xs[i + 1]!;
    if (b - a < EPS_X) continue;
    const mid = (a + b) / 2;
    const lines: Line[] = [];
    if (inF(mid)) lines.push(lineThrough(f, a, b, 0));
    if (inG(mid)) lines.push(lineThrough(g, a, b, 0));
    envelope(lines, a, b, out);
  }
  if (xs.length === 1) {
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
