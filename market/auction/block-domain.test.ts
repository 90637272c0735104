import { describe, expect, it } from 'vitest';
import {
  ACCEPTED,
  branch,
  branchInto,
  type Domain,
  FREE,
  Propagator,
  REJECTED,
  rootDomain,
} from './block-domain.js';
import { BlockSpace } from './block-space.js';
import { blockNetDemand, evaluateSelection, isAdmissible, type Problem, prepareProblem } from './problem.js';
import { block, curve, seededInts, smallBlockAuction } from './test-helpers.js';
import type { AuctionBid } from './types.js';

// Propagation must never remove an admissible selection: checked against every completion of random
// partial selections on small auctions, with the exact clearing (evaluateSelection) as the judge.

/** Every admissible selection that agrees with `fixed` (−1 = free), by enumeration. */
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

function randomPartial(rnd: (min: number, max: number) => number, n: number): Int8Array {
  return Int8Array.from({ length: n }, () => {
    const r = rnd(0, 9);
    return r < 2 ? ACCEPTED : r < 4 ? REJECTED : FREE;
  });
}

describe('branchInto', () => {
  it('gives what branch() gives, into a reused domain, leaving the parent as it was', () => {
    const { config, bids } = smallBlockAuction(7_777, 6, true);
    const space = new BlockSpace(prepareProblem(config, bids));
    const parent = rootDomain(space);
    parent.status[0] = ACCEPTED;
    parent.kLow[0] = parent.kLow[0]! + 1;
    parent.kHigh[1] = parent.kHigh[1]! - 1;
    const before = structuredClone(parent);
    const reused = rootDomain(space);
    reused.status.fill(REJECTED);
    reused.kLow.fill(-5);
    const into = branchInto(reused, parent, 2, REJECTED);
    expect(into).toBe(reused);
    expect(into).toEqual(branch(parent, 2, REJECTED));
    expect(parent).toEqual(before);
  });
});

