import { describe, expect, it } from 'vitest';
import { ACCEPTED, branch, type Domain, FREE, Propagator, REJECTED, rootDomain } from './block-domain.js';
import { PriceRelaxation, ROOT_SMOOTHING } from './block-relaxation.js';
import { BlockSpace } from './block-space.js';
import { evaluateSelection, isAdmissible, type Problem, prepareProblem } from './problem.js';
import { curve, seededInts, smallBlockAuction } from './test-helpers.js';
import type { AuctionBid } from './types.js';

// The price bound must hold for every price vector, not only for the one the solver finds: that is what
// makes the search exact. Checked against the best admissible completion (by enumeration) of random
// partial selections, with step and with linear curves.

function bestAdmissible(problem: Problem, fixed: Int8Array): number {
  const free = [...fixed.keys()].filter((i) => fixed[i] === FREE);
  let best = Number.NEGATIVE_INFINITY;
  for (let mask = 0; mask < 2 ** free.length; mask++) {
    const accepted = [...fixed].map((s) => s === ACCEPTED);
    free.forEach((i, bit) => {
      accepted[i] = (mask & (1 << bit)) !== 0;
    });
    const e = evaluateSelection(problem, accepted);
    if (isAdmissible(e)) best = Math.max(best, e.value);
  }
  return best;
}

/** The small auction with every curve made linear between the same points. */
function linearised(bids: AuctionBid[]): AuctionBid[] {
  return bids.map((b) =>
    b.kind === 'curve'
      ? curve(
          b.bidId,
          b.period,
          b.points.map((p) => [p.priceTicks, p.quantityLots]),
          'linear',
        )
      : b,
  );
}

