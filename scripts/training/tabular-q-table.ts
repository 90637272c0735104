// Trains the arena's `tabular-q` across runs of scenarios/quiet-price-taker.yaml and writes the
// Q-table a tournament can read (`saveQTable: false, learn: false, epsilon: 0`).
//   node --import tsx scripts/training/tabular-q-table.ts
// with its defaults writes tournaments/tables/tabular-q-quiet-price-taker.json, byte for byte (the
// same command gives the same file: every stream is seeded, the runs are simulated in process).
// Every run is the scenario with its world seed (first-seed, first-seed + 1, …; 5001–5400), the
// `optimiser` seat played by one learner whose table carries over from run to run in this process
// (what `qTablePath` does across `flexarena run`s, without the file round trip). ε falls linearly
// from 0.3 to 0.02 and α from 0.2 to 0.01 over the first 80 % of the runs and stay there. The
// state is (SoC, forecast rank) — `levelBuckets` 5, `hourBuckets` 1: no hour — γ 0.999 per hour,
// the stored energy at the run's end valued as the SoC-neutral profit does (`endValue`); why these
// settings: docs/training.md, "The arena's tabular-q, trained across runs". Seed 003's Alg. 1
// saving check: every --check-every runs the table plays greedily on --check-runs training seeds
// spread over the range and is kept when it beats the kept one; the kept table is written.
// The training seeds are checked against the world seeds of tournaments/shipped.yaml, which the
// table is evaluated on: none may be among them. Last, `--eval-runs` greedy runs on the seeds after
// the training ones (5401–5410) print the SoC-neutral profit of the table, of heuristic-battery (its
// own seat) and of idle, and the entrant that plays the table in a tournament.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createStrategy } from '../../agents/strategies/index.js';
import { TabularQ } from '../../agents/strategies/tabular-q.js';
import { runArena } from '../../arena/index.js';
import { loadRunConfig } from '../../arena/run/load-config.js';
import { RunScorer } from '../../evaluation/index.js';
import type { LocalAgent, RunConfig } from '../../sim/index.js';
import { loadTournament, worldSeed } from '../../tournament/index.js';
import { scriptOptions } from './script-options.js';

const opts = scriptOptions({
  ints: {
    runs: { default: 400, min: 1, max: 1_000_000 },
    'first-seed': { default: 5001, min: 0, max: 2 ** 31 - 1 },
    'level-buckets': { default: 5, min: 1, max: 24 },
    'eval-runs': { default: 10, min: 0, max: 10_000 },
    /** α in thousandths (seed 003: 200). */
    'alpha-permille': { default: 200, min: 1, max: 1000 },
    /** α at the end of its fall (over the first 80 % of the runs, as ε); = --alpha-permille: constant α. */
    'alpha-end-permille': { default: 10, min: 1, max: 1000 },
    'soc-buckets': { default: 5, min: 1, max: 100 },
    'hour-buckets': { default: 1, min: 1, max: 24 },
    /** γ per hour in thousandths (seed 003: 900). */
    'gamma-permille': { default: 999, min: 0, max: 1000 },
    /** ε at the start and at the end of its fall, in thousandths. */
    'epsilon-start-permille': { default: 300, min: 0, max: 1000 },
    'epsilon-end-permille': { default: 20, min: 0, max: 1000 },
    /** Alg. 1's saving check: every this many runs (0: none, the last table is written). */
    'check-every': { default: 50, min: 0, max: 1_000_000 },
    'check-runs': { default: 10, min: 1, max: 10_000 },
  },
  strings: { out: 'tournaments/tables/tabular-q-quiet-price-taker.json', 'end-value': 'socNeutral' },
});
const RUNS = opts.int('runs');
const FIRST = opts.int('first-seed');
const LEVELS = opts.int('level-buckets');
const EVAL = opts.int('eval-runs');
const OUT = opts.string('out');
const ALPHA = opts.int('alpha-permille') / 1000;
const ALPHA_END = opts.int('alpha-end-permille') / 1000;
const SOC_BUCKETS = opts.int('soc-buckets');
const HOUR_BUCKETS = opts.int('hour-buckets');
const GAMMA = opts.int('gamma-permille') / 1000;
const EPS0 = opts.int('epsilon-start-permille') / 1000;
const EPS1 = opts.int('epsilon-end-permille') / 1000;
const END_VALUE = opts.string('end-value');
const CHECK_EVERY = opts.int('check-every');
const CHECK_RUNS = opts.int('check-runs');
if (END_VALUE !== 'none' && END_VALUE !== 'socNeutral') {
  process.stderr.write(`tabular-q-table.ts: --end-value must be none or socNeutral, got ${END_VALUE}\n`);
  process.exit(2);
}
const SCENARIO = 'scenarios/quiet-price-taker.yaml';
const TOURNAMENT = 'tournaments/shipped.yaml';
const SEAT = 'optimiser';

