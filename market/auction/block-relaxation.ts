import type { PeriodAggregate } from './aggregate.js';
import { ACCEPTED, type Domain, FREE } from './block-domain.js';
import type { BlockSpace } from './block-space.js';

// Upper bound on the welfare of every selection in a search node, from prices (Lagrangian duality).
//
// For a selection with block net demand K_p in period p, welfare = Σ_p val_p(K_p) + Σ_accepted value_i,
// where val_p(K) is the curves' best welfare when they absorb K (concave in K; PeriodAggregate.clear).
// For ANY price vector λ and every K in the node's range [kLow_p, kHigh_p]:
//     val_p(K) <= G_p(λ_p) − λ_p·K,   G_p(λ) = max over K' in [kLow_p, kHigh_p] of val_p(K') + λ·K'
// so welfare <= Σ_p G_p(λ_p) + Σ_i u_i·s_i(λ), with s_i(λ) = value_i − netDemand_i·Σ_{p∈i} λ_p the block's
// surplus at λ, and u_i·s_i <= max(0, s_i) for a free block. That is the bound g(λ). It holds for every λ,
// however it was found, which is what keeps the search exact although λ is computed numerically. Its
// minimum over λ is the welfare of the relaxation with fractional blocks and no admissibility condition,
// tightened by the node's K ranges (which do encode admissibility, see block-domain.ts).
//
// λ is found by Gauss–Seidel over periods: each period's price minimises g with the other prices fixed,
// i.e. it clears the period against the curves (K restricted to the node's range) and the blocks'
// responses. At the root, free blocks respond smoothly, σ(margin/τ), with τ (ticks of average price
// margin) falling towards zero, because exact coordinate descent can stall on blocks spanning several
// periods; a child starts from its parent's prices and re-solves, exactly, only the periods its changes
// reach (a work queue), since most of a child's prices equal its parent's. A child that this does not
// prune gets one more pass from there (REFINE_SMOOTHING): a smoothed level un-sticks the prices that
// exact steps hold at block thresholds, which near the money is often what prunes it.

/** Smoothing levels τ (ticks) at the root, coarse to (practically) exact. */
export const ROOT_SMOOTHING: readonly number[] = [256, 64, 16, 4, 1, 1 / 4, 1 / 16, 1 / 64, 1e-9];
/** A child's smoothing: exact responses from its parent's prices. */
export const CHILD_SMOOTHING: readonly number[] = [1e-9];
/**
 * A child whose exact re-solve does not prune it: smoothed levels from its prices, then exact again.
 * Exact coordinate descent stalls on blocks spanning several periods; near the money that leaves the
 * bound far above the relaxation's minimum and the search branching where a better λ would prune.
 */
export const REFINE_SMOOTHING: readonly number[] = [1, CHILD_SMOOTHING[0]!];
/** Period solves per level of the refinement, in multiples of the number of periods (cheap: a hint). */
export const REFINE_PASSES = 1;
/** At or below this τ (ticks), responses are computed as exact steps. */
const STEP_TAU = 1e-6;
/** A block's response σ(z) is within 2·10⁻⁹ of 0 or 1 beyond |z| = 20. */
const SATURATION = 20;
/**
 * e^−37 < 8.6·10⁻¹⁷, under half an ulp of 1 (2⁻⁵³ ≈ 1.1·10⁻¹⁶): for z at least this, 1 + e^−z is exactly 1
 * in floating point, so σ(z)·d is exactly d.
 */
const EXP_NEGLIGIBLE = 37;
/** Price changes (ticks) below this do not requeue the neighbouring periods. */
const PRICE_STEP = 1e-6;
/** Period solves per smoothing level at most, in multiples of the number of periods. */
const PASSES_PER_LEVEL = 4;

export class PriceRelaxation {
  /** Prices per period position (the best λ found, after solve()). */
  readonly lambda: Float64Array;
  /** Σ λ over each block's periods. */
  private readonly sums: Float64Array;
  /** Periods whose price must be recomputed (queued). */
  private readonly dirty: Uint8Array;
  private readonly queue: Int32Array;
  private head = 0;
  private size = 0;
  /** The smoothing level λ was last computed at (Infinity: not at all). */
  private lastTau = Number.POSITIVE_INFINITY;
  /** g at λ after solve(). */
  value = Number.POSITIVE_INFINITY;

