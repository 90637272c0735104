import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '../../agents/strategies/index.js';
import { ConfigError } from '../../lib/index.js';
import { parseTrainConfig } from './train-config.js';
import { train } from './trainer.js';

// A small market: a liquidity provider, the zoo's heuristic battery and the learner's battery.
const run = {
  name: 'market-runner-test',
  seed: 21,
  day: '2026-01-14',
  world: { difficulty: 'noise' },
  nats: { enabled: false },
  agents: [
    {
      id: 'liquidity',
      strategy: 'liquidity',
      role: 'liquidity',
      params: { depthMwPerEur: 20, halfSpreadEur: 0.25, levelStepEur: 0.5, levels: 20, horizonHours: 10 },
    },
    { id: 'rival', strategy: 'heuristic-battery', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
    { id: 'learner', strategy: 'idle', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
  ],
};

const cfg = (method: Record<string, unknown>, steps: number, league?: unknown) =>
  parseTrainConfig({
    name: 'market-tiny',
    seed: 3,
    method,
    env: { kind: 'market', run, learner: 'learner', ...(league ? { league } : {}) },
    steps,
    checkpointEvery: steps,
  });

const dir = () => mkdtempSync(join(tmpdir(), 'flexarena-market-train-'));
const lines = (d: string) =>
  readFileSync(join(d, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('train runner on the full-market environment', () => {
  it('trains PPO: asynchronous rollouts over the real core, updates, a deployable policy', async () => {
    const out = dir();
    const r = await train(
      cfg({ name: 'ppo', hidden: [8], rolloutSteps: 64, minibatch: 32, epochs: 2 }, 128),
      {
        outDir: out,
      },
    );
    expect(r.completed).toBe(true);
    expect(r.envSteps).toBe(128);
    const ckpt = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
    // 2 rollouts × 2 epochs × 2 minibatches of 32.
    expect(ckpt.learner.updates).toBe(8);
    const policy = readPolicyFile(r.policyPath!);
    expect(policy).toMatchObject({ method: 'ppo', action: { kind: 'continuous' } });
    expect(Number.isFinite(r.finalEvalEur)).toBe(true);
  });

  it('trains Double DQN on a grid of battery shares against a league draw and exports a discrete policy', async () => {
    const out = dir();
    const r = await train(
      cfg(
        { name: 'dqn', hidden: [8], startSteps: 16, trainEvery: 4, batchSize: 16, actions: [-1, 0, 1] },
        1,
        // League: the rival's seat plays the pool's draw (here the zoo's idle battery).
        { agents: ['rival'], pool: [{ strategy: 'idle' }] },
      ),
      { outDir: out },
    );
    expect(r.completed).toBe(true);
    const [episode] = lines(out);
    // One whole market day: a decision point per tradable quarter-hour the learner saw.
    expect(episode.steps).toBeGreaterThan(90);
    expect(r.envSteps).toBe(episode.steps);
    const ckpt = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
    expect(ckpt.learner.updates).toBe(Math.floor(episode.steps / 4) - 3);
    expect(ckpt.learner.leagueDraw).toBe(1);
    const policy = readPolicyFile(r.policyPath!);
    expect(policy).toMatchObject({ method: 'dqn', action: { kind: 'discrete', values: [-1, 0, 1] } });
    expect(policy.network.layers.at(-1)!.outputs).toBe(3);
  });

  it('resumes a killed TD3 run to the episodes, evaluations and policy of an uninterrupted one', async () => {
    const c = {
      ...cfg({ name: 'td3', hidden: [8], startSteps: 64, batchSize: 16, trainEvery: 8 }, 300, {
        agents: ['rival'],
        pool: [{ strategy: 'heuristic-battery' }, { strategy: 'idle' }],
      }),
      checkpointEvery: 100,
    };
    const full = dir();
    await train(c, { outDir: full });
    const cut = dir();
    await train(c, { outDir: cut, stopAfterCheckpoint: 1 });
    const resumed = await train(c, { outDir: cut });
    expect(resumed.resumedFromCheckpoint).toBe(1);
    // Each episode's world is the run's seed + the episode count, which the checkpoint did not
    // hold: the resumed run played the first episode's world again.
    expect(lines(cut)).toEqual(lines(full));
    const ckpt = (d: string) => JSON.parse(readFileSync(join(d, 'checkpoint.json'), 'utf8'));
    expect(ckpt(cut).evals).toEqual(ckpt(full).evals);
    expect(ckpt(cut).learner.marketEpisodes).toBe(3);
    expect(readPolicyFile(join(cut, 'policy.json')).network).toEqual(
      readPolicyFile(join(full, 'policy.json')).network,
    );
  });

  it('rejects a method the market does not train and a non-increasing action grid, naming the field', () => {
    // With the file (a ConfigError), not by the runner after the output folder is made.
    expect(() => cfg({ name: 'tabular-q' }, 1)).toThrow(
      /method\.name: env\.kind market trains with method td3, ppo or dqn, not tabular-q/,
    );
    expect(() => cfg({ name: 'dqn', actions: [0, 0] }, 1)).toThrow(/method.actions/);
  });

  it('checks the run, the learner and every strategy played in process with the file', () => {
    // These were found at the episode that first drew them, after episodes were trained.
    const issues = (env: Record<string, unknown>) => {
      try {
        parseTrainConfig({
          method: { name: 'td3' },
          env: { kind: 'market', run, learner: 'learner', ...env },
          steps: 10,
        });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
      return [];
    };
    expect(issues({})).toEqual([]);
    expect(() =>
      parseTrainConfig({
        method: { name: 'td3' },
        env: { kind: 'market', run, learner: 'learner' },
        steps: 10,
        eval: { days: 3 },
      }),
    ).toThrow('eval: env.kind market evaluates on env.run\'s own seed and day; remove eval (got {"days":3})');
    expect(issues({ learner: 'liquidity' })).toEqual([
      'env.learner: must be an agent of env.run with a battery asset',
    ]);
    const league = (pool: unknown[]) => issues({ league: { agents: ['rival'], pool } });
    expect(league([{ strategy: 'idle' }, { strategy: 'rule-tree-batery' }])[0]).toMatch(
      /^env\.league\.pool\[1\]\.strategy: unknown strategy "rule-tree-batery"; known: /,
    );
    expect(league([{ strategy: 'policy', params: { checkpoint: '/nonexistent/policy.json' } }])).toEqual([
      "env.league.pool[0].params.checkpoint: cannot read a policy from /nonexistent/policy.json: ENOENT: no such file or directory, open '/nonexistent/policy.json' (strategy policy)",
    ]);
    // A relative checkpoint is the training file's, like its outDir (it was the working directory's).
    expect(() =>
      parseTrainConfig(
        {
          method: { name: 'td3' },
          env: {
            kind: 'market',
            run,
            learner: 'learner',
            league: {
              agents: ['rival'],
              pool: [{ strategy: 'policy', params: { checkpoint: 'stage0/policy.json' } }],
            },
          },
          steps: 10,
        },
        'train.yaml',
        '/nonexistent/configs',
      ),
    ).toThrow('cannot read a policy from /nonexistent/configs/stage0/policy.json');
    const agents = run.agents.map((a) =>
      a.id === 'rival' ? { ...a, params: { bogus: 1 } } : a.id === 'learner' ? { ...a, day: 1 } : a,
    );
    expect(issues({ run: { ...run, agents } })).toEqual(['env.run.agents[2].day: unknown field "day"']);
    expect(issues({ run: { ...run, agents: agents.slice(0, 2).concat(run.agents[2]!) } })).toEqual([
      'env.run.agents[1].params.bogus: unknown parameter; known: maxSlippageEur, gateMarginMs, thresholdEur (strategy heuristic-battery)',
    ]);
  });
});
