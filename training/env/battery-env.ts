// The fast battery/prosumer environment (seeds 002 and 003): one renewable plant behind one
// battery, a price-taker against the world's realised prices, one delivery day per episode. No
// order book and no second simulator: prices, fundamentals and forecasts are the world's
// (sim/world, at the configured difficulty level) and the physics is the arena's prosumer twin
// (RenewableBatteryProsumer over BatteryTwin; seed 003's discrete adapter for discrete actions).
//
// Action (continuous): a ∈ [−1, 1], the battery's power as a share of P̄, charge > 0 (seed 003's
// sign); the plant sells gen − a·P̄. Action (discrete): an index into {−1, −0.5, 0, 0.5, 1}; an
// action that would leave the SoC bounds is replaced by a feasible one drawn at random (seed 003
// Alg. 1) and reported as a rejection. A continuous action beyond the battery's limits is
// illegal (seed 002): 'terminate' ends the episode (training), 'ignore' disconnects the battery
// for the step (evaluation), 'clip' lets the battery do what it can. A malformed action (NaN,
// outside [−1, 1], wrong shape or index) is rejected and the battery idles for the step.
import { RandomStream } from '../../lib/index.js';
import {
  DIFFICULTY_LEVELS,
  type Difficulty,
  DiscreteActionProsumer,
  RenewableBatteryProsumer,
  SEED003_ACTIONS,
  STEPS_PER_DAY,
} from '../../sim/index.js';
import {
  type BatteryEnvConfig,
  type BatteryEnvConfigInput,
  parseBatteryEnvConfig,
} from './battery-env-config.js';
import { checkSeed } from './check-seed.js';
import { ObservationSlab } from './observation-slab.js';
import {
  type ArraySpec,
  checkAction,
  type Environment,
  EnvironmentUsageError,
  firstStep,
  NO_REJECTIONS,
  type Spec,
  StepType,
  type TimeStep,
} from './time-step.js';
import { type DayData, HISTORY, LOOKAHEAD, WorldDays } from './world-days.js';

const FAST_OK = { ok: true as const, values: [] as number[] };

/** What the last step did, for evaluation and plots (overwritten every step). */
export interface BatteryStepInfo {
  day: string;
  step: number;
  priceEur: number;
  genMw: number;
  /** The action as executed: share of P̄, charge > 0. */
  executed: number;
  exportKwh: number;
  batteryKwh: number;
  socMwh: number;
  revenueEur: number;
  illegal: boolean;
  /**
   * The battery metered other than the action asked: an illegal action under 'clip' (also in the
   * step's rejections), or a legal one within the twin's 1 kWh tolerance of its headroom, which is
   * clipped by design and not illegal (whole-kWh metering) — said here, not as a rejection.
   */
  clipped: boolean;
}

export const OBSERVATION_LABELS: Record<BatteryEnvConfig['observation'], readonly string[]> = {
  mini: ['price', 'generation', 'soc', 'remaining'],
  standard: standardLabels(),
  noisy: standardLabels(),
  seed003: ['dayOfYear', 'hour', 'soc', 'solar', 'wind', 'price', 'demand'],
};

function standardLabels(): string[] {
  const h = (p: string) => Array.from({ length: HISTORY }, (_, k) => `${p}[-${HISTORY - k}]`);
  const f = (p: string) => Array.from({ length: LOOKAHEAD }, (_, k) => `${p}[+${k + 1}]`);
  return [
    ...h('price'),
    'price',
    ...f('price'),
    ...h('generation'),
    'generation',
    ...f('generation'),
    'soc',
    'remaining',
  ];
}

/** The continuous battery action: the share of the rated power, −1 … 1, charge > 0 (also the market env's). */
export function batteryShareActionSpec(): ArraySpec {
  return {
    kind: 'array',
    name: 'action.battery-share',
    shape: [1],
    dtype: 'float32',
    minimum: [-1],
    maximum: [1],
  };
}

