// The full-market environment: the arena's Simulation itself — order book, auctions, balancing,
// settlement, the door — with the other agents of the run played in-process by strategies from
// the zoo (fixed LocalAgents) and one or several learners answering the same decision points
// through step(). A learner's observation and action are the deployable policy's (the standard
// battery observation of policy-features.ts; a battery share traded as an IOC order), or, with
// a raw action ({ actions: Action[] }), any batch of protocol actions. Whatever the door or a
// venue rejects comes back as typed rejections in the learner's next time step (the proto field
// path and the limit), exactly as an agent process would see them in its ack.
//
// Async, unlike the fast environment: the core's advance() is (it may clear auctions with HiGHS).
// Reward: the change of the learner's cash minus its asset costs, € (÷ rewardScaleEur if set).

import * as z from 'zod';
import {
  type BatteryDecisionContext,
  BatteryPolicyFeatures,
  createStrategy,
  STANDARD_OBSERVATION_SIZE,
} from '../../agents/strategies/index.js';
import { RejectCode } from '../../gen/flexarena/v1/market.js';
import { type Action, ActionStatus, type WakeUp } from '../../gen/flexarena/v1/session.js';
import { ConfigError, type ConfigIssue, configIssues } from '../../lib/index.js';
import { eurToTicks, isOnTickGrid } from '../../market/index.js';
import {
  type DecisionPoint,
  decisionRequest,
  type LocalAgent,
  LocalAgentPort,
  parseRunConfig,
  type RunConfig,
  Simulation,
  type SimulationFiles,
} from '../../sim/index.js';
import { batteryShareActionSpec, OBSERVATION_LABELS } from './battery-env.js';
import {
  type ActionRejection,
  type ArraySpec,
  checkAction,
  EnvironmentUsageError,
  type Spec,
  StepType,
  type TimeStep,
} from './time-step.js';

/** A learner's action: a battery share in [−1, 1] (charge > 0), or raw protocol actions. */
export type MarketAction = number | ArrayLike<number> | { actions: Action[] };

export interface MarketEnvOptions {
  /**
   * A run configuration document (a scenario); the learners are agents of it. The settings only
   * the arena's process reads are refused (inProcessRunIssues).
   */
  run: unknown;
  /** Ids of the agents whose decisions come from step(); the others play their strategies. */
  learners: readonly string[];
  /** 'per-episode': episode k runs with seed run.seed + k (a new world draw); 'fixed': always run.seed. */
  seeds?: 'per-episode' | 'fixed';
  priceScaleEur?: number;
  slippageEur?: number;
  gateMarginMs?: number;
  rewardScaleEur?: number;
  /** Replace zoo agents' strategies (league training: frozen checkpoints as 'policy' agents). */
  opponents?: Record<string, { strategy: string; params?: Record<string, unknown> }>;
  /** The files the run names (a world's price CSV), read by the caller: the core does no I/O. */
  files?: SimulationFiles;
}

interface Learner {
  id: string;
  features: BatteryPolicyFeatures;
  wake?: WakeUp;
  ctx?: BatteryDecisionContext;
  valueEur: number;
  cashUnitsPerEur: number;
  pending: ActionRejection[];
}

const zeros = () => new Float32Array(STANDARD_OBSERVATION_SIZE);

/**
 * The environment's own settings, each within its range: a reward scale of 0 or NaN gave infinite
 * or NaN rewards, a negative one reversed them, a price scale of 0 infinite observations, a negative
 * or NaN slippage orders that never trade, and an unknown `seeds` was taken as 'per-episode'.
 */
const marketEnvSettings = z.object({
  seeds: z.enum(['per-episode', 'fixed']).default('per-episode'),
  priceScaleEur: z.number().positive().max(10_000).default(100),
  // A price distance: on the tick grid, as every price (it was rounded to one silently).
  slippageEur: z
    .number()
    .min(0)
    .max(10_000)
    .refine(isOnTickGrid, 'must be a multiple of 0.01 EUR/MWh (one price tick)')
    .default(10),
  gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
  rewardScaleEur: z.number().positive().max(1e6).optional(),
});

/**
 * Settings of a run document that only the arena's process reads: why each has no effect here,
 * where the core is stepped in process with every agent played in it (no gRPC server, no agent
 * process, no wall clock, no run folder).
 */
