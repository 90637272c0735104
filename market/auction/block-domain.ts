import type { BlockSpace, SpaceBlock } from './block-space.js';

// A node of the block search: each block accepted, rejected or still free, and per period the range of
// block net demand K that any admissible completion can have. Propagation narrows both from three facts:
// K is the sum of the accepted blocks' net demands; prices are non-decreasing in K; an accepted block
// must not be paradoxical at the published prices. Everything it removes is provably not admissible, so
// propagation never cuts off an admissible selection — it only saves the search from visiting it.
//
// A fourth fact sums the third over the accepted blocks (aggregate admissibility). Fix reference prices
// r_p = π_p(R_p), R_p the period's block net demand closest to 0 it can absorb (0 unless the curves cannot
// take 0), and s_b = value_b − netDemand_b·Σ_{p∈b} r_p, block b's surplus at r. An admissible selection S
// with block net demand K_p has surplus >= 0 for each accepted block at the published prices π_p(K_p);
// summed over S that is Σ_S value_b >= Σ_p K_p·π_p(K_p), i.e.
//     Σ_{b∈S} s_b  >=  Σ_p f_p(K_p),   f_p(K) = K·(π_p(K) − r_p).
// f_p >= 0 and grows as K moves away from R_p (π is non-decreasing in K), so the right side is at least
// Σ_p f_p at each period's K closest to R_p, and the left side at most Σ_accepted s_b + Σ_free max(0, s_b).
// The welfare relaxation ignores this: it can net blocks fractionally, whereas whole blocks that cannot
// be netted move prices, and the surplus of the blocks that would be accepted must pay for that.
//
// A fifth fact joins the third for pairs (acceptedPairsFit): an accepted sell and an accepted buy that
// overlap see the same prices there, which the sell needs high and the buy low; checked one block at a
// time, each takes the overlap's prices at its own best end. Free blocks are judged against it too.

export const ACCEPTED = 1;
export const REJECTED = 0;
export const FREE = -1;

export interface Domain {
  /** Per block: ACCEPTED, REJECTED or FREE. */
  status: Int8Array;
  /** Per period position: lowest and highest block net demand of any admissible completion. */
  kLow: Float64Array;
  kHigh: Float64Array;
}

export function rootDomain(space: BlockSpace): Domain {
  return {
    status: new Int8Array(space.blocks.length).fill(FREE),
    kLow: Float64Array.from(space.kMin),
    kHigh: Float64Array.from(space.kMax),
  };
}

/** A copy of `domain` with one block fixed. */
export function branch(domain: Domain, block: number, value: number): Domain {
  // slice(), not TypedArray.from(): a plain copy without the iteration protocol.
  const status = domain.status.slice();
  status[block] = value;
  return { status, kLow: domain.kLow.slice(), kHigh: domain.kHigh.slice() };
}

/** branch() into `target`, a domain of the same space that is no longer needed (no allocation). */
export function branchInto(target: Domain, domain: Domain, block: number, value: number): Domain {
  target.status.set(domain.status);
  target.status[block] = value;
  target.kLow.set(domain.kLow);
  target.kHigh.set(domain.kHigh);
  return target;
}

/** Rounds of propagation per node at most (each is cheap; stopping early only weakens the inference). */
const MAX_ROUNDS = 64;

