// Seed 001 (Chasparis et al. 2019): approximate dynamic programming for a battery pool's
// day-ahead flexibility commitments, with one linear Q-factor per interval t (eq. 13),
//   Q_t(E) = α0 + α1 [E]+[p̂f − p̂]+ + α2 [E]−[p̂f − p̂]+ − α3 [E]+[p̂ − p̂p]+ − α4 [E]−[p̂ − p̂p]+
//              − α5 [E]+[p̂ − p̂f]+ − α6 [E]−[p̂ − p̂f]+,        α1…α6 ≥ 0,
// p̂f the mean forecast price of the intervals after t, p̂p that of those before it. Algorithm 5:
// (3) forward simulation of a sample day on the forecasts — E(t) = argmax over [V̂d(t), V̂c(t)]
// of Q_t (eq. 12; Q_t is piecewise linear in E with its kink at 0, so the maximum lies at V̂d, 0
// or V̂c; an ε share of exploring draws keeps the sample paths persistently exciting), each
// commitment activated in merit order (Alg. 4) on the forecast pool; (4) backward evaluation on
// the realised data: the realised utility g̃_t of eq. 11 (delivery clipped to the actual
// potential [V_d(t), V_c(t)], the rest paid at the imbalance price), the utility-to-go
// J_t = Σ_{τ≥t} g̃_τ, and a recursive-least-squares update of α_t toward J_t, projected onto
// α1…α6 ≥ 0. The pool twin is the arena's ResidentialPool (Algs. 1–4); DA prices and their
// day-ahead forecasts are the world's.
import { NamedRng, RandomStream } from '../../lib/index.js';
import {
  type HouseholdSpec,
  ResidentialPool,
  STEPS_PER_DAY,
  syntheticPoolHouseholds,
} from '../../sim/index.js';
import { WorldDays } from '../env/world-days.js';

export const ADP_FEATURES = 7;

/** φ_t(E) of eq. 13 (signs folded in, so Q_t = φᵀα with α1…α6 ≥ 0). */
export function adpFeatures(
  E: number,
  p: number,
  pf: number,
  pp: number,
  out = new Float64Array(ADP_FEATURES),
): Float64Array {
  const ep = Math.max(E, 0);
  const em = Math.min(E, 0);
  const up = Math.max(pf - p, 0);
  const rise = Math.max(p - pp, 0);
  const drop = Math.max(p - pf, 0);
  out[0] = 1;
  out[1] = ep * up;
  out[2] = em * up;
  out[3] = -ep * rise;
  out[4] = -em * rise;
  out[5] = -ep * drop;
  out[6] = -em * drop;
  return out;
}

/** Recursive least squares with forgetting factor, projected onto α1…α6 ≥ 0. */
export class RecursiveLeastSquares {
  readonly theta: Float64Array;
  private readonly P: Float64Array;

  constructor(
    readonly n: number,
    readonly forgetting = 1,
    initialVariance = 1e4,
  ) {
    this.theta = new Float64Array(n);
    this.P = new Float64Array(n * n);
    for (let i = 0; i < n; i++) this.P[i * n + i] = initialVariance;
  }

  covariance(): number[] {
    return Array.from(this.P);
  }

  setCovariance(p: readonly number[]): void {
    this.P.set(p);
  }

  predict(phi: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += phi[i]! * this.theta[i]!;
    return s;
  }

  update(phi: ArrayLike<number>, target: number): void {
    const n = this.n;
    const Pphi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += this.P[i * n + j]! * phi[j]!;
      Pphi[i] = s;
    }
    let denom = this.forgetting;
    for (let i = 0; i < n; i++) denom += phi[i]! * Pphi[i]!;
    const err = target - this.predict(phi);
    for (let i = 0; i < n; i++) this.theta[i]! += (Pphi[i]! / denom) * err;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        this.P[i * n + j] = (this.P[i * n + j]! - (Pphi[i]! * Pphi[j]!) / denom) / this.forgetting;
    // Projection onto α1…α6 ≥ 0; the intercept takes up what the clipped terms predicted for this
    // sample, so the projection does not bias the fit of the utility-to-go.
    let shift = 0;
    for (let i = 1; i < n; i++)
      if (this.theta[i]! < 0) {
        shift += this.theta[i]! * phi[i]!;
        this.theta[i] = 0;
      }
    if (phi[0] !== 0) this.theta[0]! += shift / phi[0]!;
  }
}