const ARENA_PROCESS_FIELDS: Readonly<Record<string, string>> = {
  port: 'no gRPC server listens: every agent is played in process',
  deadlineMs: 'no wall-clock deadline: each decision point waits for the learners’ step()',
  connectTimeoutMs: 'no agent process connects: every agent is played in process',
  finalReportGraceMs: 'no agent process reconnects for its final report: every agent is played in process',
  outDir: 'no run folder is written',
};

/**
 * `limits.*` read only by the gRPC gateway or the run's fault log. The others —
 * maxActionsPerWakeUp (the door) and maxOpenOrders (the CID venue) — are the core's and apply.
 */
const ARENA_PROCESS_LIMITS: Readonly<Record<string, string>> = {
  maxMessageBytes: 'no gRPC message is received: every agent is played in process',
  helloTimeoutMs: 'no session stream says hello: every agent is played in process',
  rate: 'no batch arrives over gRPC to be rate-limited: every agent answers in process',
  faultLog: 'no agent-faults.log is written: there is no run folder',
};

/** What the environment does instead with an agent the run would launch or wait for. */
const playedAs = (strategy: string) =>
  `the agent would be played in process as the built-in strategy ${JSON.stringify(strategy)}`;

const notHere = (path: string, why: string, value: unknown, fix = 'remove it'): ConfigIssue => ({
  path,
  message: `does not apply in the environment (${why}): ${fix}`,
  value,
});

/**
 * What a run document asks for that the environment cannot do, by path inside it: each was
 * accepted and silently ignored (a scenario copied in with `mode: realtime`, a NATS server or a
 * deadline trained without any of them; an agent with its own command played as the built-in
 * strategy of its label). `mode: lockstep`, `nats: { enabled: false }` and `launch: true` say what
 * happens here and are kept. `learners` are the agents whose decisions come from step().
 */
export function inProcessRunIssues(run: unknown, learners: readonly string[]): ConfigIssue[] {
  if (typeof run !== 'object' || run === null) return [];
  const doc = run as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  if (doc.mode === 'realtime')
    issues.push({
      path: 'mode',
      message:
        'the environment steps the core as its learners answer, not paced against the wall clock: leave mode out (and realtime)',
      value: doc.mode,
    });
  for (const [field, why] of Object.entries(ARENA_PROCESS_FIELDS))
    if (doc[field] !== undefined) issues.push(notHere(field, why, doc[field]));
  issues.push(...natsIssues(doc.nats), ...limitsIssues(doc.limits));
  if (Array.isArray(doc.agents))
    issues.push(...doc.agents.flatMap((a, i) => agentIssues(a, `agents[${i}]`, learners)));
  return issues;
}

/** The gateway's and the fault log's limits, each leaf by its path (limits.rate.burst). */
function limitsIssues(limits: unknown): ConfigIssue[] {
  if (typeof limits !== 'object' || limits === null) return [];
  const given = limits as Record<string, unknown>;
  return Object.entries(ARENA_PROCESS_LIMITS)
    .flatMap(([key, why]) => {
      const value = given[key];
      if (value === undefined) return [];
      if (typeof value !== 'object' || value === null) return [notHere(`limits.${key}`, why, value)];
      return Object.entries(value).map(([leaf, v]) => notHere(`limits.${key}.${leaf}`, why, v));
    })
    .concat(
      // 0, no restarts, is what happens here anyway; a restart policy would restart nothing.
      given.agentRestarts !== undefined && given.agentRestarts !== 0
        ? [
            notHere(
              'limits.agentRestarts',
              'no agent process is launched, none is restarted: every agent is played in process',
              given.agentRestarts,
              'remove it (or set 0)',
            ),
          ]
        : [],
    );
}

/**
 * How an agent process is started or logs in (command, runtime, module, token, launch: false):
 * the environment starts none and waits for none. A learner's params reach nothing either: its
 * decisions come from step(), its strategy is a label.
 */
