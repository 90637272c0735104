// Each method of a train configuration as one Runner: episodes, greedy evaluation, snapshot and
// restore (checkpoints), re-keying of its streams, and the deployable policy it exports.

import { deriveSeed } from '../../lib/index.js';
import type { SimulationFiles } from '../../sim/index.js';
import { BatteryEnv } from '../env/battery-env.js';
import type { BatteryEnvConfig } from '../env/battery-env-config.js';
import { EvFleetEnv } from '../env/ev-fleet-env.js';
import { type Environment, StepType } from '../env/time-step.js';
import { PoolAdp, PoolDays } from '../methods/adp.js';
import { behaviourCloning, forecastHeuristicFor } from '../methods/behaviour-cloning.js';
import { DoubleDqn } from '../methods/dqn.js';
import { perStepGamma, TabularQLearner, type TabularQSnapshot } from '../methods/tabular-q.js';
import { Td3 } from '../methods/td3.js';
import { trainingEpisode } from '../methods/training-episode.js';
import { createMarketRunner } from './market-runner.js';
import { type EpisodeLog, networkPolicy, ppoFromMethod, type Runner } from './runner.js';
import type { TrainConfig } from './train-config.js';

export type { EpisodeLog, Runner };

type BatteryCfg = Extract<TrainConfig['env'], { kind: 'battery' }>;

/**
 * The seed of an evaluation environment's own stream (forecast noise, a replaced discrete action,
 * the EV fleet): derived from the run's one seed like every other stream (a train file has no
 * env.seed), and the same at every evaluation, so an evaluation is a function of the policy.
 */
const evalEnvSeed = (cfg: TrainConfig, what: string) => deriveSeed(cfg.seed, what) & 0x7fffffff;

function evalBatteryEnv(cfg: TrainConfig, env: BatteryCfg): BatteryEnv {
  return new BatteryEnv({
    ...env,
    seed: evalEnvSeed(cfg, 'eval-env'),
    worldSeed: cfg.eval.worldSeed,
    days: { start: env.days.start, count: cfg.eval.days },
    episodeOrder: 'sequential',
    illegal: 'ignore',
  });
}

/**
 * Greedy value per evaluation day. The evaluation environment's own stream (replacement of a
 * violating discrete action, forecast noise) starts afresh every time: an evaluation is a function
 * of the policy alone, so a resumed run evaluates as an uninterrupted one.
 */
async function evalBattery(env: BatteryEnv, act: (o: Float32Array) => number | number[]): Promise<number> {
  env.reseed(env.config.seed);
  let total = 0;
  for (let d = 0; d < env.dayCount; d++) {
    let ts = env.reset(d);
    while (ts.stepType !== StepType.LAST) ts = env.step(act(ts.observation));
    total += env.episodeRevenueEur;
  }
  return total / env.dayCount;
}

/** What an exploring episode needs of an off-policy learner (DQN, TD3); A is its action. */
interface Explorer<A> {
  explore(o: Float32Array): A;
  observe(o: Float32Array, a: A, reward: number, discount: number, next: Float32Array): unknown;
}

/** One exploring episode of an off-policy learner: the € value is each environment's own. */
function exploringEpisode<A>(
  env: Pick<Environment<A>, 'reset' | 'step'>,
  learner: Explorer<A>,
): { return: number; steps: number } {
  return trainingEpisode(
    env,
    (o) => learner.explore(o),
    (o, a, next) => learner.observe(o, a, next.reward, next.discount, next.observation),
  );
}

