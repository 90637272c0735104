import type { CurveBid } from './types.js';

// The aggregated net demand D(p) of all curve bids of one period, and its clearing for a given fixed
// net demand K of accepted blocks (K > 0: blocks buy on balance, the curves must sell K).
//
// D is stored at its breakpoints π_0 = priceMin < … < π_m = priceMax: L_j = D(π_j−) and R_j = D(π_j)
// (R_j <= L_j; they differ where step curves step). Between breakpoints D is linear (constant without
// linear curves). With the price-limit extension the acceptable range at π_0 is [R_0, L0ext] and at π_m
// [RmExt, L_m], where L0ext = Σ max(Q_first, 0) (all sells curtailable at the minimum price) and RmExt =
// Σ min(Q_last, 0) (all buys curtailable at the maximum price).
//
// Welfare: with F(p) = max_x Σ U_b(x_b) − p·Σ x_b = const + ∫_p^{pmax} D(s) ds (convex, F' = −D), the
// best welfare of the curves when they must take net quantity X is V(X) = F(p) + p·X for any clearing
// price p of X. value() returns V without the constant, which is all the block selection needs.

export interface PeriodClearing {
  /** Published clearing price, on the tick grid (tie rule applied). */
  priceTicks: number;
  /** Price at which curve awards are read: = priceTicks, or the exact crossing of linear curves. */
  allocationPrice: number;
  /** Lowest and highest clearing price (the set of prices that balance the period). */
  lowPrice: number;
  highPrice: number;
  /** V(−K) without its constant, in tick·lots. */
  value: number;
}

const INDEX_SPACE = 2 ** 21;

export class PeriodAggregate {
  readonly prices: number[] = [];
  readonly left: number[] = [];
  readonly right: number[] = [];
  /** ∫_{π_j}^{pmax} D(s) ds. */
  readonly tail: number[] = [];
  readonly leftExt0: number;
  readonly rightExtM: number;
  /** True when there is no linear curve: every quantity and area is an integer, comparisons are exact. */
  readonly exact: boolean;
  /** Comparison tolerance in lots (0 when exact). */
  readonly eps: number;
  private readonly cache = new Map<number, PeriodClearing | null>();

  constructor(
    curves: readonly CurveBid[],
    readonly priceMin: number,
    readonly priceMax: number,
  ) {
    // Events: a step's jump or a linear segment's slope change, at a price. Typed arrays sized for the
    // most events the points can give (two per linear segment), filled in the order the points come.
    let capacity = 0;
    for (const bid of curves) capacity += 2 * (bid.points.length - 1);
    const evPrice = new Float64Array(capacity);
    const evJump = new Float64Array(capacity);
    const evSlope = new Float64Array(capacity);
    let n = 0;
    let base = 0;
    let ext0 = 0;
    let extM = 0;
    let absTotal = 0;
    let exact = true;
    for (const bid of curves) {
      const pts = bid.points;
      const first = pts[0]!.quantityLots;
      const last = pts[pts.length - 1]!.quantityLots;
      base += first;
      ext0 += Math.max(first, 0);
      extM += Math.min(last, 0);
      absTotal += Math.abs(first) + Math.abs(last);
      const step = bid.interpolation === 'step';
      for (let k = 1; k < pts.length; k++) {
        const a = pts[k - 1]!;
        const b = pts[k]!;
        if (a.quantityLots === b.quantityLots) continue;
        if (step) {
          evPrice[n] = b.priceTicks;
          evJump[n] = b.quantityLots - a.quantityLots;
          evSlope[n] = 0;
          n++;
        } else {
          exact = false;
          const slope = (b.quantityLots - a.quantityLots) / (b.priceTicks - a.priceTicks);
          evPrice[n] = a.priceTicks;
          evJump[n] = 0;
          evSlope[n] = slope;
          evPrice[n + 1] = b.priceTicks;
          evJump[n + 1] = 0;
          evSlope[n + 1] = -slope;
          n += 2;
        }
      }
    }
    // Sort events by price through packed numeric keys ((price − min) · 2^21 + event index): a typed-array
    // sort without a comparator is several times faster than sorting objects. The index is read back as
    // key − ⌊key / 2^21⌋ · 2^21 (exact: a power of two), not with %, which is a slow library call on doubles.
    if (n >= INDEX_SPACE) throw new RangeError(`too many curve steps in one period: ${n}`);
    const order = new Int32Array(n);
    {
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = (evPrice[i]! - priceMin) * INDEX_SPACE + i;
      keys.sort();
      for (let e = 0; e < n; e++) {
        const key = keys[e]!;
        order[e] = key - Math.floor(key / INDEX_SPACE) * INDEX_SPACE;
      }
    }
    let value = base;
    let slope = 0;
    let prev = priceMin;
    let e = 0;
    const visit = (p: number) => {
      const l = value + slope * (p - prev);
      let jump = 0;
      let slopeChange = 0;
      while (e < n) {
        const i = order[e]!;
        if (evPrice[i] !== p) break;
        jump += evJump[i]!;
        slopeChange += evSlope[i]!;
        e++;
      }
      this.prices.push(p);
      this.left.push(l);
      this.right.push(l + jump);
      value = l + jump;
      slope += slopeChange;
      prev = p;
    };
    visit(priceMin);
    while (e < n) {
      const p = evPrice[order[e]!]!;
      if (p >= priceMax) break;
      visit(p);
    }
    visit(priceMax);
    // The tail integral from the top down, then into `tail` in order (a packed array, no holes).
    const m = this.prices.length - 1;
    const tail = new Float64Array(m + 1);
    for (let j = m - 1; j >= 0; j--) {
      const width = this.prices[j + 1]! - this.prices[j]!;
      tail[j] = tail[j + 1]! + (width * (this.right[j]! + this.left[j + 1]!)) / 2;
    }
    for (let j = 0; j <= m; j++) this.tail.push(tail[j]!);
    this.leftExt0 = ext0;
    this.rightExtM = extM;
    this.exact = exact;
    this.eps = exact ? 0 : 1e-9 * (1 + absTotal);
  }

