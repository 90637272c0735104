// Seed 003's result on this arena's world: tabular Q-learning's profit lies between the
// stochastic and the deterministic optimiser on the same days.
//   node --import tsx scripts/training/seed003.ts [--episodes 300000] [--seeds 5] [--test-days 14]
//     [--soc-bins 10] [--price-bins 7] [--milp] [--other-world] [--legacy]
// World: 100 days from 2024-01-01 (level forecast-errors, world seed 7); the prosumer (5 MW
// generation, half wind, half solar, may buy and sell) behind a 10 MW / 20 MWh battery with
// η = 0.9 (seed 003: P̄ = 10 MW, η⁺ = η⁻ = 0.9, E in [0 %, 100 %]). Test days: the last 14.
// Deterministic: the optimum on the day's realised prices (perfect foresight). Stochastic: one
// schedule over 30 scenarios, the realised price profiles of the 30 days before the test day
// (historical scenarios, τ_s = 1/30). Both are the exact optimum of eq. (1) by dynamic
// programming; `--milp` also solves every one with HiGHS and reports the gap.
// Tabular Q (seed 003 Alg. 1): α 0.2, γ 0.9 per hour, five actions, trained on the same world's
// history before the test days (the seed trains on the historical data and tests on the days
// that follow; `--other-world` trains on another realisation, world seed 8, instead), the
// saved agent is the table with the best greedy return over the whole training period; greedy
// on the test days. All schedules are executed by the same environment (the arena's prosumer
// twin), profit = Σ price × export. `--legacy` runs the first implementation's settings
// (γ 0.9 per quarter-hour, 5 SoC bins, fixed price edges, 10 save-check days, world seed 8).
import {
  BatteryEnv,
  perStepGamma,
  quantileEdges,
  SEED003_BINS,
  StepType,
  seed003Bins,
  TabularQLearner,
} from '../../training/index.js';
import { scriptOptions } from './script-options.js';
import { seed003Schedule, seed003ScheduleDp } from './seed003-milp.js';

const DAYS = 100;
const opts = scriptOptions({
  ints: {
    episodes: { min: 1, max: 100_000_000 },
    seeds: { default: 5, min: 1, max: 1000 },
    // The stochastic benchmark of a test day uses the 30 days before it.
    'test-days': { default: 14, min: 1, max: DAYS - 30 },
    'soc-bins': { default: 10, min: 1, max: 1000 },
    'price-bins': { default: 7, min: 1, max: 1000 },
  },
  flags: ['legacy', 'other-world', 'milp'],
});
const flag = (name: string) => opts.flag(name);
const LEGACY = flag('legacy');
const EPISODES = opts.int('episodes', LEGACY ? 4000 : 300000);
const SEEDS = opts.int('seeds');
const TEST_DAYS = opts.int('test-days');
const SOC_BINS = opts.int('soc-bins');
const PRICE_BINS = opts.int('price-bins');
const OTHER_WORLD = LEGACY || flag('other-world');
const STEP_MINUTES = 15 as const;
const common = {
  action: 'discrete' as const,
  observation: 'seed003' as const,
  reward: 'revenue-penalty' as const,
  allowImport: true,
  difficulty: 'forecast-errors' as const,
  generation: { peakMw: 5, windShare: 0.5 },
  stepMinutes: STEP_MINUTES,
  battery: {
    powerMw: 10,
    energyMwh: 20,
    etaCharge: 0.9,
    etaDischarge: 0.9,
    socMin: 0,
    socMax: 1,
    socInitial: 0.5,
  },
};
const test = new BatteryEnv({
  ...common,
  worldSeed: 7,
  days: { start: '2024-01-01', count: DAYS },
  reward: 'revenue',
});
const trainDaysCount = OTHER_WORLD ? DAYS : DAYS - TEST_DAYS;
const trainEnv = (seed: number) =>
  new BatteryEnv({
    ...common,
    worldSeed: OTHER_WORLD ? 8 : 7,
    days: { start: '2024-01-01', count: trainDaysCount },
    seed,
  });

function runSchedule(day: number, actions: readonly number[]): number {
  const values = [-1, -0.5, 0, 0.5, 1];
  let ts = test.reset(day);
  let t = 0;
  while (ts.stepType !== StepType.LAST) ts = test.step(values.indexOf(actions[t++]!));
  return test.episodeRevenueEur;
}

function dayPrices(env: BatteryEnv, day: number): number[] {
  env.reset(day);
  return Array.from(env.currentDay.priceEur);
}

// The price level: the observation's price (per unit of priceScaleEur) in equal-frequency bins
// of the training history (legacy: fixed edges).
const history = trainEnv(0);
const histPrices: number[] = [];
for (let d = 0; d < trainDaysCount; d++)
  for (const p of dayPrices(history, d)) histPrices.push(p / history.config.priceScaleEur);
const bins = LEGACY ? SEED003_BINS : seed003Bins(SOC_BINS, quantileEdges(histPrices, PRICE_BINS));
const gamma = LEGACY ? 0.9 : perStepGamma(0.9, STEP_MINUTES);
const saveDays = LEGACY
  ? Array.from({ length: 10 }, (_, k) => k * 9)
  : Array.from({ length: trainDaysCount }, (_, k) => k);

