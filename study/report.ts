// The report of a study: revenue per MW against the battery's size, the cannibalisation curves
// (revenue per MW and PoP as N identical batteries share the books), the price impact and the
// spread and depth of each variant against the run without the agent — every point the mean over
// world seeds with its bootstrap 95 % interval.
import { type ChartSpec, htmlTable, type ReportPage } from '../evaluation/index.js';
import type { Interval } from '../tournament/index.js';
import type { CurvePoint, StudySummary } from './summary.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

interface Row {
  x: number | string;
  mean: number;
  lo: number;
  hi: number;
}

function row(x: number | string, i: Interval, scale = 1): Row[] {
  if (i.mean === null) return [];
  return [{ x, mean: i.mean * scale, lo: (i.lo ?? i.mean) * scale, hi: (i.hi ?? i.mean) * scale }];
}

/** A line through the means with the intervals as error bars, x quantitative. */
function curve(values: Row[], xTitle: string, yTitle: string, integerX = false): Record<string, unknown> {
  return {
    $schema: SCHEMA,
    width: 600,
    height: 280,
    data: { values },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: xTitle,
        ...(integerX ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
      },
    },
    layer: [
      { mark: { type: 'line' }, encoding: { y: { field: 'mean', type: 'quantitative', title: yTitle } } },
      { mark: { type: 'rule' }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: { y: { field: 'mean', type: 'quantitative' } },
      },
    ],
  };
}

/** One point and interval per variant, variants in study order. */
function perVariant(values: Row[], order: string[], xTitle: string): Record<string, unknown> {
  return {
    $schema: SCHEMA,
    width: 600,
    height: { step: 26 },
    data: { values },
    encoding: { y: { field: 'x', type: 'nominal', sort: order, title: null } },
    layer: [
      {
        mark: { type: 'rule' },
        encoding: { x: { field: 'lo', type: 'quantitative', title: xTitle }, x2: { field: 'hi' } },
      },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: { x: { field: 'mean', type: 'quantitative' } },
      },
      { mark: { type: 'rule', strokeDash: [4, 4], color: '#999' }, encoding: { x: { datum: 0 } } },
    ],
  };
}

export function studyCharts(s: StudySummary): ChartSpec[] {
  const metric = s.metric === 'profit' ? 'profit' : 'SoC-neutral profit';
  const charts: ChartSpec[] = [];
  const size = (p: CurvePoint) => p.powerMwPerBattery ?? p.x;
  if (s.sizeCurve.length > 0)
    charts.push({
      id: 'revenue-per-mw-vs-size',
      title: `Revenue (${metric}) per MW against the battery's size, mean over seeds with 95 % intervals`,
      spec: curve(
        s.sizeCurve.flatMap((p) => row(size(p), p.revenuePerMwEur)),
        'battery power (MW)',
        'EUR per MW',
      ),
    });
  if (s.fleetCurve.length > 0) {
    charts.push({
      id: 'cannibalisation-revenue',
      title: `Cannibalisation: revenue (${metric}) per MW as N identical batteries share the books`,
      spec: curve(
        s.fleetCurve.flatMap((p) => row(p.x, p.revenuePerMwEur)),
        'N batteries',
        'EUR per MW (mean over the N)',
        true,
      ),
    });
    charts.push({
      id: 'cannibalisation-pop',
      title: 'Cannibalisation: multi-market PoP as N grows',
      spec: curve(
        s.fleetCurve.flatMap((p) => row(p.x, p.popMultiMarket, 100)),
        'N batteries',
        'PoP (%)',
        true,
      ),
    });
  }
  const shown = s.variants.filter((v) => v.kind !== 'without');
  const order = shown.map((v) => v.variant);
  const impacts = [
    [
      'price-impact',
      'Price impact: volume-weighted CID price, with − without the agent (EUR/MWh)',
      'cidVwapEur',
      'Δ CID VWAP (EUR/MWh)',
    ],
    [
      'da-spread-impact',
      "Day-ahead spread compression: the day's highest − lowest clearing price, with − without (EUR/MWh)",
      'daSpreadEur',
      'Δ day-ahead spread (EUR/MWh)',
    ],
    [
      'spread-impact',
      'Spread compression: mean best-ask − best-bid, with − without (EUR/MWh)',
      'spreadEur',
      'Δ spread (EUR/MWh)',
    ],
    ['depth-impact', 'Depth: mean MW in the published levels, with − without', 'depthMw', 'Δ depth (MW)'],
  ] as const;
  // A figure the runs do not have (no trades without the agent, no day-ahead auction) gets no
  // chart rather than an empty one; the table says "–".
  for (const [id, title, figure, axis] of impacts) {
    const values = shown.flatMap((v) => row(v.variant, v.impact[figure]));
    if (values.length > 0) charts.push({ id, title, spec: perVariant(values, order, axis) });
  }
  // Period by period, not the mean price: a battery raises cheap periods and lowers dear ones.
  const daChange = shown.flatMap((v) => row(v.variant, v.daMeanAbsChangeEur));
  if (daChange.length > 0)
    charts.push({
      id: 'da-price-change',
      title: 'Day-ahead price impact: mean |price with − price without| over the periods (EUR/MWh)',
      spec: perVariant(daChange, order, 'mean |Δ day-ahead price| (EUR/MWh)'),
    });
  return charts;
}

export function studyReport(s: StudySummary): ReportPage {
  const ci = (i: Interval, scale = 1, d = 2) =>
    i.mean === null
      ? null
      : `${(i.mean * scale).toFixed(d)} [${((i.lo ?? i.mean) * scale).toFixed(d)}, ${((i.hi ?? i.mean) * scale).toFixed(d)}]`;
  return {
    title: `Study ${s.study}`,
    subtitle: `${s.seeds} world seed(s) per variant · revenue = ${s.metric} · intervals: bootstrap over seeds, ${s.resamples} resamples`,
    sections: [
      htmlTable(
        [
          'variant',
          'batteries',
          'MW each',
          '€/MW [95 % CI]',
          'PoP multi % [95 % CI]',
          'CID VWAP €/MWh',
          'Δ CID VWAP',
          'DA mean €/MWh',
          'Δ DA',
          'mean |Δ DA| per period',
          'periods changed %',
          'DA spread €/MWh',
          'Δ DA spread',
          'spread €/MWh',
          'Δ spread',
          'depth MW',
          'Δ depth',
        ],
        s.variants.map((v) => [
          v.variant,
          v.batteries,
          v.powerMwPerBattery,
          ci(v.revenuePerMwEur, 1, 0),
          ci(v.popMultiMarket, 100, 1),
          ci(v.market.cidVwapEur),
          ci(v.impact.cidVwapEur),
          ci(v.market.daMeanEur),
          ci(v.impact.daMeanEur),
          ci(v.daMeanAbsChangeEur, 1, 3),
          ci(v.daPeriodsChangedShare, 100, 0),
          ci(v.market.daSpreadEur),
          ci(v.impact.daSpreadEur),
          ci(v.market.spreadEur),
          ci(v.impact.spreadEur),
          ci(v.market.depthMw, 1, 0),
          ci(v.impact.depthMw, 1, 0),
        ]),
      ),
      '<p>Definitions: docs/studies.md. Δ = this variant − the run without the agent, per seed.</p>',
    ],
    charts: studyCharts(s),
  };
}
