// A study's figures over seeds: for every variant and figure, the mean over world seeds and a
// bootstrap 95 % interval (seeds resampled with replacement, the same resampled seeds for every
// variant, so the comparison with the 'without' run stays paired). Price impact is the per-seed
// difference with − without; the size and cannibalisation curves read the battery figures.
import { type Interval, pairedBootstrap } from '../tournament/index.js';
import type { StudyConfig } from './config.js';
import type { MarketFigures } from './market-sink.js';
import type { StudyRun } from './run-variant.js';
import type { Variant } from './variants.js';

/** Market figures whose with − without difference is the price impact. */
export const IMPACT_FIGURES = [
  'cidVwapEur',
  'daMeanEur',
  'daVwapEur',
  'daSpreadEur',
  'spreadEur',
  'topDepthMw',
  'depthMw',
  'cidTradedMwh',
] as const satisfies readonly (keyof MarketFigures)[];
type ImpactFigure = (typeof IMPACT_FIGURES)[number];

export interface VariantSummary {
  variant: string;
  kind: Variant['kind'];
  value: number;
  /** MW of one studied battery (null: none). */
  powerMwPerBattery: number | null;
  batteries: number;
  market: Record<ImpactFigure, Interval>;
  /** This variant minus 'without', per seed. */
  impact: Record<ImpactFigure, Interval>;
  /**
   * The day-ahead prices period by period against 'without' (same seed): the mean absolute
   * change (EUR/MWh) and the share of periods whose price changed. The mean price hides a
   * battery's effect, which raises cheap periods and lowers dear ones.
   */
  daMeanAbsChangeEur: Interval;
  daPeriodsChangedShare: Interval;
  /** Mean over the studied batteries of the metric per MW. */
  revenuePerMwEur: Interval;
  /** Sum over the studied batteries of the metric. */
  totalRevenueEur: Interval;
  popMultiMarket: Interval;
  popSocNeutralMultiMarket: Interval;
}

export interface CurvePoint {
  variant: string;
  /** Size factor (size curve) or N (cannibalisation curve). */
  x: number;
  powerMwPerBattery: number | null;
  revenuePerMwEur: Interval;
  totalRevenueEur: Interval;
  popMultiMarket: Interval;
  cidVwapImpactEur: Interval;
}

export interface StudySummary {
  study: string;
  metric: StudyConfig['metric'];
  seeds: number;
  resamples: number;
  variants: VariantSummary[];
  sizeCurve: CurvePoint[];
  fleetCurve: CurvePoint[];
}

const mean = (xs: readonly number[]): number | null =>
  xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;

/** Period-by-period comparison of a run's day-ahead prices with the 'without' run of its seed. */
function daPriceChange(run: StudyRun, base: StudyRun): { meanAbs: number; changedShare: number } | null {
  const a = run.market.daPricesEur;
  const b = base.market.daPricesEur;
  if (a.length === 0 || b.length === 0) return null;
  // Runs of one world seed clear the same auctions; a different count is a bug, not a result.
  if (a.length !== b.length)
    throw new Error(
      `study: run ${run.key} has ${a.length} day-ahead prices, the run without the agent ${b.length}`,
    );
  let abs = 0;
  let changed = 0;
  a.forEach((p, i) => {
    const d = Math.abs(p - b[i]!);
    abs += d;
    if (d > 0) changed++;
  });
  return { meanAbs: abs / a.length, changedShare: changed / a.length };
}

/** runs[seedIndex][variantIndex] → one number per cell (null: absent). */
function intervals(
  grid: readonly (readonly StudyRun[])[],
  value: (r: StudyRun) => number | null,
  s: StudyConfig,
  columns: number,
): Interval[] {
  const matrix = grid.map((row) => row.map(value));
  return pairedBootstrap(matrix, columns, { resamples: s.bootstrap.resamples, seed: s.seed });
}

