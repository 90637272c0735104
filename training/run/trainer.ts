// The train loop behind `flexarena train`: whole episodes until the step budget is spent, a
// checkpoint (learner, optimiser state, replay buffer, counters, curve) every `checkpointEvery`
// steps written atomically, and resume from the last checkpoint after a kill. Every checkpoint
// re-keys the learner's and the environment's random streams from (seed, checkpoint number), so
// a run killed and resumed draws exactly what an uninterrupted run draws: the same weights.
// At the end: policy.json (the deployable policy), the learning curve as PNG and an HTML report.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveSeed, FlexArenaError } from '../../lib/index.js';
import type { SimulationFiles } from '../../sim/index.js';
import { initTf } from '../nn/tf.js';
import { createRunner, type EpisodeLog } from './learners.js';
import { htmlReport, lineChartPng, movingAverage } from './plot.js';
import { noPolicyReason } from './runner.js';
import type { TrainConfig } from './train-config.js';

/** A training folder that holds another configuration's checkpoint. */
export class TrainingFolderError extends FlexArenaError {}

export interface MetricLine extends EpisodeLog {
  episode: number;
  envSteps: number;
  difficulty?: string;
}

export interface EvalLine {
  checkpoint: number;
  envSteps: number;
  evalEur: number;
}

export interface TrainProgress {
  envSteps: number;
  totalSteps: number;
  episodes: number;
  last?: MetricLine;
  lastEval?: EvalLine;
}

export interface TrainOptions {
  outDir: string;
  onProgress?(p: TrainProgress): void;
  /** Stop after this checkpoint (tests: a deterministic "kill"). */
  stopAfterCheckpoint?: number;
  /**
   * Stop at the end of the current episode (Ctrl-C). Nothing is saved then: a checkpoint at
   * another step count would re-key the streams elsewhere than an uninterrupted run does, so the
   * run resumes from its last regular checkpoint.
   */
  signal?: AbortSignal;
  /** The files a market environment's run names (a world's price CSV), read by the caller. */
  worldFiles?: SimulationFiles;
}

export interface TrainResult {
  outDir: string;
  envSteps: number;
  episodes: number;
  resumedFromCheckpoint: number | null;
  checkpoints: number;
  finalEvalEur: number | null;
  policyPath: string | null;
  /** Why a finished run left no policy.json (see noPolicyReason). */
  noPolicy?: string;
  wallMs: number;
  completed: boolean;
  /** Steps of the last checkpoint written (where a stopped run resumes), 0 without one. */
  checkpointSteps: number;
  /** The folder's last checkpoint was already the final one: nothing was trained. */
  alreadyFinished: boolean;
}

interface Checkpoint {
  version: 1;
  config: TrainConfig;
  checkpoint: number;
  envSteps: number;
  episodes: number;
  metrics: MetricLine[];
  evals: EvalLine[];
  learner: unknown;
}

/**
 * The checkpoint a folder holds, read before anything is written into the folder: one that
 * cannot be read or belongs to another configuration stops the command with one line and leaves
 * the folder as it was.
 */
