// The file `flexarena train <file.yaml>` reads: the method, its environment, the budget, the
// checkpoints and the seeds. Every seed of a run is in it (or derived from `seed` by name), so a
// training run is repeated by running the same file again. Validated with zod; an error names
// the field and the limit.
import { isAbsolute, resolve } from 'node:path';
import * as z from 'zod';
import { resolveParamPaths, strategyConfigIssues } from '../../agents/strategies/index.js';
import {
  ConfigError,
  type ConfigIssue,
  configIssues,
  configName,
  configSeed,
  pastLastDayIssue,
} from '../../lib/index.js';
import { DIFFICULTY_LEVELS, parseRunConfig, type RunConfig } from '../../sim/index.js';
import { batteryEnvChecks, batteryEnvFields, calendarDay } from '../env/battery-env-config.js';
import { inProcessRunIssues } from '../env/market-env.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const hidden = z.array(int(1, 1024)).min(1).max(4);

const methodSchema = z.discriminatedUnion('name', [
  z
    .object({
      name: z.literal('tabular-q'),
      alpha: z.number().gt(0).max(1).default(0.2),
      /** Per hour (seed 003's step), applied per environment step as gamma^(stepMinutes / 60). */
      gamma: z.number().min(0).max(1).default(0.9),
      decayEpisodes: int(1, 1e7).default(500),
    })
    .strict(),
  z
    .object({
      name: z.literal('dqn'),
      hidden: hidden.default([64, 64]),
      lr: z.number().gt(0).max(1).default(1e-3),
      gamma: z.number().min(0).max(1).default(0.99),
      batchSize: int(1, 4096).default(64),
      trainEvery: int(1, 1000).default(4),
      epsilonDecaySteps: int(1, 1e9).default(20_000),
      startSteps: int(0, 1e9).default(1_000),
      /** Battery shares the action indexes on env.kind market (charge > 0); seed 003's five by default. */
      actions: z
        .array(z.number().min(-1).max(1))
        .min(2)
        .max(41)
        .refine((xs) => xs.every((x, i) => i === 0 || x > xs[i - 1]!), 'expected strictly increasing shares')
        .default([-1, -0.5, 0, 0.5, 1]),
    })
    .strict(),
  z
    .object({
      name: z.literal('td3'),
      hidden: hidden.default([64, 64]),
      actorLr: z.number().gt(0).max(1).default(1e-3),
      criticLr: z.number().gt(0).max(1).default(1e-3),
      gamma: z.number().min(0).max(1).default(0.99),
      batchSize: int(1, 4096).default(128),
      trainEvery: int(1, 1000).default(4),
      startSteps: int(0, 1e9).default(2_000),
      explorationNoise: z.number().min(0).max(2).default(0.1),
      bufferSize: int(1_000, 10_000_000).default(100_000),
      /** Behaviour cloning of the forecast heuristic before TD3 (seed 002 §4.3): episodes of demonstrations. */
      warmStartEpisodes: int(0, 100_000).default(0),
    })
    .strict(),
  z
    .object({
      name: z.literal('ppo'),
      hidden: hidden.default([64, 64]),
      lr: z.number().gt(0).max(1).default(3e-4),
      gamma: z.number().min(0).max(1).default(0.99),
      rolloutSteps: int(64, 1e6).default(2048),
      epochs: int(1, 100).default(4),
      minibatch: int(8, 1e5).default(256),
      warmStartEpisodes: int(0, 100_000).default(0),
    })
    .strict(),
  z
    .object({
      name: z.literal('bc'),
      hidden: hidden.default([64, 64]),
      episodes: int(1, 100_000).default(50),
      epochs: int(1, 1000).default(20),
    })
    .strict(),
  z
    .object({
      name: z.literal('adp'),
      epsilon: z.number().min(0).max(1).default(0.1),
      forgetting: z.number().gt(0).max(1).default(1),
      households: int(1, 1000).default(30),
    })
    .strict(),
]);

/**
 * `env.seed` (the environment's own stream in the API: days drawn, replaced actions, forecast
 * noise, the fleet) is not a setting of a train file. It was accepted and only seeded the
 * evaluation's stream, while training drew from the top-level `seed`; now every stream of the
 * run, training and evaluation, is derived from that one seed, so the field is refused.
 */
const envSeedRefused = z
  .never({
    error:
      'is not a setting of a train file: every random stream of the run (training and evaluation environments, the learner) is derived from the top-level seed; remove env.seed and set seed',
  })
  .optional();

/** The fast battery environment as a train file gives it: its kind may be left out. */
const trainBatteryEnvSchema = batteryEnvFields
  .extend({ kind: z.literal('battery'), seed: envSeedRefused })
  .superRefine(batteryEnvChecks);

