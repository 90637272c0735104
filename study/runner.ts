// Runs a study: every variant on every world seed (seed by seed, so a stopped study has whole
// seeds first), skipping the runs already in its folder, then summarises over seeds.
import { dirname, join, resolve } from 'node:path';
import { carriedStateIssues, resolveParamPaths, strategyConfigIssues } from '../agents/strategies/index.js';
import { loadRunConfig, readNamedConfig } from '../arena/index.js';
import {
  ConfigError,
  deriveSeed,
  lockFolder,
  RunInterruptedError,
  removeEmptyFolder,
  SeriesInterruptedError,
} from '../lib/index.js';
import type { StudyConfig } from './config.js';
import { runVariant, type StudyRun } from './run-variant.js';
import { checkVariantSeats } from './seat-check.js';
import { StudyFolderError, StudyStore } from './store.js';
import { type StudySummary, summarise } from './summary.js';
import { checkStudy, type Variant, variants } from './variants.js';

export interface StudyProgress {
  finished: number;
  total: number;
  /** Runs found finished in the folder when this invocation started. */
  resumed: number;
  last?: StudyRun;
}

export interface StudyOptions {
  /** The study's folder (default runs/studies/<name>). */
  dir?: string;
  /** For error messages: the study file. */
  file?: string;
  onProgress?: (p: StudyProgress) => void;
  /**
   * Stops the study (Ctrl-C): the run in progress is dropped (played again from its start by the
   * next invocation), finished runs stay in the folder, and runStudy rejects with a
   * StudyInterruptedError.
   */
  signal?: AbortSignal;
}

/** A study stopped by a signal: its finished runs are in its folder; the same command plays the rest. */
export class StudyInterruptedError extends SeriesInterruptedError {
  constructor(signal: string, dir: string, finished: number, total: number) {
    super(signal, 'study', 'run', dir, finished, total);
  }
}

export interface StudyOutcome {
  dir: string;
  variants: Variant[];
  runs: StudyRun[];
  summary: StudySummary;
  played: number;
  resumed: number;
}

export function studySeed(s: StudyConfig, seedIndex: number): number {
  return deriveSeed(s.seed, `study.seed.${seedIndex}`) >>> 1;
}

export async function runStudy(s: StudyConfig, o: StudyOptions = {}): Promise<StudyOutcome> {
  const scenario = readNamedConfig(() => loadRunConfig(s.scenario), s.scenario, {
    what: 'scenario file',
    field: 'scenario',
    source: o.file ?? '<study>',
  });
  // A file named in an agent's params (a policy checkpoint, a Q-table) is the scenario file's.
  for (const a of scenario.agents)
    a.params = resolveParamPaths(a.strategy, a.params, dirname(resolve(s.scenario)));
  checkStudy(s, scenario, o.file);
  // Its runs are compared with each other: a real-time run depends on the wall clock.
  if (scenario.mode === 'realtime')
    throw new ConfigError(o.file ?? '<study>', [
      {
        path: 'scenario',
        message: `${s.scenario} is a real-time run (mode: realtime): a study's runs are lock-step, so that they differ only in the agent studied`,
        value: s.scenario,
      },
    ]);
  // Every agent of the scenario plays as a strategy object: each must exist and take its params.
  // One started by hand or from its own command line was played as the built-in strategy of its
  // label (or refused as an unknown strategy): said so instead.
  const issues = scenario.agents.flatMap((a, i) =>
    a.command || a.runtime || !a.launch
      ? [
          {
            path: `agents[${i}].${a.command ? 'command' : a.runtime ? 'runtime' : 'launch'}`,
            message: `a study plays every agent of its scenario in process, as a built-in strategy: this one is ${a.launch ? 'started from its own command line' : 'started by hand'}`,
          },
        ]
      : strategyConfigIssues(`agents[${i}]`, a.strategy, a.params),
  );
  if (issues.length > 0) throw new ConfigError(s.scenario, issues);
  // The runs are compared with each other: none may start from what another one left.
  const carried = scenario.agents.flatMap((a, i) =>
    carriedStateIssues(`agents[${i}]`, a.strategy, a.params, { what: 'study', unit: 'run' }),
  );
  if (carried.length > 0) throw new ConfigError(s.scenario, carried);
  const vs = variants(s);
  await checkVariantSeats(s, scenario, vs, o.file);
  const dir = o.dir ?? join('runs', 'studies', s.name);
  // One process at a time: a second one on the folder would run the same runs under the same
  // run ids at once and remove the first one's run folders mid-run. Locked before the folder is
  // claimed for this study, so that a refused runner leaves the folder as it was.
  const release = lockFolder(dir, 'study', (m) => new StudyFolderError(m));
  try {
    const store = new StudyStore(dir, s, scenario);
    const done = store.runs();
    const resumed = done.size;
    const total = s.seeds * vs.length;
    let played = 0;
    o.onProgress?.({ finished: done.size, total, resumed });
    for (let i = 0; i < s.seeds; i++)
      for (const v of vs) {
        if (done.has(`${i}:${v.id}`)) continue;
        const interrupted = (signal: string) => new StudyInterruptedError(signal, dir, done.size, total);
        if (o.signal?.aborted) throw interrupted(String(o.signal.reason));
        const ctx = { study: s, scenario, outDir: dir, ...(o.signal ? { signal: o.signal } : {}) };
        const r = await runVariant(ctx, i, studySeed(s, i), v).catch((err) => {
          throw err instanceof RunInterruptedError ? interrupted(err.signal) : err;
        });
        store.append(r);
        done.set(r.key, r);
        played++;
        o.onProgress?.({ finished: done.size, total, resumed, last: r });
      }
    const runs = [...done.values()].sort(
      (a, b) =>
        a.seedIndex - b.seedIndex ||
        vs.findIndex((v) => v.id === a.variant) - vs.findIndex((v) => v.id === b.variant),
    );
    return { dir, variants: vs, runs, summary: summarise(s, vs, runs), played, resumed };
  } finally {
    // Where the games were played, each removed after it (unless keepRuns): not kept empty.
    removeEmptyFolder(join(dir, 'runs'));
    release();
  }
}
