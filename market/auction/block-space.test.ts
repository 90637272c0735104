import { describe, expect, it } from 'vitest';
import { BlockSpace } from './block-space.js';
import { evaluateSelection, prepareProblem } from './problem.js';
import { seededInts, smallBlockAuction } from './test-helpers.js';
import type { AuctionBid } from './types.js';

// The search evaluates selections and reads prices through BlockSpace's caches; they must give exactly
// what the clearing itself (problem.ts, PeriodAggregate.clear) gives, for step and linear curves.

function linear(bids: readonly AuctionBid[]): AuctionBid[] {
  return bids.map((b) => (b.kind === 'curve' ? { ...b, interpolation: 'linear' as const } : b));
}

describe('BlockSpace', () => {
  it('evaluate() equals evaluateSelection, and price() / welfare() equal PeriodAggregate.clear', () => {
    let infeasible = 0;
    let paradoxical = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const small = smallBlockAuction(seed * 31_337, 8, seed % 2 === 0);
      const bids = seed % 4 < 2 ? small.bids : linear(small.bids);
      const problem = prepareProblem(small.config, bids);
      const space = new BlockSpace(problem);
      const rnd = seededInts(seed);
      for (let s = 0; s < 40; s++) {
        const accepted = problem.blocks.map(() => rnd(0, 2) === 0);
        const fast = space.evaluate(accepted);
        expect(fast).toEqual(evaluateSelection(problem, accepted));
        if (!fast.feasible) infeasible++;
        if (fast.paradoxical.some(Boolean)) paradoxical++;
      }
      // Twice: the first read fills the caches, the second reads them back.
      for (let pass = 0; pass < 2; pass++)
        for (let p = 0; p < space.periodCount; p++) {
          const agg = space.aggregates[p]!;
          for (let k = space.kMin[p]! - 2; k <= space.kMax[p]! + 2; k++) {
            const c = agg.clear(k);
            expect(space.welfare(p, k)).toBe(c === null ? Number.NEGATIVE_INFINITY : c.value);
            // The repair (block-local-search.ts) asks absorbs() instead of the welfare.
            expect(space.absorbs(p, k)).toBe(c !== null);
            if (c !== null) expect(space.price(p, k)).toBe(c.priceTicks);
          }
        }
    }
    // Both outcomes the evaluation distinguishes occur.
    expect(infeasible).toBeGreaterThan(20);
    expect(paradoxical).toBeGreaterThan(100);
  });
});