function agentIssues(agent: unknown, path: string, learners: readonly string[]): ConfigIssue[] {
  if (typeof agent !== 'object' || agent === null) return [];
  const a = agent as Record<string, unknown>;
  const strategy = String(a.strategy);
  const issues: ConfigIssue[] = [];
  for (const field of ['command', 'runtime', 'module'])
    if (a[field] !== undefined)
      issues.push(
        notHere(`${path}.${field}`, `no agent process is launched: ${playedAs(strategy)}`, a[field]),
      );
  if (a.launch === false)
    issues.push(
      notHere(
        `${path}.launch`,
        `no agent is started by hand and waited for: ${playedAs(strategy)}`,
        a.launch,
        'leave launch out',
      ),
    );
  // The token itself is not shown: error lines end up in logs.
  if (a.token !== undefined)
    issues.push(
      notHere(`${path}.token`, 'no agent connects with a token: every agent is played in process', undefined),
    );
  const params = a.params as Record<string, unknown> | undefined;
  if (learners.includes(String(a.id)) && params !== undefined && Object.keys(params).length > 0)
    issues.push(
      notHere(
        `${path}.params`,
        `the learner’s decisions come from the method trained, not from its strategy ${JSON.stringify(strategy)}`,
        params,
      ),
    );
  return issues;
}

/** The environment publishes nothing on NATS: any setting but `enabled: false` is refused. */
function natsIssues(nats: unknown): ConfigIssue[] {
  if (typeof nats !== 'object' || nats === null) return [];
  return Object.entries(nats).flatMap(([key, value]) =>
    key === 'enabled' && value === false
      ? []
      : [
          {
            path: `nats.${key}`,
            message:
              'the environment publishes nothing on NATS: leave nats out (or give only enabled: false)',
            value,
          },
        ],
  );
}

export class MultiAgentMarketEnv {
  readonly learners: readonly string[];
  private readonly base: RunConfig;
  private opts: Required<
    Omit<MarketEnvOptions, 'run' | 'learners' | 'rewardScaleEur' | 'opponents' | 'files'>
  > &
    Pick<MarketEnvOptions, 'rewardScaleEur' | 'opponents' | 'files'>;
  private sim?: Simulation;
  private zoo = new Map<string, LocalAgentPort>();
  private state = new Map<string, Learner>();
  private point?: DecisionPoint;
  private episodes = 0;
  private running = false;
  /** Decision points stepped through (for the steps/s figure). */
  decisionPoints = 0;

  constructor(options: MarketEnvOptions) {
    this.base = parseRunConfig(options.run, 'env.run');
    const ignored = inProcessRunIssues(options.run, options.learners);
    if (ignored.length > 0) throw new ConfigError('env.run', ignored);
    const ids = new Set(this.base.agents.map((a) => a.id));
    if (options.learners.length === 0)
      throw new RangeError('env.learners: name at least one agent of the run');
    for (const [i, l] of options.learners.entries()) {
      if (!ids.has(l))
        throw new RangeError(`env.learners: ${l} is not an agent of the run (${[...ids].join(', ')})`);
      if (options.learners.indexOf(l) !== i) throw new RangeError(`env.learners: ${l} is named twice`);
      // Its observation and shares are a battery's: without one, reset() stopped naming no agent.
      if (this.base.agents.find((a) => a.id === l)?.asset?.type !== 'battery')
        throw new RangeError(`env.learners: ${l} has no battery asset (a learner trades battery shares)`);
    }
    this.learners = [...options.learners];
    const settings = marketEnvSettings.safeParse(options);
    if (!settings.success) throw new ConfigError('env', configIssues(settings.error, options, ''));
    this.opts = { ...settings.data, opponents: undefined, files: options.files };
    this.setOpponents(options.opponents);
  }

  observationSpec(): ArraySpec {
    const labels = OBSERVATION_LABELS.standard;
    return { kind: 'array', name: 'observation.standard', shape: [labels.length], dtype: 'float32', labels };
  }

  actionSpec(): Spec {
    return batteryShareActionSpec();
  }

  /** Episodes started: with seeds 'per-episode' the next episode's world is the run's seed + this. */
  get episodeCount(): number {
    return this.episodes;
  }

  /** Continues a checkpointed run: the next reset draws the world of episode `episodes`. */
  resumeEpisodes(episodes: number): void {
    if (!Number.isInteger(episodes) || episodes < 0)
      throw new RangeError(`episodes must be an integer >= 0, got ${episodes}`);
    this.episodes = episodes;
  }

  /** League training: the strategies the named zoo agents play from the next reset on. */
  setOpponents(opponents: MarketEnvOptions['opponents']): void {
    // An id that is no agent, or a learner (whose decisions come from step()), was ignored.
    for (const id of Object.keys(opponents ?? {})) {
      const zoo = this.base.agents.filter((a) => !this.learners.includes(a.id)).map((a) => a.id);
      if (!zoo.includes(id))
        throw new RangeError(
          `opponents: ${id} is not an agent of the run other than a learner (${zoo.join(', ')})`,
        );
    }
    // Built once here so that an unknown strategy or a bad parameter is refused now, naming the
    // agent, and the opponents set before stay: it used to fail only at the next reset(), and at
    // every reset after it.
    for (const [id, o] of Object.entries(opponents ?? {})) {
      try {
        createStrategy(o.strategy, o.params ?? {});
      } catch (err) {
        throw new RangeError(`opponents.${id}: ${(err as Error).message}`, { cause: err });
      }
    }
    this.opts.opponents = opponents;
  }

