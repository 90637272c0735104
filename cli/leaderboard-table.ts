// The leaderboard printed at the end of a tournament; everything is also in its files.
import type { Interval, Leaderboard } from '../tournament/index.js';
import { type Column, fixed, textTable } from './text-table.js';

const ci = (i: Interval, digits = 0, scale = 1) =>
  i.mean === null
    ? '–'
    : `${fixed(i.mean * scale, digits)} [${i.lo === null ? '?' : fixed(i.lo * scale, digits)}, ${i.hi === null ? '?' : fixed(i.hi * scale, digits)}]`;

export function formatLeaderboard(b: Leaderboard): string {
  const sizes = [...new Set(b.rows.flatMap((r) => Object.keys(r.zBySize)))].sort(
    (x, y) => Number(x) - Number(y),
  );
  const table = textTable([
    ['#', 'right'],
    ['entrant', 'left'],
    ['games', 'right'],
    [`${b.metric === 'profit' ? 'profit' : 'SoC-neutral profit'} € [95 % CI]`, 'right'],
    ['PoP multi % [95 % CI]', 'right'],
    ['μ', 'right'],
    ['σ', 'right'],
    ['ordinal', 'right'],
    ...sizes.map((k): Column => [`z (${k})`, 'right']),
  ]);
  for (const r of b.rows)
    table.push([
      r.rank,
      r.entrant,
      r.games,
      ci(r.metric),
      ci(r.popMultiMarket, 1, 100),
      fixed(r.mu, 2),
      fixed(r.sigma, 2),
      fixed(r.ordinal, 2),
      ...sizes.map((k) => (r.zBySize[k] === undefined ? '–' : fixed(r.zBySize[k]!, 2))),
    ]);
  const sig = b.pairwise.filter((p) => p.pHolm < 0.05);
  const lines = [
    table.toString(),
    `${b.games} games in ${b.cells} duplicate cells; intervals: paired bootstrap, ${b.resamples} resamples; ranked by OpenSkill ordinal (μ − 3σ).`,
    // A bootstrap of one cell is that cell's value: its "interval" says nothing about luck.
    ...(b.cells === 1 ? ['One duplicate cell: the intervals are points, not uncertainty; add seeds.'] : []),
    sig.length === 0
      ? 'No pair differs significantly (Wilcoxon signed-rank, Holm-adjusted p < 0.05).'
      : `Significant pairs (Wilcoxon signed-rank, Holm p < 0.05): ${sig.map((p) => `${p.meanDifference! > 0 ? `${p.a} > ${p.b}` : `${p.b} > ${p.a}`} (p ${fixed(p.pHolm, 3)})`).join('; ')}`,
  ];
  return lines.join('\n');
}