export class BatteryEnv implements Environment {
  readonly config: BatteryEnvConfig;
  readonly stepsPerEpisode: number;
  readonly info: BatteryStepInfo;
  private readonly sub: number;
  private readonly stepHours: number;
  private rng: RandomStream;
  private readonly worlds = new Map<Difficulty, WorldDays>();
  private level: Difficulty;
  private readonly obsSpec: ArraySpec;
  private readonly slab: ObservationSlab;
  private readonly actSpec: Spec;
  private readonly rewardScale: number;
  private dayIndex = -1;
  private sequentialNext = 0;
  private data!: DayData;
  private prosumer!: RenewableBatteryProsumer;
  private discrete?: DiscreteActionProsumer;
  private t = 0;
  private running = false;
  private episodes = 0;
  private revenue = 0;
  private illegalCount = 0;

  constructor(config: BatteryEnvConfigInput | BatteryEnvConfig = {}) {
    this.config = parseBatteryEnvConfig(config);
    const c = this.config;
    this.sub = 15 / c.stepMinutes;
    this.stepHours = c.stepMinutes / 60;
    this.stepsPerEpisode = STEPS_PER_DAY * this.sub;
    this.rng = new RandomStream('training.battery-env', c.seed);
    this.level = c.difficulty;
    const labels = OBSERVATION_LABELS[c.observation];
    this.obsSpec = {
      kind: 'array',
      name: `observation.${c.observation}`,
      shape: [labels.length],
      dtype: 'float32',
      labels,
    };
    this.slab = new ObservationSlab(labels.length);
    this.actSpec =
      c.action === 'discrete'
        ? { kind: 'discrete', name: 'action.seed003', n: SEED003_ACTIONS.length, values: SEED003_ACTIONS }
        : batteryShareActionSpec();
    this.rewardScale = c.rewardScaleEur ?? c.battery.powerMw * 0.25 * 100;
    this.info = {
      day: '',
      step: 0,
      priceEur: 0,
      genMw: 0,
      executed: 0,
      exportKwh: 0,
      batteryKwh: 0,
      socMwh: 0,
      revenueEur: 0,
      illegal: false,
      clipped: false,
    };
  }

  observationSpec(): ArraySpec {
    return this.obsSpec;
  }

  actionSpec(): Spec {
    return this.actSpec;
  }

  get difficulty(): Difficulty {
    return this.level;
  }

  /** A new stream for the environment's own draws (trainers re-key at every checkpoint, so a
   *  resumed run draws exactly what an uninterrupted one draws). */
  reseed(seed: number): void {
    this.rng = new RandomStream('training.battery-env', checkSeed(seed));
  }

  /** Curriculum: the next reset draws its day from the world of this level. */
  setDifficulty(level: Difficulty): void {
    // An unknown level failed at the next reset, as "world.difficulty", and stayed set.
    if (!(DIFFICULTY_LEVELS as readonly unknown[]).includes(level))
      throw new RangeError(
        `difficulty must be one of ${DIFFICULTY_LEVELS.join(', ')}, got ${JSON.stringify(level)}`,
      );
    this.level = level;
  }

  private worldDays(): WorldDays {
    let w = this.worlds.get(this.level);
    if (!w) {
      const c = this.config;
      w = new WorldDays(this.level, c.worldSeed, c.days.start, c.days.count, c.generation);
      this.worlds.set(this.level, w);
    }
    return w;
  }

  /** The number of days episodes are drawn from. */
  get dayCount(): number {
    return this.config.days.count;
  }

  /** € of revenue and illegal actions of the current (or last) episode. */
  get episodeRevenueEur(): number {
    return this.revenue;
  }

  get episodeIllegalCount(): number {
    return this.illegalCount;
  }

  get episodeCount(): number {
    return this.episodes;
  }

  /** The day of the current episode. */
  get currentDay(): DayData {
    return this.data;
  }