describe('PriceRelaxation', () => {
  for (const interpolation of ['step', 'linear'] as const) {
    it(`${interpolation} curves: g(λ) >= the best admissible completion, for the solved λ and for random λ`, () => {
      let tight = 0;
      for (let seed = 1; seed <= 25; seed++) {
        const small = smallBlockAuction(seed * 40_503, 8, seed % 2 === 0);
        const bids = interpolation === 'step' ? small.bids : linearised(small.bids);
        const problem = prepareProblem(small.config, bids);
        const space = new BlockSpace(problem);
        const rnd = seededInts(seed);
        for (let trial = 0; trial < 3; trial++) {
          const fixed = Int8Array.from(problem.blocks, () => {
            const r = rnd(0, 9);
            return trial === 0 || r >= 4 ? FREE : r < 2 ? ACCEPTED : REJECTED;
          });
          const domain: Domain = { ...rootDomain(space), status: Int8Array.from(fixed) };
          if (!new Propagator(space).run(domain)) continue;
          const best = bestAdmissible(problem, fixed);
          const slack = 1e-9 * (1 + Math.abs(best));
          const relaxation = new PriceRelaxation(space, domain);
          const bound = relaxation.solve(ROOT_SMOOTHING, Number.NEGATIVE_INFINITY);
          expect(bound).toBeGreaterThanOrEqual(best - slack);
          if (bound - best < 1) tight++;
          for (let r = 0; r < 5; r++) {
            const lambda = Float64Array.from(
              space.aggregates,
              () => rnd(small.config.priceMinTicks * 10, small.config.priceMaxTicks * 10) / 10,
            );
            const any = new PriceRelaxation(space, domain, lambda, []);
            expect(any.bound()).toBeGreaterThanOrEqual(best - slack);
          }
        }
      }
      // The solved bound is often exactly the optimum (the relaxation is tight).
      expect(tight).toBeGreaterThan(20);
    });
  }

  it('bound() is the same number after other relaxations of the space (its per-period memo keys on λ and K range)', () => {
    let differing = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const { config, bids } = smallBlockAuction(seed * 911, 8, seed % 2 === 0);
      const problem = prepareProblem(config, bids);
      const shared = new BlockSpace(problem);
      const rnd = seededInts(seed);
      const wide = rootDomain(shared);
      const narrow: Domain = {
        ...rootDomain(shared),
        status: Int8Array.from(problem.blocks, () => (rnd(0, 2) === 0 ? ACCEPTED : FREE)),
      };
      if (!new Propagator(shared).run(narrow)) continue;
      for (let r = 0; r < 4; r++) {
        const lambda = Float64Array.from(
          shared.aggregates,
          () => rnd(config.priceMinTicks * 10, config.priceMaxTicks * 10) / 10,
        );
        const before = new PriceRelaxation(shared, wide, lambda, []).bound();
        const after = new PriceRelaxation(shared, narrow, lambda, []).bound();
        const fresh = new PriceRelaxation(new BlockSpace(problem), narrow, lambda, []).bound();
        expect(after).toBe(fresh);
        if (after !== before) differing++;
      }
    }
    // The narrower K ranges do change the bound at the same prices (else the check above proves little).
    expect(differing).toBeGreaterThan(10);
  });

  // The branch-and-bound's nodes between relaxations bound themselves by boundOn at their ancestor's λ.
  it('boundOn(descendant) at the ancestor’s λ bounds the descendant’s completions, is at most g(λ), and is g(λ) on the same domain', () => {
    let lower = 0;
    let checked = 0;
    for (const interpolation of ['step', 'linear'] as const)
      for (let seed = 1; seed <= 25; seed++) {
        const small = smallBlockAuction(seed * 52_361, 8, seed % 2 === 0);
        const bids = interpolation === 'step' ? small.bids : linearised(small.bids);
        const problem = prepareProblem(small.config, bids);
        const space = new BlockSpace(problem);
        const propagator = new Propagator(space);
        const rnd = seededInts(seed);
        const ancestor = rootDomain(space);
        if (!propagator.run(ancestor)) continue;
        const relaxation = new PriceRelaxation(space, ancestor);
        const g = relaxation.solve(ROOT_SMOOTHING, Number.NEGATIVE_INFINITY);
        expect(relaxation.boundOn(ancestor)).toBe(g);
        for (let trial = 0; trial < 4; trial++) {
          // A descendant: one to three more blocks fixed, propagated.
          let child: Domain = ancestor;
          for (let d = 0; d < rnd(1, 3); d++) {
            const free = [...child.status.keys()].filter((i) => child.status[i] === FREE);
            if (free.length === 0) break;
            child = branch(child, free[rnd(0, free.length - 1)]!, rnd(0, 1) === 1 ? ACCEPTED : REJECTED);
          }
          if (child === ancestor || !propagator.run(child)) continue;
          const best = bestAdmissible(problem, child.status);
          const atLambda = relaxation.boundOn(child);
          expect(atLambda).toBeGreaterThanOrEqual(best - 1e-9 * (1 + Math.abs(best)));
          expect(atLambda).toBeLessThanOrEqual(g + 1e-9 * (1 + Math.abs(g)));
          if (atLambda < g - 0.5) lower++;
          checked++;
        }
      }
    expect(checked).toBeGreaterThan(100);
    // Fixing blocks does lower the bound at the same λ (else the search gains nothing from it).
    expect(lower).toBeGreaterThan(20);
  });

  it('with every block fixed, the solved bound is the selection’s welfare', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { config, bids } = smallBlockAuction(seed * 7, 6, seed % 2 === 0);
      const problem = prepareProblem(config, bids);
      const space = new BlockSpace(problem);
      const rnd = seededInts(seed);
      const accepted = problem.blocks.map(() => rnd(0, 1) === 1);
      const e = evaluateSelection(problem, accepted);
      const domain: Domain = {
        ...rootDomain(space),
        status: Int8Array.from(accepted, (a) => (a ? ACCEPTED : REJECTED)),
      };
      if (!new Propagator(space).run(domain)) {
        expect(isAdmissible(e)).toBe(false);
        continue;
      }
      const bound = new PriceRelaxation(space, domain).solve(ROOT_SMOOTHING, Number.NEGATIVE_INFINITY);
      expect(bound).toBeCloseTo(e.value, 6);
    }
  });
});
