// Seed 003 (Mohammadi & Hesamzadeh): tabular Q-learning of a prosumer's five battery actions
// {−1, −0.5, 0, 0.5, 1}, on the training API. The environment does what Algorithm 1 does around
// the table: an action that would violate the SoC bounds (1g) is replaced by a random remaining
// feasible one and its reward is penalised (reward 'revenue-penalty'); the learner updates the
// requested action with eq. (2):
//   q_ao ← (1 − α) q_ao + α (r + γ max_a' q_a'o'),   α = 0.2, γ = 0.9.
// Observations (day, hour, SoC, solar, wind, price, demand) are discretised into bins; the
// Algorithm's outer loop — let the trained agent perform on the training period and save it
// when its total reward beats the saved one — is `evalEvery` greedy passes over the training
// days, keeping the best table.
import { RandomStream } from '../../lib/index.js';
import type { Environment, TimeStep } from '../env/time-step.js';
import { StepType } from '../env/time-step.js';
import { trainingEpisode } from './training-episode.js';

export interface Bin {
  /** Index into the observation vector. */
  index: number;
  /** Strictly increasing edges; the bin is the number of edges ≤ the value. */
  edges: readonly number[];
}

const uniform = (n: number) => Array.from({ length: n - 1 }, (_, k) => (k + 1) / n);

/** Bins of the seed-003 observation: hour (24), SoC (5), solar (3), price (7 levels). */
export const SEED003_BINS: readonly Bin[] = [
  { index: 1, edges: uniform(24).map((x) => x - 1e-6) },
  { index: 2, edges: uniform(5) },
  { index: 3, edges: [0.02, 0.25] },
  { index: 5, edges: [0.3, 0.6, 0.8, 1.0, 1.2, 1.5] },
];

/**
 * Seed 003's discount is per hour (its observations and Nord Pool prices are hourly); on this
 * world's quarter-hour steps the same horizon needs γ^(step/60 min) per step — γ 0.9 applied
 * per quarter-hour would discount the evening peak seen at noon by 0.9^24 ≈ 0.08 instead of
 * 0.9^6 ≈ 0.53 and leave the table blind to multi-hour arbitrage.
 */
export function perStepGamma(gammaPerHour: number, stepMinutes: number): number {
  if (!(gammaPerHour >= 0 && gammaPerHour <= 1))
    throw new RangeError(`gammaPerHour must lie in [0, 1], got ${gammaPerHour}`);
  if (!(stepMinutes > 0 && stepMinutes <= 60))
    throw new RangeError(`stepMinutes must lie in (0, 60], got ${stepMinutes}`);
  return gammaPerHour ** (stepMinutes / 60);
}

/**
 * Equal-frequency edges (n bins) of the values: seed 003 observes the price per unit of a
 * scale and does not say how it is discretised; fixed edges put most of this world's prices into
 * two or three bins, so the levels are taken from the training history's own distribution.
 */