  /** The simulation of the current episode (its ledgers, records and tape for evaluation). */
  get simulation(): Simulation | undefined {
    return this.sim;
  }

  async reset(): Promise<Record<string, TimeStep>> {
    const k = this.episodes++;
    const cfg: RunConfig = {
      ...this.base,
      seed: this.opts.seeds === 'fixed' ? this.base.seed : (this.base.seed + k) % 2 ** 31,
      agents: this.base.agents.map((a) => {
        const o = this.opts.opponents?.[a.id];
        return o ? { ...a, strategy: o.strategy, params: o.params ?? {} } : a;
      }),
    };
    this.sim = await Simulation.create(cfg, {
      runId: `train-${k}`,
      ...(this.opts.files ? { files: this.opts.files } : {}),
    });
    const sim = this.sim;
    this.zoo = new Map();
    this.state = new Map();
    for (const a of cfg.agents) {
      const welcome = { ...sim.welcome(a.id), resumed: false };
      if (this.learners.includes(a.id)) {
        this.state.set(a.id, {
          id: a.id,
          features: new BatteryPolicyFeatures(welcome, {
            priceScaleEur: this.opts.priceScaleEur,
            gateMarginMs: this.opts.gateMarginMs,
            slippageTicks: eurToTicks(this.opts.slippageEur),
          }),
          valueEur: 0,
          cashUnitsPerEur: welcome.market?.cashUnitsPerEur || 100_000,
          pending: [],
        });
      } else {
        const port = new LocalAgentPort(a.id, createStrategy(a.strategy, a.params) as LocalAgent);
        await port.start(sim.welcome(a.id));
        this.zoo.set(a.id, port);
      }
    }
    this.running = true;
    const more = await this.nextPoint();
    return this.timeSteps(StepType.FIRST, !more);
  }

  async step(actions: Readonly<Record<string, MarketAction>>): Promise<Record<string, TimeStep>> {
    if (!this.running || !this.sim || !this.point)
      throw new EnvironmentUsageError('step() before reset() or after the last step');
    const sim = this.sim;
    // An action for no learner (a misspelt id) was dropped without a word; nothing is applied.
    for (const id of Object.keys(actions))
      if (!this.state.has(id))
        throw new EnvironmentUsageError(
          `step(): ${JSON.stringify(id)} is not a learner of this environment (${this.learners.join(', ')})`,
        );
    for (const l of this.state.values()) {
      const action = actions[l.id];
      let batch: Action[] = [];
      if (action === undefined) {
        l.pending.push({
          code: 'missing',
          field: l.id,
          limit: 'one action per learner',
          message: `no action for learner ${l.id}: it did nothing`,
        });
      } else if (typeof action === 'object' && action !== null && 'actions' in action) {
        // Raw protocol actions: the door checks each one; a non-list was taken as no action.
        if (Array.isArray(action.actions)) batch = action.actions;
        else
          l.pending.push({
            code: 'shape',
            field: 'actions',
            limit: 'a list of protocol actions',
            message: `actions is ${action.actions === null ? 'null' : typeof action.actions}, not a list: nothing was sent`,
          });
      } else {
        const checked = checkAction(this.actionSpec(), action);
        if (!checked.ok) l.pending.push(...checked.rejections);
        else if (l.ctx && l.wake) batch = l.features.actions(l.wake, l.ctx, checked.values[0]!, 'learner');
        // The point was stopped at for another learner: this one has no quarter-hour to trade
        // (its observation was zeros). Its share was dropped without a word; now it is answered.
        else l.pending.push(noTradableQuarterHour(l.id, checked.values[0]!, this.opts.gateMarginMs));
      }
      const receipt = sim.answer(l.id, {
        kind: 'batch',
        batch: { wakeId: this.point.wakeId, actions: batch },
      });
      if (!receipt.taken) l.pending.push(...receipt.ack.results.map(rejectionOf));
    }
    const more = await this.nextPoint();
    return this.timeSteps(more ? StepType.MID : StepType.LAST, !more);
  }