/** `files`: what a market environment's run names (a world's price CSV), read by the caller. */
export async function createRunner(cfg: TrainConfig, files?: SimulationFiles): Promise<Runner> {
  const m = cfg.method;
  const e = cfg.env;
  const seed = cfg.seed;
  if (m.name === 'adp') {
    if (e.kind !== 'pool') throw new RangeError('method adp trains on env.kind pool');
    const days = new PoolDays({ worldSeed: e.worldSeed, days: e.days, households: m.households, seed });
    const evalDays = new PoolDays({
      worldSeed: cfg.eval.worldSeed,
      days: { start: e.days.start, count: cfg.eval.days },
      households: m.households,
      seed,
    });
    const adp = new PoolAdp(days, { epsilon: m.epsilon, forgetting: m.forgetting, seed });
    let k = 0;
    return {
      get envSteps() {
        return adp.samplePaths;
      },
      async runEpisode() {
        const r = adp.trainDay(k++ % days.count);
        return { return: r.utilityToGo[0]!, steps: 1, valueEur: r.utilityToGo[0]! };
      },
      async evaluate() {
        const evaluator = new PoolAdp(evalDays);
        evaluator.restore(adp.snapshot());
        let s = 0;
        for (let d = 0; d < evalDays.count; d++) s += evaluator.trainDay(d, false).utilityToGo[0]!;
        return s / evalDays.count;
      },
      async snapshot() {
        return { ...adp.snapshot(), k };
      },
      async restore(s) {
        adp.restore(s as Record<string, unknown>);
        k = (s as { k: number }).k;
      },
      reseed: (s) => adp.reseed(s),
      policyFile: () => undefined,
    };
  }
  if (e.kind === 'pool') throw new RangeError(`method ${m.name} does not train on env.kind pool (adp does)`);

  if (e.kind === 'ev-fleet') {
    if (m.name !== 'dqn') throw new RangeError('env.kind ev-fleet trains with method dqn (seed 004)');
    // The environment's settings of the file (its kind is the train file's, not the environment's).
    const fleet = { worldSeed: e.worldSeed, days: e.days, difficulty: e.difficulty, fleetSize: e.fleetSize };
    const env = new EvFleetEnv({ ...fleet, seed: deriveSeed(seed, 'env') & 0x7fffffff });
    const evalEnv = new EvFleetEnv({
      ...fleet,
      seed: evalEnvSeed(cfg, 'eval-env'),
      worldSeed: cfg.eval.worldSeed,
      days: { start: e.days.start, count: cfg.eval.days },
    });
    const dqn = new DoubleDqn(4, env.actionSpec().n, { ...m, seed });
    return {
      get envSteps() {
        return dqn.envSteps;
      },
      async runEpisode() {
        return { ...exploringEpisode(env, dqn), valueEur: env.episodeSavingEur };
      },
      async evaluate() {
        // Afresh every time, as evalBattery: the fleet and its forecast errors come from this stream.
        evalEnv.reseed(evalEnv.config.seed);
        let s = 0;
        for (let d = 0; d < cfg.eval.days; d++) {
          let ts = evalEnv.reset(d);
          while (ts.stepType !== StepType.LAST) ts = evalEnv.step(dqn.greedy(ts.observation));
          s += evalEnv.episodeSavingEur;
        }
        return s / cfg.eval.days;
      },
      snapshot: () => dqn.snapshot(),
      restore: (s) => dqn.restore(s as Record<string, unknown>),
      reseed: (s) => {
        dqn.reseed(s);
        env.reseed(deriveSeed(s, 'env') & 0x7fffffff);
      },
      policyFile: () => undefined,
    };
  }

  if (e.kind === 'market') return createMarketRunner(cfg, e, files);

  // The fast battery environment.
  const env = new BatteryEnv({ ...e, seed: deriveSeed(seed, 'env') & 0x7fffffff });
  const evalEnv = evalBatteryEnv(cfg, e);
  const obsSize = env.observationSpec().shape[0]!;
  const batteryCommon = {
    reseedEnv: (s: number) => env.reseed(deriveSeed(s, 'env') & 0x7fffffff),
    setDifficulty: (level: BatteryEnvConfig['difficulty']) => env.setDifficulty(level),
  };
  if (m.name === 'tabular-q') {
    if (e.action !== 'discrete') throw new RangeError('method tabular-q needs env.action discrete');
    const q = new TabularQLearner(5, {
      alpha: m.alpha,
      // Seed 003 steps hourly: its γ is per hour, applied per step of this environment.
      gamma: perStepGamma(m.gamma, e.stepMinutes),
      decayEpisodes: m.decayEpisodes,
      seed,
    });
    // Algorithm 1's saving check: the greedy agent performs "in the trained period" (the training
    // days, in order, with the environment's penalties), on an environment of its own whose stream
    // starts afresh every time, like an evaluation's; the held-out evaluation world plays no part.
    const trainedPeriod = new BatteryEnv({
      ...e,
      seed: evalEnvSeed(cfg, 'trained-period'),
      episodeOrder: 'sequential',
    });
    const trainingDays = Array.from({ length: trainedPeriod.dayCount }, (_, d) => d);
    let steps = 0;
    return {
      get envSteps() {
        return steps;
      },
      async runEpisode() {
        const r = q.trainEpisode(env);
        steps += r.steps;
        return { return: r.return, steps: r.steps, valueEur: env.episodeRevenueEur };
      },
      async evaluate() {
        trainedPeriod.reseed(trainedPeriod.config.seed);
        q.considerSaving(q.evaluate(trainedPeriod, trainingDays));
        return evalBattery(evalEnv, (o) => q.greedy(o));
      },
      snapshot: async () => ({ ...q.snapshot(), steps }),
      restore: async (s) => {
        q.restore(s as TabularQSnapshot);
        steps = (s as { steps: number }).steps;
      },
      reseed: (s) => {
        q.reseed(s);
        batteryCommon.reseedEnv(s);
      },
      setDifficulty: batteryCommon.setDifficulty,
      policyFile: () => undefined,
    };
  }
  if (e.action !== 'continuous') throw new RangeError(`method ${m.name} needs env.action continuous`);
  if (m.name === 'bc') {
    let result: Awaited<ReturnType<typeof behaviourCloning>> | undefined;
    let steps = 0;
    return {
      get envSteps() {
        return steps;
      },
      async runEpisode() {
        result = await behaviourCloning(env, forecastHeuristicFor(e), m.episodes, {
          hidden: m.hidden,
          epochs: m.epochs,
          seed,
        });
        steps += result.samples;
        return { return: -result.losses.at(-1)!, steps: result.samples, valueEur: 0 };
      },
      async evaluate() {
        if (!result) return 0;
        const { Mlp } = await import('../../agents/strategies/index.js');
        const net = new Mlp(result.actor);
        return evalBattery(evalEnv, (o) => net.forward(o));
      },
      snapshot: async () => ({ method: 'bc', steps, result }),
      restore: async (s) => {
        const x = s as { steps: number; result: typeof result };
        steps = x.steps;
        result = x.result;
      },
      reseed: batteryCommon.reseedEnv,
      setDifficulty: batteryCommon.setDifficulty,
      policyFile: (t) =>
        result ? networkPolicy('bc', e, result.actor, { kind: 'continuous' }, t) : undefined,
    };
  }
  if (m.name === 'dqn') throw new RangeError('method dqn trains on env.kind ev-fleet (seed 004) or market');
  const warm =
    m.warmStartEpisodes > 0
      ? await behaviourCloning(env, forecastHeuristicFor(e), m.warmStartEpisodes, { hidden: m.hidden, seed })
      : undefined;
  if (m.name === 'ppo') {
    const ppo = ppoFromMethod(m, obsSize, seed);
    if (warm) ppo.warmStart(warm.actor);
    return {
      get envSteps() {
        return ppo.envSteps;
      },
      async runEpisode() {
        ppo.iterate(env);
        const f = ppo.finished;
        const mean = f.length ? f.reduce((s, x) => s + x, 0) / f.length : 0;
        return { return: mean, steps: m.rolloutSteps, valueEur: env.episodeRevenueEur };
      },
      evaluate: () => evalBattery(evalEnv, (o) => ppo.policy(o)),
      snapshot: () => ppo.snapshot(),
      restore: (s) => ppo.restore(s as Record<string, unknown>),
      reseed: (s) => {
        ppo.reseed(s);
        ppo.endEpisode();
        batteryCommon.reseedEnv(s);
      },
      setDifficulty: batteryCommon.setDifficulty,
      policyFile: (t) => networkPolicy('ppo', e, ppo.actorSpec(), { kind: 'continuous' }, t),
    };
  }
  const td3 = new Td3(obsSize, 1, { ...m, seed });
  if (warm) td3.warmStart(warm.actor);
  return {
    get envSteps() {
      return td3.envSteps;
    },
    async runEpisode() {
      return { ...exploringEpisode(env, td3), valueEur: env.episodeRevenueEur };
    },
    evaluate: () => evalBattery(evalEnv, (o) => td3.policy(o)),
    snapshot: () => td3.snapshot(),
    restore: (s) => td3.restore(s as Record<string, unknown>),
    reseed: (s) => {
      td3.reseed(s);
      batteryCommon.reseedEnv(s);
    },
    setDifficulty: batteryCommon.setDifficulty,
    policyFile: (t) => networkPolicy(warm ? 'bc+td3' : 'td3', e, td3.actorSpec(), { kind: 'continuous' }, t),
  };
}