export function summarise(s: StudyConfig, vs: readonly Variant[], runs: readonly StudyRun[]): StudySummary {
  const byKey = new Map(runs.map((r) => [r.key, r]));
  const grid = Array.from({ length: s.seeds }, (_, i) =>
    vs.map((v) => {
      const r = byKey.get(`${i}:${v.id}`);
      if (!r) throw new Error(`study ${s.name}: run ${i}:${v.id} is missing`);
      return r;
    }),
  );
  const k = vs.length;
  const without = vs.findIndex((v) => v.kind === 'without');
  const market = {} as Record<ImpactFigure, Interval[]>;
  const impact = {} as Record<ImpactFigure, Interval[]>;
  for (const f of IMPACT_FIGURES) {
    market[f] = intervals(grid, (r) => r.market[f], s, k);
    const m = grid.map((row) =>
      row.map((r) => {
        const a = r.market[f];
        const b = row[without]!.market[f];
        return a === null || b === null ? null : a - b;
      }),
    );
    impact[f] = pairedBootstrap(m, k, { resamples: s.bootstrap.resamples, seed: s.seed });
  }
  const change = grid.map((row) => row.map((r) => daPriceChange(r, row[without]!)));
  const changeIntervals = (f: (c: { meanAbs: number; changedShare: number }) => number) =>
    pairedBootstrap(
      change.map((row) => row.map((c) => (c === null ? null : f(c)))),
      k,
      { resamples: s.bootstrap.resamples, seed: s.seed },
    );
  const daAbs = changeIntervals((c) => c.meanAbs);
  const daShare = changeIntervals((c) => c.changedShare);
  const perMw = intervals(grid, (r) => mean(r.batteries.map((b) => b.revenuePerMwEur)), s, k);
  const total = intervals(
    grid,
    (r) =>
      r.batteries.length === 0
        ? null
        : r.batteries.reduce((a, b) => a + (s.metric === 'profit' ? b.profitEur : b.socNeutralProfitEur), 0),
    s,
    k,
  );
  const pop = (f: 'popMultiMarket' | 'popSocNeutralMultiMarket') =>
    intervals(grid, (r) => mean(r.batteries.flatMap((b) => (b[f] === null ? [] : [b[f]]))), s, k);
  const popMulti = pop('popMultiMarket');
  const popNeutral = pop('popSocNeutralMultiMarket');
  const variants = vs.map((v, j): VariantSummary => {
    const first = grid[0]![j]!;
    return {
      variant: v.id,
      kind: v.kind,
      value: v.value,
      powerMwPerBattery: first.batteries[0]?.powerMw ?? null,
      batteries: first.batteries.length,
      market: Object.fromEntries(IMPACT_FIGURES.map((f) => [f, market[f][j]!])) as Record<
        ImpactFigure,
        Interval
      >,
      impact: Object.fromEntries(IMPACT_FIGURES.map((f) => [f, impact[f][j]!])) as Record<
        ImpactFigure,
        Interval
      >,
      daMeanAbsChangeEur: daAbs[j]!,
      daPeriodsChangedShare: daShare[j]!,
      revenuePerMwEur: perMw[j]!,
      totalRevenueEur: total[j]!,
      popMultiMarket: popMulti[j]!,
      popSocNeutralMultiMarket: popNeutral[j]!,
    };
  });
  const point = (v: VariantSummary, x: number): CurvePoint => ({
    variant: v.variant,
    x,
    powerMwPerBattery: v.powerMwPerBattery,
    revenuePerMwEur: v.revenuePerMwEur,
    totalRevenueEur: v.totalRevenueEur,
    popMultiMarket: v.popMultiMarket,
    cidVwapImpactEur: v.impact.cidVwapEur,
  });
  const withRun = variants.find((v) => v.kind === 'with')!;
  // 'with' is size 1 and N = 1 (for a fleet of the studied agent, or of another battery next to it).
  const sizeCurve = s.sizes
    .map((f) => (f === 1 ? withRun : variants.find((v) => v.kind === 'size' && v.value === f)!))
    .map((v, i) => point(v, s.sizes[i]!))
    .sort((a, b) => a.x - b.x);
  const fleetCurve = (s.fleet?.counts ?? [])
    .map((n) => point(variants.find((v) => v.kind === 'fleet' && v.value === n) ?? withRun, n))
    .sort((a, b) => a.x - b.x);
  return {
    study: s.name,
    metric: s.metric,
    seeds: s.seeds,
    resamples: s.bootstrap.resamples,
    variants,
    sizeCurve,
    fleetCurve,
  };
}