  /** Starts the next episode (or the day `dayIndex` of the list) and returns its first step. */
  reset(dayIndex?: number): TimeStep {
    const wd = this.worldDays();
    const c = this.config;
    if (dayIndex !== undefined) {
      if (!Number.isInteger(dayIndex) || dayIndex < 0 || dayIndex >= wd.count)
        throw new RangeError(`dayIndex must be an integer in [0, ${wd.count - 1}], got ${dayIndex}`);
      this.dayIndex = dayIndex;
    } else if (c.episodeOrder === 'sequential') {
      this.dayIndex = this.sequentialNext % wd.count;
      this.sequentialNext++;
    } else this.dayIndex = this.rng.int(0, wd.count - 1);
    this.data = wd.day(this.dayIndex);
    const gen = new Array<number>(this.stepsPerEpisode);
    for (let t = 0; t < this.stepsPerEpisode; t++) gen[t] = this.data.genMw[Math.floor(t / this.sub)]!;
    this.prosumer = new RenewableBatteryProsumer({
      id: 'learner',
      battery: { ...c.battery },
      generationMw: gen,
      stepHours: this.stepHours,
      allowImport: c.allowImport,
      illegalPolicy: c.illegal === 'clip' ? 'clip' : 'ignore',
    });
    this.discrete =
      c.action === 'discrete'
        ? new DiscreteActionProsumer(this.prosumer, { rng: this.rng, violationPenaltyEur: c.penaltyEur })
        : undefined;
    this.t = 0;
    this.running = true;
    this.episodes++;
    this.revenue = 0;
    this.illegalCount = 0;
    this.info.day = this.data.day;
    return firstStep(this.observe());
  }

  step(action: number | ArrayLike<number>): TimeStep {
    if (!this.running) throw new EnvironmentUsageError('step() before reset() or after the last step');
    const c = this.config;
    const q = Math.floor(this.t / this.sub);
    const price = this.data.priceEur[q]!;
    const gen = this.data.genMw[q]!;
    const pBar = c.battery.powerMw;
    // Fast path of the hot loop (no allocation): a scalar or one-element vector within [−1, 1].
    const scalar =
      typeof action === 'number' ? action : action != null && action.length === 1 ? action[0] : undefined;
    const checked =
      !this.discrete && typeof scalar === 'number' && scalar >= -1 && scalar <= 1
        ? FAST_OK
        : checkAction(this.actSpec, action);
    let rejections = NO_REJECTIONS;
    let illegal = false;
    let executed = 0;
    let clipped = false;
    let exportKwh: number;
    let batteryKwh: number;
    if (!checked.ok) {
      // Malformed: the battery idles, the plant sells its generation.
      rejections = checked.rejections;
      illegal = true;
      const r = this.prosumer.step(gen);
      exportKwh = r.exportKwh;
      batteryKwh = r.batteryKwh;
    } else if (this.discrete) {
      const r = this.discrete.stepIndex(checked.values[0]!);
      executed = r.executedAction ?? 0;
      clipped = r.clipped;
      exportKwh = r.exportKwh;
      batteryKwh = r.batteryKwh;
      if (r.violation) {
        illegal = true;
        rejections = [
          {
            code: 'soc-violation',
            field: 'action',
            limit: `an action that keeps the SoC within [${c.battery.socMin}, ${c.battery.socMax}] of ${c.battery.energyMwh} MWh and the power within ±${pBar} MW`,
            message: `action ${r.requestedAction} was replaced by ${r.executedAction}`,
          },
        ];
      }
    } else {
      const a = checked === FAST_OK ? (scalar as number) : checked.values[0]!;
      const r = this.prosumer.step(gen - a * pBar);
      exportKwh = r.exportKwh;
      batteryKwh = r.batteryKwh;
      executed = batteryKwh / (pBar * this.stepHours * 1000);
      clipped = r.clipped;
      if (r.illegal) {
        illegal = true;
        rejections = [
          {
            code: r.illegalReason!,
            field: 'action',
            limit: 'within the battery headroom of this step',
            message: `action ${a} asks the battery for ${r.batteryRequestedKwh} kWh; ${c.illegal === 'clip' ? `it metered ${r.batteryKwh}` : 'the battery was disconnected for the step'}`,
          },
        ];
      }
    }
    const revenueEur = (price * exportKwh) / 1000;
    this.revenue += revenueEur;
    if (illegal) this.illegalCount++;
    const reward = this.reward(revenueEur, illegal);
    const info = this.info;
    info.step = this.t;
    info.priceEur = price;
    info.genMw = gen;
    info.executed = executed;
    info.exportKwh = exportKwh;
    info.batteryKwh = batteryKwh;
    info.socMwh = this.prosumer.battery.socMwh;
    info.revenueEur = revenueEur;
    info.illegal = illegal;
    info.clipped = clipped;
    this.t++;
    const terminated = illegal && c.illegal === 'terminate' && c.action === 'continuous';
    const last = terminated || this.t >= this.stepsPerEpisode;
    if (last) this.running = false;
    return {
      stepType: last ? StepType.LAST : StepType.MID,
      reward,
      // One day is the whole finite-horizon problem (the observation counts the steps left).
      discount: last ? 0 : 1,
      observation: this.observe(),
      rejections,
    };
  }