  /**
   * Runs the clock to the next decision point at which a learner has a tradable quarter-hour,
   * the zoo answering every point on the way (learners answer an empty batch where they have
   * nothing to trade). False when the run is over (then it is finished).
   */
  private async nextPoint(): Promise<boolean> {
    const sim = this.sim!;
    for (;;) {
      const point = await sim.advance();
      if (!point) {
        await sim.finish();
        this.point = undefined;
        this.running = false;
        for (const l of this.state.values()) this.collect(l);
        return false;
      }
      this.point = point;
      this.decisionPoints++;
      await Promise.all(
        [...this.zoo].map(async ([id, port]) => {
          const outcome = await port.decide(decisionRequest(sim, id, point));
          if (outcome !== 'answered') sim.answer(id, { kind: outcome });
        }),
      );
      let any = false;
      for (const l of this.state.values()) {
        this.collect(l);
        l.wake = sim.wakeUp(l.id);
        l.ctx = l.features.observe(l.wake);
        if (l.ctx) any = true;
      }
      if (any) return true;
      for (const l of this.state.values())
        sim.answer(l.id, { kind: 'batch', batch: { wakeId: point.wakeId, actions: [] } });
    }
  }

  /** Rejections from the acks the learner's last batches produced. */
  private collect(l: Learner): void {
    for (const m of this.sim!.takeMessages(l.id))
      if (m.kind === 'actionAck')
        for (const r of m.value.results)
          if (r.status === ActionStatus.ACTION_STATUS_REJECTED) l.pending.push(rejectionOf(r));
  }

  private timeSteps(type: StepType, last: boolean): Record<string, TimeStep> {
    const out: Record<string, TimeStep> = {};
    const sim = this.sim!;
    for (const l of this.state.values()) {
      const ledger = sim.ctx.ledger(l.id);
      const costs = sim.ctx.assets.get(l.id)?.costs();
      const costEur = costs
        ? costs.degradationEur + costs.lostRentalEur + costs.tariffEur + costs.penaltyEur
        : 0;
      const value = ledger.totalCashUnits / l.cashUnitsPerEur - costEur;
      const reward = type === StepType.FIRST ? 0 : (value - l.valueEur) / (this.opts.rewardScaleEur ?? 1);
      l.valueEur = value;
      const obs = l.ctx && !last ? Float32Array.from(l.ctx.observation) : zeros();
      out[l.id] = { stepType: type, reward, discount: last ? 0 : 1, observation: obs, rejections: l.pending };
      l.pending = [];
    }
    return out;
  }

  /** € of cash minus asset costs of a learner so far in this episode. */
  valueEur(id: string): number {
    return this.state.get(id)?.valueEur ?? 0;
  }
}

/** A battery share that had nothing to trade: no quarter-hour open with a forecast, past the gate margin. */
function noTradableQuarterHour(id: string, share: number, gateMarginMs: number): ActionRejection {
  return {
    code: 'no-tradable-quarter-hour',
    field: 'action',
    limit: `a quarter-hour open for trading, with a price forecast, whose gate closes more than ${gateMarginMs / 1000} s from now`,
    message: `learner ${id} has no tradable quarter-hour at this decision point (its observation was zeros): the share ${share} was not traded`,
  };
}

function rejectionOf(r: {
  rejectCode: number;
  field: string;
  limit: string;
  message: string;
}): ActionRejection {
  return {
    code: RejectCode[r.rejectCode] ?? String(r.rejectCode),
    field: r.field,
    limit: r.limit,
    message: r.message,
  };
}

/** The full-market environment with one learner: the same API as the fast one, async. */
export class MarketEnv {
  readonly multi: MultiAgentMarketEnv;
  readonly learner: string;

  constructor(options: Omit<MarketEnvOptions, 'learners'> & { learner: string }) {
    this.learner = options.learner;
    this.multi = new MultiAgentMarketEnv({ ...options, learners: [options.learner] });
  }

  observationSpec(): ArraySpec {
    return this.multi.observationSpec();
  }

  actionSpec(): Spec {
    return this.multi.actionSpec();
  }

  async reset(): Promise<TimeStep> {
    return (await this.multi.reset())[this.learner]!;
  }

  async step(action: MarketAction): Promise<TimeStep> {
    return (await this.multi.step({ [this.learner]: action }))[this.learner]!;
  }
}
