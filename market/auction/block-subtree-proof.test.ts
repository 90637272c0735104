import { describe, expect, it } from 'vitest';
import { ACCEPTED, branch, type Domain, FREE, Propagator, REJECTED, rootDomain } from './block-domain.js';
import { BlockSpace } from './block-space.js';
import { SubtreeProver } from './block-subtree-proof.js';
import { evaluateSelection, isAdmissible, prepareProblem } from './problem.js';
import { smallBlockAuction } from './test-helpers.js';

// The propagation-only settling of a branch-and-bound subtree: when it says 'settled', every admissible
// selection of the domain must have been handed to `leaf` (evaluateSelection over every subset is the
// judge). A search that skipped a branch, or narrowed away an admissible selection, fails here.

/** The selections of `domain` (its statuses; K ranges ignored) that are admissible. */
function admissibleIn(problem: ReturnType<typeof prepareProblem>, domain: Domain): string[] {
  const n = problem.blocks.length;
  const out: string[] = [];
  for (let mask = 0; mask < 2 ** n; mask++) {
    const accepted = Array.from({ length: n }, (_, i) => (mask & (1 << i)) !== 0);
    if (accepted.some((a, i) => domain.status[i] !== FREE && (a ? ACCEPTED : REJECTED) !== domain.status[i]))
      continue;
    if (isAdmissible(evaluateSelection(problem, accepted))) out.push(key(accepted));
  }
  return out;
}

const key = (accepted: readonly boolean[]): string => accepted.map((a) => (a ? '1' : '0')).join('');

describe('SubtreeProver', () => {
  it('settled: every admissible selection of the domain reached a leaf (root and a branched child)', () => {
    let admissibleSeen = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const { config, bids } = smallBlockAuction(seed * 7_919, 4 + (seed % 8), seed % 3 !== 0);
      const problem = prepareProblem(config, bids);
      const space = new BlockSpace(problem);
      const propagator = new Propagator(space);
      const prover = new SubtreeProver(space, (d) => propagator.run(d));
      const root = rootDomain(space);
      if (!propagator.run(root)) continue;
      const domains = [root];
      const free = [...root.status.keys()].find((i) => root.status[i] === FREE);
      if (free !== undefined)
        for (const value of [ACCEPTED, REJECTED]) {
          const child = branch(root, free, value);
          if (propagator.run(child)) domains.push(child);
        }
      for (const domain of domains) {
        const before = Int8Array.from(domain.status);
        const leaves = new Set<string>();
        const outcome = prover.settle(domain, 1_000_000, (accepted) => leaves.add(key(accepted)));
        expect(outcome.kind).toBe('settled');
        // The caller's domain is left as it was.
        expect(Array.from(domain.status)).toEqual(Array.from(before));
        for (const selection of admissibleIn(problem, domain)) {
          admissibleSeen++;
          expect(leaves.has(selection)).toBe(true);
        }
      }
    }
    expect(admissibleSeen).toBeGreaterThan(100);
  });

  it('stops at its budget and says so; a pruned node is not searched below', () => {
    let budgetHits = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { config, bids } = smallBlockAuction(seed * 104_729, 12, true);
      const problem = prepareProblem(config, bids);
      const space = new BlockSpace(problem);
      const propagator = new Propagator(space);
      const prover = new SubtreeProver(space, (d) => propagator.run(d));
      const root = rootDomain(space);
      if (!propagator.run(root) || !root.status.includes(FREE)) continue;
      const capped = prover.settle(root, 2, () => {});
      expect(capped.propagations).toBeLessThanOrEqual(2);
      const full = prover.settle(root, 1_000_000, () => {});
      if (full.propagations > 2) {
        budgetHits++;
        expect(capped.kind).toBe('budget');
      }
      // Pruning the start itself: no leaf, no propagation, settled.
      let leaves = 0;
      const pruned = prover.settle(
        root,
        1_000_000,
        () => leaves++,
        () => true,
      );
      expect(pruned).toEqual({ kind: 'settled', propagations: 0 });
      expect(leaves).toBe(0);
    }
    expect(budgetHits).toBeGreaterThan(5);
  });
});
