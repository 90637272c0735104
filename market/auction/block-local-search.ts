import type { BlockSpace } from './block-space.js';

// Local search around an admissible block selection, to give the branch-and-bound a good incumbent early
// (the search prunes against it, so the sooner it is near the optimum, the fewer nodes are solved).
//
// Near the money a single block rarely helps on its own: accepting it moves the prices of its periods
// against it, so it becomes paradoxical. What helps is a buy and a sell that absorb each other, or a
// swap of one block for another. The neighbourhood is therefore every single flip and every flip of two
// blocks that share a period. A move is judged incrementally: only the periods its blocks cover are
// re-cleared (PeriodAggregate.clear is cached per period and K), and the accepted blocks' price sums
// are updated from the price changes. The search only *proposes*: every improvement it reports is
// checked by the caller with the exact evaluation (problem.ts), so it cannot make the result wrong —
// at worst it finds nothing.

/** Moves evaluated per improve() call at most (a count, so the outcome does not depend on the machine). */
const MAX_MOVES = 20_000;

export interface LocalMove {
  /** The blocks to flip (one or two). */
  flips: number[];
}

export class LocalSearch {
  /** Per period position: the current selection's block net demand, price and curve welfare. */
  private readonly k: Float64Array;
  private readonly price: Float64Array;
  private readonly welfare: Float64Array;
  /** Per block: Σ of its periods' prices at the current selection. */
  private readonly priceSum: Float64Array;
  private readonly accepted: Uint8Array;
  /** Scratch: price changes per period position of the move being judged, and their prefix sums. */
  private readonly delta: Float64Array;
  private readonly prefix: Float64Array;
  private readonly touchedMark: Uint8Array;
  private readonly touchedList: Int32Array;

  constructor(private readonly space: BlockSpace) {
    const t = space.periodCount;
    const n = space.blocks.length;
    this.k = new Float64Array(t);
    this.price = new Float64Array(t);
    this.welfare = new Float64Array(t);
    this.priceSum = new Float64Array(n);
    this.accepted = new Uint8Array(n);
    this.delta = new Float64Array(t);
    this.prefix = new Float64Array(t + 1);
    this.touchedMark = new Uint8Array(t);
    this.touchedList = new Int32Array(t);
  }

  /**
   * From an admissible selection, the first move (single flips first, then pairs of overlapping blocks)
   * that gives an admissible selection better by `better` — which receives (Δwelfare, Δvolume, flips),
   * must implement the selection order and depend on nothing else (it is asked before admissibility
   * is checked) — or null if none is found within the move budget. The
   * caller confirms a move with the exact evaluation and calls again from the new selection.
   */
  findMove(
    selection: readonly boolean[],
    better: (dValue: number, dVolume: number, flips: readonly number[]) => boolean,
    budget: { moves: number } = { moves: MAX_MOVES },
  ): LocalMove | null {
    if (!this.load(selection)) return null;
    const n = this.space.blocks.length;
    const flips = [0];
    for (let i = 0; i < n; i++) {
      if (budget.moves-- <= 0) return null;
      flips[0] = i;
      if (this.judge(flips, better)) return { flips: [i] };
    }
    const pair = [0, 0];
    for (let i = 0; i < n; i++) {
      for (const j of this.space.overlaps[i]!) {
        if (j <= i) continue;
        if (budget.moves-- <= 0) return null;
        pair[0] = i;
        pair[1] = j;
        if (this.judge(pair, better)) return { flips: [i, j] };
      }
    }
    return null;
  }

  /**
   * Makes a selection admissible by dropping paradoxically accepted blocks one at a time, the one
   * furthest out of the money first (price-sum shortfall × quantity): dropping it moves the prices its
   * periods had in favour of the blocks on its side, which may already rescue them. Null if the
   * selection, or one on the way, cannot be cleared (a dropped block's opposite was absorbing it).
   * Each step looks only at the selection reached (its prices are integer ticks, so the price sums
   * updated drop by drop are exactly those of clearing it afresh): a repair from any selection on the
   * way ends where this one does. `known`, if given, is asked after each drop for that end point of the
   * selection reached (with the same `keep`) — undefined if it does not know it — and the repair stops
   * there with it.
   */
  repair(
    selection: readonly boolean[],
    keep = -1,
    known?: (current: readonly boolean[]) => readonly boolean[] | null | undefined,
  ): boolean[] | null {
    const current = [...selection];
    const { space, accepted, priceSum } = this;
    // Dropping looks at prices only: the welfare is left stale (findMove loads afresh).
    if (!this.load(current, false)) return null;
    for (;;) {
      let worst = -1;
      let worstScore = 0;
      for (let i = 0; i < space.blocks.length; i++) {
        if (!accepted[i]) continue;
        const b = space.blocks[i]!;
        const shortfall = b.sell ? b.limitSum - priceSum[i]! : priceSum[i]! - b.limitSum;
        if (shortfall <= 0) continue;
        if (i === keep) {
          if (worst < 0) worst = -2; // paradoxical itself: only others' drops may rescue it
          continue;
        }
        const score = shortfall * Math.abs(b.netDemand);
        if (score > worstScore) {
          worstScore = score;
          worst = i;
        }
      }
      if (worst === -1) return current;
      if (worst === -2) return null;
      current[worst] = false;
      if (!this.drop(worst)) return null;
      const end = known?.(current);
      if (end !== undefined) return end === null ? null : [...end];
    }
  }