const evFleetEnvSchema = z
  .object({
    kind: z.literal('ev-fleet'),
    seed: envSeedRefused,
    worldSeed: configSeed.default(1),
    days: z
      .object({ start: calendarDay, count: int(1, 3660) })
      .strict()
      .default({ start: '2024-06-03', count: 14 }),
    difficulty: z.enum(DIFFICULTY_LEVELS).default('noise'),
    fleetSize: int(1, 100_000).default(100),
  })
  .strict();

const marketEnvSchema = z
  .object({
    kind: z.literal('market'),
    /** A run configuration (scenario) document; `learner` is one of its agents with a battery. */
    run: z.record(z.string(), z.unknown()),
    learner: z.string().min(1),
    /** Rewards are € of cash − costs per decision point divided by this (1: plain €). */
    rewardScaleEur: z.number().positive().max(1e6).default(1),
    /** League: each episode the listed agents play a strategy drawn from `pool` (frozen checkpoints: strategy 'policy'). */
    league: z
      .object({
        agents: z.array(z.string().min(1)).min(1),
        pool: z
          .array(
            z
              .object({ strategy: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) })
              .strict(),
          )
          .min(1),
      })
      .strict()
      .optional(),
  })
  .strict();

const poolEnvSchema = z
  .object({
    kind: z.literal('pool'),
    worldSeed: configSeed.default(1),
    days: z
      .object({ start: calendarDay, count: int(1, 3660) })
      .strict()
      .default({ start: '2024-05-01', count: 30 }),
  })
  .strict();

const trainConfigFields = z
  .object({
    name: configName.default('train'),
    /**
     * The one seed every random stream of the run is derived from (learner, training and evaluation
     * environments, checkpoints); worlds are chosen by env.worldSeed / eval.worldSeed / env.run.seed.
     */
    seed: configSeed.default(1),
    method: methodSchema,
    // Told apart by kind (battery when left out), so an error names the field inside env and its
    // limit: as a plain union every wrong field of env was one line "env: Invalid input".
    env: z.preprocess(
      (v) => (typeof v === 'object' && v !== null && !('kind' in v) ? { ...v, kind: 'battery' } : v),
      z.discriminatedUnion(
        'kind',
        [trainBatteryEnvSchema, evFleetEnvSchema, marketEnvSchema, poolEnvSchema],
        { error: 'must be an object whose kind is battery (the default), ev-fleet, market or pool' },
      ),
    ),
    /** Environment steps to train (episodes are finished: a run may go a little beyond). ADP: sample days. */
    steps: int(1, 1e10),
    checkpointEvery: int(1, 1e10).default(10_000),
    /** Greedy evaluation at every checkpoint on these days of a world with its own seed. */
    eval: z
      .object({ worldSeed: configSeed.default(1001), days: int(1, 366).default(7) })
      .strict()
      .default({ worldSeed: 1001, days: 7 }),
    /** Curriculum over difficulty levels (battery env): the level from each step count on. */
    curriculum: z
      .array(z.object({ fromStep: int(0, 1e10), difficulty: z.enum(DIFFICULTY_LEVELS) }).strict())
      .default([]),
    /**
     * Where checkpoints, metrics, the policy and the report go (relative to the file). Left out: a
     * folder of its own below runs/train (cli/commands/train.ts trainOutDir).
     */
    outDir: z.string().min(1).default('runs/train'),
  })
  .strict();

/**
 * Which method trains on which environment: checked with the file, so a wrong pair is one line
 * naming the field (the runner's own checks would otherwise stop it after the folder is made).
 */