  private reward(revenueEur: number, illegal: boolean): number {
    switch (this.config.reward) {
      case 'revenue':
        return revenueEur;
      case 'revenue-penalty':
        return revenueEur - (illegal ? this.config.penaltyEur : 0);
      case 'scaled':
        return revenueEur / this.rewardScale;
      case 'scaled-penalty':
        return revenueEur / this.rewardScale - (illegal ? 1 : 0);
      case 'survival':
        return illegal ? -1 : 1;
    }
  }

  /** SoC as a share of the usable range [socMin, socMax]. */
  private socShare(): number {
    const b = this.prosumer.battery;
    const range = b.socMaxMwh - b.socMinMwh;
    return range > 0 ? (b.socMwh - b.socMinMwh) / range : 0;
  }

  private observe(): Float32Array {
    const c = this.config;
    const d = this.data;
    const t = Math.min(this.t, this.stepsPerEpisode - 1);
    const q = Math.floor(t / this.sub);
    const ps = 1 / c.priceScaleEur;
    const gs = c.generation.peakMw > 0 ? 1 / c.generation.peakMw : 0;
    const remaining = (this.stepsPerEpisode - this.t) / this.stepsPerEpisode;
    const o = this.slab.next();
    switch (c.observation) {
      case 'mini':
        o[0] = d.priceEur[q]! * ps;
        o[1] = d.genMw[q]! * gs;
        o[2] = this.socShare();
        o[3] = remaining;
        return o;
      case 'seed003':
        o[0] = d.dayOfYear / 366;
        o[1] = Math.floor(q / 4) / 24;
        o[2] = this.socShare();
        o[3] = d.solarShare[q]!;
        o[4] = d.windShare[q]!;
        o[5] = d.priceEur[q]! * ps;
        o[6] = d.demandShare[q]!;
        return o;
      default: {
        const noisy = c.observation === 'noisy';
        const pn = noisy ? c.forecastNoise.priceEur : 0;
        const gn = noisy ? c.forecastNoise.generationShare * c.generation.peakMw : 0;
        let i = 0;
        for (let k = 0; k < HISTORY; k++)
          o[i++] = (q - HISTORY + k >= 0 ? d.priceEur[q - HISTORY + k]! : d.pastPriceEur[q + k]!) * ps;
        o[i++] = d.priceEur[q]! * ps;
        for (let k = 0; k < LOOKAHEAD; k++)
          o[i++] = (d.fcPriceEur[q * LOOKAHEAD + k]! + (pn ? (2 * this.rng.next() - 1) * pn : 0)) * ps;
        for (let k = 0; k < HISTORY; k++)
          o[i++] = (q - HISTORY + k >= 0 ? d.genMw[q - HISTORY + k]! : d.pastGenMw[q + k]!) * gs;
        o[i++] = d.genMw[q]! * gs;
        for (let k = 0; k < LOOKAHEAD; k++)
          o[i++] =
            Math.max(0, d.fcGenMw[q * LOOKAHEAD + k]! + (gn ? (2 * this.rng.next() - 1) * gn : 0)) * gs;
        o[i++] = this.socShare();
        o[i++] = remaining;
        return o;
      }
    }
  }
}