  /**
   * Starts from `start` (the parent node's prices) if given; then only the periods listed in `changed`
   * (where the child differs from its parent) are recomputed first, the rest as the changes spread.
   */
  constructor(
    private readonly space: BlockSpace,
    private readonly domain: Domain,
    start?: Float64Array,
    changed?: Iterable<number>,
  ) {
    this.lambda = start ? Float64Array.from(start) : this.initialPrices();
    this.sums = new Float64Array(space.blocks.length);
    this.dirty = new Uint8Array(space.periodCount);
    this.queue = new Int32Array(space.periodCount);
    if (start && changed) {
      // The parent ended at the sharpest level, so only the changes need re-solving.
      this.lastTau = CHILD_SMOOTHING[0]!;
      for (const p of changed) this.enqueue(p);
    } else for (let p = 0; p < space.periodCount; p++) this.enqueue(p);
    ({
      d: this.d,
      thresholds: this.thresholds,
      sign: this.sign,
      offset: this.offset,
      scale: this.scale,
      blocks: this.blockArrays,
      term: this.termMemo,
    } = solveScratch(space));
    this.resum();
  }

  private initialPrices(): Float64Array {
    const { space, domain } = this;
    return Float64Array.from(space.aggregates, (a, p) => {
      const k = Math.min(Math.max(0, domain.kLow[p]!), domain.kHigh[p]!);
      return a.clear(k)!.allocationPrice;
    });
  }

  private resum(): void {
    // A block's periods are the consecutive positions first..last, summed in that order.
    const { lambda, sums } = this;
    const { first, last } = this.blockArrays;
    for (let i = 0; i < sums.length; i++) {
      let sum = 0;
      for (let p = first[i]!; p <= last[i]!; p++) sum += lambda[p]!;
      sums[i] = sum;
    }
  }

  /** The block's average price margin at λ (ticks; > 0: in the money). */
  margin(i: number): number {
    const b = this.space.blocks[i]!;
    return (b.sell ? this.sums[i]! - b.limitSum : b.limitSum - this.sums[i]!) / b.length;
  }

  /** The block's surplus at λ (tick·lots): its gain if accepted at these prices. */
  surplus(i: number): number {
    const b = this.space.blocks[i]!;
    return b.value - b.netDemand * this.sums[i]!;
  }

  /** g(λ) at the current prices: an upper bound on the welfare of every selection in the domain. */
  bound(): number {
    this.resum();
    return this.boundOn(this.domain);
  }

  /**
   * g at the current λ (as left by solve) over `domain`, which must hold a subset of the relaxation's
   * domain's selections (a descendant's: narrower K ranges, more blocks fixed): an upper bound on the
   * welfare of its selections without solving for prices of its own (Lagrangian duality holds at any λ).
   */
  boundOn(domain: Domain): number {
    const { space } = this;
    let g = 0;
    for (let p = 0; p < space.periodCount; p++)
      g += this.periodTerm(p, this.lambda[p]!, domain.kLow[p]!, domain.kHigh[p]!);
    for (let i = 0; i < space.blocks.length; i++) {
      const s = domain.status[i]!;
      if (s !== ACCEPTED && s !== FREE) continue;
      const surplus = this.surplus(i);
      g += s === ACCEPTED ? surplus : Math.max(0, surplus);
    }
    return g;
  }

