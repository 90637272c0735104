import { ACCEPTED, type Domain, FREE } from './block-domain.js';
import type { BlockSpace } from './block-space.js';

// K in neighbouring periods, linked. Blocks cover consecutive period positions, so the block net demand K
// changes from position t − 1 to t only by the blocks that start at t (their net demand) and those that
// end at t − 1 (minus theirs) — usually none or one or two blocks, far fewer than the twenty or more that
// make up K itself. Every admissible completion of a domain therefore has
//     K_t − K_(t−1) = Σ_(accepted starting at t) d − Σ_(accepted ending at t−1) d + (a subset sum of the
//                     free blocks starting or ending there, signed the same way, so between the sum of
//                     the negative and the sum of the positive ones),
// with K_(−1) = K_T = 0 (no block outside the positions). So K_t lies in K_(t−1)'s range shifted by the
// differences the free blocks can still make, and back. Per period, propagation's ranges know nothing of
// this: an accepted block's need, or the aggregate rule, narrows K in a few periods, and the narrowing
// stays there although K cannot change before the next block starts or ends. Carried forward and back
// through the boundaries, it narrows the neighbours' ranges too (the propagation-only search, which uses
// it, then needs up to 1.7 times fewer nodes; README "Algorithm"). Everything removed is a K no
// admissible completion has.

export class BoundaryChain {
  /** Per boundary t (0…periodCount): its events are eventBlock / eventDelta[eventStart[t] … eventStart[t+1]). */
  private readonly eventStart: Int32Array;
  private readonly eventBlock: Int32Array;
  /** +net demand for a block starting at t, −net demand for one that ended at t − 1. */
  private readonly eventDelta: Float64Array;
  /** Smallest and largest difference the last call of feasible() allowed. */
  private minDelta = 0;
  private maxDelta = 0;

  constructor(private readonly space: BlockSpace) {
    const t = space.periodCount;
    const counts = new Int32Array(t + 2);
    for (const b of space.blocks) {
      counts[b.first + 1]!++;
      counts[b.last + 2]!++;
    }
    this.eventStart = new Int32Array(t + 2);
    for (let i = 1; i <= t + 1; i++) this.eventStart[i] = this.eventStart[i - 1]! + counts[i]!;
    const total = this.eventStart[t + 1]!;
    this.eventBlock = new Int32Array(total);
    this.eventDelta = new Float64Array(total);
    const fill = Int32Array.from(this.eventStart);
    space.blocks.forEach((b, i) => {
      let at = fill[b.first]!++;
      this.eventBlock[at] = i;
      this.eventDelta[at] = b.netDemand;
      at = fill[b.last + 1]!++;
      this.eventBlock[at] = i;
      this.eventDelta[at] = -b.netDemand;
    });
  }

  /**
   * Narrows the domain's K ranges in place: a pass forward (K_t from K_(t−1)) and one back. 'infeasible'
   * if some boundary admits no difference at all, 'changed' if a range narrowed.
   */
  narrow(domain: Domain): 'infeasible' | 'stable' | 'changed' {
    const { kLow, kHigh } = domain;
    const last = this.space.periodCount;
    let changed = false;
    for (let t = 0; t < last; t++) {
      const prevLow = t === 0 ? 0 : kLow[t - 1]!;
      const prevHigh = t === 0 ? 0 : kHigh[t - 1]!;
      if (!this.feasible(domain, t, kLow[t]! - prevHigh, kHigh[t]! - prevLow)) return 'infeasible';
      if (prevLow + this.minDelta > kLow[t]!) {
        kLow[t] = prevLow + this.minDelta;
        changed = true;
      }
      if (prevHigh + this.maxDelta < kHigh[t]!) {
        kHigh[t] = prevHigh + this.maxDelta;
        changed = true;
      }
    }
    for (let t = last; t >= 1; t--) {
      const nextLow = t === last ? 0 : kLow[t]!;
      const nextHigh = t === last ? 0 : kHigh[t]!;
      if (!this.feasible(domain, t, nextLow - kHigh[t - 1]!, nextHigh - kLow[t - 1]!)) return 'infeasible';
      if (nextLow - this.maxDelta > kLow[t - 1]!) {
        kLow[t - 1] = nextLow - this.maxDelta;
        changed = true;
      }
      if (nextHigh - this.minDelta < kHigh[t - 1]!) {
        kHigh[t - 1] = nextHigh - this.minDelta;
        changed = true;
      }
    }
    return changed ? 'changed' : 'stable';
  }

  /**
   * The differences K_t − K_(t−1) the statuses allow within [low, high]: false if none, else their least
   * and greatest in minDelta / maxDelta — the accepted blocks' sum plus anything between the free ones'
   * negative and positive sums. (Their exact subset sums measured no better: the same nodes ±4 on the
   * auctions of README "Algorithm".)
   */
  private feasible(domain: Domain, t: number, low: number, high: number): boolean {
    const { status } = domain;
    const { eventBlock, eventDelta } = this;
    let base = 0;
    let down = 0;
    let up = 0;
    for (let e = this.eventStart[t]!; e < this.eventStart[t + 1]!; e++) {
      const s = status[eventBlock[e]!]!;
      const d = eventDelta[e]!;
      if (s === ACCEPTED) base += d;
      else if (s === FREE) {
        if (d < 0) down += d;
        else up += d;
      }
    }
    this.minDelta = Math.max(base + down, low);
    this.maxDelta = Math.min(base + up, high);
    return this.minDelta <= this.maxDelta;
  }
}
