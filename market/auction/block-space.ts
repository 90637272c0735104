import type { PeriodAggregate } from './aggregate.js';
import type { Evaluation, Problem } from './problem.js';

// The block-selection problem as the search sees it: blocks as sets of period positions (indices into
// problem.touched, the periods covered by at least one block), and per period the aggregated curves with
// the range of block net demand K they can absorb. Also the one monotonicity fact everything rests on:
// a period's published price is non-decreasing in K (both ends of the clearing interval are, and so is
// the tie rule's midpoint), so price bounds follow from bounds on K.

/** Price and welfare cache entries over all periods at most (at most 32 MiB: 4 bytes a price, 8 a welfare). */
const MAX_CACHE_ENTRIES = 1 << 22;
/**
 * Price cache slots below any price (prices are ticks within the validated limits, far from these): not
 * computed yet, and −0 (which an Int32 cannot hold; the tie rule's rounding can give it).
 */
const UNSET = -0x80000000;
const NEGATIVE_ZERO = UNSET + 1;

export interface SpaceBlock {
  /** Period positions (indices into problem.touched), ascending and consecutive. */
  periods: Int32Array;
  /** First and last period position. */
  first: number;
  last: number;
  /** Net demand per period when accepted: +q buy, −q sell. */
  netDemand: number;
  sell: boolean;
  /** Number of periods. */
  length: number;
  /** Limit price × periods: the bound on the sum of the block's period prices. */
  limitSum: number;
  /** Gross value at the limit (tick·lots), as BlockInfo.value. */
  value: number;
  /** Lots × periods, for the volume tie-break. */
  volume: number;
}

export class BlockSpace {
  readonly blocks: SpaceBlock[];
  /** Per period position: the blocks covering it. */
  readonly periodBlocks: Int32Array[];
  /** Per block: the other blocks sharing a period with it. */
  readonly overlaps: Int32Array[];
  readonly aggregates: PeriodAggregate[];
  /** Per period position: the block net demand the curves can absorb at all, [kMin, kMax]. */
  readonly kMin: Float64Array;
  readonly kMax: Float64Array;
  /**
   * Published prices by K, per period position, for K from windowLow (every sell block of the period
   * accepted, no buy) up: propagation asks for the same few thousand prices over and over, and an array
   * read is much cheaper than PeriodAggregate's general cache. Prices are whole ticks, so Int32 (half the
   * memory of Float64: the lookups are random over a few MB); UNSET until first computed.
   */
  private readonly windowLow: Float64Array;
  private readonly windowWidth: Float64Array;
  /** null: not allocated yet; undefined: not cached (memory bound). */
  private readonly priceCache: (Int32Array | null | undefined)[];
  /** As priceCache, NaN until first computed. */
  private readonly welfareCache: (Float64Array | null | undefined)[];
  private readonly scratchK: Float64Array;
  private readonly scratchPrefix: Float64Array;
  /** Bounds the caches' memory; periods beyond it compute every value. */
  private cacheEntriesLeft = MAX_CACHE_ENTRIES;