  /** G_p(x): the curves' surplus at price x with K restricted to [kLow, kHigh] (default: the domain's range). */
  private periodTerm(
    p: number,
    x: number,
    kLow = this.domain.kLow[p]!,
    kHigh = this.domain.kHigh[p]!,
  ): number {
    // G_p depends on (x, kLow, kHigh) only, and most periods keep all three from one bound to the
    // next (a child starts at its parent's prices): the last value per period is reused when they
    // are the same numbers (Object.is: −0 is not +0).
    const memo = this.termMemo;
    if (Object.is(memo.x[p], x) && Object.is(memo.kLow[p], kLow) && Object.is(memo.kHigh[p], kHigh))
      return memo.value[p]!;
    const agg = this.space.aggregates[p]!;
    const range = agg.demandRangeAt(x);
    let value: number;
    // The curves absorb K in [−hi, −lo] at price x.
    if (-range.lo < kLow) value = agg.clear(kLow)!.value + x * kLow;
    else if (-range.hi > kHigh) value = agg.clear(kHigh)!.value + x * kHigh;
    else value = agg.tailFrom(x);
    memo.x[p] = x;
    memo.kLow[p] = kLow;
    memo.kHigh[p] = kHigh;
    memo.value[p] = value;
    return value;
  }

  private enqueue(p: number): void {
    if (this.dirty[p]) return;
    this.dirty[p] = 1;
    const at = this.head + this.size;
    this.queue[at >= this.queue.length ? at - this.queue.length : at] = p;
    this.size++;
  }

  /**
   * Gauss–Seidel at the given smoothing levels; returns the lowest bound seen and leaves λ at its prices
   * (also in `value`). Stops early once the bound is at or below `enough` (the node can be pruned).
   */
  solve(taus: readonly number[], enough: number, passes = PASSES_PER_LEVEL): number {
    let best = Number.POSITIVE_INFINITY;
    const bestLambda = Float64Array.from(this.lambda);
    for (const tau of taus) {
      // A block's response σ(margin/τ) only changes with τ where it is not saturated.
      const reach = SATURATION * Math.max(tau, Math.min(this.lastTau, 1e300));
      const { first, last } = this.blockArrays;
      for (let i = 0; i < this.sums.length; i++)
        if (this.domain.status[i] === FREE && Math.abs(this.margin(i)) < reach)
          for (let p = first[i]!; p <= last[i]!; p++) this.enqueue(p);
      this.lastTau = tau;
      this.drain(tau, passes);
      const g = this.bound();
      if (g < best) {
        best = g;
        bestLambda.set(this.lambda);
      }
      if (best <= enough) break;
    }
    this.lambda.set(bestLambda);
    this.resum();
    this.value = best;
    return best;
  }

  /**
   * Gauss–Seidel over the queued periods: re-solving a period whose price moved queues the periods of
   * the free blocks covering it (their responses depend on it). Bounded per level; what is left stays
   * queued for the next.
   */
  private drain(tau: number, passes: number): void {
    const { lambda, dirty, queue, sums } = this;
    const { periodBlocks } = this.space;
    const { status } = this.domain;
    const { sell, length, limitSum, first, last } = this.blockArrays;
    const capacity = queue.length;
    let budget = passes * this.space.periodCount;
    while (this.size > 0 && budget-- > 0) {
      const p = queue[this.head]!;
      this.head = this.head + 1 === capacity ? 0 : this.head + 1;
      this.size--;
      dirty[p] = 0;
      const old = lambda[p]!;
      this.solvePeriod(p, tau);
      const moved = lambda[p]! - old;
      if (Math.abs(moved) <= PRICE_STEP) continue;
      const covering = periodBlocks[p]!;
      // Every covering block's periods are consecutive positions around p, so those already
      // enqueued here form one interval [doneLow, doneHigh] ∋ p (all dirty but p): a block only
      // needs the parts of its periods outside it, in ascending order — the same queue as calling
      // enqueue() on all of them.
      let doneLow = p;
      let doneHigh = p;
      for (let k = 0; k < covering.length; k++) {
        const i = covering[k]!;
        if (status[i] !== FREE) continue;
        // The other periods see this block only through its response σ(margin/τ): if that is
        // saturated on the same side before and after the move (for steps: the same sign), they
        // would clear at the same prices, so they need no re-solve on its account. (margin(i), inline.)
        const after = (sell[i] ? sums[i]! - limitSum[i]! : limitSum[i]! - sums[i]!) / length[i]!;
        const before = after - (sell[i] ? moved : -moved) / length[i]!;
        if (this.sameResponse(before, after, tau)) continue;
        const from = first[i]!;
        const to = last[i]!;
        for (let q = from; q < doneLow; q++) this.enqueue(q);
        for (let q = doneHigh + 1; q <= to; q++) this.enqueue(q);
        if (from < doneLow) doneLow = from;
        if (to > doneHigh) doneHigh = to;
      }
    }
  }

