// The tables a tournament and a study print end with what their intervals rest on. Over one
// duplicate cell (or one world seed) a bootstrap "95 % interval" is a point — [260, 260] — which
// reads as certainty; the table says so instead of letting it pass for one.
import { describe, expect, it } from 'vitest';
import type { Leaderboard } from '../tournament/index.js';
import { formatStudy } from './commands/study.js';
import { formatLeaderboard } from './leaderboard-table.js';

const board = (cells: number): Leaderboard => ({
  tournament: 't',
  metric: 'socNeutralProfit',
  games: 3 * cells,
  cells,
  resamples: 2000,
  rows: [],
  pairwise: [],
  separated: false,
});

describe('interval notes', () => {
  it('a leaderboard over one duplicate cell says its intervals are points', () => {
    expect(formatLeaderboard(board(1))).toMatch(
      /\nOne duplicate cell: the intervals are points, not uncertainty; add seeds\.\n/,
    );
    expect(formatLeaderboard(board(2))).not.toMatch(/One duplicate cell/);
  });

  it('a study over one world seed says its intervals are points', () => {
    const summary = (seeds: number) => ({
      study: 's',
      metric: 'socNeutralProfit' as const,
      seeds,
      resamples: 2000,
      variants: [],
      sizeCurve: [],
      fleetCurve: [],
    });
    expect(formatStudy(summary(1))).toMatch(
      /\nOne world seed: the intervals are points, not uncertainty; add seeds\.$/,
    );
    expect(formatStudy(summary(3))).not.toMatch(/One world seed/);
  });
});
