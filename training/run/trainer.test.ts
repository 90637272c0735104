import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/index.js';
import { parseTrainConfig } from './train-config.js';
import { TrainingFolderError, train } from './trainer.js';

const tiny = (method: Record<string, unknown>, env: Record<string, unknown> = {}) =>
  parseTrainConfig({
    name: 'tiny',
    seed: 5,
    method,
    env: {
      kind: 'battery',
      days: { start: '2024-03-01', count: 4 },
      generation: { peakMw: 0 },
      allowImport: true,
      ...env,
    },
    steps: 384,
    checkpointEvery: 192,
    eval: { days: 1 },
  });

const dir = () => mkdtempSync(join(tmpdir(), 'flexarena-train-'));

const BATTERY = { type: 'battery', powerMw: 5, energyMwh: 10 };

/** A market training file's env.run with `run`'s fields and `agents` added: the issues it gets. */
function envRunIssues(run: Record<string, unknown>, agents: Record<string, unknown>[] = []): string[] {
  const doc = {
    method: { name: 'td3' },
    env: {
      kind: 'market',
      learner: 'learner',
      run: {
        day: '2026-01-14',
        agents: [
          { id: 'liquidity', strategy: 'liquidity', role: 'liquidity' },
          { id: 'learner', strategy: 'idle', asset: BATTERY },
          ...agents,
        ],
        ...run,
      },
    },
    steps: 10,
  };
  try {
    parseTrainConfig(doc, 'train.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

describe('train runner', () => {
  it('resumes from a checkpoint to exactly the weights of an uninterrupted run (TD3)', async () => {
    const cfg = tiny({ name: 'td3', startSteps: 96, trainEvery: 16, batchSize: 32, hidden: [8] });
    const a = dir();
    const full = await train(cfg, { outDir: a });
    expect(full.completed).toBe(true);
    const b = dir();
    const cut = await train(cfg, { outDir: b, stopAfterCheckpoint: 1 });
    expect(cut.completed).toBe(false);
    const resumed = await train(cfg, { outDir: b });
    expect(resumed.resumedFromCheckpoint).toBe(1);
    const policy = (d: string) => JSON.parse(readFileSync(join(d, 'policy.json'), 'utf8'));
    expect(policy(b).network).toEqual(policy(a).network);
    expect(readFileSync(join(b, 'metrics.jsonl'), 'utf8')).toBe(
      readFileSync(join(a, 'metrics.jsonl'), 'utf8'),
    );
    const png = readFileSync(join(a, 'learning-curve.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(a, 'report.html'), 'utf8')).toMatch(/"seed": 5/);
  });

  // env.seed was accepted and seeded only the evaluation's stream (training drew from the
  // top-level seed): a field with no effect the user expects. Every stream derives from `seed`.
  it('refuses env.seed on battery and ev-fleet, saying the top-level seed derives every stream', () => {
    const issues = (env: Record<string, unknown>, method = 'td3') => {
      try {
        parseTrainConfig({ steps: 10, seed: 3, method: { name: method }, env }, 'train.yaml');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
      throw new Error('accepted');
    };
    const why =
      'env.seed: is not a setting of a train file: every random stream of the run (training and evaluation environments, the learner) is derived from the top-level seed; remove env.seed and set seed';
    expect(issues({ kind: 'battery', seed: 7 })).toEqual([why]);
    expect(issues({ seed: 7 })).toEqual([why]); // kind left out: battery
    expect(issues({ kind: 'ev-fleet', seed: 7 }, 'dqn')).toEqual([why]);
    // DQN's grid of shares is the market's; on the EV fleet it was accepted and ignored.
    expect(() =>
      parseTrainConfig({ steps: 10, method: { name: 'dqn', actions: [-1, 1] }, env: { kind: 'ev-fleet' } }),
    ).toThrow(/method\.actions: applies on env\.kind market only/);
    // Without it the file is as before; the parsed env carries no seed of its own.
    const cfg = parseTrainConfig({ steps: 10, seed: 3, method: { name: 'td3' }, env: {} });
    expect(cfg.env.kind).toBe('battery');
    expect('seed' in cfg.env && cfg.env.seed !== undefined).toBe(false);
  });

  // As a plain union of the four kinds, every wrong field inside env was "env: Invalid input".
  it('names the field inside env and its limit', () => {
    const issues = (env: unknown, method = 'td3') => {
      try {
        parseTrainConfig({ steps: 10, method: { name: method }, env }, 'train.yaml');
      } catch (err) {
        return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
      throw new Error('accepted');
    };
    expect(issues({ kind: 'battery', stepMinutes: 7 })).toEqual([
      "env.stepMinutes: must be 15 (the world's quarter-hour) or 5 (seed 002)",
    ]);
    expect(issues({ battery: { powerMw: -1 } })[0]).toMatch(/^env\.battery\.powerMw: .*>0/);
    expect(issues({ kind: 'ev-fleet', fleetSize: 0 }, 'dqn')[0]).toMatch(/^env\.fleetSize: .*>=1/);
    expect(issues({ kind: 'pool', days: { start: '2024-05-01', count: 0 } }, 'adp')[0]).toMatch(
      /^env\.days\.count: .*>=1/,
    );
    expect(issues({ kind: 'grid' })).toEqual([
      'env.kind: must be an object whose kind is battery (the default), ev-fleet, market or pool',
    ]);
  });

  it('rejects a method on an environment it does not fit with the file, naming the field', () => {
    // These were RangeErrors of the runner (a stack trace, after the output folder was made).
    const refused = (doc: Record<string, unknown>) => {
      try {
        parseTrainConfig({ steps: 10, ...doc }, 'train.yaml');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
      throw new Error('accepted');
    };
    expect(() => tiny({ name: 'tabular-q' })).toThrow(ConfigError);
    expect(refused({ method: { name: 'tabular-q' }, env: { kind: 'battery' } })).toEqual([
      'env.action: method tabular-q needs env.action discrete (its five actions)',
    ]);
    expect(refused({ method: { name: 'td3' }, env: { kind: 'battery', action: 'discrete' } })).toEqual([
      'env.action: method td3 needs env.action continuous (a battery share in [-1, 1])',
    ]);
    expect(refused({ method: { name: 'dqn' }, env: { kind: 'battery' } })).toEqual([
      'method.name: method dqn trains on env.kind ev-fleet or market, not battery',
    ]);
    expect(refused({ method: { name: 'td3' }, env: { kind: 'ev-fleet' } })).toEqual([
      'method.name: env.kind ev-fleet trains with method dqn, not td3',
    ]);
    expect(refused({ method: { name: 'ppo' }, env: { kind: 'pool' } })).toEqual([
      'method.name: env.kind pool trains with method adp, not ppo',
    ]);
    expect(
      refused({
        method: { name: 'dqn' },
        env: { kind: 'ev-fleet' },
        curriculum: [{ fromStep: 0, difficulty: 'spikes' }],
      }),
    ).toEqual(['curriculum: applies to env.kind battery only, not ev-fleet']);
    expect(refused({ method: { name: 'adp' }, env: { kind: 'battery' } })).toEqual([
      'env.kind: method adp trains on env.kind pool, not battery',
    ]);
    const run = { agents: [{ id: 'liquidity' }, { id: 'rival' }, { id: 'learner' }] };
    expect(refused({ method: { name: 'bc' }, env: { kind: 'market', run, learner: 'learner' } })).toEqual([
      'method.name: env.kind market trains with method td3, ppo or dqn, not bc',
    ]);
    expect(
      refused({
        method: { name: 'td3', warmStartEpisodes: 2 },
        env: {
          kind: 'market',
          run,
          learner: 'lerner',
        },
      }),
    ).toEqual([
      'method.warmStartEpisodes: must be 0 on env.kind market (behaviour cloning runs on env.kind battery only)',
      'env.learner: must be an agent of env.run (liquidity, rival, learner)',
    ]);
    const league = (agents: string[]) =>
      refused({
        method: { name: 'td3' },
        env: { kind: 'market', run, learner: 'learner', league: { agents, pool: [{ strategy: 'idle' }] } },
      });
    expect(league(['rival', 'learner'])).toEqual([
      'env.league.agents[1]: must be an agent of env.run other than the learner (liquidity, rival)',
    ]);
    expect(league(['rivals'])).toEqual([
      'env.league.agents[0]: must be an agent of env.run other than the learner (liquidity, rival)',
    ]);
    expect(() => tiny({ name: 'td3', batchSize: 0 })).toThrow(/method.batchSize/);
    // A day that does not exist failed in the world with a RangeError stack (battery), or was not
    // checked at all (ev-fleet, pool).
    expect(
      refused({ method: { name: 'td3' }, env: { kind: 'battery', days: { start: '2024-02-30', count: 1 } } }),
    ).toEqual(['env.days.start: not a calendar day']);
    expect(
      refused({
        method: { name: 'dqn' },
        env: { kind: 'ev-fleet', days: { start: '2024-13-01', count: 1 } },
      }),
    ).toEqual(['env.days.start: not a calendar day']);
    expect(
      refused({ method: { name: 'adp' }, env: { kind: 'pool', days: { start: 'May 1', count: 1 } } }),
    ).toEqual(['env.days.start: must be an ISO day YYYY-MM-DD']);
  });

  // Both were accepted: of two stages at one step the later won, and a stage from steps on never applied.
  it('refuses curriculum stages that would never apply, naming the stage and the limit', () => {
    const curriculum = (stages: { fromStep: number; difficulty: string }[]) => {
      const doc = {
        method: { name: 'td3' },
        env: { kind: 'battery', action: 'continuous' },
        steps: 1000,
        curriculum: stages,
      };
      try {
        return parseTrainConfig(doc, 'train.yaml').curriculum.length;
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
    };
    expect(
      curriculum([
        { fromStep: 0, difficulty: 'clean' },
        { fromStep: 500, difficulty: 'noise' },
        { fromStep: 500, difficulty: 'spikes' },
      ]),
    ).toEqual([
      'curriculum[2].fromStep: the same as curriculum[1].fromStep: only one level can start at step 500',
    ]);
    expect(
      curriculum([
        { fromStep: 0, difficulty: 'clean' },
        { fromStep: 1000, difficulty: 'spikes' },
      ]),
    ).toEqual([
      'curriculum[1].fromStep: must be < steps (1000): the level is set as an episode starts, and none starts at step 1000 or later',
    ]);
    expect(
      curriculum([
        { fromStep: 999, difficulty: 'spikes' },
        { fromStep: 0, difficulty: 'clean' },
      ]),
    ).toBe(2);
  });

  // The environment plays the run in process: these were accepted and silently ignored.
  it('refuses the settings of env.run that only the arena process reads, naming env.run.<path>', () => {
    expect(
      envRunIssues({
        mode: 'realtime',
        realtime: { speed: 60 },
        port: 50051,
        deadlineMs: 2000,
        nats: { url: 'nats://127.0.0.1:4222', enabled: true },
      }),
    ).toEqual([
      'env.run.mode: the environment steps the core as its learners answer, not paced against the wall clock: leave mode out (and realtime)',
      'env.run.port: does not apply in the environment (no gRPC server listens: every agent is played in process): remove it',
      'env.run.deadlineMs: does not apply in the environment (no wall-clock deadline: each decision point waits for the learners’ step()): remove it',
      'env.run.nats.url: the environment publishes nothing on NATS: leave nats out (or give only enabled: false)',
      'env.run.nats.enabled: the environment publishes nothing on NATS: leave nats out (or give only enabled: false)',
    ]);
    expect(envRunIssues({ nats: { enabled: false } })).toEqual([]);
  });

  // Each was accepted and had no effect: only the gRPC gateway, the run's fault log or the agent
  // launcher reads them, and an agent with its own command was played as the built-in strategy of
  // its label.
  it('refuses the limits and agent settings of env.run that no in-process agent uses, by path', () => {
    expect(
      envRunIssues({
        limits: {
          helloTimeoutMs: 500,
          maxMessageBytes: 4096,
          rate: { burst: 2 },
          faultLog: { linesPerKind: 1 },
        },
      }),
    ).toEqual([
      'env.run.limits.maxMessageBytes: does not apply in the environment (no gRPC message is received: every agent is played in process): remove it',
      'env.run.limits.helloTimeoutMs: does not apply in the environment (no session stream says hello: every agent is played in process): remove it',
      'env.run.limits.rate.burst: does not apply in the environment (no batch arrives over gRPC to be rate-limited: every agent answers in process): remove it',
      'env.run.limits.faultLog.linesPerKind: does not apply in the environment (no agent-faults.log is written: there is no run folder): remove it',
    ]);
    // The door's and the CID venue's limits apply in the environment too.
    expect(envRunIssues({ limits: { maxActionsPerWakeUp: 10, maxOpenOrders: 5 } })).toEqual([]);
    expect(
      envRunIssues({}, [
        { id: 'python', strategy: 'heuristic-battery', command: ['python3', 'agent.py'], asset: BATTERY },
        {
          id: 'sdk',
          strategy: 'heuristic-battery',
          runtime: 'python',
          module: 'a.b',
          token: 'secret-token-1',
        },
        { id: 'byhand', strategy: 'idle', launch: false, token: 'secret-token-2' },
      ]),
    ).toEqual([
      'env.run.agents[2].command: does not apply in the environment (no agent process is launched: the agent would be played in process as the built-in strategy "heuristic-battery"): remove it',
      'env.run.agents[3].runtime: does not apply in the environment (no agent process is launched: the agent would be played in process as the built-in strategy "heuristic-battery"): remove it',
      'env.run.agents[3].module: does not apply in the environment (no agent process is launched: the agent would be played in process as the built-in strategy "heuristic-battery"): remove it',
      'env.run.agents[3].token: does not apply in the environment (no agent connects with a token: every agent is played in process): remove it',
      'env.run.agents[4].launch: does not apply in the environment (no agent is started by hand and waited for: the agent would be played in process as the built-in strategy "idle"): leave launch out',
      'env.run.agents[4].token: does not apply in the environment (no agent connects with a token: every agent is played in process): remove it',
    ]);
    // The learner's decisions come from step(): its strategy is a label, its params reach nothing.
    expect(
      envRunIssues({
        agents: [{ id: 'learner', strategy: 'policy', params: { checkpoint: 'p.json' }, asset: BATTERY }],
      }),
    ).toEqual([
      'env.run.agents[0].params: does not apply in the environment (the learner’s decisions come from the method trained, not from its strategy "policy"): remove it',
    ]);
    expect(
      envRunIssues({}, [{ id: 'zoo', strategy: 'idle', launch: true, latencyMs: { min: 0, max: 0 } }]),
    ).toEqual([]);
  });

  it('refuses training or evaluation days past 9999-12-31, naming the field (a RangeError before)', () => {
    expect(() => tiny({ name: 'td3' }, { days: { start: '9999-12-30', count: 4 } })).toThrow(
      'env.days.count: at most 2 from 9999-12-30: the last day there can be is 9999-12-31 (got 4)',
    );
    // The evaluation world starts on the same day.
    expect(() =>
      parseTrainConfig({
        method: { name: 'adp' },
        env: { kind: 'pool', days: { start: '9999-12-31', count: 1 } },
        steps: 10,
        eval: { days: 3 },
      }),
    ).toThrow('eval.days: at most 1 from 9999-12-31: the last day there can be is 9999-12-31 (got 3)');
    expect(tiny({ name: 'td3' }, { days: { start: '9999-12-28', count: 4 } }).env).toMatchObject({
      days: { start: '9999-12-28', count: 4 },
    });
  });

  it('refuses settings that never learn: a TD3 batch above its buffer, a PPO minibatch above its rollout', () => {
    // Both trained to the end and exported the initial network (0 updates in the checkpoint).
    expect(() => tiny({ name: 'td3', bufferSize: 1000, batchSize: 2048 })).toThrow(
      'method.batchSize: must be <= method.bufferSize (1000): a batch larger than the replay buffer is never sampled, so nothing is learned (got 2048)',
    );
    expect(() => tiny({ name: 'ppo', rolloutSteps: 192 })).toThrow(
      'method.minibatch: must be <= method.rolloutSteps (192): updates use whole minibatches of a rollout, so nothing is learned',
    );
    expect(tiny({ name: 'ppo', rolloutSteps: 192, minibatch: 192 }).method).toMatchObject({ minibatch: 192 });
  });

  it('evaluates a resumed run as an uninterrupted one (DQN on the EV fleet: its evaluation draws)', async () => {
    const cfg = parseTrainConfig({
      name: 'ev',
      seed: 4,
      method: { name: 'dqn', hidden: [8], startSteps: 50, batchSize: 16 },
      env: { kind: 'ev-fleet', days: { start: '2024-06-03', count: 2 }, fleetSize: 5 },
      steps: 384,
      checkpointEvery: 192,
      eval: { days: 1 },
    });
    const evals = (d: string) => JSON.parse(readFileSync(join(d, 'checkpoint.json'), 'utf8')).evals;
    const a = dir();
    await train(cfg, { outDir: a });
    const b = dir();
    await train(cfg, { outDir: b, stopAfterCheckpoint: 1 });
    await train(cfg, { outDir: b });
    // The evaluation environment's stream went on from one evaluation to the next, so the second
    // evaluation of the uninterrupted run drew other fleets than the resumed run's (-10.2 vs 3.8 €).
    expect(evals(b)).toEqual(evals(a));
    expect(evals(a)).toHaveLength(2);
  });

  it('exports no policy.json for a network trained behind a plant, and says why', async () => {
    // The policy strategy feeds generation as zeros (a bare battery): this network was exported and
    // played on inputs it never saw, although docs/training.md said it is not exported.
    const plant = await train(
      {
        ...tiny({ name: 'bc', episodes: 1, epochs: 1, hidden: [4] }, { generation: { peakMw: 10 } }),
        steps: 1,
      },
      { outDir: dir() },
    );
    expect(plant.policyPath).toBeNull();
    expect(plant.noPolicy).toBe(
      'the policy strategy plays a bare battery (env.generation.peakMw: 0); this run trained behind a 10 MW plant',
    );
    const noImport = await train(
      { ...tiny({ name: 'bc', episodes: 1, epochs: 1, hidden: [4] }, { allowImport: false }), steps: 1 },
      { outDir: dir() },
    );
    expect(noImport.noPolicy).toMatch(/env\.allowImport: true\); this run's bare battery could not charge/);
    const q = await train(tiny({ name: 'tabular-q' }, { action: 'discrete', observation: 'seed003' }), {
      outDir: dir(),
    });
    expect(q.noPolicy).toBe('tabular Q-learning learns a table, and the policy strategy plays networks');
  });

  it('refuses a damaged checkpoint with one line and leaves the folder as it was', async () => {
    const cfg = tiny({ name: 'td3', startSteps: 96, trainEvery: 16, batchSize: 32, hidden: [8] });
    const out = dir();
    await train(cfg, { outDir: out, stopAfterCheckpoint: 1 });
    const files = ['checkpoint.json', 'config.json', 'metrics.jsonl'];
    const ckpt = join(out, 'checkpoint.json');
    writeFileSync(ckpt, readFileSync(ckpt, 'utf8').slice(0, 200)); // cut short, as by a full disk
    const before = files.map((f) => readFileSync(join(out, f), 'utf8'));
    await expect(train(cfg, { outDir: out })).rejects.toThrow(
      new TrainingFolderError(
        `${ckpt} cannot be read (Unterminated string in JSON at position 200); delete it to train from the start, or use another outDir`,
      ),
    );
    writeFileSync(ckpt, '{"version":1}');
    await expect(train(cfg, { outDir: out })).rejects.toThrow(
      /is not a version 1 checkpoint of flexarena train/,
    );
    writeFileSync(ckpt, before[0]!);
    // Another configuration's attempt does not overwrite this one's config.json either.
    await expect(train({ ...cfg, seed: 6 }, { outDir: out })).rejects.toThrow(TrainingFolderError);
    expect(files.map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(before);
  });

  it('runs a finished folder again without training, evaluating or changing its files', async () => {
    const cfg = tiny({ name: 'td3', startSteps: 96, trainEvery: 16, batchSize: 32, hidden: [8] });
    const out = dir();
    const first = await train(cfg, { outDir: out });
    expect(first.alreadyFinished).toBe(false);
    const files = ['checkpoint.json', 'policy.json', 'metrics.jsonl', 'report.html'];
    const before = files.map((f) => readFileSync(join(out, f), 'utf8'));
    const again = await train(cfg, { outDir: out });
    expect(again).toMatchObject({ alreadyFinished: true, checkpoints: first.checkpoints, completed: true });
    // It used to add one more checkpoint (and evaluation) each time, and so a new policy.json.
    expect(files.map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(before);
  });

  it('stops at the end of an episode when its signal is aborted and resumes to the same weights', async () => {
    const cfg = tiny({ name: 'td3', startSteps: 96, trainEvery: 16, batchSize: 32, hidden: [8] });
    const full = await train(cfg, { outDir: dir() });
    const out = dir();
    const ctl = new AbortController();
    const stopped = await train(cfg, {
      outDir: out,
      signal: ctl.signal,
      // Ctrl-C in the first episode after the first checkpoint: that episode is lost.
      onProgress: (p) => p.envSteps > 192 && ctl.abort('SIGINT'),
    });
    expect(stopped).toMatchObject({ completed: false, checkpoints: 1, checkpointSteps: 192 });
    expect(stopped.envSteps).toBe(288);
    expect(stopped.policyPath).toBeNull();
    const resumed = await train(cfg, { outDir: out });
    expect(resumed.resumedFromCheckpoint).toBe(1);
    const policy = (p: string | null) => JSON.parse(readFileSync(p!, 'utf8')).network;
    expect(policy(resumed.policyPath)).toEqual(policy(full.policyPath));
  });

  it('saves the tabular Q agent on its training days (seed 003 Alg. 1), not on the evaluation world', async () => {
    // Alg. 1 lets the trained agent "perform in the trained period" and saves it when its total
    // reward beats the saved one. The saving check ran on the evaluation world instead: the agent
    // was picked on the held-out days its evaluation then reported.
    const env = {
      action: 'discrete',
      observation: 'seed003',
      reward: 'revenue-penalty',
      generation: { peakMw: 10 },
    };
    const learner = async (evalWorldSeed: number) => {
      const cfg = {
        ...tiny({ name: 'tabular-q', decayEpisodes: 8 }, env),
        steps: 1920,
        checkpointEvery: 384,
      };
      const out = dir();
      await train({ ...cfg, eval: { worldSeed: evalWorldSeed, days: 2 } }, { outDir: out });
      const c = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
      return { learner: c.learner, evals: c.evals as { evalEur: number }[] };
    };
    const a = await learner(1001);
    const b = await learner(2002);
    expect(a.evals.map((e) => e.evalEur)).not.toEqual(b.evals.map((e) => e.evalEur));
    expect(a.learner.bestReturn).toBe(b.learner.bestReturn);
    expect(a.learner.best).toEqual(b.learner.best);
    // The saved return is the greedy total reward over the training days, not an evaluation's €/day.
    expect(a.evals.map((e) => e.evalEur)).not.toContain(a.learner.bestReturn);
  });

  it("applies tabular Q's gamma per hour, as seed 003's hourly steps do, on the environment's step", async () => {
    // The file's gamma 0.9 was applied per quarter-hour step: 0.9^24 ≈ 0.08 on a peak six hours
    // ahead instead of the seed's 0.9^6 ≈ 0.53 (docs/training.md, "Discount per hour").
    const env = { action: 'discrete', observation: 'seed003' };
    const gamma = async (stepMinutes: number) => {
      const out = dir();
      await train(
        { ...tiny({ name: 'tabular-q', gamma: 0.9 }, { ...env, stepMinutes }), steps: 1 },
        { outDir: out },
      );
      return JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8')).learner.gamma as number;
    };
    expect(await gamma(15)).toBeCloseTo(0.9 ** (15 / 60), 12);
    expect(await gamma(5)).toBeCloseTo(0.9 ** (5 / 60), 12);
  });

  it('trains seed 003 tabular Q and a behaviour-cloned heuristic through the same runner', async () => {
    const q = await train(
      tiny({ name: 'tabular-q' }, { action: 'discrete', observation: 'seed003', reward: 'revenue-penalty' }),
      { outDir: dir() },
    );
    expect(q.completed).toBe(true);
    expect(q.policyPath).toBeNull();
    const bc = await train(
      { ...tiny({ name: 'bc', episodes: 2, epochs: 3, hidden: [16] }), steps: 1 },
      { outDir: dir() },
    );
    expect(bc.policyPath).not.toBeNull();
    const p = JSON.parse(readFileSync(bc.policyPath!, 'utf8'));
    expect(p).toMatchObject({ format: 'flexarena-policy', method: 'bc', observation: 'standard' });
  });
});
