// The report of a tournament: the leaderboard with its intervals, PoP with intervals, the pairwise
// significance matrix (Holm-adjusted Wilcoxon p-values) and the per-size z-scores.
import { type ChartSpec, htmlTable, type ReportPage } from '../evaluation/index.js';
import type { Leaderboard } from './leaderboard.js';
import type { Interval } from './stats/bootstrap.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * One row per entrant in the leaderboard's order (`rows` come in it): sorted by the mean, entrants
 * of equal means (two idle ones, 0 € each) came in the chart's own order, not the table's, and
 * entrants the ordinal ranks otherwise than their mean swapped places between table and chart.
 */
function intervalChart(
  title: string,
  rows: { entrant: string; i: Interval }[],
  xTitle: string,
  scale = 1,
): Record<string, unknown> {
  const values = rows
    .filter((r) => r.i.mean !== null)
    .map((r) => ({
      entrant: r.entrant,
      mean: r.i.mean! * scale,
      lo: (r.i.lo ?? r.i.mean!) * scale,
      hi: (r.i.hi ?? r.i.mean!) * scale,
    }));
  return {
    $schema: SCHEMA,
    title,
    width: 700,
    height: { step: 28 },
    data: { values },
    encoding: {
      y: { field: 'entrant', type: 'nominal', sort: rows.map((r) => r.entrant), title: null },
    },
    layer: [
      {
        mark: { type: 'rule' },
        encoding: { x: { field: 'lo', type: 'quantitative', title: xTitle }, x2: { field: 'hi' } },
      },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: { x: { field: 'mean', type: 'quantitative' } },
      },
    ],
  };
}

export function tournamentCharts(b: Leaderboard): ChartSpec[] {
  const names = b.rows.map((r) => r.entrant);
  const matrix = names.flatMap((a) =>
    names.map((c) => {
      const t = b.pairwise.find((x) => (x.a === a && x.b === c) || (x.a === c && x.b === a));
      return { row: a, column: c, p: a === c ? null : (t?.pHolm ?? null) };
    }),
  );
  const z = b.rows.flatMap((r) =>
    Object.entries(r.zBySize).map(([size, v]) => ({ entrant: r.entrant, size: `size ${size}`, z: v })),
  );
  return [
    {
      id: 'leaderboard',
      title: `Mean ${b.metric === 'profit' ? 'profit' : 'SoC-neutral profit'} per game with paired bootstrap 95 % intervals`,
      spec: intervalChart(
        '',
        b.rows.map((r) => ({ entrant: r.entrant, i: r.metric })),
        'EUR per game',
      ),
    },
    {
      id: 'pop',
      title: 'Multi-market PoP with paired bootstrap 95 % intervals',
      spec: intervalChart(
        '',
        b.rows.map((r) => ({ entrant: r.entrant, i: r.popMultiMarket })),
        'PoP (%)',
        100,
      ),
    },
    {
      id: 'significance',
      title: 'Pairwise Wilcoxon signed-rank tests, Holm-adjusted p-values',
      spec: {
        $schema: SCHEMA,
        width: { step: 60 },
        height: { step: 28 },
        data: { values: matrix },
        encoding: {
          x: { field: 'column', type: 'nominal', sort: names, title: null },
          y: { field: 'row', type: 'nominal', sort: names, title: null },
        },
        layer: [
          {
            mark: 'rect',
            encoding: {
              color: {
                field: 'p',
                type: 'quantitative',
                scale: { domain: [0, 0.05, 1], range: ['#1a9850', '#fee08b', '#f7f7f7'] },
                title: 'p (Holm)',
              },
            },
          },
          {
            transform: [{ filter: 'datum.p !== null' }],
            mark: { type: 'text', fontSize: 11 },
            encoding: { text: { field: 'p', type: 'quantitative', format: '.3f' } },
          },
        ],
      },
    },
    {
      id: 'z-scores',
      title: 'Per-game-size z-scores (Power TAC style)',
      spec: {
        $schema: SCHEMA,
        width: 700,
        height: { step: 20 },
        data: { values: z },
        mark: 'bar',
        encoding: {
          y: { field: 'entrant', type: 'nominal', sort: names, title: null },
          yOffset: { field: 'size', type: 'nominal' },
          x: { field: 'z', type: 'quantitative', title: 'mean z' },
          color: { field: 'size', type: 'nominal', title: null },
        },
      },
    },
  ];
}

export function tournamentReport(b: Leaderboard): ReportPage {
  const ci = (i: Interval, scale = 1, d = 0) =>
    i.mean === null
      ? null
      : `${(i.mean * scale).toFixed(d)} [${((i.lo ?? i.mean) * scale).toFixed(d)}, ${((i.hi ?? i.mean) * scale).toFixed(d)}]`;
  return {
    title: `Tournament ${b.tournament}`,
    subtitle: `${b.games} games in ${b.cells} duplicate cells · ranked by OpenSkill ordinal (μ − 3σ) · intervals: paired bootstrap, ${b.resamples} resamples`,
    sections: [
      htmlTable(
        [
          '#',
          'entrant',
          'games',
          `${b.metric} € [95 % CI]`,
          'PoP multi % [95 % CI]',
          'μ',
          'σ',
          'ordinal',
          'z',
        ],
        b.rows.map((r) => [
          r.rank,
          r.entrant,
          r.games,
          ci(r.metric),
          ci(r.popMultiMarket, 100, 1),
          r.mu.toFixed(2),
          r.sigma.toFixed(2),
          r.ordinal.toFixed(2),
          r.zOverall.toFixed(2),
        ]),
      ),
    ],
    charts: tournamentCharts(b),
  };
}
