// Seed 001 Fig. 2 on this arena's pool twin and world: the ADP's Q-factor of the first interval,
// Q_1(E(1)), tracks the realised utility-to-go J_1 over the training sample paths.
//   node --import tsx scripts/training/seed001.ts [--paths 1200] [--out docs/figures/seed001-fig2.png]
// N = 30 households (synthetic, seed 001's sizes are not public), ΔT = 15 min, T = 96; 40 days
// of world seed 1 (level forecast-errors: DA price forecasts differ from the realisation),
// household PV/load forecasts with errors; sample paths cycle over the days (the seed reuses
// ~1 year of days for ~4000 paths). Q_1 is recorded before each path's update (a prediction).
// Printed: the mean absolute error |Q_1 − J_1| and the correlation, over the first and the last
// quarter of the paths, and on 10 held-out days (world seed 1001) with the trained factors.
import { writeFileSync } from 'node:fs';
import { PoolAdp, PoolDays } from '../../training/methods/adp.js';
import { lineChartPng, movingAverage } from '../../training/run/plot.js';
import { scriptOptions } from './script-options.js';

const opts = scriptOptions({
  // The table compares the first and the last quarter of the paths.
  ints: { paths: { default: 1200, min: 4, max: 10_000_000 } },
  strings: { out: 'docs/figures/seed001-fig2.png' },
});
const PATHS = opts.int('paths');
const OUT = opts.string('out');

const days = new PoolDays({
  worldSeed: 1,
  days: { start: '2024-04-01', count: 40 },
  households: 30,
  seed: 1,
});
const adp = new PoolAdp(days, { epsilon: 0.1, forgetting: 0.999, seed: 1 });
const q: number[] = [];
const j: number[] = [];
const t0 = Date.now();
for (let k = 0; k < PATHS; k++) {
  const r = adp.trainDay(k % days.count);
  q.push(r.q[0]!);
  j.push(r.utilityToGo[0]!);
}
const stats = (a: number[], b: number[]) => {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  let mae = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
    mae += Math.abs(a[i]! - b[i]!);
  }
  return { mae: mae / n, corr: sab / Math.sqrt(saa * sbb), meanJ: mb };
};
const quarter = Math.floor(PATHS / 4);
const first = stats(q.slice(0, quarter), j.slice(0, quarter));
const last = stats(q.slice(-quarter), j.slice(-quarter));
const held = new PoolDays({
  worldSeed: 1001,
  days: { start: '2024-04-01', count: 10 },
  households: 30,
  seed: 1,
});
const evaluator = new PoolAdp(held);
evaluator.restore(adp.snapshot());
const hq: number[] = [];
const hj: number[] = [];
for (let d = 0; d < held.count; d++) {
  const r = evaluator.trainDay(d, false);
  hq.push(r.q[0]!);
  hj.push(r.utilityToGo[0]!);
}
const h = stats(hq, hj);
console.log(`${PATHS} sample paths in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(
  `first quarter: mean |Q1 − J1| ${first.mae.toFixed(2)} €, correlation ${first.corr.toFixed(3)}, mean J1 ${first.meanJ.toFixed(2)} €`,
);
console.log(
  `last quarter:  mean |Q1 − J1| ${last.mae.toFixed(2)} €, correlation ${last.corr.toFixed(3)}, mean J1 ${last.meanJ.toFixed(2)} €`,
);
console.log(
  `held-out days (greedy): mean |Q1 − J1| ${h.mae.toFixed(2)} €, correlation ${h.corr.toFixed(3)}, mean J1 ${h.meanJ.toFixed(2)} €`,
);
const pts = (a: number[]) => a.map((y, x) => ({ x: x + 1, y }));
writeFileSync(
  OUT,
  lineChartPng({
    title: 'Seed 001 Fig. 2: Q1 (approximate) and J1 (realised utility-to-go) over the sample paths',
    xLabel: 'sample path (simulation day)',
    yLabel: '€ (utility-to-go of the day)',
    series: [
      { name: 'J1 realised', color: '#bbbbbb', points: pts(j) },
      { name: 'Q1 approximation', color: '#1f77b4', points: pts(q) },
      { name: 'J1 moving average (30)', color: '#d62728', points: movingAverage(pts(j), 30) },
    ],
  }),
);
console.log(`figure: ${OUT}`);