describe('Propagator', () => {
  it('keeps every admissible completion: statuses and K ranges contain them; "empty" only if none exists', () => {
    let fixedByPropagation = 0;
    let narrowed = 0;
    let emptied = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { config, bids } = smallBlockAuction(seed * 2_654_435, 9, seed % 3 !== 0);
      const problem = prepareProblem(config, bids);
      const space = new BlockSpace(problem);
      const rnd = seededInts(seed);
      for (let trial = 0; trial < 4; trial++) {
        const fixed =
          trial === 0
            ? new Int8Array(problem.blocks.length).fill(FREE)
            : randomPartial(rnd, problem.blocks.length);
        const domain: Domain = { ...rootDomain(space), status: Int8Array.from(fixed) };
        const before = { kLow: Float64Array.from(domain.kLow), kHigh: Float64Array.from(domain.kHigh) };
        const feasible = new Propagator(space).run(domain);
        const completions = admissibleCompletions(problem, fixed);
        if (!feasible) {
          emptied++;
          expect(completions).toEqual([]);
          continue;
        }
        fixedByPropagation += domain.status.filter((s, i) => s !== fixed[i]).length;
        narrowed += domain.kLow.filter(
          (k, p) => k > before.kLow[p]! || domain.kHigh[p]! < before.kHigh[p]!,
        ).length;
        for (const accepted of completions) {
          domain.status.forEach((s, i) => {
            if (s === ACCEPTED) expect(accepted[i]).toBe(true);
            if (s === REJECTED) expect(accepted[i]).toBe(false);
          });
          const k = blockNetDemand(problem, accepted);
          problem.touched.forEach((t, p) => {
            expect(k[t]!).toBeGreaterThanOrEqual(domain.kLow[p]!);
            expect(k[t]!).toBeLessThanOrEqual(domain.kHigh[p]!);
          });
        }
      }
    }
    // Not vacuous: propagation fixed blocks, narrowed ranges and emptied domains along the way.
    expect(fixedByPropagation).toBeGreaterThan(50);
    expect(narrowed).toBeGreaterThan(50);
    expect(emptied).toBeGreaterThan(5);
  });

  it('aggregate admissibility: rejects at the root two blocks that the per-block rules leave free', () => {
    // Periods 0–1 clear at 18 and 23 ticks without blocks; k1 (buy 10 lots over both periods at 15) is
    // out of the money there, k2 (sell 19 lots in period 1 at 23) exactly at it. Either could be
    // admissible if other blocks moved the prices its way, so the per-block rules keep them free; but
    // no selection that accepts one of them has the surplus to pay for the price moves it needs.
    const { config, bids } = smallBlockAuction(50 * 7919, 5, true);
    const problem = prepareProblem(config, bids);
    const space = new BlockSpace(problem);
    const domain = rootDomain(space);
    expect(new Propagator(space).run(domain)).toBe(true);
    expect([...domain.status]).toEqual([FREE, REJECTED, REJECTED, FREE, FREE]);
    // The judge: no admissible selection accepts k1 or k2.
    const all = admissibleCompletions(problem, new Int8Array(5).fill(FREE));
    expect(all.length).toBeGreaterThan(1);
    for (const accepted of all) expect(accepted[1] || accepted[2]).toBe(false);
  });

  it('aggregate admissibility never removes an admissible selection: fixing part of one keeps it', () => {
    // For every admissible selection of small near-the-money auctions (where the inequality is tight
    // most often), fix a random part of it and propagate: the selection must survive, with its K.
    let checked = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const { config, bids } = smallBlockAuction(seed * 7919, 8, true);
      const problem = prepareProblem(config, bids);
      const space = new BlockSpace(problem);
      const propagator = new Propagator(space);
      const rnd = seededInts(seed);
      for (const accepted of admissibleCompletions(problem, new Int8Array(8).fill(FREE))) {
        const status = Int8Array.from(accepted, (a) => (rnd(0, 2) === 0 ? FREE : a ? ACCEPTED : REJECTED));
        const domain: Domain = { ...rootDomain(space), status };
        expect(propagator.run(domain)).toBe(true);
        domain.status.forEach((s, i) => {
          if (s !== FREE) expect(s === ACCEPTED).toBe(accepted[i]);
        });
        const k = blockNetDemand(problem, accepted);
        problem.touched.forEach((t, p) => {
          expect(k[t]!).toBeGreaterThanOrEqual(domain.kLow[p]!);
          expect(k[t]!).toBeLessThanOrEqual(domain.kHigh[p]!);
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('a sell and a buy that share periods: rules out limits that no one price vector meets for both', () => {
    // Two periods, each priced by one linear curve (about 1.75 ticks per lot of block net demand, 1 250
    // at K = 0). The sell (limit 1 250) needs the two prices to sum to at least 2 500, the buy (limit
    // 1 249) to at most 2 498: never both. The free blocks F (buy 400 lots) and G (sell 400 lots) keep
    // the price ranges wide, so with the sell accepted the buy alone is still admissible at its lowest
    // prices and the sell at its highest: judged one block at a time, the buy stays free.
    const config = { periods: 2, priceMinTicks: -50_000, priceMaxTicks: 300_000, maxQuantityLots: 10_000 };
    const bids: AuctionBid[] = [0, 1].map((t) =>
      curve(
        `c${t}`,
        t,
        [
          [-500, 1000],
          [3000, -1000],
        ],
        'linear',
      ),
    );
    bids.push(block('s', 'sell', 0, 1, 1250, 10), block('u', 'buy', 0, 1, 1249, 10));
    bids.push(block('F', 'buy', 0, 1, 3000, 400), block('G', 'sell', 0, 1, -500, 400));
    const problem = prepareProblem(config, bids);
    const space = new BlockSpace(problem);
    const both: Domain = { ...rootDomain(space), status: Int8Array.from([ACCEPTED, ACCEPTED, FREE, FREE]) };
    expect(new Propagator(space).run(both)).toBe(false);
    // With the sell accepted, the buy is rejected at once, the free blocks left as they are.
    const sellOnly: Domain = { ...rootDomain(space), status: Int8Array.from([ACCEPTED, FREE, FREE, FREE]) };
    expect(new Propagator(space).run(sellOnly)).toBe(true);
    expect(sellOnly.status[1]).toBe(REJECTED);
    // The judge: admissible selections exist, none accepts both.
    const all = admissibleCompletions(problem, new Int8Array(4).fill(FREE));
    expect(all.some((a) => a[0])).toBe(true);
    expect(all.some((a) => a[1])).toBe(true);
    for (const accepted of all) expect(accepted[0] && accepted[1]).toBe(false);
  });

  it('a free block whose rejection would break an accepted pair is accepted', () => {
    // Three periods priced as above. The sell s (periods 0–2, limit 1 250) and the buy u (periods 1–2,
    // limit 1 250) share periods 1–2, so together they need period 0's price at least 3 750 − 2 500 =
    // 1 250; only the free buy b (period 0, 200 lots) lifts it there. Alone, s is admissible at its best
    // prices without b (F keeps periods 1–2 high), so one block at a time b stays free.
    const config = { periods: 3, priceMinTicks: -50_000, priceMaxTicks: 300_000, maxQuantityLots: 10_000 };
    const bids: AuctionBid[] = [0, 1, 2].map((t) =>
      curve(
        `c${t}`,
        t,
        [
          [-500, 1000],
          [3000, -1000],
        ],
        'linear',
      ),
    );
    bids.push(block('s', 'sell', 0, 2, 1250, 10), block('u', 'buy', 1, 2, 1250, 10));
    bids.push(block('b', 'buy', 0, 0, 3000, 200));
    bids.push(block('F', 'buy', 1, 2, 3000, 400), block('G', 'sell', 1, 2, -500, 400));
    const problem = prepareProblem(config, bids);
    const space = new BlockSpace(problem);
    const domain: Domain = {
      ...rootDomain(space),
      status: Int8Array.from([ACCEPTED, ACCEPTED, FREE, FREE, FREE]),
    };
    expect(new Propagator(space).run(domain)).toBe(true);
    expect(domain.status[2]).toBe(ACCEPTED);
    // The judge: selections with s and u exist, and all of them accept b.
    const both = admissibleCompletions(problem, Int8Array.from([ACCEPTED, ACCEPTED, FREE, FREE, FREE]));
    expect(both.length).toBeGreaterThan(0);
    for (const accepted of both) expect(accepted[2]).toBe(true);
  });
});