// Benchmarks (independent of the learner's seed).
const battery = { powerMw: 10, energyMwh: 20, eta: 0.9, socInitialMwh: 10, stepHours: 0.25 };
const bench: { day: string; det: number; sto: number; none: number }[] = [];
const gaps: number[] = [];
const statuses: string[] = [];
const solve = async (prices: number[]) => {
  const dp = seed003ScheduleDp(prices, battery);
  if (flag('milp')) {
    const milp = await seed003Schedule(prices, battery);
    const obj = milp.actions.reduce((s, a, t) => s - prices[t]! * a * battery.powerMw * battery.stepHours, 0);
    statuses.push(milp.status);
    gaps.push((dp.objective - obj) / Math.max(1e-9, Math.abs(dp.objective)));
  }
  return dp.actions;
};
for (let d = DAYS - TEST_DAYS; d < DAYS; d++) {
  const real = dayPrices(test, d);
  const scen = Array.from({ length: 30 }, (_, k) => dayPrices(test, d - 30 + k));
  const mean = real.map((_, t) => scen.reduce((s, p) => s + p[t]!, 0) / scen.length);
  const det = runSchedule(d, await solve(real));
  const sto = runSchedule(d, await solve(mean));
  const none = runSchedule(d, new Array(96).fill(0));
  bench.push({ day: test.currentDay.day, det, sto, none });
}

const perSeed: { seed: number; days: number[]; cpuS: number; updates: number }[] = [];
for (let seed = 1; seed <= SEEDS; seed++) {
  const train = trainEnv(seed);
  const q = new TabularQLearner(5, { decayEpisodes: EPISODES * 0.8, seed, gamma, bins });
  const c0 = process.cpuUsage();
  for (let e = 0; e < EPISODES; e++) {
    q.trainEpisode(train);
    if ((e + 1) % 250 === 0) q.considerSaving(q.evaluate(train, saveDays));
  }
  const c = process.cpuUsage(c0);
  const days: number[] = [];
  for (let d = DAYS - TEST_DAYS; d < DAYS; d++) {
    let ts = test.reset(d);
    while (ts.stepType !== StepType.LAST) ts = test.step(q.greedy(ts.observation, q.policyTable()));
    days.push(test.episodeRevenueEur);
  }
  perSeed.push({ seed, days, cpuS: (c.user + c.system) / 1e6, updates: q.updates });
}

const total = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const D = total(bench.map((b) => b.det));
const S = total(bench.map((b) => b.sto));
const N = total(bench.map((b) => b.none));
const head = perSeed.map((s) => `Q seed ${s.seed}`.padStart(10)).join('');
console.log(`day         deterministic  stochastic${head}   (€, profit = Σ price × export)`);
bench.forEach((b, i) => {
  const qs = perSeed.map((s) => s.days[i]!.toFixed(0).padStart(10)).join('');
  console.log(`${b.day}  ${b.det.toFixed(0).padStart(12)}  ${b.sto.toFixed(0).padStart(10)}${qs}`);
});
const Qs = perSeed.map((s) => total(s.days));
console.log(
  `total       ${D.toFixed(0).padStart(12)}  ${S.toFixed(0).padStart(10)}${Qs.map((q) => q.toFixed(0).padStart(10)).join('')}`,
);
const value = (x: number) => x - N;
const qMean = total(Qs) / Qs.length;
console.log(
  `battery value (generation-only profit ${N.toFixed(0)} € subtracted): deterministic ${value(D).toFixed(0)}, stochastic ${value(S).toFixed(0)}, tabular Q ${Qs.map((q) => value(q).toFixed(0)).join(' / ')} (mean ${value(qMean).toFixed(0)})`,
);
console.log(
  `tabular Q vs stochastic, % of the stochastic battery value: ${Qs.map((q) => (((q - S) / value(S)) * 100).toFixed(1)).join(' / ')} (mean ${(((qMean - S) / value(S)) * 100).toFixed(1)}); between stochastic and deterministic: ${Qs.filter((q) => S < q && q < D).length} of ${Qs.length} seeds`,
);
if (statuses.length > 0)
  console.log(
    `HiGHS MILP cross-check: ${statuses.filter((s) => s === 'Optimal').length} proven optimal, ${statuses.filter((s) => s !== 'Optimal').length} time-limited; incumbent below the exact (DP) optimum by ${(100 * Math.max(...gaps)).toFixed(2)} % at most`,
  );
console.log(
  `settings: ${LEGACY ? 'legacy' : 'faithful'}; training world ${OTHER_WORLD ? 'seed 8, 100 days' : `seed 7, the ${trainDaysCount} days before the test days`}; γ per step ${gamma.toFixed(4)}; bins ${bins.map((b) => b.edges.length + 1).join('×')} (hour×SoC×solar×price); price edges ${bins[3]!.edges.map((e) => e.toFixed(3)).join(' ')}; save check over ${saveDays.length} days`,
);
console.log(
  `${EPISODES} training episodes per seed (${perSeed[0]!.updates} updates); training CPU ${perSeed.map((s) => s.cpuS.toFixed(1)).join(' / ')} s per seed`,
);
