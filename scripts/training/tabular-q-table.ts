// Trains the arena's `tabular-q` across runs of scenarios/quiet-price-taker.yaml and writes the
// Q-table a tournament can read (`saveQTable: false, learn: false, epsilon: 0`).
//   node --import tsx scripts/training/tabular-q-table.ts [--runs 600] [--first-seed 5001]
//     [--level-buckets 5] [--eval-runs 10] [--out runs/train/tabular-q-quiet-price-taker.json]
// Every run is the scenario with its world seed (first-seed, first-seed + 1, …), the `optimiser`
// seat played by one learner whose table carries over from run to run in this process (what
// `qTablePath` does across `flexarena run`s, without the file round trip). ε falls linearly from
// 0.3 to 0.02 over the first 80 % of the runs and stays there. The state has the forecast rank
// (`levelBuckets`), γ 0.9 per hour. The training seeds are checked against the world seeds of
// tournaments/shipped.yaml, which the table is evaluated on: none may be among them.
// Last, `--eval-runs` greedy runs on the seeds after the training ones print the SoC-neutral
// profit of the table, of heuristic-battery (its own seat) and of idle, and the command that runs
// the tournament.
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
    runs: { default: 600, min: 1, max: 1_000_000 },
    'first-seed': { default: 5001, min: 0, max: 2 ** 31 - 1 },
    'level-buckets': { default: 5, min: 1, max: 24 },
    'eval-runs': { default: 10, min: 0, max: 10_000 },
    /** α in thousandths (seed 003: 200). */
    'alpha-permille': { default: 200, min: 1, max: 1000 },
  },
  strings: { out: 'runs/train/tabular-q-quiet-price-taker.json' },
});
const RUNS = opts.int('runs');
const FIRST = opts.int('first-seed');
const LEVELS = opts.int('level-buckets');
const EVAL = opts.int('eval-runs');
const OUT = opts.string('out');
const ALPHA = opts.int('alpha-permille') / 1000;
const SCENARIO = 'scenarios/quiet-price-taker.yaml';
const TOURNAMENT = 'tournaments/shipped.yaml';
const SEAT = 'optimiser';

/** The params the table is trained with and must be read with (bucket layout, γ). */
export const TABLE_PARAMS = { levelBuckets: LEVELS, gammaPer: 'hour' } as const;

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

const epsilonAt = (k: number) => Math.max(0.02, 0.3 - ((0.3 - 0.02) * k) / Math.max(1, 0.8 * RUNS));
const started = Date.now();
let carried: ReturnType<TabularQ['saveState']> | undefined;
let window: number[] = [];
for (let k = 0; k < RUNS; k++) {
  const learner = new TabularQ({
    ...TABLE_PARAMS,
    alpha: ALPHA,
    epsilon: epsilonAt(k),
    seed: FIRST + k,
    saveQTable: false,
  });
  if (carried) learner.loadState({ ...carried, pending: null, reward: 0, lastClipped: null });
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
}
const trained = new TabularQ({ ...TABLE_PARAMS, saveQTable: false, learn: false, epsilon: 0 });
trained.loadState({ ...carried!, pending: null, reward: 0, lastClipped: null });
trained.save(resolve(OUT));
console.log(
  `wrote ${OUT} (${carried!.updates} updates) after ${((Date.now() - started) / 1000).toFixed(0)} s`,
);

if (EVAL > 0) {
  const sums = new Map<string, number>();
  for (let k = 0; k < EVAL; k++) {
    const seed = FIRST + RUNS + k;
    const reader = new TabularQ({
      ...TABLE_PARAMS,
      qTablePath: resolve(OUT),
      saveQTable: false,
      learn: false,
      epsilon: 0,
    });
    for (const [id, v] of await play(seed, reader)) sums.set(id, (sums.get(id) ?? 0) + v);
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
  `evaluate: add { name: tabular-q-trained, strategy: tabular-q, params: { qTablePath: ${OUT}, levelBuckets: ${LEVELS}, gammaPer: hour, saveQTable: false, learn: false, epsilon: 0 } } to a copy of ${TOURNAMENT} and run node bin/flexarena.mjs tournament <copy> --no-progress`,
);