  /** Lowest acceptable aggregate net demand at breakpoint j (with the extension at π_m). */
  loAt(j: number): number {
    return j === this.prices.length - 1 ? this.rightExtM : this.right[j]!;
  }

  /** Highest acceptable aggregate net demand at breakpoint j (with the extension at π_0). */
  hiAt(j: number): number {
    return j === 0 ? this.leftExt0 : this.left[j]!;
  }

  /** The range of net quantities the curves can take at all: [Σ min(Q_last,0), Σ max(Q_first,0)]. */
  get feasibleRange(): { lo: number; hi: number } {
    return { lo: this.rightExtM, hi: this.leftExt0 };
  }

  /** Clears the period with blocks' fixed net demand K; null if the curves cannot absorb K. */
  clear(blockNetDemand: number): PeriodClearing | null {
    const cached = this.cache.get(blockNetDemand);
    if (cached !== undefined) return cached;
    const result = this.compute(blockNetDemand);
    this.cache.set(blockNetDemand, result);
    return result;
  }

  private compute(k: number): PeriodClearing | null {
    if (!this.clearingInterval(k)) return null;
    const lowPrice = this.lowOut;
    const highPrice = this.highOut;
    const priceTicks = tieRulePrice(lowPrice, highPrice);
    const allocationPrice = allocationPriceOf(priceTicks, lowPrice, highPrice);
    return {
      priceTicks,
      allocationPrice,
      lowPrice,
      highPrice,
      value: this.tailFrom(allocationPrice) - allocationPrice * k,
    };
  }

  /**
   * clear(k).priceTicks, or NaN if the curves cannot absorb K — without clear()'s cache and allocation,
   * for callers that keep their own cache of prices (the block search asks for many).
   */
  priceAt(k: number): number {
    if (!this.clearingInterval(k)) return Number.NaN;
    return tieRulePrice(this.lowOut, this.highOut);
  }

  /**
   * clear(k).value, or −Infinity if the curves cannot absorb K; uncached, as priceAt(). Leaves
   * clear(k).priceTicks (what priceAt(k) returns, NaN if not absorbable) in `lastPriceTicks`: the
   * clearing interval gives both, and callers that cache prices take it instead of a second clearing.
   */
  valueAt(k: number): number {
    if (!this.clearingInterval(k)) {
      this.lastPriceTicks = Number.NaN;
      return Number.NEGATIVE_INFINITY;
    }
    const priceTicks = tieRulePrice(this.lowOut, this.highOut);
    this.lastPriceTicks = priceTicks;
    const p = allocationPriceOf(priceTicks, this.lowOut, this.highOut);
    return this.tailFrom(p) - p * k;
  }

  /** The published price of the last valueAt() call's K (NaN if the curves could not absorb it). */
  lastPriceTicks = Number.NaN;

  // Output of clearingInterval (scratch: avoids allocating a pair per call).
  private lowOut = 0;
  private highOut = 0;

  /** Whether the curves can absorb block net demand K (clear(K) is not null); the test clearing starts with. */
  absorbs(k: number): boolean {
    const eps = this.eps;
    return !(k + this.leftExt0 < -eps || k + this.rightExtM > eps);
  }

  /** The clearing interval [lowOut, highOut] for block net demand K; false if the curves cannot absorb K. */
  private clearingInterval(k: number): boolean {
    if (!this.absorbs(k)) return false;
    const eps = this.eps;
    const m = this.prices.length - 1;
    const { prices, left, right } = this;

    // Lowest clearing price: the first breakpoint where demand can fall to <= 0, or a linear crossing before it.
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (k + this.loAt(mid) <= eps) hi = mid;
      else lo = mid + 1;
    }
    let lowPrice = prices[lo]!;
    if (lo > 0 && k + left[lo]! < -eps) {
      const a = k + right[lo - 1]!;
      const b = k + left[lo]!;
      lowPrice = prices[lo - 1]! + (a / (a - b)) * (prices[lo]! - prices[lo - 1]!);
    }