/** The params the table is trained with and must be read with (bucket layout, γ). */
export const TABLE_PARAMS = {
  levelBuckets: LEVELS,
  socBuckets: SOC_BUCKETS,
  hourBuckets: HOUR_BUCKETS,
  gamma: GAMMA,
  gammaPer: 'hour',
} as const;

const t = loadTournament(TOURNAMENT);
const held = new Set<number>();
for (let s = 0; s < t.scenarios.length; s++) for (let i = 0; i < t.seeds; i++) held.add(worldSeed(t, s, i));
const lastSeed = FIRST + RUNS + EVAL - 1;
for (let s = FIRST; s <= lastSeed; s++)
  if (held.has(s)) {
    process.stderr.write(`seed ${s} is one of ${TOURNAMENT}'s world seeds; pick another --first-seed\n`);
    process.exit(2);
  }

const base = loadRunConfig(SCENARIO);
const scratch = mkdtempSync(join(tmpdir(), 'flexarena-tq-'));

function runConfig(seed: number): RunConfig {
  return {
    ...structuredClone(base),
    seed,
    outDir: scratch,
    nats: { ...base.nats, enabled: false },
    agents: base.agents.map((a) => ({ ...a, launch: true })),
  };
}

/** One run with `learner` in the optimiser seat; the SoC-neutral profit of every seat. */
async function play(seed: number, learner: TabularQ): Promise<Map<string, number>> {
  const cfg = runConfig(seed);
  const local = new Map<string, LocalAgent>();
  for (const a of cfg.agents) local.set(a.id, a.id === SEAT ? learner : createStrategy(a.strategy, a.params));
  const runId = `tq-${seed}`;
  const scorer = new RunScorer(runId);
  const out = await runArena(cfg, { runId, local, sinks: [scorer], log: () => undefined });
  rmSync(out.runDir, { recursive: true, force: true });
  return new Map(scorer.scores().agents.map((a) => [a.agentId, a.socNeutralProfitEur]));
}

const epsilonAt = (k: number) => Math.max(EPS1, EPS0 - ((EPS0 - EPS1) * k) / Math.max(1, 0.8 * RUNS));
const alphaAt = (k: number) => ALPHA_END + (ALPHA - ALPHA_END) * Math.max(0, 1 - k / Math.max(1, 0.8 * RUNS));
type QState = ReturnType<TabularQ['saveState']>;

/** A greedy, read-only player of a table state (what a tournament's game plays). */
function reader(state: QState): TabularQ {
  const q = new TabularQ({ ...TABLE_PARAMS, saveQTable: false, learn: false, epsilon: 0 });
  q.loadState({
    ...state,
    pending: null,
    reward: 0,
    lastClipped: null,
    forecastsSeen: undefined,
    forecastsClosed: undefined,
  });
  return q;
}

