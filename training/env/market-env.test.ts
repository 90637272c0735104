import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/index.js';
import { MarketEnv, MultiAgentMarketEnv } from './market-env.js';
import { StepType, type TimeStep } from './time-step.js';

const marketRun = (learners: string[]) => ({
  name: 'market-env-test',
  seed: 11,
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
    { id: 'heuristic', strategy: 'heuristic-battery', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
    ...learners.map((id) => ({
      id,
      strategy: 'idle',
      asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
    })),
  ],
});

describe('MarketEnv (the Simulation with zoo agents and learners)', () => {
  it('runs an episode on the real core; rewards add up to the learner’s cash minus costs', async () => {
    const env = new MarketEnv({ run: marketRun(['learner']), learner: 'learner', seeds: 'fixed' });
    let ts: TimeStep = await env.reset();
    expect(ts.stepType).toBe(StepType.FIRST);
    expect(ts.observation).toHaveLength(20);
    let total = 0;
    let steps = 0;
    const rewards: number[] = [];
    while (ts.stepType !== StepType.LAST) {
      ts = await env.step(steps % 8 < 4 ? 0.6 : -0.6);
      total += ts.reward;
      rewards.push(ts.reward);
      expect(ts.rejections).toEqual([]);
      steps++;
    }
    expect(steps).toBeGreaterThan(90);
    const sim = env.multi.simulation!;
    const cash = sim.ctx.ledger('learner').totalCashUnits / 100_000;
    const costs = sim.ctx.assets.get('learner')!.costs();
    expect(total).toBeCloseTo(
      cash - costs.degradationEur - costs.penaltyEur - costs.tariffEur - costs.lostRentalEur,
      6,
    );
    expect(rewards.some((r) => r !== 0)).toBe(true);
    // Same seed, same actions: the same episode (its first 40 steps).
    const again = new MarketEnv({ run: marketRun(['learner']), learner: 'learner', seeds: 'fixed' });
    await again.reset();
    const rewards2: number[] = [];
    for (let k = 0; k < 40; k++) rewards2.push((await again.step(k % 8 < 4 ? 0.6 : -0.6)).reward);
    expect(rewards2).toEqual(rewards.slice(0, 40));
  });

  it('returns door and action rejections inside the time step, never throws', async () => {
    const env = new MarketEnv({ run: marketRun(['learner']), learner: 'learner' });
    await env.reset();
    const bad = await env.step(Number.NaN);
    expect(bad.rejections[0]).toMatchObject({ code: 'non-finite', field: 'action' });
    const qh = env.multi.simulation!.ctx.products.quarterHours.at(-1)!.id;
    const raw = await env.step({
      actions: [
        {
          kind: {
            $case: 'submit',
            value: {
              productId: qh,
              side: 1,
              priceTicks: 12.5,
              quantityLots: 1,
              timeInForce: 2,
              clientRef: 'x',
            },
          },
        },
      ] as never,
    });
    expect(raw.stepType).toBe(StepType.MID);
    expect(raw.rejections.length).toBe(1);
    expect(raw.rejections[0]!.field).toBe('submit.price_ticks');
    expect(raw.rejections[0]!.limit).toMatch(/integer/);
    // Not a list of actions: a rejection, as for any other malformed action (it passed silently).
    for (const actions of ['x', null, { submit: {} }]) {
      const ts = await env.step({ actions } as never);
      expect(ts.stepType).toBe(StepType.MID);
      expect(ts.rejections).toEqual([
        {
          code: 'shape',
          field: 'actions',
          limit: 'a list of protocol actions',
          message: `actions is ${actions === null ? 'null' : typeof actions}, not a list: nothing was sent`,
        },
      ]);
    }
  });

  it('league: zoo agents can play other strategies, e.g. a frozen checkpoint as policy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'league-'));
    const checkpoint = join(dir, 'frozen.json');
    const weights = new Array(20).fill(0);
    weights[5] = 3;
    weights[4] = -3;
    writeFileSync(
      checkpoint,
      JSON.stringify({
        format: 'flexarena-policy',
        version: 1,
        method: 'frozen',
        observation: 'standard',
        priceScaleEur: 100,
        action: { kind: 'continuous' },
        network: { layers: [{ inputs: 20, outputs: 1, activation: 'tanh', weights, bias: [0] }] },
      }),
    );
    const env = new MultiAgentMarketEnv({
      run: marketRun(['learner']),
      learners: ['learner'],
      seeds: 'fixed',
    });
    env.setOpponents({ heuristic: { strategy: 'policy', params: { checkpoint } } });
    await env.reset();
    for (let k = 0; k < 30; k++) await env.step({ learner: 0 });
    const sim = env.simulation!;
    expect(sim.cfg.agents.find((a) => a.id === 'heuristic')!.strategy).toBe('policy');
    expect(sim.ctx.ledger('heuristic').positionMessages(sim.timeMs).length).toBeGreaterThan(0);
  });

  it('lets several learners answer the same decision points', async () => {
    const env = new MultiAgentMarketEnv({ run: marketRun(['a', 'b']), learners: ['a', 'b'], seeds: 'fixed' });
    let ts = await env.reset();
    expect(Object.keys(ts).sort()).toEqual(['a', 'b']);
    for (let k = 0; k < 20; k++) {
      ts = await env.step({ a: 0.8, b: -0.8 });
      expect(ts.a!.stepType).toBe(StepType.MID);
    }
    const sim = env.simulation!;
    const lots = (id: string) =>
      sim.ctx
        .ledger(id)
        .positionMessages(sim.timeMs)
        .reduce((s, p) => s + p.netLots, 0);
    expect(lots('a')).toBeGreaterThan(0);
    expect(lots('b')).toBeLessThanOrEqual(0);
  });

  // A learner stopped at for another learner's sake, with nothing of its own to trade: its share
  // was dropped without any rejection. Every action gets an answer.
  it('answers a share a learner without a tradable quarter-hour sends, and still checks it', async () => {
    const env = new MultiAgentMarketEnv({ run: marketRun(['a', 'b']), learners: ['a', 'b'], seeds: 'fixed' });
    await env.reset();
    // Learners share the products and forecasts in today's core, so b is made to see none.
    const state = (env as unknown as { state: Map<string, { features: { observe: () => undefined } }> })
      .state;
    state.get('b')!.features.observe = () => undefined;
    let ts = await env.step({ a: 0.5, b: 0.5 }); // b's context is still the reset's: traded
    expect(ts.b!.rejections).toEqual([]);
    expect([...ts.b!.observation].every((x) => x === 0)).toBe(true);
    expect(ts.a!.stepType).toBe(StepType.MID);
    ts = await env.step({ a: 0.5, b: 0.5 });
    expect(ts.a!.rejections).toEqual([]);
    expect(ts.b!.rejections).toEqual([
      {
        code: 'no-tradable-quarter-hour',
        field: 'action',
        limit:
          'a quarter-hour open for trading, with a price forecast, whose gate closes more than 60 s from now',
        message:
          'learner b has no tradable quarter-hour at this decision point (its observation was zeros): the share 0.5 was not traded',
      },
    ]);
    // A malformed share is said to be malformed, as at any other point.
    ts = await env.step({ a: 0, b: Number.POSITIVE_INFINITY });
    expect(ts.b!.rejections.map((r) => r.code)).toEqual(['non-finite']);
  });

  // Taken as given: a reward scale of 0 or NaN gave NaN rewards, a negative one reversed them, a
  // price scale of 0 infinite observations, a negative slippage orders that never trade; an action
  // keyed by a misspelt learner id and a league opponent that is no zoo agent were ignored; a
  // learner without a battery failed at reset() naming no agent.
  it('refuses its own settings out of range, unknown ids and a learner without a battery', async () => {
    const build = (o: Record<string, unknown>) => () =>
      new MarketEnv({ run: marketRun(['learner']), learner: 'learner', ...o });
    for (const [o, field] of [
      [{ rewardScaleEur: 0 }, 'rewardScaleEur'],
      [{ rewardScaleEur: Number.NaN }, 'rewardScaleEur'],
      [{ rewardScaleEur: -1 }, 'rewardScaleEur'],
      [{ priceScaleEur: 0 }, 'priceScaleEur'],
      [{ slippageEur: -5 }, 'slippageEur'],
      [{ slippageEur: 0.005 }, 'slippageEur'],
      [{ gateMarginMs: -1 }, 'gateMarginMs'],
      [{ seeds: 'bogus' }, 'seeds'],
    ] as const) {
      expect(build(o)).toThrow(ConfigError);
      expect(build(o)).toThrow(new RegExp(`\\n  - ${field}: `));
    }
    const run = marketRun(['learner']);
    run.agents.push({ id: 'plain', strategy: 'idle' } as never);
    expect(() => new MarketEnv({ run, learner: 'plain' })).toThrow(
      'env.learners: plain has no battery asset (a learner trades battery shares)',
    );
    expect(() => new MultiAgentMarketEnv({ run, learners: ['learner', 'learner'] })).toThrow(
      'env.learners: learner is named twice',
    );
    const env = new MultiAgentMarketEnv({ run: marketRun(['a']), learners: ['a'], seeds: 'fixed' });
    expect(() => env.setOpponents({ nobody: { strategy: 'idle' } })).toThrow(
      'opponents: nobody is not an agent of the run other than a learner (liquidity, heuristic)',
    );
    // An unknown strategy is refused at once, and the opponents set before stay.
    env.setOpponents({ heuristic: { strategy: 'idle' } });
    expect(() => env.setOpponents({ heuristic: { strategy: 'no-such-strategy' } })).toThrow(
      /^opponents\.heuristic: .*no-such-strategy/,
    );
    await env.reset();
    expect(() => env.setOpponents({ a: { strategy: 'idle' } })).toThrow(/opponents: a is not an agent/);
    await env.reset();
    await expect(env.step({ a: 0, b: 0.5 } as never)).rejects.toThrow(
      'step(): "b" is not a learner of this environment (a)',
    );
    // Nothing was applied: the same decision point still takes the learner's answer.
    expect((await env.step({ a: 0 })).a!.rejections).toEqual([]);
  });

  // All were accepted and had no effect: the environment has no wall clock, gRPC server or NATS.
  it('refuses what only the arena process does (real time, a deadline, a port, NATS), by path', () => {
    const refused = (extra: Record<string, unknown>) => {
      try {
        new MarketEnv({ run: { ...marketRun(['learner']), ...extra }, learner: 'learner' });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).file).toBe('env.run');
        return (err as ConfigError).issues.map((i) => i.path);
      }
      return [];
    };
    expect(refused({ mode: 'realtime', realtime: { speed: 60 } })).toEqual(['mode']);
    expect(refused({ deadlineMs: 1000, port: 50051 })).toEqual(['port', 'deadlineMs']);
    expect(refused({ nats: { url: 'nats://127.0.0.1:4222' } })).toEqual(['nats.url']);
    expect(refused({ nats: { enabled: true } })).toEqual(['nats.enabled']);
    expect(
      () => new MarketEnv({ run: { ...marketRun(['learner']), deadlineMs: 1000 }, learner: 'learner' }),
    ).toThrow(/deadlineMs: does not apply in the environment \(no wall-clock deadline/);
    // What it does anyway is said without complaint.
    expect(refused({ mode: 'lockstep', nats: { enabled: false }, limits: { agentRestarts: 0 } })).toEqual([]);
  });

  // Accepted and silently ignored: only the gRPC gateway reads helloTimeoutMs, and an agent with a
  // command of its own was played as the built-in strategy its label names.
  it('refuses the gateway’s limits and how an agent process is launched or connects, by path', () => {
    const run = marketRun(['learner', 'other']);
    const agents = run.agents.map((a) =>
      a.id === 'heuristic'
        ? { ...a, command: ['python3', 'my-agent.py'] }
        : a.id === 'other'
          ? { ...a, params: { x: 1 } }
          : a,
    );
    const make = () =>
      new MultiAgentMarketEnv({
        run: { ...run, agents, limits: { helloTimeoutMs: 1000, maxOpenOrders: 10, agentRestarts: 2 } },
        learners: ['learner', 'other'],
      });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(
      /agents\[1\]\.command: does not apply in the environment \(no agent process is launched: the agent would be played in process as the built-in strategy "heuristic-battery"\)/,
    );
    const err = (() => {
      try {
        make();
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err?.file).toBe('env.run');
    expect(err?.issues.map((i) => i.path)).toEqual([
      'limits.helloTimeoutMs',
      'limits.agentRestarts',
      'agents[1].command',
      'agents[3].params',
    ]);
  });
});
