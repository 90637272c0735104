// The full-market environment (the Simulation with the zoo) as a Runner for TD3, PPO and
// Double DQN. Its steps are awaited (the core may clear auctions with HiGHS between decision
// points), so every method acts through the async loop here (PPO through iterateAsync). League
// training: before each episode the listed zoo agents play the next draw from the pool (frozen
// `policy` checkpoints and zoo strategies), round-robin, so a resumed run draws what an
// uninterrupted one draws. DQN acts on a grid of battery shares (default seed 003's five).
import type { SimulationFiles } from '../../sim/index.js';
import { MarketEnv } from '../env/market-env.js';
import { StepType, type TimeStep } from '../env/time-step.js';
import { DoubleDqn } from '../methods/dqn.js';
import { Td3 } from '../methods/td3.js';
import { type EpisodeLog, networkPolicy, ppoFromMethod, type Runner } from './runner.js';
import type { TrainConfig } from './train-config.js';

type MarketCfg = Extract<TrainConfig['env'], { kind: 'market' }>;

/** The market environment with the league's draw before every reset and each finished episode's €. */
class LeagueMarketEnv {
  readonly env: MarketEnv;
  draws = 0;
  /** € (cash − asset costs) of the episodes finished since the last take. */
  private finished: number[] = [];

  constructor(
    private readonly e: MarketCfg,
    files: SimulationFiles | undefined,
  ) {
    this.env = new MarketEnv({
      run: e.run,
      learner: e.learner,
      seeds: 'per-episode',
      rewardScaleEur: e.rewardScaleEur,
      ...(files ? { files } : {}),
    });
  }

  async reset(): Promise<TimeStep> {
    const league = this.e.league;
    if (league) {
      const pool = league.pool;
      this.env.multi.setOpponents(
        Object.fromEntries(league.agents.map((id, i) => [id, pool[(this.draws + i) % pool.length]!])),
      );
      this.draws++;
    }
    return this.env.reset();
  }

  async step(action: number | number[]): Promise<TimeStep> {
    const ts = await this.env.step(action);
    if (ts.stepType === StepType.LAST) this.finished.push(this.env.multi.valueEur(this.e.learner));
    return ts;
  }

  takeFinished(): number[] {
    const f = this.finished;
    this.finished = [];
    return f;
  }
}

/** Greedy value (€) of a policy on the run's own seed, the zoo as configured (no league draw). */
async function evaluateMarket(
  e: MarketCfg,
  files: SimulationFiles | undefined,
  act: (o: Float32Array) => number | number[],
): Promise<number> {
  const ev = new MarketEnv({ run: e.run, learner: e.learner, seeds: 'fixed', ...(files ? { files } : {}) });
  let ts = await ev.reset();
  while (ts.stepType !== StepType.LAST) ts = await ev.step(act(ts.observation));
  return ev.multi.valueEur(e.learner);
}

/** What the runner needs of an off-policy learner (TD3, DQN); A is its action. */
interface OffPolicyLearner<A> {
  readonly envSteps: number;
  explore(o: Float32Array): A;
  observe(o: Float32Array, a: A, reward: number, discount: number, next: Float32Array): unknown;
  snapshot(): Promise<Record<string, unknown>>;
  restore(s: Record<string, unknown>): Promise<void>;
  reseed(seed: number): void;
}

interface LeagueState {
  snapshot(): { leagueDraw: number; marketEpisodes: number };
  restore(s: unknown): void;
}

/** One episode of an off-policy learner on the environment. */
async function offPolicyEpisode<A>(
  env: LeagueMarketEnv,
  learner: OffPolicyLearner<A>,
  toEnv: (a: A) => number | number[],
): Promise<EpisodeLog> {
  let ts = await env.reset();
  let ret = 0;
  let steps = 0;
  while (ts.stepType !== StepType.LAST) {
    const o = ts.observation;
    const a = learner.explore(o);
    ts = await env.step(toEnv(a));
    learner.observe(o, a, ts.reward, ts.discount, ts.observation);
    ret += ts.reward;
    steps++;
  }
  return { return: ret, steps, valueEur: env.takeFinished().at(-1) ?? 0 };
}