function readCheckpoint(path: string, cfg: TrainConfig): Checkpoint {
  let c: Checkpoint;
  try {
    c = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
  } catch (err) {
    throw new TrainingFolderError(
      `${path} cannot be read (${(err as Error).message}); delete it to train from the start, or use another outDir`,
    );
  }
  if (c?.version !== 1 || typeof c.checkpoint !== 'number' || typeof c.envSteps !== 'number')
    throw new TrainingFolderError(
      `${path} is not a version 1 checkpoint of flexarena train; delete it to train from the start, or use another outDir`,
    );
  if (JSON.stringify(c.config) !== JSON.stringify(cfg))
    throw new TrainingFolderError(
      `${path} belongs to another configuration; use another outDir or delete it`,
    );
  return c;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export async function train(cfg: TrainConfig, opts: TrainOptions): Promise<TrainResult> {
  const t0 = Date.now();
  const ckptPath = join(opts.outDir, 'checkpoint.json');
  const saved = existsSync(ckptPath) ? readCheckpoint(ckptPath, cfg) : undefined;
  const backend = await initTf('wasm');
  try {
    mkdirSync(opts.outDir, { recursive: true });
  } catch (err) {
    throw new TrainingFolderError(
      `cannot make the training folder ${JSON.stringify(opts.outDir)} (outDir, --out): ${(err as Error).message}`,
    );
  }
  writeAtomic(
    join(opts.outDir, 'config.json'),
    `${JSON.stringify({ ...cfg, tfBackend: backend }, null, 2)}\n`,
  );
  const runner = await createRunner(cfg, opts.worldFiles);
  let checkpoint = 0;
  let episodes = 0;
  let metrics: MetricLine[] = [];
  let evals: EvalLine[] = [];
  let resumed: number | null = null;
  let checkpointSteps = 0;
  if (saved) {
    const c = saved;
    try {
      await runner.restore(c.learner);
    } catch (err) {
      throw new TrainingFolderError(
        `${ckptPath}: its learner cannot be restored (${(err as Error).message}); delete it to train from the start`,
      );
    }
    checkpoint = c.checkpoint;
    checkpointSteps = c.envSteps;
    episodes = c.episodes;
    metrics = c.metrics;
    evals = c.evals;
    resumed = checkpoint;
  }
  runner.reseed(deriveSeed(cfg.seed, `checkpoint-${checkpoint}`));
  // metrics.jsonl is rewritten from the checkpoint: lines of episodes after it are run again.
  writeAtomic(join(opts.outDir, 'metrics.jsonl'), metrics.map((m) => `${JSON.stringify(m)}\n`).join(''));
  const difficultyAt = (steps: number) =>
    [...cfg.curriculum]
      .sort((a, b) => a.fromStep - b.fromStep)
      .filter((c) => c.fromStep <= steps)
      .at(-1)?.difficulty;
  let completed = true;
  const progress = () =>
    opts.onProgress?.({
      envSteps: runner.envSteps,
      totalSteps: cfg.steps,
      episodes,
      last: metrics.at(-1),
      lastEval: evals.at(-1),
    });
  progress();
  // A folder whose last checkpoint is the final one (the run finished, or was killed while writing
  // its policy and report) is not trained or evaluated again: the same files are written again.
  const finished = saved !== undefined && runner.envSteps >= cfg.steps;
  const save = async () => {
    checkpoint++;
    const evalEur = await runner.evaluate();
    evals.push({ checkpoint, envSteps: runner.envSteps, evalEur });
    const c: Checkpoint = {
      version: 1,
      config: cfg,
      checkpoint,
      envSteps: runner.envSteps,
      episodes,
      metrics,
      evals,
      learner: await runner.snapshot(),
    };
    writeAtomic(ckptPath, JSON.stringify(c));
    checkpointSteps = runner.envSteps;
    runner.reseed(deriveSeed(cfg.seed, `checkpoint-${checkpoint}`));
  };
  while (runner.envSteps < cfg.steps) {
    const level = difficultyAt(runner.envSteps);
    if (level && runner.setDifficulty) runner.setDifficulty(level);
    const before = runner.envSteps;
    const log = await runner.runEpisode();
    episodes++;
    const line: MetricLine = {
      episode: episodes,
      envSteps: runner.envSteps,
      ...log,
      ...(level ? { difficulty: level } : {}),
    };
    metrics.push(line);
    writeFileSync(join(opts.outDir, 'metrics.jsonl'), `${JSON.stringify(line)}\n`, { flag: 'a' });
    const due = Math.floor(runner.envSteps / cfg.checkpointEvery) > Math.floor(before / cfg.checkpointEvery);
    if (due && runner.envSteps < cfg.steps) {
      await save();
      if (opts.stopAfterCheckpoint !== undefined && checkpoint >= opts.stopAfterCheckpoint) {
        completed = false;
        break;
      }
    }
    progress();
    if (opts.signal && runner.envSteps < cfg.steps) {
      // Let a signal handler run (an episode is synchronous work), then stop if it asked to.
      await new Promise((r) => setImmediate(r));
      if (opts.signal.aborted) {
        completed = false;
        break;
      }
    }
  }
  let policyPath: string | null = null;
  if (completed) {
    if (!finished) await save();
    const policy = runner.policyFile({ config: cfg, checkpoint, envSteps: runner.envSteps });
    if (policy) {
      policyPath = join(opts.outDir, 'policy.json');
      writeAtomic(policyPath, `${JSON.stringify(policy)}\n`);
    }
    writeReport(cfg, opts.outDir, metrics, evals);
  }
  progress();
  const result: TrainResult = {
    outDir: opts.outDir,
    envSteps: runner.envSteps,
    episodes,
    resumedFromCheckpoint: resumed,
    checkpoints: checkpoint,
    finalEvalEur: evals.at(-1)?.evalEur ?? null,
    policyPath,
    ...(completed && !policyPath
      ? { noPolicy: noPolicyReason(cfg) ?? 'the method exported no network' }
      : {}),
    wallMs: Date.now() - t0,
    completed,
    checkpointSteps,
    alreadyFinished: finished,
  };
  if (completed) writeAtomic(join(opts.outDir, 'summary.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

function writeReport(cfg: TrainConfig, outDir: string, metrics: MetricLine[], evals: EvalLine[]): void {
  const raw = metrics.map((m) => ({ x: m.envSteps, y: m.valueEur }));
  const png = lineChartPng({
    title: `${cfg.name}: ${cfg.method.name} on ${cfg.env.kind}`,
    xLabel: cfg.method.name === 'adp' ? 'sample days' : 'environment steps',
    yLabel: '€ per episode (day)',
    series: [
      { name: 'training episodes', color: '#bbbbbb', points: raw },
      { name: 'moving average (20)', color: '#1f77b4', points: movingAverage(raw, 20) },
      {
        name: 'greedy evaluation',
        color: '#d62728',
        points: evals.map((e) => ({ x: e.envSteps, y: e.evalEur })),
        markers: true,
      },
    ],
  });
  writeFileSync(join(outDir, 'learning-curve.png'), png);
  const last = evals.at(-1);
  writeFileSync(
    join(outDir, 'report.html'),
    htmlReport(
      `Training run ${cfg.name}`,
      {
        method: cfg.method.name,
        environment: cfg.env.kind,
        seed: cfg.seed,
        'environment steps': metrics.at(-1)?.envSteps ?? 0,
        episodes: metrics.length,
        'final greedy evaluation (€ per day)': last ? last.evalEur.toFixed(2) : '—',
      },
      png,
      cfg,
    ),
  );
}
