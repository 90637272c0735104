import type { BlockSpace } from './block-space.js';

// A node of the block search: each block accepted, rejected or still free, and per period the range of
// block net demand K that any admissible completion can have. Propagation narrows both from three facts:
// K is the sum of the accepted blocks' net demands; prices are non-decreasing in K; an accepted block
// must not be paradoxical at the published prices. Everything it removes is provably not admissible, so
// propagation never cuts off an admissible selection — it only saves the search from visiting it.

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
  const status = Int8Array.from(domain.status);
  status[block] = value;
  return { status, kLow: Float64Array.from(domain.kLow), kHigh: Float64Array.from(domain.kHigh) };
}

/** Rounds of propagation per node at most (each is cheap; stopping early only weakens the inference). */
const MAX_ROUNDS = 64;

/** Scratch arrays for propagate, per space (the search is single-threaded and not re-entrant here). */
interface Scratch {
  sumLow: Float64Array;
  sumHigh: Float64Array;
  priceLow: Float64Array;
  priceHigh: Float64Array;
  /** Prefix sums over period positions: Σ_{q<p} priceLow[q] and priceHigh[q]. */
  prefixLow: Float64Array;
  prefixHigh: Float64Array;
  /** Per block b's period: prefix sums of the price change when b moves K its way (see below). */
  shiftLow: Float64Array;
  shiftHigh: Float64Array;
}

const scratchBySpace = new WeakMap<BlockSpace, Scratch>();

function scratchFor(space: BlockSpace): Scratch {
  let s = scratchBySpace.get(space);
  if (!s) {
    const t = space.periodCount;
    s = {
      sumLow: new Float64Array(t),
      sumHigh: new Float64Array(t),
      priceLow: new Float64Array(t),
      priceHigh: new Float64Array(t),
      prefixLow: new Float64Array(t + 1),
      prefixHigh: new Float64Array(t + 1),
      shiftLow: new Float64Array(t + 1),
      shiftHigh: new Float64Array(t + 1),
    };
    scratchBySpace.set(space, s);
  }
  return s;
}

/**
 * Narrows `domain` in place. Returns false if no admissible selection is left in it (some period cannot
 * absorb every possible K, or an accepted block is paradoxical even at its most favourable prices).
 */
export function propagate(space: BlockSpace, domain: Domain): boolean {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const outcome = propagateOnce(space, domain);
    if (outcome === 'infeasible') return false;
    if (outcome === 'stable') return true;
  }
  return true;
}

/**
 * One round. With sumLow/sumHigh = the accepted blocks plus every free sell/buy, K lies in
 * [max(kLow, sumLow), min(kHigh, sumHigh)], so prices lie in [price(kLow), price(kHigh)]. Then:
 * - an accepted block must be admissible at its most favourable prices, and each of its periods needs
 *   K high (sell) or low (buy) enough for that — which narrows kLow/kHigh;
 * - a free block is rejected if accepting it leaves some period unable to absorb K, makes it paradoxical
 *   even at its best prices, or makes an accepted block that overlaps it so; symmetrically it is accepted
 *   if rejecting it does one of these.
 */
function propagateOnce(space: BlockSpace, domain: Domain): 'infeasible' | 'stable' | 'changed' {
  const { status, kLow, kHigh } = domain;
  const periods = space.periodCount;
  const { sumLow, sumHigh, priceLow, priceHigh, prefixLow, prefixHigh, shiftLow, shiftHigh } =
    scratchFor(space);
  sumLow.fill(0);
  sumHigh.fill(0);
  space.blocks.forEach((b, i) => {
    const s = status[i]!;
    if (s === REJECTED) return;
    const toLow = s === ACCEPTED || b.sell;
    const toHigh = s === ACCEPTED || !b.sell;
    for (let p = b.first; p <= b.last; p++) {
      if (toLow) sumLow[p]! += b.netDemand;
      if (toHigh) sumHigh[p]! += b.netDemand;
    }
  });
  for (let p = 0; p < periods; p++) {
    if (sumLow[p]! > kLow[p]!) kLow[p] = sumLow[p]!;
    if (sumHigh[p]! < kHigh[p]!) kHigh[p] = sumHigh[p]!;
    if (kLow[p]! > kHigh[p]!) return 'infeasible';
    priceLow[p] = space.price(p, kLow[p]!);
    priceHigh[p] = space.price(p, kHigh[p]!);
    prefixLow[p + 1] = prefixLow[p]! + priceLow[p]!;
    prefixHigh[p + 1] = prefixHigh[p]! + priceHigh[p]!;
  }
  let changed = false;
  // Accepted blocks.
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
  // Free blocks. A free sell lowers the highest possible K when accepted, a free buy when rejected
  // ("high shift"); a free buy raises the lowest possible K when accepted, a free sell when rejected
  // ("low shift"). shiftHigh/shiftLow hold prefix sums of the resulting price changes over the block.
  for (let i = 0; i < status.length; i++) {
    if (status[i] !== FREE) continue;
    const b = space.blocks[i]!;
    const q = Math.abs(b.netDemand);
    let rejectOnly = false; // accepting it is impossible
    let acceptOnly = false; // rejecting it is impossible
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
      const ph = space.price(p, Math.max(kLow[p]!, Math.min(kHigh[p]!, high))) - priceHigh[p]!;
      const pl = space.price(p, Math.min(kHigh[p]!, Math.max(kLow[p]!, low))) - priceLow[p]!;
      shiftHigh[p + 1] = (p === b.first ? 0 : shiftHigh[p]!) + ph;
      shiftLow[p + 1] = (p === b.first ? 0 : shiftLow[p]!) + pl;
    }
    // Its own admissibility if accepted, at the best prices it leaves itself.
    if (b.sell) {
      const best = prefixHigh[b.last + 1]! - prefixHigh[b.first]! + shiftHigh[b.last + 1]!;
      if (best < b.limitSum) rejectOnly = true;
    } else {
      const best = prefixLow[b.last + 1]! - prefixLow[b.first]! + shiftLow[b.last + 1]!;
      if (best > b.limitSum) rejectOnly = true;
    }
    // Accepted blocks it overlaps.
    for (const j of space.overlaps[i]!) {
      if (rejectOnly && acceptOnly) break;
      if (status[j] !== ACCEPTED) continue;
      const a = space.blocks[j]!;
      const from = Math.max(a.first, b.first);
      const to = Math.min(a.last, b.last);
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
    if (rejectOnly && acceptOnly) return 'infeasible';
    if (rejectOnly || acceptOnly) {
      status[i] = acceptOnly ? ACCEPTED : REJECTED;
      changed = true;
    }
  }
  return changed ? 'changed' : 'stable';
}

/** Σ over positions from…to of a block-local prefix sum that starts at position `first`. */
function partial(prefix: Float64Array, first: number, from: number, to: number): number {
  return prefix[to + 1]! - (from === first ? 0 : prefix[from]!);
}