  /** Excess demand at breakpoint j of `agg` (curves clamped to [dMin, dMax], blocks' responses) is <= 0. */
  private clearsAt(agg: PeriodAggregate, dMin: number, dMax: number, j: number): boolean {
    return clamp(agg.loAt(j), dMin, dMax) + this.blocksAt(agg.prices[j]!) <= 0;
  }

  /** A free block's response is (practically) the same at both margins (ticks) at smoothing τ. */
  private sameResponse(before: number, after: number, tau: number): boolean {
    if (tau <= STEP_TAU) return Math.sign(before) === Math.sign(after);
    const reach = SATURATION * tau;
    return (before >= reach && after >= reach) || (before <= -reach && after <= -reach);
  }

  // Scratch for solvePeriod: the free blocks of the period being solved.
  private count = 0;
  /** τ is so small that the responses are taken as steps (exactly, without exp). */
  private stepResponses = false;
  private fixed = 0;
  private readonly d: Float64Array;
  private readonly thresholds: Float64Array;
  private readonly sign: Float64Array;
  private readonly offset: Float64Array;
  private readonly scale: Float64Array;
  /** The blocks' fields as flat arrays (read in the hot loops of drain and solvePeriod). */
  private readonly blockArrays: BlockArrays;
  /** periodTerm's last arguments and value per period (shared by the space's relaxations). */
  private readonly termMemo: TermMemo;

  /** Net demand of the period's blocks at price x (accepted ones fixed, free ones smoothed). */
  private blocksAt(x: number): number {
    let e = this.fixed;
    const { d, sign, offset, scale } = this;
    if (this.stepResponses) {
      // σ at a vanishing τ: a step, ½ at the block's own threshold.
      for (let j = 0; j < this.count; j++) {
        const z = sign[j]! * (offset[j]! + x);
        e += z > 0 ? d[j]! : z === 0 ? d[j]! / 2 : 0;
      }
      return e;
    }
    for (let j = 0; j < this.count; j++) {
      const z = sign[j]! * (offset[j]! + x) * scale[j]!;
      if (z >= 0) {
        // From EXP_NEGLIGIBLE on, 1 + e^−z rounds to 1: d/1 is the same number without the exp.
        e += z >= EXP_NEGLIGIBLE ? d[j]! : d[j]! / (1 + Math.exp(-z));
      } else {
        const ez = Math.exp(z);
        e += (d[j]! * ez) / (1 + ez);
      }
    }
    return e;
  }