/** Propagation over one BlockSpace, with its scratch arrays (one per search; not re-entrant). */
export class Propagator {
  private readonly sumLow: Float64Array;
  private readonly sumHigh: Float64Array;
  private readonly priceLow: Float64Array;
  private readonly priceHigh: Float64Array;
  /** Prefix sums over period positions: prefixLow[p] = Σ_{q<p} priceLow[q], likewise prefixHigh. */
  private readonly prefixLow: Float64Array;
  private readonly prefixHigh: Float64Array;
  /** For the free block at hand: prefix sums, from its first period, of its price shifts (see below). */
  private readonly shiftLow: Float64Array;
  private readonly shiftHigh: Float64Array;
  /** Per period position: the reference K (R_p) and price r_p = π_p(R_p) of aggregate admissibility. */
  private readonly refK: Float64Array;
  private readonly refPrice: Float64Array;
  /** Per block: its surplus at the reference prices, s_b (tick·lots). */
  private readonly refSurplus: Float64Array;
  /** Per period position: min f_p over the node's K range, as last computed by narrowForAggregate. */
  private readonly minCost: Float64Array;
  /**
   * Per period position, set by fixFree for judgeFree: price(K) − priceHigh and price(K) − priceLow at
   * K = kLow and K = kHigh.
   */
  private readonly highShiftAtLow: Float64Array;
  private readonly highShiftAtHigh: Float64Array;
  private readonly lowShiftAtLow: Float64Array;
  private readonly lowShiftAtHigh: Float64Array;
  /** Per period position, set by narrowForAggregate for its free-block pass (see there). */
  private readonly aggMid: Float64Array;
  private readonly costDownAtLow: Float64Array;
  private readonly costUpAtHigh: Float64Array;
  /** Prefix sums over period positions of max(0, costDownAtLow) and max(0, costUpAtHigh). */
  private readonly maxDownPrefix: Float64Array;
  private readonly maxUpPrefix: Float64Array;
  /** The accepted blocks during fixFree (judgeFree checks a free block against them). */
  private readonly acceptedList: Int32Array;
  private acceptedCount = 0;
  /** Scratch for ranges(): sumLow / sumHigh as difference arrays. */
  private readonly diffLow: Float64Array;
  private readonly diffHigh: Float64Array;
  /** Accepted sell–buy pairs, 7 numbers each (recordPair). */
  private readonly pairs: number[] = [];

  constructor(private readonly space: BlockSpace) {
    const t = space.periodCount;
    this.sumLow = new Float64Array(t);
    this.sumHigh = new Float64Array(t);
    this.priceLow = new Float64Array(t);
    this.priceHigh = new Float64Array(t);
    this.prefixLow = new Float64Array(t + 1);
    this.prefixHigh = new Float64Array(t + 1);
    this.shiftLow = new Float64Array(t + 1);
    this.shiftHigh = new Float64Array(t + 1);
    this.highShiftAtLow = new Float64Array(t);
    this.highShiftAtHigh = new Float64Array(t);
    this.lowShiftAtLow = new Float64Array(t);
    this.lowShiftAtHigh = new Float64Array(t);
    this.aggMid = new Float64Array(t);
    this.costDownAtLow = new Float64Array(t);
    this.costUpAtHigh = new Float64Array(t);
    this.maxDownPrefix = new Float64Array(t + 1);
    this.maxUpPrefix = new Float64Array(t + 1);
    this.acceptedList = new Int32Array(space.blocks.length);
    this.diffLow = new Float64Array(t + 1);
    this.diffHigh = new Float64Array(t + 1);
    this.refK = Float64Array.from(space.kMin, (lo, p) => Math.min(Math.max(0, lo), space.kMax[p]!));
    this.refPrice = Float64Array.from(this.refK, (k, p) => space.price(p, k));
    this.refSurplus = Float64Array.from(space.blocks, (b) => {
      let sum = 0;
      for (let p = b.first; p <= b.last; p++) sum += this.refPrice[p]!;
      return b.value - b.netDemand * sum;
    });
    this.minCost = new Float64Array(t);
  }

  /** f_p(K) = K·(π_p(K) − r_p): what the blocks' net demand K costs the accepted blocks' surplus. */
  private cost(p: number, k: number): number {
    return k * (this.space.price(p, k) - this.refPrice[p]!);
  }

