// Seed 003's result on this arena's world: tabular Q-learning's profit lies between the
// stochastic and the deterministic optimiser on the same days.
//   node --import tsx scripts/training/seed003.ts [--episodes 3000] [--test-days 14]
// World: 100 days from 2024-01-01 (level forecast-errors, world seed 7); the prosumer (5 MW
// generation, half wind, half solar, may buy and sell) behind a 10 MW / 20 MWh battery with
// η = 0.9 (seed 003: P̄ = 10 MW, η⁺ = η⁻ = 0.9, E in [0 %, 100 %]). Test days: the last 14.
// Deterministic: the MILP on the day's realised prices (perfect foresight). Stochastic: the MILP
// on 30 scenarios, the realised price profiles of the 30 days before the test day (historical
// scenarios, τ_s = 1/30). Tabular Q: α 0.2, γ 0.9, five actions, trained on another realisation
// of the same world process (world seed 8), greedy on the test days. All three schedules are
// executed by the same environment (the arena's prosumer twin), profit = Σ price × export.
import { BatteryEnv, StepType, TabularQLearner } from '../../training/index.js';
import { seed003Schedule, seed003ScheduleDp } from './seed003-milp.js';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const EPISODES = arg('episodes', 3000);
const TEST_DAYS = arg('test-days', 14);
const DAYS = 100;
const common = {
  action: 'discrete' as const,
  observation: 'seed003' as const,
  reward: 'revenue-penalty' as const,
  allowImport: true,
  difficulty: 'forecast-errors' as const,
  generation: { peakMw: 5, windShare: 0.5 },
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
const train = new BatteryEnv({
  ...common,
  worldSeed: 8,
  days: { start: '2024-01-01', count: DAYS },
  seed: 3,
});

function runSchedule(day: number, actions: readonly number[]): number {
  const values = [-1, -0.5, 0, 0.5, 1];
  let ts = test.reset(day);
  let t = 0;
  while (ts.stepType !== StepType.LAST) ts = test.step(values.indexOf(actions[t++]!));
  return test.episodeRevenueEur;
}

function dayPrices(day: number): number[] {
  return Array.from(test.reset(day) && test.currentDay.priceEur);
}

const t0 = Date.now();
const q = new TabularQLearner(5, { decayEpisodes: EPISODES * 0.8, seed: 3 });
const trainDays = Array.from({ length: 10 }, (_, k) => k * 9);
for (let e = 0; e < EPISODES; e++) {
  q.trainEpisode(train);
  if ((e + 1) % 250 === 0) q.considerSaving(q.evaluate(train, trainDays));
}
const battery = { powerMw: 10, energyMwh: 20, eta: 0.9, socInitialMwh: 10, stepHours: 0.25 };
const rows: { day: string; det: number; sto: number; q: number }[] = [];
const statuses: string[] = [];
const gaps: number[] = [];
for (let d = DAYS - TEST_DAYS; d < DAYS; d++) {
  const real = dayPrices(d);
  const scen = Array.from({ length: 30 }, (_, k) => dayPrices(d - 30 + k));
  const mean = real.map((_, t) => scen.reduce((s, p) => s + p[t]!, 0) / scen.length);
  // HiGHS's time-limited MILP incumbents, checked against the exact optimum (DP); the better
  // of the two schedules (by the model's objective) is each optimiser's answer.
  const pick = async (prices: number[]) => {
    const milp = await seed003Schedule(prices, battery);
    const dp = seed003ScheduleDp(prices, battery);
    const obj = (acts: number[]) =>
      acts.reduce((s, a, t) => s - prices[t]! * a * battery.powerMw * battery.stepHours, 0);
    statuses.push(milp.status);
    gaps.push((dp.objective - obj(milp.actions)) / Math.max(1e-9, Math.abs(dp.objective)));
    return obj(milp.actions) >= dp.objective - 1e-6 ? milp.actions : dp.actions;
  };
  const det = runSchedule(d, await pick(real));
  const sto = runSchedule(d, await pick(mean));
  let ts = test.reset(d);
  while (ts.stepType !== StepType.LAST) ts = test.step(q.greedy(ts.observation, q.policyTable()));
  rows.push({ day: test.currentDay.day, det, sto, q: test.episodeRevenueEur });
}
const sum = (k: 'det' | 'sto' | 'q') => rows.reduce((s, r) => s + r[k], 0);
const [D, S, Q] = [sum('det'), sum('sto'), sum('q')];
console.log('day         deterministic  stochastic  tabular-Q   (€, profit = Σ price × export)');
for (const r of rows)
  console.log(
    `${r.day}  ${r.det.toFixed(0).padStart(12)}  ${r.sto.toFixed(0).padStart(10)}  ${r.q.toFixed(0).padStart(9)}`,
  );
console.log(
  `total       ${D.toFixed(0).padStart(12)}  ${S.toFixed(0).padStart(10)}  ${Q.toFixed(0).padStart(9)}`,
);
console.log(
  `generation-only profit subtracted (battery value): deterministic ${(D - baseline()).toFixed(0)}, stochastic ${(S - baseline()).toFixed(0)}, tabular-Q ${(Q - baseline()).toFixed(0)} €`,
);
console.log(
  `tabular Q vs stochastic: ${(((Q - S) / Math.abs(S - baseline())) * 100).toFixed(1)} % of the stochastic battery value; between: ${S < Q && Q < D}`,
);
console.log(
  `HiGHS MILP solves: ${statuses.filter((s) => s === 'Optimal').length} proven optimal, ${statuses.filter((s) => s !== 'Optimal').length} time-limited; incumbent below the exact (DP) optimum by ${(100 * Math.max(...gaps)).toFixed(2)} % at most, ${((100 * gaps.reduce((s, g) => s + g, 0)) / gaps.length).toFixed(2)} % on average`,
);
console.log(
  `${EPISODES} training episodes (${q.updates} updates), ${((Date.now() - t0) / 1000).toFixed(0)} s`,
);

function baseline(): number {
  let s = 0;
  for (let d = DAYS - TEST_DAYS; d < DAYS; d++) s += runSchedule(d, new Array(96).fill(0));
  return s;
}
