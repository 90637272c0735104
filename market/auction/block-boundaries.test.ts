import { describe, expect, it } from 'vitest';
import { BoundaryChain } from './block-boundaries.js';
import { ACCEPTED, type Domain, FREE, Propagator, REJECTED, rootDomain } from './block-domain.js';
import { BlockSpace } from './block-space.js';
import { blockNetDemand, evaluateSelection, isAdmissible, type Problem, prepareProblem } from './problem.js';
import { block, curve, seededInts, smallBlockAuction } from './test-helpers.js';
import type { AuctionBid, AuctionConfig } from './types.js';

// The boundary chain may only remove K values that no admissible completion has: checked against every
// completion of random partial selections (evaluateSelection is the judge), after propagation as the
// propagation-only search runs it.

function admissibleCompletions(problem: Problem, fixed: Int8Array): boolean[][] {
  const free = [...fixed.keys()].filter((i) => fixed[i] === FREE);
  const out: boolean[][] = [];
  for (let mask = 0; mask < 2 ** free.length; mask++) {
    const accepted = [...fixed].map((s) => s === ACCEPTED);
    free.forEach((i, bit) => {
      accepted[i] = (mask & (1 << bit)) !== 0;
    });
    if (isAdmissible(evaluateSelection(problem, accepted))) out.push(accepted);
  }
  return out;
}

/** Six periods near the money, blocks of 1–6 periods: more boundaries than smallBlockAuction's 2–4. */
function longerAuction(seed: number, blocks: number): { config: AuctionConfig; bids: AuctionBid[] } {
  const rnd = seededInts(seed);
  const periods = 6;
  const config: AuctionConfig = { periods, priceMinTicks: -20, priceMaxTicks: 60, maxQuantityLots: 100 };
  const bids: AuctionBid[] = [];
  for (let t = 0; t < periods; t++) {
    bids.push(
      curve(`b${t}`, t, [
        [-20, rnd(10, 40)],
        [rnd(16, 30), 0],
      ]),
    );
    bids.push(
      curve(`s${t}`, t, [
        [-20, 0],
        [rnd(10, 24), -rnd(10, 40)],
      ]),
    );
  }
  for (let i = 0; i < blocks; i++) {
    const first = rnd(0, periods - 1);
    const last = Math.min(periods - 1, first + rnd(0, 4));
    bids.push(block(`k${i}`, rnd(0, 1) === 0 ? 'buy' : 'sell', first, last, rnd(16, 24), rnd(3, 25)));
  }
  return { config, bids };
}

describe('BoundaryChain', () => {
  it('narrows K across a boundary no free block crosses, and by the range of those that do', () => {
    // Periods 0–2. k0 sells 10 lots over all three (accepted); k1 buys 4 lots in period 1 only (free).
    // Before period 0 and after period 2 K is 0, so K_0 = K_2 = −10 (only k0 enters and leaves there);
    // K_1 − K_0 lies in [0, +4] (k1 rejected or accepted), and with K_1 known to lie in [−7, −6] only in
    // [3, 4] (the chain keeps the range of the free blocks' differences, not their exact subset sums).
    const config: AuctionConfig = { periods: 3, priceMinTicks: -20, priceMaxTicks: 60, maxQuantityLots: 100 };
    const bids: AuctionBid[] = [
      ...[0, 1, 2].map((t) =>
        curve(`c${t}`, t, [
          [-20, 30],
          [40, -30],
        ]),
      ),
      block('k0', 'sell', 0, 2, 10, 10),
      block('k1', 'buy', 1, 1, 10, 4),
    ];
    const space = new BlockSpace(prepareProblem(config, bids));
    const chain = new BoundaryChain(space);
    const domain: Domain = {
      status: Int8Array.from([ACCEPTED, FREE]),
      kLow: Float64Array.from([-20, -7, -20]),
      kHigh: Float64Array.from([20, -6, 20]),
    };
    expect(chain.narrow(domain)).toBe('changed');
    expect([...domain.kLow]).toEqual([-10, -7, -10]);
    expect([...domain.kHigh]).toEqual([-10, -6, -10]);
    expect(chain.narrow(domain)).toBe('stable');
    // k1 rejected: K_1 would have to be −10 as well.
    domain.status[1] = REJECTED;
    expect(chain.narrow(domain)).toBe('infeasible');
    // Both free, nothing known of K_1: K_0 and K_2 are each k0 or nothing, K_1 one of those plus 0 or 4.
    const open: Domain = {
      status: Int8Array.from([FREE, FREE]),
      kLow: Float64Array.from([-20, -20, -20]),
      kHigh: Float64Array.from([20, 20, 20]),
    };
    expect(chain.narrow(open)).toBe('changed');
    expect([...open.kLow]).toEqual([-10, -10, -10]);
    expect([...open.kHigh]).toEqual([0, 4, 0]);
  });

  it('keeps every admissible completion, alone or after propagation; "infeasible" only if none exists', () => {
    let narrowed = 0;
    let emptied = 0;
    let checked = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const { config, bids } =
        seed % 2 === 0
          ? longerAuction(seed * 48_271, 8)
          : smallBlockAuction(seed * 2_654_435, 8, seed % 3 !== 0);
      const problem = prepareProblem(config, bids);
      const space = new BlockSpace(problem);
      const propagator = new Propagator(space);
      const chain = new BoundaryChain(space);
      const rnd = seededInts(seed);
      for (let trial = 0; trial < 6; trial++) {
        const fixed = Int8Array.from({ length: problem.blocks.length }, () => {
          const r = trial === 0 ? 9 : rnd(0, 9);
          return r < 2 ? ACCEPTED : r < 4 ? REJECTED : FREE;
        });
        const domain: Domain = { ...rootDomain(space), status: Int8Array.from(fixed) };
        const completions = admissibleCompletions(problem, fixed);
        // Half the trials straight from the root's ranges (the chain alone), half after propagation.
        if (trial % 2 === 1 && !propagator.run(domain)) continue;
        const before = { kLow: domain.kLow.slice(), kHigh: domain.kHigh.slice() };
        const outcome = chain.narrow(domain);
        if (outcome === 'infeasible') {
          emptied++;
          expect(completions).toEqual([]);
          continue;
        }
        narrowed += domain.kLow.filter(
          (k, p) => k > before.kLow[p]! || domain.kHigh[p]! < before.kHigh[p]!,
        ).length;
        for (const accepted of completions) {
          checked++;
          const k = blockNetDemand(problem, accepted);
          problem.touched.forEach((t, p) => {
            expect(k[t]!).toBeGreaterThanOrEqual(domain.kLow[p]!);
            expect(k[t]!).toBeLessThanOrEqual(domain.kHigh[p]!);
          });
        }
      }
    }
    // Not vacuous: the chain narrowed ranges and emptied domains that propagation had left, and the
    // check saw admissible completions.
    expect(narrowed).toBeGreaterThan(50);
    expect(emptied).toBeGreaterThan(5);
    expect(checked).toBeGreaterThan(200);
  });
});