// Seed 003 Alg. 1: the trained agent performs greedily "in the trained period" and is saved when its
// total reward beats the saved one. Here: every --check-every runs, greedy on --check-runs of the
// training seeds spread over the whole range (the same ones at every check).
const checkSeeds = Array.from(
  { length: Math.min(CHECK_RUNS, RUNS) },
  (_, j) => FIRST + Math.floor((j * RUNS) / Math.min(CHECK_RUNS, RUNS)),
);
async function check(state: QState): Promise<number> {
  let sum = 0;
  for (const seed of checkSeeds) sum += (await play(seed, reader(state))).get(SEAT)!;
  return sum / checkSeeds.length;
}

const started = Date.now();
let carried: QState | undefined;
let best: { state: QState; mean: number; run: number } | undefined;
let window: number[] = [];
for (let k = 0; k < RUNS; k++) {
  const learner = new TabularQ({
    ...TABLE_PARAMS,
    alpha: alphaAt(k),
    epsilon: epsilonAt(k),
    seed: FIRST + k,
    saveQTable: false,
    endValue: END_VALUE,
  });
  // Only the table and the exploration stream carry over; each run is a new day: the forecasts its
  // end is valued at (forecastsSeen, and forecastsClosed, those of its delivered quarter-hours) start
  // empty.
  if (carried)
    learner.loadState({
      ...carried,
      pending: null,
      reward: 0,
      lastClipped: null,
      forecastsSeen: undefined,
      forecastsClosed: undefined,
    });
  const profit = await play(FIRST + k, learner);
  carried = learner.saveState();
  window.push(profit.get(SEAT)!);
  if (window.length === 100 || k === RUNS - 1) {
    const mean = window.reduce((a, x) => a + x, 0) / window.length;
    console.log(
      `runs ${k + 2 - window.length}–${k + 1}: mean SoC-neutral profit ${mean.toFixed(1)} €, ε ${epsilonAt(k).toFixed(3)}, ${Object.keys(carried.table).length} states, ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    window = [];
  }
  if (CHECK_EVERY > 0 && ((k + 1) % CHECK_EVERY === 0 || k === RUNS - 1)) {
    const mean = await check(carried);
    const better = !best || mean > best.mean;
    if (better) best = { state: structuredClone(carried), mean, run: k + 1 };
    console.log(
      `  check after run ${k + 1}: greedy on ${checkSeeds.length} training seeds ${mean.toFixed(1)} € per run${better ? ' (saved)' : ''}`,
    );
  }
}
const chosen = best ?? { state: carried!, mean: Number.NaN, run: RUNS };
reader(chosen.state).save(resolve(OUT));
console.log(
  `wrote ${OUT}: the table after run ${chosen.run} (${chosen.state.updates} updates) after ${((Date.now() - started) / 1000).toFixed(0)} s`,
);

if (EVAL > 0) {
  const sums = new Map<string, number>();
  for (let k = 0; k < EVAL; k++) {
    const seed = FIRST + RUNS + k;
    const player = new TabularQ({
      ...TABLE_PARAMS,
      qTablePath: resolve(OUT),
      saveQTable: false,
      learn: false,
      epsilon: 0,
    });
    for (const [id, v] of await play(seed, player)) sums.set(id, (sums.get(id) ?? 0) + v);
  }
  console.log(
    `greedy on seeds ${FIRST + RUNS}–${FIRST + RUNS + EVAL - 1} (mean SoC-neutral profit per run): ` +
      [...sums]
        .map(([id, v]) => `${id === SEAT ? 'tabular-q (table)' : id} ${(v / EVAL).toFixed(1)} €`)
        .join(', '),
  );
}
rmSync(scratch, { recursive: true, force: true });
console.log(
  `evaluate: add { name: tabular-q-trained, strategy: tabular-q, params: { qTablePath: ${OUT}, levelBuckets: ${LEVELS}, socBuckets: ${SOC_BUCKETS}, hourBuckets: ${HOUR_BUCKETS}, gammaPer: hour, saveQTable: false, learn: false, epsilon: 0 } } to a copy of ${TOURNAMENT} and run node bin/flexarena.mjs tournament <copy> --no-progress`,
);