  /** Sets λ_p to where the period clears against the curves (restricted K) and the blocks' responses. */
  private solvePeriod(p: number, tau: number): void {
    const { space, domain } = this;
    const agg = space.aggregates[p]!;
    const old = this.lambda[p]!;
    const covering = space.periodBlocks[p]!;
    const { status } = domain;
    const { sums, d, sign, offset, scale } = this;
    const { netDemand, sell, length, limitSum } = this.blockArrays;
    const step = tau <= STEP_TAU;
    let fixed = 0;
    let count = 0;
    for (let k = 0; k < covering.length; k++) {
      const i = covering[k]!;
      const s = status[i]!;
      if (s === ACCEPTED) fixed += netDemand[i]!;
      else if (s === FREE) {
        d[count] = netDemand[i]!;
        // margin/τ = sign·(sumWithout + x − limitSum)/(length·τ)
        sign[count] = sell[i] ? 1 : -1;
        offset[count] = sums[i]! - old - limitSum[i]!;
        // Steps (τ ≤ STEP_TAU) look at the sign of the margin only: no scale.
        if (!step) scale[count] = 1 / (length[i]! * tau);
        count++;
      }
    }
    this.fixed = fixed;
    this.count = count;
    this.stepResponses = step;
    // Curves' net demand clamped to the K range: the curves absorb −K, so D ∈ [−kHigh, −kLow].
    const dMin = -domain.kHigh[p]!;
    const dMax = -domain.kLow[p]!;
    const { prices, left, right } = agg;
    const m = prices.length - 1;
    let x: number;
    if (clamp(agg.loAt(m), dMin, dMax) + this.blocksAt(prices[m]!) > 0) x = prices[m]!;
    else {
      // First breakpoint where excess demand can be <= 0 (it is non-increasing in the price). The
      // price rarely moves far, so the search gallops out from the old price's breakpoint: the same
      // breakpoint as a binary search over all of them, with fewer evaluations of the blocks' response.
      let lo = 0;
      let hi = m;
      const start = Math.min(upperIndex(prices, old), m);
      if (this.clearsAt(agg, dMin, dMax, start)) {
        hi = start;
        for (let step = 1; hi - step > 0; step *= 2) {
          if (!this.clearsAt(agg, dMin, dMax, hi - step)) {
            lo = hi - step + 1;
            break;
          }
          hi -= step;
        }
      } else {
        lo = start + 1;
        for (let step = 1; lo + step - 1 < m; step *= 2) {
          if (this.clearsAt(agg, dMin, dMax, lo + step - 1)) {
            hi = lo + step - 1;
            break;
          }
          lo += step;
        }
      }
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.clearsAt(agg, dMin, dMax, mid)) hi = mid;
        else lo = mid + 1;
      }
      const j = lo;
      if (j === 0) x = prices[0]!;
      else if (clamp(left[j]!, dMin, dMax) + this.blocksAt(prices[j]!) > 0) x = prices[j]!;
      else if (this.stepResponses)
        x = this.stepCrossing(prices[j - 1]!, prices[j]!, right[j - 1]!, left[j]!, dMin, dMax);
      else x = this.crossing(prices[j - 1]!, prices[j]!, right[j - 1]!, left[j]!, dMin, dMax);
    }
    this.lambda[p] = x;
    // Adding ±0 would leave every sum as it is (a sum is never −0: it starts as +0 + λ…, and a
    // floating-point sum is −0 only when both terms are), so an unmoved price skips the loop.
    const delta = x - old;
    if (delta !== 0) for (let k = 0; k < covering.length; k++) sums[covering[k]!]! += delta;
  }

  /**
   * crossing() for step responses, exactly: between the free blocks' thresholds (the prices where their
   * surplus changes sign) the blocks' net demand is constant and the curves' linear, so the excess demand
   * crosses zero either at a threshold (a jump) or where the curves' demand meets the blocks' (a line).
   */
  private stepCrossing(a: number, b: number, qa: number, qb: number, dMin: number, dMax: number): number {
    const slope = (qb - qa) / (b - a);
    const ts = this.thresholds;
    let m = 0;
    for (let j = 0; j < this.count; j++) {
      const t = -this.offset[j]!;
      if (t > a && t < b) ts[m++] = t;
    }
    sortThresholds(ts, m);
    let from = a;
    for (let k = 0; k <= m; k++) {
      const to = k < m ? ts[k]! : b;
      if (to > from) {
        const blocks = this.blocksAt((from + to) / 2);
        if (clamp(qa + slope * (from - a), dMin, dMax) + blocks <= 0) return from;
        if (clamp(qa + slope * (to - a), dMin, dMax) + blocks < 0) {
          // The curves alone meet −blocks inside: slope < 0 here, or the sign could not change.
          const y = a + (-blocks - qa) / slope;
          return Math.min(Math.max(y, from), to);
        }
      }
      from = to;
    }
    return b;
  }

  /**
   * The price in (a, b] where excess demand crosses zero; the curves' demand runs linearly from qa to qb
   * there. Illinois (regula falsi): excess demand is continuous and decreasing on the interval.
   */
  private crossing(a: number, b: number, qa: number, qb: number, dMin: number, dMax: number): number {
    // The curves' part of the excess demand at y is clamp(qa + slope·(y − a0)).
    const a0 = a;
    const slope = (qb - qa) / (b - a);
    let fa = clamp(qa, dMin, dMax) + this.blocksAt(a);
    let fb = clamp(qb, dMin, dMax) + this.blocksAt(b);
    if (fa <= 0) return a;
    if (fb >= 0) return b;
    let side = 0;
    for (let it = 0; it < 100 && b - a > 1e-7 * (1 + Math.abs(b)); it++) {
      let c = (a * fb - b * fa) / (fb - fa);
      if (!(c > a && c < b)) c = (a + b) / 2;
      const fc = clamp(qa + slope * (c - a0), dMin, dMax) + this.blocksAt(c);
      if (fc > 0) {
        a = c;
        fa = fc;
        if (side === -1) fb /= 2;
        side = -1;
      } else if (fc < 0) {
        b = c;
        fb = fc;
        if (side === 1) fa /= 2;
        side = 1;
      } else return c;
    }
    return (a + b) / 2;
  }
}