/** A Runner around an off-policy learner; checkpoints hold the learner and the league's draw. */
function offPolicyRunner<A>(
  learner: OffPolicyLearner<A>,
  env: LeagueMarketEnv,
  league: LeagueState,
  how: {
    toEnv: (a: A) => number | number[];
    greedy: (o: Float32Array) => number | number[];
    evaluate: (act: (o: Float32Array) => number | number[]) => Promise<number>;
    policyFile: Runner['policyFile'];
  },
): Runner {
  return {
    get envSteps() {
      return learner.envSteps;
    },
    runEpisode: () => offPolicyEpisode(env, learner, how.toEnv),
    evaluate: () => how.evaluate(how.greedy),
    snapshot: async () => ({ ...(await learner.snapshot()), ...league.snapshot() }),
    restore: async (s) => {
      await learner.restore(s as Record<string, unknown>);
      league.restore(s);
    },
    reseed: (s) => learner.reseed(s),
    policyFile: how.policyFile,
  };
}

/** `files`: what the run names (a world's price CSV), read by the caller. */
export function createMarketRunner(cfg: TrainConfig, e: MarketCfg, files?: SimulationFiles): Runner {
  const m = cfg.method;
  const seed = cfg.seed;
  const env = new LeagueMarketEnv(e, files);
  const obsSize = env.env.observationSpec().shape[0]!;
  // The checkpoint holds the league's draw and the episode count, which picks each episode's world
  // (the run's seed + episode): without it a resumed run trained on the first worlds again.
  const league: LeagueState = {
    snapshot: () => ({ leagueDraw: env.draws, marketEpisodes: env.env.multi.episodeCount }),
    restore: (s: unknown) => {
      const x = s as { leagueDraw: number; marketEpisodes?: number };
      env.draws = x.leagueDraw;
      env.env.multi.resumeEpisodes(x.marketEpisodes ?? 0);
    },
  };
  if (m.name === 'td3') {
    const td3 = new Td3(obsSize, 1, { ...m, seed });
    return offPolicyRunner<number[]>(td3, env, league, {
      toEnv: (a) => a,
      greedy: (o) => td3.policy(o),
      evaluate: (act) => evaluateMarket(e, files, act),
      policyFile: (t) => networkPolicy('td3', undefined, td3.actorSpec(), { kind: 'continuous' }, t),
    });
  }
  if (m.name === 'dqn') {
    const levels = m.actions;
    const dqn = new DoubleDqn(obsSize, levels.length, { ...m, seed });
    return offPolicyRunner<number>(dqn, env, league, {
      toEnv: (a) => levels[a]!,
      greedy: (o) => levels[dqn.greedy(o)]!,
      evaluate: (act) => evaluateMarket(e, files, act),
      policyFile: (t) =>
        networkPolicy('dqn', undefined, dqn.networkSpec(), { kind: 'discrete', values: [...levels] }, t),
    });
  }
  if (m.name === 'ppo') {
    if (m.warmStartEpisodes > 0)
      throw new RangeError('method.warmStartEpisodes: behaviour cloning runs on env.kind battery only');
    const ppo = ppoFromMethod(m, obsSize, seed);
    return {
      get envSteps() {
        return ppo.envSteps;
      },
      async runEpisode() {
        await ppo.iterateAsync(env);
        const f = ppo.finished;
        const values = env.takeFinished();
        return {
          return: f.length ? f.reduce((s, x) => s + x, 0) / f.length : 0,
          steps: m.rolloutSteps,
          valueEur: values.length ? values.reduce((s, x) => s + x, 0) / values.length : 0,
        };
      },
      evaluate: () => evaluateMarket(e, files, (o) => ppo.policy(o)),
      snapshot: async () => ({ ...(await ppo.snapshot()), ...league.snapshot() }),
      restore: async (s) => {
        await ppo.restore(s as Record<string, unknown>);
        league.restore(s);
      },
      reseed: (s) => {
        ppo.reseed(s);
        // A checkpoint ends the episode in progress, so a resumed run starts where this one does.
        ppo.endEpisode();
      },
      policyFile: (t) => networkPolicy('ppo', undefined, ppo.actorSpec(), { kind: 'continuous' }, t),
    };
  }
  throw new RangeError(`env.kind market trains with method td3, ppo or dqn, not ${m.name}`);
}
