// A study's files: study.json (the summary with intervals, and every run's figures), runs.csv
// (one row per world seed and variant: the per-seed report) and summary.csv (one row per variant
// and figure: mean and 95 % interval over seeds).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Interval } from '../tournament/index.js';
import type { StudyConfig } from './config.js';
import type { StudyRun } from './run-variant.js';
import { IMPACT_FIGURES, type StudySummary } from './summary.js';

const cell = (x: number | string | null | undefined) =>
  x === null || x === undefined ? '' : typeof x === 'number' ? String(Number(x.toPrecision(10))) : x;

export function runsCsv(runs: readonly StudyRun[]): string {
  const head = [
    'seed_index',
    'seed',
    'variant',
    'kind',
    'value',
    'batteries',
    'power_mw_per_battery',
    'profit_eur',
    'soc_neutral_profit_eur',
    'revenue_per_mw_eur',
    'pop_multi_market',
    ...IMPACT_FIGURES,
    'tape_sha256',
  ];
  const rows = runs.map((r) => {
    const mean = (xs: (number | null)[]) => {
      const v = xs.filter((x): x is number => x !== null);
      return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
    };
    const sum = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0));
    return [
      r.seedIndex,
      r.seed,
      r.variant,
      r.kind,
      r.value,
      r.batteries.length,
      r.batteries[0]?.powerMw ?? null,
      sum(r.batteries.map((b) => b.profitEur)),
      sum(r.batteries.map((b) => b.socNeutralProfitEur)),
      mean(r.batteries.map((b) => b.revenuePerMwEur)),
      mean(r.batteries.map((b) => b.popMultiMarket)),
      ...IMPACT_FIGURES.map((f) => r.market[f]),
      r.tapeSha256,
    ].map(cell);
  });
  return `${[head, ...rows].map((r) => r.join(',')).join('\n')}\n`;
}

export function summaryCsv(s: StudySummary): string {
  const rows: string[][] = [['variant', 'kind', 'value', 'figure', 'mean', 'lo95', 'hi95', 'seeds']];
  const add = (v: StudySummary['variants'][number], figure: string, i: Interval) =>
    rows.push([v.variant, v.kind, cell(v.value), figure, cell(i.mean), cell(i.lo), cell(i.hi), cell(i.n)]);
  for (const v of s.variants) {
    add(v, 'revenue_per_mw_eur', v.revenuePerMwEur);
    add(v, 'total_revenue_eur', v.totalRevenueEur);
    add(v, 'pop_multi_market', v.popMultiMarket);
    add(v, 'pop_soc_neutral_multi_market', v.popSocNeutralMultiMarket);
    for (const f of IMPACT_FIGURES) add(v, f, v.market[f]);
    for (const f of IMPACT_FIGURES) add(v, `impact_${f}`, v.impact[f]);
    add(v, 'da_mean_abs_change_eur', v.daMeanAbsChangeEur);
    add(v, 'da_periods_changed_share', v.daPeriodsChangedShare);
  }
  return `${rows.map((r) => r.join(',')).join('\n')}\n`;
}

export function writeStudyFiles(
  dir: string,
  config: StudyConfig,
  summary: StudySummary,
  runs: readonly StudyRun[],
): string[] {
  const files = {
    'study.json': `${JSON.stringify({ config, summary, runs }, null, 2)}\n`,
    'runs.csv': runsCsv(runs),
    'summary.csv': summaryCsv(summary),
  };
  return Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}
