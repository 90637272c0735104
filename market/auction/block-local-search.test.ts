import { describe, expect, it } from 'vitest';
import { LocalSearch } from './block-local-search.js';
import { BlockSpace } from './block-space.js';
import { evaluateSelection, isAdmissible, prepareProblem } from './problem.js';
import { seededInts, smallBlockAuction } from './test-helpers.js';

// The local search judges moves incrementally (only the periods a move touches are re-cleared). The
// judge here is the exact evaluation of the whole selection (evaluateSelection): a proposed move must be
// admissible with exactly the welfare and volume change it claims, and "no move" must mean that no
// single flip and no flip of two overlapping blocks is admissible and better.

function flipped(selection: readonly boolean[], flips: readonly number[]): boolean[] {
  const out = [...selection];
  for (const i of flips) out[i] = !out[i];
  return out;
}

describe('LocalSearch', () => {
  it('proposes only admissible improvements, with their exact welfare change, and misses none', () => {
    let moves = 0;
    let localOptima = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const { config, bids } = smallBlockAuction(seed * 48_271, 10, seed % 2 === 0);
      const problem = prepareProblem(config, bids);
      const space = new BlockSpace(problem);
      const search = new LocalSearch(space);
      const n = problem.blocks.length;
      const rnd = seededInts(seed);
      // Hill-climb from a few admissible starts: the empty selection and repaired random ones.
      const starts = [problem.blocks.map(() => false)];
      for (let s = 0; s < 3; s++) {
        const repaired = search.repair(problem.blocks.map(() => rnd(0, 1) === 1));
        if (repaired) starts.push(repaired);
      }
      for (const start of starts) {
        let current = evaluateSelection(problem, start);
        expect(isAdmissible(current)).toBe(true);
        for (let step = 0; step < 4 * n; step++) {
          let claimed = { dValue: 0, dVolume: 0 };
          const better = (dValue: number, dVolume: number) => {
            claimed = { dValue, dVolume };
            return dValue > 0.5;
          };
          const move = search.findMove(current.accepted, better);
          if (move === null) {
            // No single flip nor overlapping pair improves the welfare.
            for (let i = 0; i < n; i++) {
              const flips = [[i], ...[...space.overlaps[i]!].filter((j) => j > i).map((j) => [i, j])];
              for (const f of flips) {
                const e = evaluateSelection(problem, flipped(current.accepted, f));
                expect(isAdmissible(e) && e.value > current.value + 0.5).toBe(false);
              }
            }
            localOptima++;
            break;
          }
          const next = evaluateSelection(problem, flipped(current.accepted, move.flips));
          expect(isAdmissible(next)).toBe(true);
          expect(next.value - current.value).toBe(claimed.dValue);
          expect(next.volume - current.volume).toBe(claimed.dVolume);
          current = next;
          moves++;
        }
      }
    }
    expect(moves).toBeGreaterThan(50);
    expect(localOptima).toBeGreaterThan(60);
  });

  it('repair keeps a subset of the blocks and makes the selection admissible (or gives up: null)', () => {
    let dropped = 0;
    let repairedCount = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { config, bids } = smallBlockAuction(seed * 69_621, 12, true);
      const problem = prepareProblem(config, bids);
      const search = new LocalSearch(new BlockSpace(problem));
      const all = problem.blocks.map(() => true);
      const start = evaluateSelection(problem, all);
      const repaired = search.repair(all);
      if (!start.feasible) {
        expect(repaired).toBeNull();
        continue;
      }
      // Null when dropping a block leaves a period unable to clear (its opposite was absorbing it).
      if (repaired === null) continue;
      expect(isAdmissible(evaluateSelection(problem, repaired))).toBe(true);
      dropped += repaired.filter((a) => !a).length;
      repairedCount++;
    }
    expect(repairedCount).toBeGreaterThan(20);
    expect(dropped).toBeGreaterThan(40);
  });

  // The search remembers a repair's end point for every selection the drops pass through
  // (block-selection-memo.ts); that is only right if a repair started there, afresh, ends in the same place.
  it('repair from any selection its drops pass through ends where it ends; a known end point stops it', () => {
    let passed = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { config, bids } = smallBlockAuction(seed * 69_621, 12, true);
      const problem = prepareProblem(config, bids);
      const search = new LocalSearch(new BlockSpace(problem));
      const rnd = seededInts(seed);
      for (let s = 0; s < 4; s++) {
        const start = problem.blocks.map(() => rnd(0, 2) > 0);
        const path: boolean[][] = [];
        const end = search.repair(start, -1, (current) => {
          path.push([...current]);
          return undefined;
        });
        for (const state of path) expect(search.repair(state)).toEqual(end);
        passed += path.length;
        if (path.length === 0) continue;
        // An end point known for the first selection reached is returned as it is (a copy).
        const told = problem.blocks.map((_, i) => i === 0);
        let asked = 0;
        const stopped = search.repair(start, -1, () => {
          asked++;
          return told;
        });
        expect(asked).toBe(1);
        expect(stopped).toEqual(told);
        expect(stopped).not.toBe(told);
        expect(search.repair(start, -1, () => null)).toBeNull();
      }
    }
    expect(passed).toBeGreaterThan(100);
  });
});