export function quantileEdges(values: ArrayLike<number>, n: number): number[] {
  if (!(Number.isInteger(n) && n >= 2 && n <= 100))
    throw new RangeError(`n must be an integer in [2, 100], got ${n}`);
  if (values.length < n) throw new RangeError(`need at least n = ${n} values, got ${values.length}`);
  const sorted = Float64Array.from(values).sort();
  const edges: number[] = [];
  for (let k = 1; k < n; k++) {
    const e = sorted[Math.floor((k * sorted.length) / n)]!;
    // Ties collapse edges; edges must stay strictly increasing.
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  return edges;
}

/** Seed-003 bins with `socBins` equal SoC bins and the given (normalised) price edges. */
export function seed003Bins(socBins: number, priceEdges: readonly number[]): Bin[] {
  if (!(Number.isInteger(socBins) && socBins >= 1 && socBins <= 100))
    throw new RangeError(`socBins must be an integer in [1, 100], got ${socBins}`);
  return [
    SEED003_BINS[0]!,
    { index: 2, edges: uniform(socBins).map((x) => x - 1e-9) },
    SEED003_BINS[2]!,
    { index: 5, edges: [...priceEdges] },
  ];
}

export interface TabularQOptions {
  alpha?: number;
  gamma?: number;
  /** ε-greedy exploration, decaying linearly from epsilonStart to epsilonEnd over decayEpisodes. */
  epsilonStart?: number;
  epsilonEnd?: number;
  decayEpisodes?: number;
  bins?: readonly Bin[];
  seed?: number;
}

export interface TabularQSnapshot {
  method: 'tabular-q';
  alpha: number;
  gamma: number;
  bins: Bin[];
  actions: number;
  episodes: number;
  updates: number;
  bestReturn: number | null;
  table: number[];
  best: number[] | null;
}

export function binOf(x: number, edges: readonly number[]): number {
  let k = 0;
  while (k < edges.length && edges[k]! <= x) k++;
  return k;
}

export class TabularQLearner {
  readonly alpha: number;
  readonly gamma: number;
  readonly bins: readonly Bin[];
  readonly actions: number;
  readonly states: number;
  private table: Float64Array;
  private best: Float64Array | null = null;
  private bestReturn: number | null = null;
  private rng: RandomStream;
  private readonly opts: Required<Omit<TabularQOptions, 'bins' | 'seed' | 'alpha' | 'gamma'>>;
  episodes = 0;
  updates = 0;

  constructor(actions: number, options: TabularQOptions = {}) {
    this.alpha = options.alpha ?? 0.2;
    this.gamma = options.gamma ?? 0.9;
    if (!(this.alpha > 0 && this.alpha <= 1))
      throw new RangeError(`alpha must lie in (0, 1], got ${this.alpha}`);
    if (!(this.gamma >= 0 && this.gamma <= 1))
      throw new RangeError(`gamma must lie in [0, 1], got ${this.gamma}`);
    this.bins = options.bins ?? SEED003_BINS;
    this.actions = actions;
    this.states = this.bins.reduce((p, b) => p * (b.edges.length + 1), 1);
    this.table = new Float64Array(this.states * actions);
    this.rng = new RandomStream('training.tabular-q', options.seed ?? 1);
    this.opts = {
      epsilonStart: options.epsilonStart ?? 0.3,
      epsilonEnd: options.epsilonEnd ?? 0.02,
      decayEpisodes: options.decayEpisodes ?? 500,
    };
  }

  reseed(seed: number): void {
    this.rng = new RandomStream('training.tabular-q', seed);
  }

  state(obs: ArrayLike<number>): number {
    let s = 0;
    for (const b of this.bins) s = s * (b.edges.length + 1) + binOf(obs[b.index]!, b.edges);
    return s;
  }

  qValues(obs: ArrayLike<number>): number[] {
    const s = this.state(obs) * this.actions;
    return Array.from(this.table.subarray(s, s + this.actions));
  }

  /** Greedy action (ties: the first, which for seed 003's order is the strongest discharge…
   *  so ties go to the action nearest the middle, 0, instead). */
  greedy(obs: ArrayLike<number>, table: Float64Array = this.table): number {
    const s = this.state(obs) * this.actions;
    const mid = (this.actions - 1) / 2;
    let best = 0;
    for (let a = 1; a < this.actions; a++) {
      const d = table[s + a]! - table[s + best]!;
      if (d > 1e-12 || (Math.abs(d) <= 1e-12 && Math.abs(a - mid) < Math.abs(best - mid))) best = a;
    }
    return best;
  }

  get epsilon(): number {
    const o = this.opts;
    const f = Math.min(1, this.episodes / Math.max(1, o.decayEpisodes));
    return o.epsilonStart + (o.epsilonEnd - o.epsilonStart) * f;
  }

  act(obs: ArrayLike<number>): number {
    if (this.rng.next() < this.epsilon) return this.rng.int(0, this.actions - 1);
    return this.greedy(obs);
  }

  /** Eq. (2) for one transition; a LAST step with discount 0 does not bootstrap. */
  update(obs: ArrayLike<number>, action: number, next: TimeStep<ArrayLike<number>>): void {
    const i = this.state(obs) * this.actions + action;
    let target = next.reward;
    if (next.discount > 0) {
      const s = this.state(next.observation) * this.actions;
      let m = this.table[s]!;
      for (let a = 1; a < this.actions; a++) m = Math.max(m, this.table[s + a]!);
      target += this.gamma * next.discount * m;
    }
    this.table[i] = (1 - this.alpha) * this.table[i]! + this.alpha * target;
    this.updates++;
  }

  /** One ε-greedy training episode; returns its total reward and the number of steps. */
  trainEpisode(env: Environment<number, Float32Array>): { return: number; steps: number } {
    const episode = trainingEpisode(
      env,
      (obs) => this.act(obs),
      (obs, a, next) => this.update(obs, a, next),
    );
    this.episodes++;
    return episode;
  }

  /** Greedy return over episodes started with reset(day) for each given day (Alg. 1's check). */
  evaluate(
    env: Environment<number, Float32Array> & { reset(day?: number): TimeStep },
    days: readonly number[],
    useBest = false,
  ): number {
    const table = useBest && this.best ? this.best : this.table;
    let total = 0;
    for (const d of days) {
      let ts = env.reset(d);
      while (ts.stepType !== StepType.LAST) {
        ts = env.step(this.greedy(ts.observation, table));
        total += ts.reward;
      }
    }
    return total;
  }

  /** Alg. 1: keep the table as the saved agent when its greedy return beats the saved one. */
  considerSaving(greedyReturn: number): boolean {
    if (this.bestReturn === null || greedyReturn > this.bestReturn) {
      this.bestReturn = greedyReturn;
      this.best = this.table.slice();
      return true;
    }
    return false;
  }

  get savedReturn(): number | null {
    return this.bestReturn;
  }

  /** The saved (best) table as a greedy policy, or the current one before any was saved. */
  policyTable(): Float64Array {
    return this.best ?? this.table;
  }

  snapshot(): TabularQSnapshot {
    return {
      method: 'tabular-q',
      alpha: this.alpha,
      gamma: this.gamma,
      bins: this.bins.map((b) => ({ index: b.index, edges: [...b.edges] })),
      actions: this.actions,
      episodes: this.episodes,
      updates: this.updates,
      bestReturn: this.bestReturn,
      table: Array.from(this.table),
      best: this.best ? Array.from(this.best) : null,
    };
  }

  restore(s: TabularQSnapshot): void {
    if (s.actions !== this.actions || s.table.length !== this.table.length)
      throw new RangeError(
        `snapshot has ${s.actions} actions × ${s.table.length / s.actions} states; this learner ${this.actions} × ${this.states}`,
      );
    this.table = Float64Array.from(s.table);
    this.best = s.best ? Float64Array.from(s.best) : null;
    this.bestReturn = s.bestReturn;
    this.episodes = s.episodes;
    this.updates = s.updates;
  }
}