  constructor(readonly problem: Problem) {
    const position = new Map<number, number>();
    problem.touched.forEach((t, p) => {
      position.set(t, p);
    });
    this.aggregates = problem.touched.map((t) => problem.aggregates[t]!);
    const covering: number[][] = problem.touched.map(() => []);
    this.blocks = problem.blocks.map((b, i) => {
      const periods = new Int32Array(b.periods);
      for (let t = b.bid.firstPeriod; t <= b.bid.lastPeriod; t++) {
        const p = position.get(t)!;
        periods[t - b.bid.firstPeriod] = p;
        covering[p]!.push(i);
      }
      return {
        periods,
        first: periods[0]!,
        last: periods[periods.length - 1]!,
        netDemand: b.netDemand,
        sell: b.netDemand < 0,
        length: b.periods,
        limitSum: b.bid.priceTicks * b.periods,
        value: b.value,
        volume: b.volume,
      };
    });
    this.periodBlocks = covering.map((list) => Int32Array.from(list));
    this.overlaps = this.blocks.map((b, i) =>
      Int32Array.from(
        this.blocks
          .map((_, j) => j)
          .filter((j) => j !== i && this.blocks[j]!.first <= b.last && b.first <= this.blocks[j]!.last),
      ),
    );
    this.kMin = Float64Array.from(this.aggregates, (a) => -a.feasibleRange.hi);
    this.kMax = Float64Array.from(this.aggregates, (a) => -a.feasibleRange.lo);
    // Every K a selection can give lies between the period's blocks' sells and buys all accepted.
    this.windowLow = new Float64Array(this.periodCount);
    const windowHigh = new Float64Array(this.periodCount);
    for (const b of this.blocks)
      for (let p = b.first; p <= b.last; p++) {
        if (b.sell) this.windowLow[p]! += b.netDemand;
        else windowHigh[p]! += b.netDemand;
      }
    this.windowWidth = Float64Array.from(this.windowLow, (low, p) => windowHigh[p]! - low + 1);
    this.priceCache = this.aggregates.map(() => null);
    this.welfareCache = this.aggregates.map(() => null);
    this.scratchK = new Float64Array(this.periodCount);
    this.scratchPrefix = new Float64Array(this.periodCount + 1);
  }

  /**
   * The curves' welfare (PeriodAggregate's clearing value) at period position p when blocks net K, or
   * −Infinity if the curves cannot absorb K. Cached like price().
   */
  welfare(p: number, k: number): number {
    // The hit path first, small enough to be inlined where the search calls it.
    const cache = this.welfareCache[p];
    if (cache) {
      const i = k - this.windowLow[p]!;
      if (i >= 0 && i < cache.length && (i | 0) === i) {
        const hit = cache[i]!;
        if (!Number.isNaN(hit)) return hit;
      }
    }
    return this.welfareMiss(p, k);
  }

  /**
   * welfare() when its cache has no value yet: the cache is allocated on first use, the value computed
   * and kept. Outside the period's K window or past the memory bound it is computed every time.
   */
  private welfareMiss(p: number, k: number): number {
    let cache = this.welfareCache[p];
    if (cache === null) {
      cache = this.allocateCache(p) ? new Float64Array(this.windowWidth[p]!).fill(Number.NaN) : undefined;
      this.welfareCache[p] = cache;
    }
    const aggregate = this.aggregates[p]!;
    const value = aggregate.valueAt(k);
    const i = k - this.windowLow[p]!;
    if (cache && i >= 0 && i < cache.length && Number.isInteger(i)) cache[i] = value;
    // The same clearing gave the price, which the caller usually asks for next: keep it too.
    if (value !== Number.NEGATIVE_INFINITY) this.keepPrice(p, k, aggregate.lastPriceTicks);
    return value;
  }

  /**
   * evaluateSelection (problem.ts) through this space's caches: the same numbers, summed in the same
   * order (blocks' values, then the touched periods' welfare), so the same Evaluation.
   */
  evaluate(accepted: readonly boolean[]): Evaluation {
    const { blocks } = this;
    const t = this.periodCount;
    const paradoxical = blocks.map(() => false);
    const k = this.scratchK;
    const prefix = this.scratchPrefix;
    // K by a difference array (in prefix, as scratch): lots are whole numbers, so exactly the per-period sums.
    prefix.fill(0);
    let value = 0;
    let volume = 0;
    blocks.forEach((b, i) => {
      if (!accepted[i]) return;
      value += b.value;
      volume += b.volume;
      prefix[b.first]! += b.netDemand;
      prefix[b.last + 1]! -= b.netDemand;
    });
    let running = 0;
    for (let p = 0; p < t; p++) {
      running += prefix[p]!;
      k[p] = running;
    }
    prefix[0] = 0;
    for (let p = 0; p < t; p++) {
      const w = this.welfare(p, k[p]!);
      if (w === Number.NEGATIVE_INFINITY)
        return { accepted: [...accepted], feasible: false, value: 0, volume, paradoxical };
      value += w;
      prefix[p + 1] = prefix[p]! + this.price(p, k[p]!);
    }
    blocks.forEach((b, i) => {
      if (!accepted[i]) return;
      const sum = prefix[b.last + 1]! - prefix[b.first]!;
      paradoxical[i] = b.sell ? sum < b.limitSum : sum > b.limitSum;
    });
    return { accepted: [...accepted], feasible: true, value, volume, paradoxical };
  }

