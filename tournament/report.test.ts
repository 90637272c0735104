// The tournament report's interval charts list the entrants in the leaderboard table's order. They
// sorted by the mean: two entrants of equal mean profit (idle ones, 0 € each) came in the chart's
// own order, and leaderboard.png showed them the other way round from the table above it.

import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import type { Leaderboard, LeaderboardRow } from './leaderboard.js';
import { tournamentCharts } from './report.js';

const interval = (mean: number) => ({ mean, lo: mean - 1, hi: mean + 1, n: 2 });

function row(rank: number, entrant: string, profit: number, ordinal: number): LeaderboardRow {
  return {
    rank,
    entrant,
    games: 4,
    metric: interval(profit),
    profitEur: interval(profit),
    socNeutralProfitEur: interval(profit),
    popMultiMarket: interval(profit / 1000),
    mu: ordinal + 3,
    sigma: 1,
    ordinal,
    zBySize: { '2': 0 },
    zOverall: 0,
  };
}

/** The entrants from the top of the chart down, as Vega lays out its y scale. */
async function yOrder(spec: Record<string, unknown>): Promise<string[]> {
  const view = new View(parse(compile(spec as never).spec), { renderer: 'none' });
  await view.runAsync();
  const order = view.scale('y').domain() as string[];
  view.finalize();
  return order;
}

describe('tournamentCharts', () => {
  // The table's order: by ordinal. "zeta" and "alpha" have the same mean profit; the ordinal puts
  // zeta first. "mid" has the higher mean profit but the lower ordinal.
  const board: Leaderboard = {
    tournament: 't',
    metric: 'profit',
    games: 8,
    cells: 2,
    resamples: 2000,
    rows: [row(1, 'zeta', 0, 2.5), row(2, 'alpha', 0, 1.5), row(3, 'mid', 50, 0.5)],
    pairwise: [],
    separated: false,
  };

  it('lists the entrants of the leaderboard and PoP charts in the table order', async () => {
    const charts = tournamentCharts(board);
    for (const id of ['leaderboard', 'pop']) {
      const chart = charts.find((c) => c.id === id)!;
      expect(await yOrder(chart.spec), id).toEqual(['zeta', 'alpha', 'mid']);
    }
  });
});
