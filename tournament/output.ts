// The tournament's result files beside games.jsonl: leaderboard.json (everything), leaderboard.csv
// (one row per entrant), pairwise.csv (Holm-adjusted p-values as a matrix) and games.csv (one row
// per seat of every game).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GameResult } from './game.js';
import type { Leaderboard } from './leaderboard.js';

const cell = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(x));

export function leaderboardCsv(b: Leaderboard): string {
  const sizes = [...new Set(b.rows.flatMap((r) => Object.keys(r.zBySize)))].sort(
    (x, y) => Number(x) - Number(y),
  );
  const head = [
    'rank',
    'entrant',
    'games',
    'metricMean',
    'metricLo',
    'metricHi',
    'profitMean',
    'profitLo',
    'profitHi',
    'popMultiMarketMean',
    'popMultiMarketLo',
    'popMultiMarketHi',
    'mu',
    'sigma',
    'ordinal',
    ...sizes.map((k) => `zSize${k}`),
    'zOverall',
  ];
  const rows = b.rows.map((r) =>
    [
      r.rank,
      r.entrant,
      r.games,
      cell(r.metric.mean),
      cell(r.metric.lo),
      cell(r.metric.hi),
      cell(r.profitEur.mean),
      cell(r.profitEur.lo),
      cell(r.profitEur.hi),
      cell(r.popMultiMarket.mean),
      cell(r.popMultiMarket.lo),
      cell(r.popMultiMarket.hi),
      r.mu,
      r.sigma,
      r.ordinal,
      ...sizes.map((k) => cell(r.zBySize[k])),
      r.zOverall,
    ].join(','),
  );
  return `${[head.join(','), ...rows].join('\n')}\n`;
}

export function pairwiseCsv(b: Leaderboard): string {
  const names = b.rows.map((r) => r.entrant);
  const p = (a: string, c: string) => {
    if (a === c) return '';
    const t = b.pairwise.find((x) => (x.a === a && x.b === c) || (x.a === c && x.b === a));
    return cell(t?.pHolm);
  };
  return `${['entrant', ...names].join(',')}\n${names.map((a) => [a, ...names.map((c) => p(a, c))].join(',')).join('\n')}\n`;
}

export function gamesCsv(results: readonly GameResult[]): string {
  const head =
    'index,id,cell,scenario,size,seedIndex,seed,seat,entrant,profitEur,socNeutralProfitEur,popMultiMarket,popDayAhead,playedBy,tapeSha256';
  const rows = results.flatMap((g) =>
    g.seats.map((s) =>
      [
        g.index,
        g.id,
        g.cell,
        g.scenario,
        g.size,
        g.seedIndex,
        g.seed,
        s.seat,
        s.entrant,
        s.profitEur,
        s.socNeutralProfitEur,
        cell(s.popMultiMarket),
        cell(s.popDayAhead),
        g.playedBy,
        g.tapeSha256,
      ].join(','),
    ),
  );
  return `${[head, ...rows].join('\n')}\n`;
}

export function writeTournamentFiles(
  dir: string,
  board: Leaderboard,
  results: readonly GameResult[],
): string[] {
  const files: [string, string][] = [
    ['leaderboard.json', `${JSON.stringify(board, null, 2)}\n`],
    ['leaderboard.csv', leaderboardCsv(board)],
    ['pairwise.csv', pairwiseCsv(board)],
    ['games.csv', gamesCsv(results)],
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