  /**
   * Narrows `domain` in place. Returns false if no admissible selection is left in it (some period
   * cannot absorb every possible K, or an accepted block is paradoxical even at its most favourable
   * prices).
   */
  run(domain: Domain): boolean {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const outcome = this.round(domain);
      if (outcome === 'infeasible') return false;
      if (outcome === 'stable') return true;
    }
    return true;
  }

  /**
   * One round: K and price ranges from the statuses, then what accepted and free blocks imply.
   * 'changed' if it narrowed anything (another round may narrow more).
   */
  private round(domain: Domain): 'infeasible' | 'stable' | 'changed' {
    if (!this.ranges(domain)) return 'infeasible';
    const aggregate = this.narrowForAggregate(domain);
    if (aggregate === 'infeasible') return 'infeasible';
    // Statuses or ranges changed: the sums and prices below must see them.
    if (aggregate !== 'stable' && !this.ranges(domain)) return 'infeasible';
    const accepted = this.narrowForAccepted(domain);
    if (accepted === 'infeasible') return 'infeasible';
    const paired = this.acceptedPairsFit(domain);
    if (paired === 'infeasible') return 'infeasible';
    const free = this.fixFree(domain);
    if (free === 'infeasible') return 'infeasible';
    // Ranges the aggregate rule narrowed are used from here on, but do not by themselves call for
    // another round (measured: as many nodes, a fifth fewer rounds); blocks it fixed do.
    return accepted === 'changed' || paired === 'changed' || free === 'changed' || aggregate === 'fixed'
      ? 'changed'
      : 'stable';
  }

  /**
   * Aggregate admissibility (see the top of the file): Σ_S s_b >= Σ_p f_p(K_p). Infeasible if even the
   * most surplus the blocks can bring does not cover the least the K ranges cost; otherwise each period's
   * K is narrowed to where f_p fits in what the other periods leave, and a free block is fixed if taking
   * one of its values alone breaks the inequality. Expects ranges() to have just run (sums current).
   */
  private narrowForAggregate(domain: Domain): 'infeasible' | 'stable' | 'narrowed' | 'fixed' {
    const { space, sumLow, sumHigh, refK, refSurplus, minCost } = this;
    const { status, kLow, kHigh } = domain;
    let surplus = 0;
    for (let i = 0; i < status.length; i++) {
      const s = status[i]!;
      if (s === ACCEPTED) surplus += refSurplus[i]!;
      else if (s === FREE && refSurplus[i]! > 0) surplus += refSurplus[i]!;
    }
    let cost = 0;
    for (let p = 0; p < space.periodCount; p++) {
      minCost[p] = this.cost(p, clampTo(refK[p]!, kLow[p]!, kHigh[p]!));
      cost += minCost[p]!;
    }
    // Integers when every curve is a step curve; the slack only weakens the test.
    const slack = 1e-9 * (1 + Math.abs(surplus) + cost);
    if (cost > surplus + slack) return 'infeasible';
    let changed = false;
    // Each period's K range is narrowed to where f_p fits; the point closest to R_p and the added cost at
    // either end of the (narrowed) range are kept for the free blocks below — the same for every block
    // whose shift reaches past that end.
    const { aggMid, costUpAtHigh, costDownAtLow, maxDownPrefix, maxUpPrefix } = this;
    for (let p = 0; p < space.periodCount; p++) {
      const budget = surplus - (cost - minCost[p]!) + slack;
      const mid = clampTo(refK[p]!, kLow[p]!, kHigh[p]!);
      let atHigh = this.cost(p, kHigh[p]!);
      if (atHigh > budget) {
        // f_p is non-decreasing from mid up: the largest K there within budget.
        let lo = mid;
        let hi = kHigh[p]!;
        while (lo < hi) {
          const m = Math.ceil((lo + hi) / 2);
          if (this.cost(p, m) <= budget) lo = m;
          else hi = m - 1;
        }
        kHigh[p] = lo;
        changed = true;
        atHigh = this.cost(p, lo);
      }
      let atLow = this.cost(p, kLow[p]!);
      if (atLow > budget) {
        let lo = kLow[p]!;
        let hi = mid;
        while (lo < hi) {
          const m = Math.floor((lo + hi) / 2);
          if (this.cost(p, m) <= budget) hi = m;
          else lo = m + 1;
        }
        kLow[p] = hi;
        changed = true;
        atLow = this.cost(p, hi);
      }
      // Narrowing keeps mid inside the range, so it is still the point closest to R_p.
      aggMid[p] = mid;
      costDownAtLow[p] = atLow - minCost[p]!;
      costUpAtHigh[p] = atHigh - minCost[p]!;
      maxDownPrefix[p + 1] = maxDownPrefix[p]! + Math.max(0, costDownAtLow[p]!);
      maxUpPrefix[p + 1] = maxUpPrefix[p]! + Math.max(0, costUpAtHigh[p]!);
    }
    const narrowed = changed;
    changed = false;
    // A free block's value alone: the surplus it adds or removes, and the K ranges it shifts. Each
    // verdict holds for the domain as it was, so all are taken in one pass.
    for (let i = 0; i < status.length; i++) {
      if (status[i] !== FREE) continue;
      const b = space.blocks[i]!;
      const q = Math.abs(b.netDemand);
      const s = refSurplus[i]!;
      // Neither value can break the inequality if even the most either can add to the cost does not:
      // f_p only grows away from the point closest to R_p, so a period adds at most its cost at the end
      // of its range. The per-period pass below would then find the same (its every term is at most
      // that, in exact integers for step curves; the margin covers rounding), so it is skipped.
      const maxDown = maxDownPrefix[b.last + 1]! - maxDownPrefix[b.first]!;
      const maxUp = maxUpPrefix[b.last + 1]! - maxUpPrefix[b.first]!;
      const most = Math.max(maxDown, maxUp);
      const margin = 1e-9 * (1 + cost + most + Math.abs(surplus) + Math.abs(s));
      if (cost + most + margin <= surplus - Math.abs(s) + slack) continue;
      // Accepted: a sell caps K at sumHigh − q, a buy floors it at sumLow + q; rejected, the reverse.
      // Only periods where that passes the point closest to R_p raise the least cost.
      let down = 0;
      let up = 0;
      for (let p = b.first; p <= b.last; p++) {
        const mid = aggMid[p]!;
        const cap = sumHigh[p]! - q;
        if (cap < mid) down += cap <= kLow[p]! ? costDownAtLow[p]! : this.cost(p, cap) - minCost[p]!;
        const floor = sumLow[p]! + q;
        if (floor > mid) up += floor >= kHigh[p]! ? costUpAtHigh[p]! : this.cost(p, floor) - minCost[p]!;
      }
      const costAccept = cost + (b.sell ? down : up);
      const costReject = cost + (b.sell ? up : down);
      const rejectOnly = costAccept > surplus + Math.min(0, s) + slack;
      const acceptOnly = costReject > surplus - Math.max(0, s) + slack;
      if (rejectOnly && acceptOnly) return 'infeasible';
      if (!rejectOnly && !acceptOnly) continue;
      status[i] = rejectOnly ? REJECTED : ACCEPTED;
      changed = true;
    }
    return changed ? 'fixed' : narrowed ? 'narrowed' : 'stable';
  }

  /**
   * K lies between sumLow (the accepted blocks plus every free sell) and sumHigh (plus every free buy),
   * so in [max(kLow, sumLow), min(kHigh, sumHigh)], and prices in [price(kLow), price(kHigh)].
   * False if some period's range is empty.
   */
  private ranges(domain: Domain): boolean {
    const { space, sumLow, sumHigh, priceLow, priceHigh, prefixLow, prefixHigh } = this;
    const { status, kLow, kHigh } = domain;
    // Each block's net demand enters at its first period and leaves after its last (difference arrays,
    // summed below): one step per block, not one per block and period. The net demands are whole lots,
    // so the sums are exact in any order.
    const { diffLow, diffHigh } = this;
    diffLow.fill(0);
    diffHigh.fill(0);
    const { blocks } = space;
    for (let i = 0; i < blocks.length; i++) {
      const s = status[i]!;
      if (s === REJECTED) continue;
      const b = blocks[i]!;
      if (s === ACCEPTED || b.sell) {
        diffLow[b.first]! += b.netDemand;
        diffLow[b.last + 1]! -= b.netDemand;
      }
      if (s === ACCEPTED || !b.sell) {
        diffHigh[b.first]! += b.netDemand;
        diffHigh[b.last + 1]! -= b.netDemand;
      }
    }
    let low = 0;
    let high = 0;
    for (let p = 0; p < space.periodCount; p++) {
      low += diffLow[p]!;
      high += diffHigh[p]!;
      sumLow[p] = low;
      sumHigh[p] = high;
      if (sumLow[p]! > kLow[p]!) kLow[p] = sumLow[p]!;
      if (sumHigh[p]! < kHigh[p]!) kHigh[p] = sumHigh[p]!;
      if (kLow[p]! > kHigh[p]!) return false;
      priceLow[p] = space.price(p, kLow[p]!);
      priceHigh[p] = space.price(p, kHigh[p]!);
      prefixLow[p + 1] = prefixLow[p]! + priceLow[p]!;
      prefixHigh[p + 1] = prefixHigh[p]! + priceHigh[p]!;
    }
    return true;
  }

  /**
   * An accepted block must be admissible at its most favourable prices; given the others' best prices,
   * each of its periods then needs K high (sell) or low (buy) enough, which narrows kLow / kHigh. The
   * price arrays are not updated here: later checks this round see slightly optimistic prices, which
   * only weakens them.
   */
  private narrowForAccepted(domain: Domain): 'infeasible' | 'stable' | 'changed' {
    const { space, priceLow, priceHigh, prefixLow, prefixHigh } = this;
    const { status, kLow, kHigh } = domain;
    let changed = false;
    for (let i = 0; i < status.length; i++) {
      if (status[i] !== ACCEPTED) continue;
      const b = space.blocks[i]!;
      if (b.sell) {
        const best = prefixHigh[b.last + 1]! - prefixHigh[b.first]!;
        if (best < b.limitSum) return 'infeasible';
        for (let p = b.first; p <= b.last; p++) {
          const need = b.limitSum - (best - priceHigh[p]!);
          if (need <= priceLow[p]!) continue;
          const k = space.lowestKPricedAtLeast(p, need, kLow[p]!, kHigh[p]!);
          if (k === null) return 'infeasible';
          kLow[p] = k;
          changed = true;
        }
      } else {
        const best = prefixLow[b.last + 1]! - prefixLow[b.first]!;
        if (best > b.limitSum) return 'infeasible';
        for (let p = b.first; p <= b.last; p++) {
          const allowed = b.limitSum - (best - priceLow[p]!);
          if (allowed >= priceHigh[p]!) continue;
          const k = space.highestKPricedAtMost(p, allowed, kLow[p]!, kHigh[p]!);
          if (k === null) return 'infeasible';
          kHigh[p] = k;
          changed = true;
        }
      }
    }
    return changed ? 'changed' : 'stable';
  }

  /** Σ of priceHigh (high) or priceLow over positions x…y (0 if empty). */
  private rangeSum(high: boolean, x: number, y: number): number {
    if (x > y) return 0;
    const prefix = high ? this.prefixHigh : this.prefixLow;
    return prefix[y + 1]! - prefix[x]!;
  }

  /**
   * Σ_{s∖O} πHigh − Σ_{u∖O} πLow − (L_s − L_u) for a sell s and a buy u overlapping on O = [from, to]:
   * what the pair can give up outside O and still fit one price vector (acceptedPairsFit).
   */
  private pairSlack(s: SpaceBlock, u: SpaceBlock, from: number, to: number): number {
    const sellOut = this.rangeSum(true, s.first, from - 1) + this.rangeSum(true, to + 1, s.last);
    const buyOut = this.rangeSum(false, u.first, from - 1) + this.rangeSum(false, to + 1, u.last);
    return sellOut - buyOut - (s.limitSum - u.limitSum);
  }

  /**
   * An accepted sell s and an accepted buy u that overlap on O share O's prices: s needs Σ_O π ≥ L_s − Σ_{s∖O} π,
   * u needs Σ_O π ≤ L_u − Σ_{u∖O} π, so both hold only if Σ_{s∖O} πHigh − Σ_{u∖O} πLow ≥ L_s − L_u.
   * Checked one block at a time, each takes O's prices at its own best end, which this rules out.
   */
  private acceptedPairsFit(domain: Domain): 'infeasible' | 'stable' | 'changed' {
    const { space, priceLow, priceHigh } = this;
    const { status, kLow, kHigh } = domain;
    let changed = false;
    this.pairs.length = 0;
    for (let i = 0; i < status.length; i++) {
      if (status[i] !== ACCEPTED) continue;
      const s = space.blocks[i]!;
      if (!s.sell) continue;
      for (const j of space.overlaps[i]!) {
        if (status[j] !== ACCEPTED) continue;
        const u = space.blocks[j]!;
        if (u.sell) continue;
        const from = Math.max(s.first, u.first);
        const to = Math.min(s.last, u.last);
        const slack = this.pairSlack(s, u, from, to);
        if (slack < 0) return 'infeasible';
        this.recordPair(s, u, from, to, slack);
        // Each period outside the overlap may give up at most the slack: the sell's no lower than
        // its highest price − slack, the buy's no higher than its lowest + slack.
        for (let p = s.first; p <= s.last; p++) {
          if (p === from) p = to + 1;
          if (p > s.last) break;
          const need = priceHigh[p]! - slack;
          if (need <= priceLow[p]!) continue;
          const k = space.lowestKPricedAtLeast(p, need, kLow[p]!, kHigh[p]!);
          if (k === null) return 'infeasible';
          if (k > kLow[p]!) {
            kLow[p] = k;
            changed = true;
          }
        }
        for (let p = u.first; p <= u.last; p++) {
          if (p === from) p = to + 1;
          if (p > u.last) break;
          const allowed = priceLow[p]! + slack;
          if (allowed >= priceHigh[p]!) continue;
          const k = space.highestKPricedAtMost(p, allowed, kLow[p]!, kHigh[p]!);
          if (k === null) return 'infeasible';
          if (k < kHigh[p]!) {
            kHigh[p] = k;
            changed = true;
          }
        }
      }
    }
    return changed ? 'changed' : 'stable';
  }

  /**
   * Keeps an accepted sell–buy pair that overlaps, with its slack in acceptedPairsFit's inequality at the
   * current ranges, for judgeFree: a free block whose value moves prices in a pair's periods outside the
   * overlap can break it. acceptedPairsFit records them as it checks them (the prices they are computed
   * from do not change before fixFree, so the slacks are the same a second pass would compute).
   */
  private recordPair(s: SpaceBlock, u: SpaceBlock, from: number, to: number, slack: number): void {
    const { pairs } = this;
    let at = pairs.length;
    pairs.push(0, 0, 0, 0, 0, 0, 0);
    // Insertion by slack (few pairs; judgeFree stops at the first it cannot break).
    while (at > 0 && pairs[at - 1]! > slack) {
      for (let c = 0; c < 7; c++) pairs[at + c] = pairs[at - 7 + c]!;
      at -= 7;
    }
    pairs[at] = s.first;
    pairs[at + 1] = s.last;
    pairs[at + 2] = u.first;
    pairs[at + 3] = u.last;
    pairs[at + 4] = from;
    pairs[at + 5] = to;
    pairs[at + 6] = slack;
  }

  /**
   * A free block is rejected if accepting it leaves some period unable to absorb K, makes it paradoxical
   * even at its best prices, or makes an accepted block it overlaps so; accepted if rejecting it does.
   */
  private fixFree(domain: Domain): 'infeasible' | 'stable' | 'changed' {
    const { status, kLow, kHigh } = domain;
    // The accepted pairs are those acceptedPairsFit has just recorded (it runs right before this).
    // judgeFree's price shifts at the ends of each period's K range (computed once, not per block).
    const { space, priceLow, priceHigh } = this;
    for (let p = 0; p < space.periodCount; p++) {
      const atLow = space.price(p, kLow[p]!);
      const atHigh = space.price(p, kHigh[p]!);
      this.highShiftAtLow[p] = atLow - priceHigh[p]!;
      this.highShiftAtHigh[p] = atHigh - priceHigh[p]!;
      this.lowShiftAtLow[p] = atLow - priceLow[p]!;
      this.lowShiftAtHigh[p] = atHigh - priceLow[p]!;
    }
    // The accepted blocks, for judgeFree; a block accepted below joins them at once, as before.
    this.acceptedCount = 0;
    for (let i = 0; i < status.length; i++)
      if (status[i] === ACCEPTED) this.acceptedList[this.acceptedCount++] = i;
    let changed = false;
    for (let i = 0; i < status.length; i++) {
      if (status[i] !== FREE) continue;
      const verdict = this.judgeFree(domain, i);
      if (verdict === 'infeasible') return 'infeasible';
      if (verdict === 'free') continue;
      status[i] = verdict === 'accept' ? ACCEPTED : REJECTED;
      if (verdict === 'accept') this.acceptedList[this.acceptedCount++] = i;
      changed = true;
    }
    return changed ? 'changed' : 'stable';
  }

  /**
   * A free sell lowers the highest possible K when accepted, a free buy when rejected ("high shift"); a
   * free buy raises the lowest possible K when accepted, a free sell when rejected ("low shift").
   * shiftHigh / shiftLow get the prefix sums, over the block's periods, of the price changes that causes.
   */
  private judgeFree(domain: Domain, i: number): 'infeasible' | 'free' | 'accept' | 'reject' {
    const { space, sumLow, sumHigh, priceLow, priceHigh, prefixLow, prefixHigh, shiftLow, shiftHigh } = this;
    const { highShiftAtLow, highShiftAtHigh, lowShiftAtLow, lowShiftAtHigh } = this;
    const { kLow, kHigh } = domain;
    const b = space.blocks[i]!;
    const q = Math.abs(b.netDemand);
    let rejectOnly = false; // accepting it is impossible
    let acceptOnly = false; // rejecting it is impossible
    let runHigh = 0;
    let runLow = 0;
    for (let p = b.first; p <= b.last; p++) {
      const high = sumHigh[p]! - q;
      const low = sumLow[p]! + q;
      if (high < kLow[p]!) {
        if (b.sell) rejectOnly = true;
        else acceptOnly = true;
      }
      if (low > kHigh[p]!) {
        if (b.sell) acceptOnly = true;
        else rejectOnly = true;
      }
      // K clamped to [kLow, kHigh]; at either end the shift is the same for every free block
      // (fixFree computed it), so only a K strictly inside needs a price.
      const ph =
        high >= kHigh[p]!
          ? highShiftAtHigh[p]!
          : high <= kLow[p]!
            ? highShiftAtLow[p]!
            : space.price(p, high) - priceHigh[p]!;
      const pl =
        low <= kLow[p]!
          ? lowShiftAtLow[p]!
          : low >= kHigh[p]!
            ? lowShiftAtHigh[p]!
            : space.price(p, low) - priceLow[p]!;
      // Running sums (the same additions as shiftHigh[p] + ph, from 0 at the first period).
      runHigh += ph;
      runLow += pl;
      shiftHigh[p + 1] = runHigh;
      shiftLow[p + 1] = runLow;
    }
    // Its own admissibility if accepted, at the best prices it leaves itself.
    if (b.sell) {
      const best = prefixHigh[b.last + 1]! - prefixHigh[b.first]! + shiftHigh[b.last + 1]!;
      if (best < b.limitSum) rejectOnly = true;
    } else {
      const best = prefixLow[b.last + 1]! - prefixLow[b.first]! + shiftLow[b.last + 1]!;
      if (best > b.limitSum) rejectOnly = true;
    }
    // Accepted blocks it overlaps, at their best prices with this block's shift. Walked through the
    // list of accepted blocks (fewer than the overlapping ones; the flags do not depend on the order).
    const { acceptedList } = this;
    for (let n = 0; n < this.acceptedCount; n++) {
      if (rejectOnly && acceptOnly) break;
      const j = acceptedList[n]!;
      const a = space.blocks[j]!;
      if (a.first > b.last || b.first > a.last) continue;
      const from = Math.max(a.first, b.first);
      const to = Math.min(a.last, b.last);
      if (!rejectOnly && a.sell !== b.sell) {
        // Accepting b pairs it with a (see acceptedPairsFit), at the prices b's acceptance leaves.
        const sell = b.sell ? b : a; // no [sell, buy] array per pair: this loop is hot
        const buy = b.sell ? a : b;
        let sellOut = this.rangeSum(true, sell.first, from - 1) + this.rangeSum(true, to + 1, sell.last);
        let buyOut = this.rangeSum(false, buy.first, from - 1) + this.rangeSum(false, to + 1, buy.last);
        const outShift =
          (from > b.first ? partial(b.sell ? shiftHigh : shiftLow, b.first, b.first, from - 1) : 0) +
          (to < b.last ? partial(b.sell ? shiftHigh : shiftLow, b.first, to + 1, b.last) : 0);
        if (b.sell) sellOut += outShift;
        else buyOut += outShift;
        if (sellOut - buyOut < sell.limitSum - buy.limitSum) rejectOnly = true;
      }
      if (a.sell) {
        const best = prefixHigh[a.last + 1]! - prefixHigh[a.first]! + partial(shiftHigh, b.first, from, to);
        if (best < a.limitSum) {
          if (b.sell) rejectOnly = true;
          else acceptOnly = true;
        }
      } else {
        const best = prefixLow[a.last + 1]! - prefixLow[a.first]! + partial(shiftLow, b.first, from, to);
        if (best > a.limitSum) {
          if (b.sell) acceptOnly = true;
          else rejectOnly = true;
        }
      }
    }
    // Accepted pairs (recordPair): the high shift lowers the sell's prices outside the overlap, the low
    // shift raises the buy's.
    // Pairs come by increasing slack, and b's shift over any of its periods is at most its shift over
    // all of them (each period's shift has the same sign): the pairs from there on cannot break.
    const { pairs } = this;
    const reach = Math.max(-shiftHigh[b.last + 1]!, shiftLow[b.last + 1]!);
    for (let k = 0; k < pairs.length && !(rejectOnly && acceptOnly); k += 7) {
      const slack = pairs[k + 6]!;
      if (slack >= reach) break;
      const from = pairs[k + 4]!;
      const to = pairs[k + 5]!;
      const hiLoss =
        clippedShift(shiftHigh, b, pairs[k]!, from - 1) + clippedShift(shiftHigh, b, to + 1, pairs[k + 1]!);
      if (slack + hiLoss < 0) {
        if (b.sell) rejectOnly = true;
        else acceptOnly = true;
      }
      const loGain =
        clippedShift(shiftLow, b, pairs[k + 2]!, from - 1) + clippedShift(shiftLow, b, to + 1, pairs[k + 3]!);
      if (slack - loGain < 0) {
        if (b.sell) acceptOnly = true;
        else rejectOnly = true;
      }
    }
    if (rejectOnly && acceptOnly) return 'infeasible';
    return acceptOnly ? 'accept' : rejectOnly ? 'reject' : 'free';
  }
}

function clampTo(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/** Σ of block b's local prefix sums over positions from…to clipped to b (0 if they miss it). */
function clippedShift(
  prefix: Float64Array,
  b: { first: number; last: number },
  from: number,
  to: number,
): number {
  const x = Math.max(from, b.first);
  const y = Math.min(to, b.last);
  return x > y ? 0 : partial(prefix, b.first, x, y);
}

/** Σ over positions from…to of a block-local prefix sum that starts at position `first`. */
function partial(prefix: Float64Array, first: number, from: number, to: number): number {
  return prefix[to + 1]! - (from === first ? 0 : prefix[from]!);
}