function methodEnvIssues(
  c: z.output<typeof trainConfigFields>,
): { path: (string | number)[]; message: string }[] {
  const m = c.method.name;
  const e = c.env;
  // Only the fast battery environment changes its difficulty level; elsewhere it did nothing.
  if (c.curriculum.length > 0 && e.kind !== 'battery')
    return [{ path: ['curriculum'], message: `applies to env.kind battery only, not ${e.kind}` }];
  const issue = (path: (string | number)[], message: string) => [{ path, message }];
  if (m === 'adp' || e.kind === 'pool')
    return m === 'adp' && e.kind === 'pool'
      ? []
      : m === 'adp'
        ? issue(['env', 'kind'], `method adp trains on env.kind pool, not ${e.kind}`)
        : issue(['method', 'name'], `env.kind pool trains with method adp, not ${m}`);
  if (e.kind === 'ev-fleet')
    return m === 'dqn' ? [] : issue(['method', 'name'], `env.kind ev-fleet trains with method dqn, not ${m}`);
  if (e.kind === 'market') {
    if (m !== 'td3' && m !== 'ppo' && m !== 'dqn')
      return issue(['method', 'name'], `env.kind market trains with method td3, ppo or dqn, not ${m}`);
    const out: { path: (string | number)[]; message: string }[] = [];
    if ((m === 'td3' || m === 'ppo') && c.method.warmStartEpisodes > 0)
      out.push({
        path: ['method', 'warmStartEpisodes'],
        message: 'must be 0 on env.kind market (behaviour cloning runs on env.kind battery only)',
      });
    // The run document itself is checked when the environment is built (its errors name env.run);
    // here only the agents the training names, so a typo is not found after the folder is made.
    const agents = (e.run as { agents?: unknown }).agents;
    const ids = Array.isArray(agents)
      ? agents.map((a) => (a as { id?: unknown } | null)?.id).filter((id) => typeof id === 'string')
      : [];
    if (!ids.includes(e.learner))
      out.push({ path: ['env', 'learner'], message: `must be an agent of env.run (${ids.join(', ')})` });
    e.league?.agents.forEach((id, i) => {
      if (!ids.includes(id) || id === e.learner)
        out.push({
          path: ['env', 'league', 'agents', i],
          message: `must be an agent of env.run other than the learner (${ids.filter((x) => x !== e.learner).join(', ')})`,
        });
    });
    return out;
  }
  // The fast battery environment.
  if (m === 'dqn')
    return issue(['method', 'name'], 'method dqn trains on env.kind ev-fleet or market, not battery');
  if (m === 'tabular-q')
    return e.action === 'discrete'
      ? []
      : issue(['env', 'action'], 'method tabular-q needs env.action discrete (its five actions)');
  return e.action === 'continuous'
    ? []
    : issue(['env', 'action'], `method ${m} needs env.action continuous (a battery share in [-1, 1])`);
}

/**
 * Settings each within its range that together never learn: TD3 waits for a full batch in its
 * replay buffer (one larger than the buffer never comes), PPO updates on whole minibatches of a
 * rollout (one larger than the rollout gives none). Both trained and exported the initial
 * network without a word.
 */
function methodIssues(m: z.output<typeof methodSchema>): { path: (string | number)[]; message: string }[] {
  if (m.name === 'td3' && m.batchSize > m.bufferSize)
    return [
      {
        path: ['method', 'batchSize'],
        message: `must be <= method.bufferSize (${m.bufferSize}): a batch larger than the replay buffer is never sampled, so nothing is learned`,
      },
    ];
  if (m.name === 'ppo' && m.minibatch > m.rolloutSteps)
    return [
      {
        path: ['method', 'minibatch'],
        message: `must be <= method.rolloutSteps (${m.rolloutSteps}): updates use whole minibatches of a rollout, so nothing is learned`,
      },
    ];
  return [];
}

/**
 * Training and evaluation worlds both start at env.days.start (evaluation on eval.days days): each
 * must end by the last day there can be, or building it stopped with a RangeError and its stack.
 */
function dayRangeIssues(
  c: z.output<typeof trainConfigFields>,
): { path: (string | number)[]; message: string }[] {
  if (c.env.kind === 'market') return []; // env.run is a run configuration, checked as one
  const { start, count } = c.env.days;
  const ranges: [(string | number)[], number][] = [
    // The battery environment's own checks say it of env.days.count (batteryEnvChecks).
    ...(c.env.kind === 'battery' ? [] : [[['env', 'days', 'count'], count] as [(string | number)[], number]]),
    [['eval', 'days'], c.eval.days],
  ];
  return ranges.flatMap(([path, n]) => {
    const message = pastLastDayIssue(start, n);
    return message ? [{ path, message }] : [];
  });
}

/**
 * Curriculum stages that would never apply: the level is chosen at each episode's start from the
 * stages with fromStep <= the steps so far (always < steps), so of two stages with the same fromStep
 * the later one silently won, and a stage from `steps` on was never reached.
 */
function curriculumIssues(
  c: z.output<typeof trainConfigFields>,
): { path: (string | number)[]; message: string }[] {
  const first = new Map<number, number>();
  return c.curriculum.flatMap(({ fromStep }, i) => {
    const path = ['curriculum', i, 'fromStep'];
    if (fromStep >= c.steps)
      return [
        {
          path,
          message: `must be < steps (${c.steps}): the level is set as an episode starts, and none starts at step ${c.steps} or later`,
        },
      ];
    const j = first.get(fromStep);
    if (j !== undefined)
      return [
        {
          path,
          message: `the same as curriculum[${j}].fromStep: only one level can start at step ${fromStep}`,
        },
      ];
    first.set(fromStep, i);
    return [];
  });
}

export const trainConfigSchema = trainConfigFields.superRefine((c, ctx) => {
  for (const { path, message } of [
    ...methodIssues(c.method),
    ...methodEnvIssues(c),
    ...curriculumIssues(c),
    ...dayRangeIssues(c),
  ])
    ctx.addIssue({ code: 'custom', path, message });
});

