// When adaptive scheduling stops: the top-k intervals must be separated, and an interval over one
// cell (a point: the bootstrap of one value) does not count — a one-seed adaptive tournament
// stopped at once, its "separated" table resting on one world.
import { describe, expect, it } from 'vitest';
import { type LeaderboardRow, topKSeparated } from './leaderboard.js';

const row = (entrant: string, mean: number, lo: number, hi: number, n: number): LeaderboardRow => {
  const i = { mean, lo, hi, n };
  return {
    rank: 0,
    entrant,
    games: n,
    metric: i,
    profitEur: i,
    socNeutralProfitEur: i,
    popMultiMarket: i,
    mu: 25,
    sigma: 8,
    ordinal: 1,
    zBySize: {},
    zOverall: 0,
  };
};

describe('topKSeparated', () => {
  it('holds when each of the top k intervals lies strictly above the next', () => {
    const rows = [row('b', 100, 90, 110, 4), row('a', 200, 180, 220, 4), row('c', 0, -10, 95, 4)];
    expect(topKSeparated(rows, 1)).toBe(true);
    expect(topKSeparated(rows, 2)).toBe(false); // b's 90 is not above c's 95
  });

  it('does not count intervals over one cell, however far apart', () => {
    const rows = [row('a', 260, 260, 260, 1), row('b', 0, 0, 0, 1), row('c', -43, -43, -43, 1)];
    expect(topKSeparated(rows, 3)).toBe(false);
    expect(topKSeparated([row('a', 260, 250, 270, 2), row('b', 0, -5, 5, 2)], 1)).toBe(true);
  });
});