export interface PoolDayOptions {
  worldSeed?: number;
  days?: { start: string; count: number };
  households?: number;
  /** Relative sd of the PV forecast error (a day-wide cloud error) and of the load per step. */
  pvForecastError?: number;
  loadForecastError?: number;
  /** Imbalance price = |p_DA| + this, €/MWh (eq. 11's p_imb). */
  imbalanceSpreadEur?: number;
  seed?: number;
}

export interface PoolDay {
  actual: HouseholdSpec[];
  forecast: HouseholdSpec[];
  priceEur: Float64Array;
  forecastPriceEur: Float64Array;
}

/** Sample days of a seed-001 pool: actual and forecast household data, DA prices and forecasts. */
export class PoolDays {
  readonly opts: Required<PoolDayOptions>;
  private readonly world: WorldDays;
  private readonly base: HouseholdSpec[];

  constructor(options: PoolDayOptions = {}) {
    this.opts = {
      worldSeed: options.worldSeed ?? 1,
      days: options.days ?? { start: '2024-05-01', count: 30 },
      households: options.households ?? 30,
      pvForecastError: options.pvForecastError ?? 0.15,
      loadForecastError: options.loadForecastError ?? 0.2,
      imbalanceSpreadEur: options.imbalanceSpreadEur ?? 50,
      seed: options.seed ?? 1,
    };
    const d = this.opts.days;
    this.world = new WorldDays('forecast-errors', this.opts.worldSeed, d.start, d.count, {
      peakMw: 0,
      windShare: 0,
    });
    this.base = syntheticPoolHouseholds(new RandomStream('pool.specs', this.opts.seed), {
      households: this.opts.households,
    });
  }

  get count(): number {
    return this.world.count;
  }

  day(index: number): PoolDay {
    const rng = new NamedRng(this.opts.seed * 7919 + index);
    const profiles = syntheticPoolHouseholds(rng.stream('pool.profiles'), {
      households: this.opts.households,
    });
    const err = rng.stream('pool.forecast-errors');
    const actual = this.base.map((h, i) => ({
      ...h,
      socInitial: 0.5,
      pvMw: profiles[i]!.pvMw,
      loadMw: profiles[i]!.loadMw,
    }));
    const forecast = actual.map((h) => {
      const cloud = Math.max(0, 1 + this.opts.pvForecastError * err.normal());
      return {
        ...h,
        pvMw: h.pvMw.map((x) => x * cloud),
        loadMw: h.loadMw.map((x) => Math.max(0, x * (1 + this.opts.loadForecastError * err.normal()))),
      };
    });
    const w = this.world.world;
    const first = index * STEPS_PER_DAY;
    // The day-ahead forecast: published 17 h before the day starts (07:00 UTC of D−1).
    const f = w.forecastAt(Math.max(w.stepStartMs(0), w.stepStartMs(first) - 17 * 3_600_000));
    const priceEur = new Float64Array(STEPS_PER_DAY);
    const forecastPriceEur = new Float64Array(STEPS_PER_DAY);
    for (let t = 0; t < STEPS_PER_DAY; t++) {
      priceEur[t] = w.realised(first + t).priceTicks / 100;
      forecastPriceEur[t] = (f.at(first + t)?.priceTicks ?? w.realised(first + t).priceTicks) / 100;
    }
    return { actual, forecast, priceEur, forecastPriceEur };
  }
}

export interface AdpDayResult {
  /** E(t) committed, MW. */
  commitments: number[];
  /** g̃_t realised, €. */
  utility: number[];
  /** J_t = Σ_{τ≥t} g̃_τ, €. */
  utilityToGo: number[];
  /** Q_t(E(t)) before this day's update, €. */
  q: number[];
}

export interface AdpOptions {
  epsilon?: number;
  forgetting?: number;
  seed?: number;
}

export class PoolAdp {
  readonly rls: RecursiveLeastSquares[];
  private rng: RandomStream;
  readonly epsilon: number;
  samplePaths = 0;

  constructor(
    readonly days: PoolDays,
    options: AdpOptions = {},
  ) {
    this.rls = Array.from(
      { length: STEPS_PER_DAY },
      () => new RecursiveLeastSquares(ADP_FEATURES, options.forgetting ?? 1),
    );
    this.rng = new RandomStream('training.adp', options.seed ?? 1);
    this.epsilon = options.epsilon ?? 0.2;
  }

  reseed(seed: number): void {
    this.rng = new RandomStream('training.adp', seed);
  }