  /**
   * Rejects accepted block i in the current state: re-prices its periods and moves the price sums of the
   * blocks that share them (welfare and volume are not kept: only repair drops). False if a period can
   * then not be cleared (the state is then unusable).
   */
  private drop(i: number): boolean {
    const { space, k, price, priceSum, accepted, prefix } = this;
    const b = space.blocks[i]!;
    accepted[i] = 0;
    // prefix[p + 1] − prefix[first]: the price changes from the block's first period to p.
    prefix[b.first] = 0;
    for (let p = b.first; p <= b.last; p++) {
      k[p]! -= b.netDemand;
      if (!space.absorbs(p, k[p]!)) return false;
      const np = space.price(p, k[p]!);
      prefix[p + 1] = prefix[p]! + np - price[p]!;
      price[p] = np;
    }
    for (const j of space.overlaps[i]!) {
      const o = space.blocks[j]!;
      const from = Math.max(o.first, b.first);
      const to = Math.min(o.last, b.last);
      priceSum[j]! += prefix[to + 1]! - prefix[from]!;
    }
    return true;
  }

  /** Sets the current selection, with its welfare unless `withWelfare` is false; false if it cannot be cleared. */
  private load(selection: readonly boolean[], withWelfare = true): boolean {
    const { space, k, price, welfare, priceSum, accepted, prefix } = this;
    // K by a difference array (in prefix, as scratch), price sums by prefix sums: lots and prices are
    // whole numbers, so these are exactly the sums period by period.
    prefix.fill(0);
    space.blocks.forEach((b, i) => {
      accepted[i] = selection[i] ? 1 : 0;
      if (!selection[i]) return;
      prefix[b.first]! += b.netDemand;
      prefix[b.last + 1]! -= b.netDemand;
    });
    let running = 0;
    for (let p = 0; p < space.periodCount; p++) {
      running += prefix[p]!;
      k[p] = running;
    }
    for (let p = 0; p < space.periodCount; p++) {
      if (withWelfare) {
        const w = space.welfare(p, k[p]!);
        if (w === Number.NEGATIVE_INFINITY) return false;
        welfare[p] = w;
      } else if (!space.absorbs(p, k[p]!)) return false;
      price[p] = space.price(p, k[p]!);
    }
    prefix[0] = 0;
    for (let p = 0; p < space.periodCount; p++) prefix[p + 1] = prefix[p]! + price[p]!;
    space.blocks.forEach((b, i) => {
      priceSum[i] = prefix[b.last + 1]! - prefix[b.first]!;
    });
    return true;
  }

  /** Is flipping `flips` admissible and better? Leaves the state unchanged. */
  private judge(
    flips: readonly number[],
    better: (dv: number, dvol: number, f: readonly number[]) => boolean,
  ) {
    const { space, k, price, welfare, delta, prefix, touchedMark, touchedList, accepted, priceSum } = this;
    let dValue = 0;
    let dVolume = 0;
    let touched = 0;
    // K change per period: applied to k in place, undone below.
    for (const i of flips) {
      const b = space.blocks[i]!;
      const sign = accepted[i] ? -1 : 1;
      dValue += sign * b.value;
      dVolume += sign * b.volume;
      for (let p = b.first; p <= b.last; p++) {
        k[p]! += sign * b.netDemand;
        if (!touchedMark[p]) {
          touchedMark[p] = 1;
          touchedList[touched++] = p;
        }
      }
    }
    let feasible = true;
    for (let t = 0; t < touched && feasible; t++) {
      const p = touchedList[t]!;
      const w = space.welfare(p, k[p]!);
      if (w === Number.NEGATIVE_INFINITY) feasible = false;
      else dValue += w - welfare[p]!;
    }
    // Most moves are not better: that needs only the welfare change, so it is asked first (`better` is a
    // pure function of its arguments), and prices and admissibility only for the moves that are.
    let ok = feasible && better(dValue, dVolume, flips);
    if (ok) {
      for (let t = 0; t < touched; t++) {
        const p = touchedList[t]!;
        delta[p] = space.price(p, k[p]!) - price[p]!;
      }
      for (let p = 0; p < space.periodCount; p++) prefix[p + 1] = prefix[p]! + delta[p]!;
      for (let i = 0; i < space.blocks.length && ok; i++) {
        const inMove = flips[0] === i || flips[1] === i;
        if (accepted[i] ? inMove : !inMove) continue; // only blocks accepted after the move
        const b = space.blocks[i]!;
        const sum = priceSum[i]! + prefix[b.last + 1]! - prefix[b.first]!;
        ok = b.sell ? sum >= b.limitSum : sum <= b.limitSum;
      }
    }
    // Undo.
    for (const i of flips) {
      const b = space.blocks[i]!;
      const sign = accepted[i] ? -1 : 1;
      for (let p = b.first; p <= b.last; p++) k[p]! -= sign * b.netDemand;
    }
    for (let t = 0; t < touched; t++) {
      const p = touchedList[t]!;
      touchedMark[p] = 0;
      delta[p] = 0;
    }
    return ok;
  }
}
