import { describe, expect, it } from 'vitest';
import { ACCEPTED, type Domain, FREE, Propagator, REJECTED, rootDomain } from './block-domain.js';
import { BlockSpace } from './block-space.js';
import { prepareProblem } from './problem.js';
import { seededInts, smallBlockAuction } from './test-helpers.js';

// The propagator remembers prices (at the ends of each K range, at each free block's shifted K) from
// one call to the next, and starts the aggregate rule's K searches from a bound that prices alone give:
// speed only. These check that neither changes what it computes.

/** The private parts the second test reaches. */
interface Shortcuts {
  refK: Float64Array;
  cost(p: number, k: number): number;
  withinBudgetUpTo(p: number, mid: number, top: number, budget: number): number;
  withinBudgetDownTo(p: number, bottom: number, mid: number, budget: number): number;
}

function randomDomain(space: BlockSpace, rnd: (min: number, max: number) => number): Domain {
  const domain = rootDomain(space);
  for (let i = 0; i < domain.status.length; i++) {
    const r = rnd(0, 9);
    domain.status[i] = r < 2 ? ACCEPTED : r < 4 ? REJECTED : FREE;
  }
  return domain;
}

describe('Propagator memory', () => {
  it('one propagator over many domains narrows each exactly as a fresh one does', () => {
    let compared = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const { config, bids } = smallBlockAuction(seed * 40_503, 9, seed % 4 !== 0);
      const space = new BlockSpace(prepareProblem(config, bids));
      const reused = new Propagator(space);
      const rnd = seededInts(seed);
      for (let trial = 0; trial < 12; trial++) {
        const a = randomDomain(space, rnd);
        const b = structuredClone(a);
        expect(reused.run(a)).toBe(new Propagator(space).run(b));
        expect(a).toEqual(b);
        compared++;
      }
    }
    expect(compared).toBe(360);
  });

  it("the aggregate rule's K searches start within budget: every K from mid to the bound is", () => {
    let checked = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const { config, bids } = smallBlockAuction(seed * 7_919, 8, seed % 2 === 0);
      const space = new BlockSpace(prepareProblem(config, bids));
      const shortcuts = new Propagator(space) as unknown as Shortcuts;
      for (let p = 0; p < space.periodCount; p++) {
        const bottom = space.kMin[p]!;
        const top = space.kMax[p]!;
        const mid = Math.min(Math.max(shortcuts.refK[p]!, bottom), top);
        for (let k = bottom; k <= top; k++) {
          const budget = shortcuts.cost(p, k);
          if (k > mid) {
            const up = shortcuts.withinBudgetUpTo(p, mid, top, budget);
            expect(up).toBeGreaterThanOrEqual(mid);
            for (let x = mid + 1; x <= up; x++) expect(shortcuts.cost(p, x)).toBeLessThanOrEqual(budget);
            checked++;
          }
          if (k < mid) {
            const down = shortcuts.withinBudgetDownTo(p, bottom, mid, budget);
            expect(down).toBeLessThanOrEqual(mid);
            for (let x = down; x < mid; x++) expect(shortcuts.cost(p, x)).toBeLessThanOrEqual(budget);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
