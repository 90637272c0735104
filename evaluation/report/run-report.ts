// The report of one run, from its scores: prices over the day (day-ahead, CID VWAP and range,
// imbalance), every agent's net position, SoC and cumulative profit, the profit split, and a table
// of the scores with PoP.
import type { RunScores } from '../scores.js';
import { type ChartSpec, htmlTable, type ReportPage } from './html-page.js';

const iso = (ms: number) => new Date(ms).toISOString();
const round = (x: number | null, d = 2) => (x === null ? null : Number(x.toFixed(d)));
const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? null : `${(x * 100).toFixed(1)} %`;

function timeLine(
  title: string,
  values: Record<string, unknown>[],
  y: string,
  color: string,
  yTitle: string,
): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 900,
    height: 260,
    title,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 't', type: 'temporal', title: 'delivery (UTC)' },
      y: { field: y, type: 'quantitative', title: yTitle },
      color: { field: color, type: 'nominal', title: null },
    },
  };
}

export function runReportCharts(s: RunScores): ChartSpec[] {
  const t = s.series.deliveryStartMs.map(iso);
  const prices: Record<string, unknown>[] = [];
  t.forEach((time, i) => {
    const add = (series: string, v: number | null | undefined) => {
      if (v !== null && v !== undefined && Number.isFinite(v)) prices.push({ t: time, series, eur: v });
    };
    add('day-ahead', s.series.dayAheadEur[i]);
    add('CID VWAP', s.series.cidVwapEur[i]);
    add('imbalance', s.series.imbalanceEur[i]);
  });
  const range = t.flatMap((time, i) =>
    s.series.cidLowEur[i] === null
      ? []
      : [{ t: time, low: s.series.cidLowEur[i], high: s.series.cidHighEur[i] }],
  );
  const agents = Object.entries(s.series.agents);
  const per = (f: (a: (typeof agents)[number][1], i: number) => number | null) =>
    agents.flatMap(([agent, a]) =>
      t.flatMap((time, i) => {
        const v = f(a, i);
        return v === null || !Number.isFinite(v) ? [] : [{ t: time, agent, v }];
      }),
    );
  const storage = new Set(s.agents.filter((a) => a.socStartMwh !== null).map((a) => a.agentId));
  const split = s.agents.flatMap((a) =>
    Object.entries(a.split)
      .filter(([, v]) => v !== 0)
      .map(([kind, eur]) => ({ agent: a.agentId, kind, eur })),
  );
  return [
    {
      id: 'prices',
      title: 'Prices: day-ahead, continuous intraday (VWAP and traded range), imbalance',
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: 900,
        height: 300,
        layer: [
          {
            data: { values: range },
            mark: { type: 'area', opacity: 0.2, interpolate: 'step-after' },
            encoding: {
              x: { field: 't', type: 'temporal', title: 'delivery (UTC)' },
              y: { field: 'low', type: 'quantitative', title: 'EUR/MWh' },
              y2: { field: 'high' },
            },
          },
          {
            data: { values: prices },
            mark: { type: 'line', interpolate: 'step-after' },
            encoding: {
              x: { field: 't', type: 'temporal' },
              y: { field: 'eur', type: 'quantitative' },
              color: { field: 'series', type: 'nominal', title: null },
            },
          },
        ],
      },
    },
    {
      id: 'positions',
      title: "Agents' net market position per quarter-hour (MWh, > 0 bought)",
      spec: timeLine(
        '',
        per((a, i) => a.positionMwh[i] ?? null),
        'v',
        'agent',
        'MWh',
      ),
    },
    {
      id: 'soc',
      title: 'State of charge (MWh)',
      spec: timeLine(
        '',
        per((a, i) => a.socMwh[i] ?? null).filter((r) => storage.has(r.agent)),
        'v',
        'agent',
        'MWh',
      ),
    },
    {
      id: 'cumulative-profit',
      title: 'Cumulative cash profit (EUR)',
      spec: timeLine(
        '',
        per((a, i) => a.cumulativeProfitEur[i] ?? null),
        'v',
        'agent',
        'EUR',
      ),
    },
    {
      id: 'profit-split',
      title: 'Profit split by market (EUR)',
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: 900,
        height: 260,
        data: { values: split },
        mark: 'bar',
        encoding: {
          y: { field: 'agent', type: 'nominal', title: null },
          x: { field: 'eur', type: 'quantitative', title: 'EUR', stack: 'zero' },
          color: { field: 'kind', type: 'nominal', title: 'market' },
        },
      },
    },
  ];
}

export function runReport(s: RunScores): ReportPage {
  const table = htmlTable(
    [
      'agent',
      'strategy',
      'profit €',
      'SoC-neutral €',
      'ΔSoC MWh',
      '€/MW',
      'cycles',
      'PoP DA',
      'PoP multi',
      'PoP multi (SoC-neutral)',
    ],
    s.agents.map((a) => [
      a.agentId,
      a.strategy,
      round(a.profitEur),
      round(a.socNeutralProfitEur),
      round(a.storedEnergyChangeMwh),
      round(a.profitPerMwEur),
      round(a.fullCycles),
      pct(a.pop?.dayAhead.pop),
      pct(a.pop?.multiMarket.pop),
      pct(a.pop?.socNeutralMultiMarket.pop),
    ]),
  );
  return {
    title: `Run ${s.runId}`,
    subtitle: `${s.name ?? ''} · ${s.day ?? ''}${s.days && s.days > 1 ? ` + ${s.days - 1} days` : ''} · seed ${s.seed ?? '?'} · ${s.records} settlement records${s.complete ? '' : ' (incomplete)'} · stored energy valued at ${round(s.referencePriceEurPerMwh)} EUR/MWh`,
    sections: [table, '<p>Definitions of every figure: docs/evaluation.md.</p>'],
    charts: runReportCharts(s),
  };
}