/** solvePeriod's scratch arrays, one set per space: a node's relaxation need not allocate its own. */
interface SolveScratch {
  d: Float64Array;
  thresholds: Float64Array;
  sign: Float64Array;
  offset: Float64Array;
  scale: Float64Array;
  blocks: BlockArrays;
  term: TermMemo;
}

/** Per period position: the last (x, kLow, kHigh) periodTerm was asked for and its value (NaN: none). */
interface TermMemo {
  x: Float64Array;
  kLow: Float64Array;
  kHigh: Float64Array;
  value: Float64Array;
}

/** SpaceBlock's fields by block index, the same values (read-only once built). */
interface BlockArrays {
  netDemand: Float64Array;
  sell: Uint8Array;
  length: Float64Array;
  limitSum: Float64Array;
  first: Int32Array;
  last: Int32Array;
}
const scratchBySpace = new WeakMap<BlockSpace, SolveScratch>();

/**
 * Shared by all relaxations of a space: solvePeriod fills them and reads them back within one call,
 * and calls never interleave (synchronous), so sharing cannot mix two relaxations' values.
 */
function solveScratch(space: BlockSpace): SolveScratch {
  let scratch = scratchBySpace.get(space);
  if (!scratch) {
    const cover = space.periodBlocks.reduce((mx, list) => Math.max(mx, list.length), 0);
    scratch = {
      d: new Float64Array(cover),
      thresholds: new Float64Array(cover),
      sign: new Float64Array(cover),
      offset: new Float64Array(cover),
      scale: new Float64Array(cover),
      blocks: {
        netDemand: Float64Array.from(space.blocks, (b) => b.netDemand),
        sell: Uint8Array.from(space.blocks, (b) => (b.sell ? 1 : 0)),
        length: Float64Array.from(space.blocks, (b) => b.length),
        limitSum: Float64Array.from(space.blocks, (b) => b.limitSum),
        first: Int32Array.from(space.blocks, (b) => b.first),
        last: Int32Array.from(space.blocks, (b) => b.last),
      },
      term: {
        x: new Float64Array(space.periodCount).fill(Number.NaN),
        kLow: new Float64Array(space.periodCount).fill(Number.NaN),
        kHigh: new Float64Array(space.periodCount).fill(Number.NaN),
        value: new Float64Array(space.periodCount),
      },
    };
    scratchBySpace.set(space, scratch);
  }
  return scratch;
}

/**
 * Sorts ts[0..m) ascending in place, in the order TypedArray.prototype.sort gives (−0 before +0), without
 * a subarray per call: insertion sort, m being at most the blocks covering one period.
 */
function sortThresholds(ts: Float64Array, m: number): void {
  for (let k = 1; k < m; k++) {
    const t = ts[k]!;
    let j = k - 1;
    while (j >= 0 && before(t, ts[j]!)) {
      ts[j + 1] = ts[j]!;
      j--;
    }
    ts[j + 1] = t;
  }
}

/** a sorts before b: a < b, or −0 against +0. */
function before(a: number, b: number): boolean {
  return a < b || (a === 0 && b === 0 && Object.is(a, -0) && !Object.is(b, -0));
}

/** The first index whose value is >= x in an ascending array (its length if none). */
function upperIndex(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