  /**
   * Takes a `snapshot()` back. Checked whole before anything is set: a short or malformed list
   * used to be copied in part (α of the first intervals replaced, the rest kept) or to fail with a
   * bare "offset is out of bounds".
   */
  restore(s: Record<string, unknown>): void {
    const T = this.rls.length;
    const n = ADP_FEATURES;
    const table = (field: 'alpha' | 'P', width: number): number[][] => {
      const v = s[field];
      if (
        !Array.isArray(v) ||
        v.length !== T ||
        !v.every(
          (row) =>
            Array.isArray(row) &&
            row.length === width &&
            row.every((x) => typeof x === 'number' && Number.isFinite(x)),
        )
      )
        throw new RangeError(`adp snapshot: ${field} must be ${T} lists of ${width} finite numbers`);
      return v as number[][];
    };
    const alpha = table('alpha', n);
    const P = table('P', n * n);
    alpha.forEach((a, t) => {
      for (let i = 1; i < n; i++)
        if (a[i]! < 0)
          throw new RangeError(`adp snapshot: alpha[${t}][${i}] must be >= 0 (eq. 13), got ${a[i]}`);
    });
    const paths = s.samplePaths;
    if (!(typeof paths === 'number' && Number.isSafeInteger(paths) && paths >= 0))
      throw new RangeError(`adp snapshot: samplePaths must be a whole number >= 0, got ${String(paths)}`);
    alpha.forEach((a, t) => {
      this.rls[t]!.theta.set(a);
    });
    P.forEach((p, t) => {
      this.rls[t]!.setCovariance(p);
    });
    this.samplePaths = paths;
  }

  /** One sample path: forward simulation on the forecasts, backward evaluation, RLS updates. */
  trainDay(index: number, learn = true): AdpDayResult {
    const day = this.days.day(index);
    const T = STEPS_PER_DAY;
    const fc = new ResidentialPool(day.forecast);
    const dt = fc.stepHours;
    const p = day.forecastPriceEur;
    const feats: Float64Array[] = [];
    const commitments: number[] = [];
    const q: number[] = [];
    let past = 0;
    let future = 0;
    for (let t = 1; t < T; t++) future += p[t]!;
    for (let t = 0; t < T; t++) {
      const pf = t < T - 1 ? future / (T - 1 - t) : p[T - 1]!;
      const pp = t > 0 ? past / t : p[0]!;
      const flex = fc.flexibility(t);
      const cands = [flex.VdMw, 0, flex.VcMw];
      let E = cands[0]!;
      let best = Number.NEGATIVE_INFINITY;
      for (const c of cands) {
        const v = this.rls[t]!.predict(adpFeatures(c, p[t]!, pf, pp));
        if (v > best + 1e-12) {
          best = v;
          E = c;
        }
      }
      if (learn && this.rng.next() < this.epsilon) E = flex.VdMw + (flex.VcMw - flex.VdMw) * this.rng.next();
      const phi = adpFeatures(E, p[t]!, pf, pp);
      feats.push(phi);
      q.push(this.rls[t]!.predict(phi));
      commitments.push(E);
      fc.advance(t, fc.activate(t, E));
      past += p[t]!;
      if (t + 1 < T) future -= p[t + 1]!;
    }
    const act = new ResidentialPool(day.actual);
    const utility: number[] = [];
    for (let t = 0; t < T; t++) {
      const flex = act.flexibility(t);
      const E = commitments[t]!;
      const delivered = Math.min(flex.VcMw, Math.max(flex.VdMw, E));
      const a = act.activate(t, delivered);
      act.advance(t, a);
      const pDa = day.priceEur[t]!;
      const pImb = Math.abs(pDa) + this.days.opts.imbalanceSpreadEur;
      utility.push(-pDa * delivered * dt - a.costEur - pImb * Math.abs(E - delivered) * dt);
    }
    const utilityToGo = new Array<number>(T);
    let acc = 0;
    for (let t = T - 1; t >= 0; t--) {
      acc += utility[t]!;
      utilityToGo[t] = acc;
    }
    if (learn) {
      for (let t = 0; t < T; t++) this.rls[t]!.update(feats[t]!, utilityToGo[t]!);
      this.samplePaths++;
    }
    return { commitments, utility, utilityToGo, q };
  }

  snapshot(): Record<string, unknown> {
    return {
      method: 'adp',
      samplePaths: this.samplePaths,
      alpha: this.rls.map((r) => Array.from(r.theta)),
      P: this.rls.map((r) => r.covariance()),
    };
  }
}