  get periodCount(): number {
    return this.aggregates.length;
  }

  /** Whether the curves of period position p can absorb block net demand K (welfare() is finite). */
  absorbs(p: number, k: number): boolean {
    return this.aggregates[p]!.absorbs(k);
  }

  /** Published price of period position p when blocks net K (which must be absorbable). */
  price(p: number, k: number): number {
    // The hit path first, small enough to be inlined where the search calls it.
    const cache = this.priceCache[p];
    if (cache) {
      const i = k - this.windowLow[p]!;
      if (i >= 0 && i < cache.length && (i | 0) === i) {
        const hit = cache[i]!;
        if (hit > NEGATIVE_ZERO) return hit;
      }
    }
    return this.priceMiss(p, k);
  }

  /** price() when its cache has no value yet (as welfareMiss). */
  private priceMiss(p: number, k: number): number {
    const slot = this.priceSlot(p, k);
    if (slot >= 0 && this.priceCache[p]![slot] === NEGATIVE_ZERO) return -0;
    const price = this.aggregates[p]!.priceAt(k);
    if (Number.isNaN(price)) throw new Error(`block net demand ${k} is outside period position ${p}'s range`);
    this.storePrice(p, slot, price);
    return price;
  }

  /** Keeps `price` for (p, k) unless it is already there (welfareMiss: a price computed on the way). */
  private keepPrice(p: number, k: number, price: number): void {
    const slot = this.priceSlot(p, k);
    if (slot >= 0 && this.priceCache[p]![slot] === UNSET) this.storePrice(p, slot, price);
  }

  /** Index of (p, k) in period p's price cache (allocated here on first use), or −1 if not cached. */
  private priceSlot(p: number, k: number): number {
    let cache = this.priceCache[p];
    if (cache === null) {
      cache = this.allocateCache(p) ? new Int32Array(this.windowWidth[p]!).fill(UNSET) : undefined;
      this.priceCache[p] = cache;
    }
    const i = k - this.windowLow[p]!;
    return cache && i >= 0 && i < cache.length && Number.isInteger(i) ? i : -1;
  }

  /** Writes a price into its slot (if any); a price the Int32 slot cannot hold exactly is not kept. */
  private storePrice(p: number, slot: number, price: number): void {
    if (slot < 0) return;
    const cache = this.priceCache[p]!;
    if (Object.is(price, -0)) cache[slot] = NEGATIVE_ZERO;
    else if ((price | 0) === price && price > NEGATIVE_ZERO) cache[slot] = price;
  }

  /** Whether a cache for period position p fits in the memory bound (which it then takes from). */
  private allocateCache(p: number): boolean {
    const width = this.windowWidth[p]!;
    if (width > this.cacheEntriesLeft) return false;
    this.cacheEntriesLeft -= width;
    return true;
  }

  /** Smallest integer K in [from, to] whose price is >= need, or null. */
  lowestKPricedAtLeast(p: number, need: number, from: number, to: number): number | null {
    if (this.price(p, to) < need) return null;
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.price(p, mid) >= need) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Largest integer K in [from, to] whose price is <= limit, or null. */
  highestKPricedAtMost(p: number, limit: number, from: number, to: number): number | null {
    if (this.price(p, from) > limit) return null;
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.price(p, mid) <= limit) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