export type TrainConfig = z.output<typeof trainConfigSchema>;

/**
 * The full-market environment's run document and every strategy it plays in process (the run's
 * agents other than the learner, the league's pool), built as the environment will build them:
 * a misspelt strategy, a refused parameter or a missing policy checkpoint was otherwise found at
 * the episode that first drew it, after the folder was made and episodes were trained.
 */
function marketIssues(c: TrainConfig, doc: unknown): ConfigIssue[] {
  if (c.env.kind !== 'market') return [];
  const e = c.env;
  // The market is evaluated on env.run's own seed and day (training/run/market-runner.ts); an
  // eval section was accepted and ignored.
  const evalDoc = (doc as { eval?: unknown } | null)?.eval;
  if (evalDoc !== undefined)
    return [
      {
        path: 'eval',
        message: "env.kind market evaluates on env.run's own seed and day; remove eval",
        value: evalDoc,
      },
    ];
  let run: RunConfig;
  try {
    run = parseRunConfig(e.run, 'env.run');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => ({ ...i, path: i.path ? `env.run.${i.path}` : 'env.run' }));
  }
  const learner = run.agents.find((a) => a.id === e.learner);
  const learns = learner?.asset?.type === 'battery';
  return [
    // What the run asks of the arena's process (a deadline, NATS, real time, the gateway's limits,
    // agent processes) the environment lacks. The params of an agent that cannot be the learner
    // are not said to be unused: env.learner is what is wrong.
    ...inProcessRunIssues(e.run, learns ? [e.learner] : []).map((i) => ({
      ...i,
      path: `env.run.${i.path}`,
    })),
    ...(learns
      ? []
      : [
          {
            path: 'env.learner',
            message: 'must be an agent of env.run with a battery asset',
            value: e.learner,
          },
        ]),
    ...run.agents.flatMap((a, i) =>
      a.id === e.learner ? [] : strategyConfigIssues(`env.run.agents[${i}]`, a.strategy, a.params),
    ),
    ...(e.league?.pool ?? []).flatMap((p, i) =>
      strategyConfigIssues(`env.league.pool[${i}]`, p.strategy, p.params),
    ),
  ];
}

/**
 * A file named in the params of the market's agents or league pool (a policy checkpoint, a
 * Q-table) or as its world's price CSV is, when relative, the training file's, like its outDir:
 * made absolute against `baseDir`.
 */
function resolveMarketParamPaths(c: TrainConfig, baseDir: string): void {
  const e = c.env;
  if (e.kind !== 'market') return;
  for (const p of e.league?.pool ?? []) p.params = resolveParamPaths(p.strategy, p.params, baseDir);
  // A world's price CSV too (the caller reads it: flexarena train).
  const world = e.run.world as { source?: { entsoeCsv?: unknown } } | undefined;
  const csv = world?.source?.entsoeCsv;
  if (world?.source && typeof csv === 'string' && csv !== '' && !isAbsolute(csv))
    world.source.entsoeCsv = resolve(baseDir, csv);
  const agents = e.run.agents;
  if (!Array.isArray(agents)) return;
  for (const a of agents as unknown[]) {
    if (typeof a !== 'object' || a === null) continue;
    const agent = a as { strategy?: unknown; params?: unknown };
    if (typeof agent.strategy !== 'string' || typeof agent.params !== 'object' || agent.params === null)
      continue;
    agent.params = resolveParamPaths(agent.strategy, agent.params as Record<string, unknown>, baseDir);
  }
}

/**
 * DQN's `method.actions` (a grid of battery shares) applies on env.kind market; on ev-fleet the
 * actions are seed 004's eleven risk factors, and a grid given there was accepted and ignored.
 */
function evFleetActionIssues(c: TrainConfig, doc: unknown): ConfigIssue[] {
  const given = (doc as { method?: { actions?: unknown } } | null)?.method?.actions;
  if (c.env.kind !== 'ev-fleet' || c.method.name !== 'dqn' || given === undefined) return [];
  return [
    {
      path: 'method.actions',
      message:
        "applies on env.kind market only: on ev-fleet the actions are seed 004's risk factors 0, 0.1, …, 1; remove it",
      value: given,
    },
  ];
}

/** `baseDir`: the training file's folder, against which relative paths in it resolve (default: the working directory). */
export function parseTrainConfig(doc: unknown, source = '<inline>', baseDir = '.'): TrainConfig {
  const res = trainConfigSchema.safeParse(doc);
  if (!res.success) throw new ConfigError(source, configIssues(res.error, doc, ''));
  resolveMarketParamPaths(res.data, baseDir);
  const issues = [...evFleetActionIssues(res.data, doc), ...marketIssues(res.data, doc)];
  if (issues.length > 0) throw new ConfigError(source, issues);
  return res.data;
}