    // Highest clearing price: the last breakpoint where demand can still be >= 0, or a linear crossing after it.
    lo = 0;
    hi = m;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (k + this.hiAt(mid) >= -eps) lo = mid;
      else hi = mid - 1;
    }
    let highPrice = prices[lo]!;
    if (lo < m && k + right[lo]! > eps) {
      const a = k + right[lo]!;
      const b = k + left[lo + 1]!;
      highPrice = prices[lo]! + (a / (a - b)) * (prices[lo + 1]! - prices[lo]!);
    }
    if (highPrice < lowPrice) {
      if (lowPrice - highPrice > 1e-6)
        throw new Error(`clearing interval inverted: ${lowPrice} > ${highPrice}`);
      highPrice = lowPrice;
    }
    this.lowOut = lowPrice;
    this.highOut = highPrice;
    return true;
  }

  /**
   * The range of aggregate net demand the curves accept at any real price p in [pmin, pmax]: an interval
   * at a breakpoint (a step, or the price-limit extension), a single value between breakpoints.
   */
  demandRangeAt(p: number): { lo: number; hi: number } {
    const { prices } = this;
    const j = this.lastBreakpointAtOrBelow(p);
    if (prices[j] === p) return { lo: this.loAt(j), hi: this.hiAt(j) };
    const a = prices[j]!;
    const b = prices[j + 1]!;
    const d = this.right[j]! + ((this.left[j + 1]! - this.right[j]!) * (p - a)) / (b - a);
    return { lo: d, hi: d };
  }

  /** Index of the last breakpoint at or below p (0 for p below the minimum price). */
  lastBreakpointAtOrBelow(p: number): number {
    const { prices } = this;
    let lo = 0;
    let hi = prices.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (prices[mid]! <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** ∫_p^{pmax} D(s) ds for any p in [pmin, pmax]. */
  tailFrom(p: number): number {
    const { prices } = this;
    const lo = this.lastBreakpointAtOrBelow(p);
    if (prices[lo] === p || lo === prices.length - 1) return this.tail[lo]!;
    const a = prices[lo]!;
    const b = prices[lo + 1]!;
    const dAtP = this.right[lo]! + ((this.left[lo + 1]! - this.right[lo]!) * (p - a)) / (b - a);
    return this.tail[lo + 1]! + ((b - p) * (dAtP + this.left[lo + 1]!)) / 2;
  }

  /**
   * The concave welfare curve V(X) on [xFrom, xTo] as linear pieces in increasing X (so decreasing
   * marginal price): vertical parts of D give pieces at one price, linear parts are split at every tick
   * (chords, price = mid-tick). Exact for step curves; a chord approximation for linear ones.
   */
  welfarePieces(xFrom: number, xTo: number): { length: number; price: number }[] {
    const out: { length: number; price: number }[] = [];
    const push = (x0: number, x1: number, price: number) => {
      const a = Math.max(x0, xFrom);
      const b = Math.min(x1, xTo);
      if (b - a > 1e-9) out.push({ length: b - a, price });
    };
    const { prices, left, right } = this;
    for (let j = prices.length - 1; j >= 0; j--) {
      push(this.loAt(j), this.hiAt(j), prices[j]!);
      if (j === 0) break;
      // Between π_(j-1) and π_j, D falls linearly from R_(j-1) to L_j.
      const p0 = prices[j - 1]!;
      const p1 = prices[j]!;
      const x0 = right[j - 1]!;
      const x1 = left[j]!;
      if (x0 - x1 <= 1e-9) continue;
      const xAt = (p: number) => x0 + ((x1 - x0) * (p - p0)) / (p1 - p0);
      const pAt = (x: number) => p0 + ((x - x0) * (p1 - p0)) / (x1 - x0);
      // Only ticks whose chord meets [xFrom, xTo]; X falls as p rises.
      const top = Math.min(p1, Math.ceil(pAt(Math.max(xFrom, x1))));
      const bottom = Math.max(p0, Math.floor(pAt(Math.min(xTo, x0))));
      for (let p = top; p > bottom; p--) push(xAt(p), xAt(p - 1), p - 0.5);
    }
    return out;
  }
}

/** The price curve awards are read at: the published price, unless it lies outside the clearing interval. */
function allocationPriceOf(priceTicks: number, lowPrice: number, highPrice: number): number {
  if (priceTicks < lowPrice - 1e-9) return lowPrice;
  if (priceTicks > highPrice + 1e-9) return highPrice;
  return priceTicks;
}

/**
 * The tie rule: the midpoint of the clearing interval, rounded to the nearest tick, a half tick rounded
 * down (toward the lower price).
 */
export function tieRulePrice(lowPrice: number, highPrice: number): number {
  if (Number.isInteger(lowPrice) && Number.isInteger(highPrice))
    return Math.floor((lowPrice + highPrice) / 2);
  return Math.ceil((lowPrice + highPrice) / 2 - 0.5 - 1e-9);
}
