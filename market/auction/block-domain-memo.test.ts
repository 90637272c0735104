import { describe, expect, it } from 'vitest';
import { ACCEPTED, type Domain, FREE, Propagator, REJECTED, rootDomain } from './block-domain.js';
import { BlockSpace } from './block-space.js';
import { prepareProblem } from './problem.js';
import { seededInts, smallBlockAuction } from './test-helpers.js';

// The propagator remembers prices (at the ends of each K range, at each free block's shifted K) from
// one call to the next: speed only. This checks that nothing it remembers changes what it computes.

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
});
