// The tournament's judgement from its game results: per entrant the mean metric, profit and PoP
// with paired bootstrap 95 % intervals over duplicate cells, OpenSkill ratings, per-size z-scores,
// and the pairwise Wilcoxon/Holm matrix. A pure function of the results (and the tournament seed).
import { deriveSeed } from '../lib/index.js';
import type { TournamentConfig } from './config.js';
import type { GameResult, SeatResult } from './game.js';
import { type Interval, pairedBootstrap } from './stats/bootstrap.js';
import { type PairTest, pairwiseTests } from './stats/pairwise.js';
import { rateGames } from './stats/ratings.js';
import { zScoresBySize } from './stats/zscores.js';

export interface LeaderboardRow {
  rank: number;
  entrant: string;
  games: number;
  /** The ranking metric (profit or SoC-neutral profit, EUR per game). */
  metric: Interval;
  profitEur: Interval;
  socNeutralProfitEur: Interval;
  popMultiMarket: Interval;
  mu: number;
  sigma: number;
  ordinal: number;
  zBySize: Record<string, number>;
  zOverall: number;
}

export interface Leaderboard {
  tournament: string;
  metric: string;
  games: number;
  cells: number;
  resamples: number;
  rows: LeaderboardRow[];
  pairwise: PairTest[];
  /** Top-k ordered by mean metric with non-overlapping intervals. */
  separated: boolean;
}

const METRIC: Record<TournamentConfig['metric'], (s: SeatResult) => number> = {
  profit: (s) => s.profitEur,
  socNeutralProfit: (s) => s.socNeutralProfitEur,
};

/** cells × entrants: each entrant's mean of `f` over its games in the cell. */
function cellMatrix(
  results: readonly GameResult[],
  names: readonly string[],
  f: (s: SeatResult) => number | null,
): { cells: string[]; matrix: (number | null)[][] } {
  const cells = [...new Set(results.map((r) => r.cell))].sort();
  const at = new Map(cells.map((c, i) => [c, i]));
  const col = new Map(names.map((n, i) => [n, i]));
  const sums = cells.map(() => names.map(() => ({ s: 0, n: 0 })));
  for (const g of results)
    for (const s of g.seats) {
      const v = f(s);
      if (v === null) continue;
      const acc = sums[at.get(g.cell)!]![col.get(s.entrant)!]!;
      acc.s += v;
      acc.n++;
    }
  return { cells, matrix: sums.map((row) => row.map((a) => (a.n > 0 ? a.s / a.n : null))) };
}

export function leaderboard(t: TournamentConfig, results: readonly GameResult[]): Leaderboard {
  const ordered = [...results].sort((a, b) => a.index - b.index);
  // Entrants that played (explicit line-ups may leave some out).
  const played = new Set(ordered.flatMap((g) => g.seats.map((s) => s.entrant)));
  const names = t.entrants.map((e) => e.name).filter((n) => played.has(n));
  const metric = METRIC[t.metric];
  const boot = (f: (s: SeatResult) => number | null, stream: string) => {
    const { matrix } = cellMatrix(ordered, names, f);
    return pairedBootstrap(matrix, names.length, {
      resamples: t.bootstrap.resamples,
      seed: deriveSeed(t.seed, stream),
    });
  };
  // One stream for all figures: every figure resamples the same cells.
  const metricCi = boot(metric, 'bootstrap');
  const profitCi = boot((s) => s.profitEur, 'bootstrap');
  const neutralCi = boot((s) => s.socNeutralProfitEur, 'bootstrap');
  const popCi = boot((s) => s.popMultiMarket, 'bootstrap');
  const { cells, matrix } = cellMatrix(ordered, names, metric);
  const ratings = rateGames(
    names,
    ordered.map((g) => ({ seats: g.seats.map((s) => ({ entrant: s.entrant, value: metric(s) })) })),
  );
  const z = zScoresBySize(
    ordered.flatMap((g) => g.seats.map((s) => ({ size: g.size, entrant: s.entrant, value: metric(s) }))),
  );
  const rows = names
    .map((entrant, i) => ({
      rank: 0,
      entrant,
      games: ordered.filter((g) => g.seats.some((s) => s.entrant === entrant)).length,
      metric: metricCi[i]!,
      profitEur: profitCi[i]!,
      socNeutralProfitEur: neutralCi[i]!,
      popMultiMarket: popCi[i]!,
      ...ratings[entrant]!,
      zBySize: z.bySize[entrant] ?? {},
      zOverall: z.overall[entrant] ?? 0,
    }))
    .sort((a, b) => b.ordinal - a.ordinal || (b.metric.mean ?? 0) - (a.metric.mean ?? 0));
  for (const [i, r] of rows.entries()) r.rank = i + 1;
  return {
    tournament: t.name,
    metric: t.metric,
    games: ordered.length,
    cells: cells.length,
    resamples: t.bootstrap.resamples,
    rows,
    pairwise: pairwiseTests(names, matrix),
    separated: topKSeparated(rows, t.adaptive?.topK ?? 3),
  };
}

/**
 * Ordered by mean metric, each of the first k intervals lies strictly above the next one. An
 * interval over one cell is a point (a bootstrap of one value), which separates any two entrants
 * that differ at all: it takes two cells or more to count.
 */
export function topKSeparated(rows: readonly LeaderboardRow[], k: number): boolean {
  const byMean = [...rows].sort((a, b) => (b.metric.mean ?? -Infinity) - (a.metric.mean ?? -Infinity));
  for (let i = 0; i < Math.min(k, byMean.length - 1); i++) {
    const upper = byMean[i]!.metric;
    const lower = byMean[i + 1]!.metric;
    const { lo } = upper;
    const { hi } = lower;
    if (upper.n < 2 || lower.n < 2 || lo === null || hi === null || !(lo > hi)) return false;
  }
  return true;
}
