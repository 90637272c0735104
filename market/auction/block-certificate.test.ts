import { describe, expect, it } from 'vitest';
import { certifyNothingAdmissible } from './block-certificate.js';
import { type Domain, Propagator } from './block-domain.js';
import { BlockSpace } from './block-space.js';
import { type Evaluation, evaluateSelection, isAdmissible, isBetter, prepareProblem } from './problem.js';
import { smallBlockAuction } from './test-helpers.js';

// The propagation-only proof that accepting no block is the only admissible selection, against the
// enumeration of every subset (evaluateSelection is the judge).

/** A propagator that counts its runs. */
class CountingPropagator extends Propagator {
  runs = 0;
  override run(domain: Domain): boolean {
    this.runs++;
    return super.run(domain);
  }
}

describe('certifyNothingAdmissible', () => {
  it('"none" exactly when no nonempty selection is admissible; a finished dive gives the best one ("best")', () => {
    const seen = { none: 0, best: 0 };
    for (let seed = 1; seed <= 200; seed++) {
      const { config, bids } = smallBlockAuction(seed * 104_729, 3 + (seed % 7), seed % 4 !== 0);
      const problem = prepareProblem(config, bids);
      const space = new BlockSpace(problem);
      const outcome = certifyNothingAdmissible(space, new Propagator(space), 1_000_000);
      const n = problem.blocks.length;
      let nonemptyAdmissible = 0;
      let best: Evaluation | null = null;
      for (let mask = 1; mask < 2 ** n; mask++) {
        const accepted = Array.from({ length: n }, (_, i) => (mask & (1 << i)) !== 0);
        const e = evaluateSelection(problem, accepted);
        if (!isAdmissible(e)) continue;
        nonemptyAdmissible++;
        if (best === null || isBetter(problem, e, best)) best = e;
      }
      expect(outcome.kind).not.toBe('budget');
      if (outcome.kind === 'none') {
        seen.none++;
        expect(nonemptyAdmissible).toBe(0);
      } else {
        // The dive (an eighth of the budget) covers these small trees: it met every admissible
        // selection, keeps the best nonempty one and says that it is the best.
        expect(outcome.kind).toBe('best');
        if (outcome.kind !== 'best') continue;
        seen.best++;
        expect(nonemptyAdmissible).toBeGreaterThan(0);
        expect(outcome.selection.accepted).toEqual(best!.accepted);
      }
    }
    // Not vacuous: both answers occur.
    expect(seen.none).toBeGreaterThan(5);
    expect(seen.best).toBeGreaterThan(5);
  });

  it('a dive that met a selection goes on past its share and, finishing its tree, answers "best"', () => {
    // A share of 20 propagations: where the dive meets a selection within it, it goes on (to half the
    // budget, then to its end while enough of the tree is done) instead of stopping with that selection.
    const budget = 1_000_000;
    const share = 20 / budget;
    let wentOn = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const { config, bids } = smallBlockAuction(seed * 104_729, 3 + (seed % 7), seed % 4 !== 0);
      const problem = prepareProblem(config, bids);
      const space = new BlockSpace(problem);
      const counting = new CountingPropagator(space);
      const outcome = certifyNothingAdmissible(space, counting, budget, 2_000, share);
      if (outcome.kind !== 'best') continue;
      const whole = certifyNothingAdmissible(space, new Propagator(space), budget);
      expect(whole.kind).toBe('best');
      if (whole.kind === 'best') expect(outcome.selection.accepted).toEqual(whole.selection.accepted);
      if (counting.runs > 20) wentOn++;
    }
    expect(wentOn).toBeGreaterThan(5);
  });

  it('gives up half-way through its budget when less than three quarters of the tree is done', () => {
    // A propagator that counts its runs. With 8 propagations (and the estimate allowed on so few), a
    // search that gives up early stops after exactly 4; whatever it answers within the budget must
    // still be right. With the default, 8 is too few to estimate: never before the budget is spent. (No
    // dive here: on so few propagations it answers most of these auctions by itself.)
    class Counting extends Propagator {
      runs = 0;
      override run(domain: Domain): boolean {
        this.runs++;
        return super.run(domain);
      }
    }
    const seen = { halfway: 0, full: 0, answered: 0 };
    for (let seed = 1; seed <= 80; seed++) {
      const { config, bids } = smallBlockAuction(seed * 15_485_863, 12 + (seed % 3), true);
      const problem = prepareProblem(config, bids);
      const space = new BlockSpace(problem);
      const counting = new Counting(space);
      const outcome = certifyNothingAdmissible(space, counting, 8, 0, 0);
      if (outcome.kind === 'budget') {
        expect([4, 8]).toContain(counting.runs);
        if (counting.runs === 4) seen.halfway++;
        else seen.full++;
        continue;
      }
      seen.answered++;
      const unlimited = certifyNothingAdmissible(space, new Propagator(space), 1_000_000);
      expect(unlimited.kind).not.toBe('budget');
      if (outcome.kind === 'none') expect(unlimited.kind).toBe('none');
      else expect(isAdmissible(evaluateSelection(problem, outcome.selection.accepted))).toBe(true);
    }
    for (let seed = 1; seed <= 20; seed++) {
      const { config, bids } = smallBlockAuction(seed * 15_485_863, 12 + (seed % 3), true);
      const space = new BlockSpace(prepareProblem(config, bids));
      const counting = new Counting(space);
      if (certifyNothingAdmissible(space, counting, 8).kind === 'budget') expect(counting.runs).toBe(8);
    }
    // Not vacuous: both ways of running out, and answers within the budget, occur.
    expect(seen.halfway).toBeGreaterThan(3);
    expect(seen.full).toBeGreaterThan(3);
    expect(seen.answered).toBeGreaterThan(3);
  });

  it('the dive (rejecting first) stopped anywhere: the search resumes without losing or redoing a subtree', () => {
    // The dive on k propagations, then the search proper from the root, skipping what the dive finished:
    // the answer must be the plain search's ("none" exactly when it is), and without a selection the
    // propagations at most the plain search's plus the dive's path re-propagated (one per depth). A
    // propagator that narrows nothing makes the trees large enough to stop the dive deep inside them
    // (the leaves are still judged exactly, so the answers stay right).
    class Counting extends Propagator {
      runs = 0;
      override run(_domain: Domain): boolean {
        this.runs++;
        return true;
      }
    }
    const budget = 1_000_000;
    const seen = { none: 0, found: 0, resumed: 0 };
    for (let seed = 1; seed <= 100; seed++) {
      const { config, bids } = smallBlockAuction(seed * 104_729, 3 + (seed % 7), seed % 4 !== 0);
      const problem = prepareProblem(config, bids);
      const space = new BlockSpace(problem);
      const plainCount = new Counting(space);
      const plain = certifyNothingAdmissible(space, plainCount, budget, Number.POSITIVE_INFINITY, 0);
      expect(plain.kind).not.toBe('budget');
      seen[plain.kind === 'none' ? 'none' : 'found']++;
      for (const k of [1, 2, 3, 5, 8, 13, 21, 34, 55, 89]) {
        const counting = new Counting(space);
        const outcome = certifyNothingAdmissible(
          space,
          counting,
          budget,
          Number.POSITIVE_INFINITY,
          k / budget,
        );
        if (counting.runs > k) seen.resumed++;
        if (plain.kind === 'none') {
          expect(outcome.kind).toBe('none');
          expect(counting.runs).toBeLessThanOrEqual(plainCount.runs + space.blocks.length);
        } else {
          // Found by the search proper, or by a dive that finished its tree within its share.
          expect(outcome.kind === 'found' || outcome.kind === 'best').toBe(true);
          if (outcome.kind === 'found' || outcome.kind === 'best')
            expect(isAdmissible(evaluateSelection(problem, outcome.selection.accepted))).toBe(true);
        }
      }
    }
    // Not vacuous: both answers, and the search resuming after the dive.
    expect(seen.none).toBeGreaterThan(5);
    expect(seen.found).toBeGreaterThan(5);
    expect(seen.resumed).toBeGreaterThan(50);
  });

  it('stops when the budget is spent, without an answer', () => {
    const { config, bids } = smallBlockAuction(7 * 104_729, 9, true);
    const space = new BlockSpace(prepareProblem(config, bids));
    expect(certifyNothingAdmissible(space, new Propagator(space), 1).kind).toBe('budget');
  });
});
