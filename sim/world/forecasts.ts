// Forecasts of demand, wind, solar and price, published on a fixed schedule (every
// `intervalMinutes`, hourly by default; the issue at `dayAheadHourUtc`, 07:00 UTC = 08:00 CET,
// is the day-ahead forecast a trader uses for the day-ahead auction of D+1, gate 12:00). Each
// issue covers the rest of its UTC day and all of the next one (24–48 h ahead).
//
// Error model. The error of variable v for step s in issue k is sd_v(s, lead) × z_v(s, k):
//   sd_v(s, lead) = sd_v,24h(s) × g(lead),  g(lead) = f + (1 − f) × sqrt(min(lead, 48 h) / 24 h)
// so errors shrink toward delivery (f = shortLeadShare is what is left at lead 0). z is a
// unit-variance field, AR(1) in issue time (successive forecasts drift rather than jump) and
// AR(1) across consecutive steps of one issue:
//   z(s, k) = rho_issue z(s, k−1) + sqrt(1 − rho_issue²) eta(s, k),   z(s, first issue) = eta
//   eta(s, k) = rho_step eta(s−1, k) + sqrt(1 − rho_step²) xi(s, k)
// The xi of issue k come from their own stream `world.forecast.<issueMs>`, built afresh from the
// run seed each time, so an issue's numbers depend on the seed and its time only. Computing issue
// k needs the z of issue k − 1: issues are computed in order from a checkpoint (the state after
// every 24th issue is kept), so any query order gives the same forecasts.
//
// Price: forecast = realised + (merit order of the forecast residual load − merit order of the
// realised one) − (1 − exp(−lead / 2 h)) × the unpredictable part of the realised price (noise,
// spikes) + its own error. Without forecast errors (levels below 'forecast-errors') every
// forecast equals the realisation.

import type { NamedRng, RandomStream } from '../../lib/index.js';
import { quantizeEurToTicks } from '../../market/index.js';
import type { FundamentalSeries } from './fundamentals.js';
import type { MeritOrder } from './merit-order.js';
import { worldStream } from './streams.js';
import { DAY_MS as DAY_MS_, HOUR_MS as HOUR_MS_, MINUTE_MS, type StepGrid } from './time.js';

// Module-local copies: hot loops read these for every forecast point.
const DAY_MS = DAY_MS_;
const HOUR_MS = HOUR_MS_;

export interface ForecastErrorParams {
  /** Error sd at 24 h lead, % of demand. */
  demandPct: number;
  /** Error sd at 24 h lead, % of wind capacity. */
  windPctOfCapacity: number;
  /** Error sd at 24 h lead, % of clear-sky solar output (so none at night). */
  solarPctOfClearSky: number;
  /** Sd of the price's own error at 24 h lead (on top of what the fundamentals' errors do), EUR/MWh. */
  priceEur: number;
  /** Share of the 24 h error sd left at lead 0. */
  shortLeadShare: number;
  /** AR(1) coefficient of the error between issues one hour apart. */
  issueRhoPerHour: number;
  /** AR(1) coefficient of the error between consecutive quarter-hours of one issue. */
  stepRho: number;
}

export interface ForecastSchedule {
  /** Time between issues; divides a day. */
  intervalMinutes: number;
  /** UTC hour of the issue labelled 'day-ahead'. */
  dayAheadHourUtc: number;
}

export const DEFAULT_FORECAST_ERRORS: ForecastErrorParams = {
  demandPct: 1.5,
  windPctOfCapacity: 4,
  solarPctOfClearSky: 6,
  priceEur: 5,
  shortLeadShare: 0.1,
  issueRhoPerHour: 0.9,
  stepRho: 0.95,
};

export const DEFAULT_FORECAST_SCHEDULE: ForecastSchedule = { intervalMinutes: 60, dayAheadHourUtc: 7 };

export interface ForecastPoint {
  step: number;
  deliveryStartMs: number;
  leadMs: number;
  demandMw: number;
  windMw: number;
  solarMw: number;
  residualMw: number;
  priceTicks: number;
}

/** One published forecast: values for steps firstStep … firstStep + length − 1. */
export class Forecast {
  constructor(
    /** Publication time (the latest issue at or before the queried time). */
    readonly issueTimeMs: number,
    readonly kind: 'day-ahead' | 'intraday',
    readonly firstStep: number,
    readonly deliveryStartsMs: Float64Array,
    readonly demandMw: Float64Array,
    readonly windMw: Float64Array,
    readonly solarMw: Float64Array,
    readonly residualMw: Float64Array,
    readonly priceTicks: Int32Array,
  ) {}

  get length(): number {
    return this.demandMw.length;
  }

  /** The forecast of one step, or undefined when this issue does not cover it. */
  at(step: number): ForecastPoint | undefined {
    const i = step - this.firstStep;
    if (i < 0 || i >= this.length) return undefined;
    return {
      step,
      deliveryStartMs: this.deliveryStartsMs[i]!,
      leadMs: this.deliveryStartsMs[i]! - this.issueTimeMs,
      demandMw: this.demandMw[i]!,
      windMw: this.windMw[i]!,
      solarMw: this.solarMw[i]!,
      residualMw: this.residualMw[i]!,
      priceTicks: this.priceTicks[i]!,
    };
  }
}

export interface ForecastInputs {
  grid: StepGrid;
  fundamentals: FundamentalSeries;
  windCapacityMw: number;
  solarCapacityMw: number;
  /** Realised price per step, EUR/MWh (what the world reports, before rounding to ticks). */
  realisedPriceEur: Float64Array;
  /** Merit-order price of the realised fundamentals per step, EUR/MWh. */
  fundamentalPriceEur: Float64Array;
  /** Part of the realised price nobody can see far ahead (noise, spikes), EUR/MWh. */
  unpredictableEur: Float64Array;
  meritOrder: MeritOrder;
  errors: ForecastErrorParams;
  schedule: ForecastSchedule;
  /** false: every forecast equals the realisation. */
  withErrors: boolean;
  rng: NamedRng;
}

const VARS = 4; // demand, wind, solar, price
const CHECKPOINT_EVERY = 24;
const CACHE_SIZE = 64;
const PRICE_REVEAL_MS = 2 * HOUR_MS;

interface Checkpoint {
  a: number;
  b: number;
  z: Float64Array;
}

/** Error-size factor at a given lead (see the file comment). */
export function leadFactor(leadMs: number, shortLeadShare: number): number {
  const l = Math.max(0, Math.min(leadMs, 2 * DAY_MS)) / DAY_MS;
  return shortLeadShare + (1 - shortLeadShare) * Math.sqrt(l);
}

export class ForecastEngine {
  /** First issue time: 00:00 UTC of the day before the first day (the first issue covering it). */
  readonly firstIssueMs: number;
  readonly lastIssueIndex: number;
  private readonly intervalMs: number;
  private readonly rhoIssue: number;
  private readonly z: Float64Array;
  private cursor = -1;
  private prevEnd = 0;
  private readonly checkpoints = new Map<number, Checkpoint>();
  private readonly cache = new Map<number, Forecast>();
  private readonly priceFloor: number;
  private readonly priceCap: number;

  constructor(private readonly inp: ForecastInputs) {
    const { schedule, grid } = inp;
    if (!(schedule.intervalMinutes > 0) || DAY_MS % (schedule.intervalMinutes * MINUTE_MS) !== 0) {
      throw new RangeError(`forecast interval ${schedule.intervalMinutes} min must divide a day`);
    }
    this.intervalMs = schedule.intervalMinutes * MINUTE_MS;
    this.rhoIssue = inp.errors.issueRhoPerHour ** (this.intervalMs / HOUR_MS);
    this.firstIssueMs = grid.dayStarts[0]! - DAY_MS;
    this.lastIssueIndex = Math.ceil((grid.startMs(grid.steps - 1) - this.firstIssueMs) / this.intervalMs) - 1;
    this.z = new Float64Array(inp.withErrors ? VARS * grid.steps : 0);
    this.priceFloor = inp.meritOrder.params.priceFloorEur;
    this.priceCap = inp.meritOrder.params.priceCapEur;
  }

  issueTimeMs(k: number): number {
    return this.firstIssueMs + k * this.intervalMs;
  }

  /** Index of the latest issue at or before `timeMs` (negative: none yet). */
  issueIndexAt(timeMs: number): number {
    return Math.floor((timeMs - this.firstIssueMs) / this.intervalMs);
  }

  /** Steps [a, b) covered by issue k: starting after it, up to the end of the next UTC day. */
  coverage(k: number): [number, number] {
    const t = this.issueTimeMs(k);
    const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
    const { grid } = this.inp;
    return [grid.firstStepAtOrAfter(t + 1), grid.firstStepAtOrAfter(dayStart + 2 * DAY_MS)];
  }

  /** The forecast published at or before `timeMs`. */
  forecastAt(timeMs: number): Forecast {
    const k = this.issueIndexAt(timeMs);
    if (k < 0) {
      throw new RangeError(
        `no forecast published before ${new Date(this.firstIssueMs).toISOString()} (asked for ${new Date(timeMs).toISOString()})`,
      );
    }
    return this.issue(k);
  }

  /** Issue k (0 = firstIssueMs). */
  issue(k: number): Forecast {
    const cached = this.cache.get(k);
    if (cached) return cached;
    const [a, b] = this.coverage(k);
    if (this.inp.withErrors && a < b) this.advanceTo(k);
    const f = this.build(k, a, b);
    this.cache.set(k, f);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return f;
  }

  /**
   * Residual load of the last forecast published strictly before each step's gate closure,
   * `gateClosureMinutes` before delivery. Walks all issues in order (and leaves checkpoints).
   */
  gateClosureResidualMw(gateClosureMinutes: number): Float64Array {
    const { grid, fundamentals: f } = this.inp;
    const out = new Float64Array(grid.steps);
    if (!this.inp.withErrors) {
      out.set(f.residualMw);
      return out;
    }
    const gcMs = gateClosureMinutes * MINUTE_MS;
    if (!(gcMs >= 0 && gcMs < DAY_MS))
      throw new RangeError(`gate closure ${gateClosureMinutes} min out of range`);
    const gateIssue = (s: number) =>
      Math.ceil((grid.startMs(s) - gcMs - this.firstIssueMs) / this.intervalMs) - 1;
    this.restore(-1);
    let s = 0;
    for (let k = 0; k <= this.lastIssueIndex && s < grid.steps; k++) {
      this.advanceTo(k);
      const t = this.issueTimeMs(k);
      for (; s < grid.steps && gateIssue(s) === k; s++) out[s] = this.residualAt(s, grid.startMs(s) - t);
    }
    return out;
  }

  // --- internals -------------------------------------------------------------------------------

  /** Forecast demand, wind and solar of step s at this lead into fc[0..2] (no allocation: hot). */
  private forecastFundamentals(s: number, leadMs: number, fc: Float64Array): void {
    const { errors: e, fundamentals: f } = this.inp;
    const g = leadFactor(leadMs, e.shortLeadShare);
    const o = VARS * s;
    const z = this.z;
    fc[0] = f.demandMw[s]! * (1 + (e.demandPct / 100) * g * z[o]!);
    const w = f.windMw[s]! + (e.windPctOfCapacity / 100) * this.inp.windCapacityMw * g * z[o + 1]!;
    fc[1] = Math.min(this.inp.windCapacityMw, Math.max(0, w));
    const sol = f.solarMw[s]! + (e.solarPctOfClearSky / 100) * f.clearSkySolarMw[s]! * g * z[o + 2]!;
    fc[2] = Math.min(this.inp.solarCapacityMw, Math.max(0, sol));
  }

  private readonly scratch = new Float64Array(3);
  private readonly eta = new Float64Array(VARS);
  private readonly xi = new Float64Array(VARS);

  private residualAt(s: number, leadMs: number): number {
    const fc = this.scratch;
    this.forecastFundamentals(s, leadMs, fc);
    return fc[0]! - fc[1]! - fc[2]!;
  }

  /** The latest checkpoint at or before issue k, or -1. */
  private checkpointAtOrBefore(k: number): number {
    let c = Math.floor((k + 1) / CHECKPOINT_EVERY) * CHECKPOINT_EVERY - 1;
    while (c >= 0 && !this.checkpoints.has(c)) c -= CHECKPOINT_EVERY;
    return c;
  }

  /** Puts the error state to checkpoint c (-1: before the first issue). */
  private restore(c: number): void {
    const cp = this.checkpoints.get(c);
    if (!cp) {
      this.cursor = -1;
      this.prevEnd = 0;
      return;
    }
    this.z.set(cp.z, VARS * cp.a);
    this.cursor = c;
    this.prevEnd = cp.b;
  }

  /** Brings the error state to issue k, from the cursor or the nearest checkpoint before k. */
  private advanceTo(k: number): void {
    if (k === this.cursor) return;
    const c = this.checkpointAtOrBefore(k - 1);
    if (k < this.cursor || c > this.cursor) this.restore(c);
    while (this.cursor < k) this.step(this.cursor + 1);
  }

  /** Computes the error state of issue k from that of issue k − 1. */
  private step(k: number): void {
    const [a, b] = this.coverage(k);
    if (a < b) {
      const name = `world.forecast.${this.issueTimeMs(k)}`;
      const stream = worldStream(this.inp.rng, name);
      const rs = this.inp.errors.stepRho;
      const cs = Math.sqrt(1 - rs * rs);
      const ri = this.rhoIssue;
      const ci = Math.sqrt(1 - ri * ri);
      const eta = this.eta;
      const xi = this.xi;
      for (let s = a; s < b; s++) {
        normalPair(stream, xi, 0);
        normalPair(stream, xi, 2);
        const o = VARS * s;
        const fresh = s >= this.prevEnd;
        for (let v = 0; v < VARS; v++) {
          eta[v] = s === a ? xi[v]! : rs * eta[v]! + cs * xi[v]!;
          this.z[o + v] = fresh ? eta[v]! : ri * this.z[o + v]! + ci * eta[v]!;
        }
      }
      this.prevEnd = Math.max(this.prevEnd, b);
    }
    this.cursor = k;
    if ((k + 1) % CHECKPOINT_EVERY === 0 && a < b && !this.checkpoints.has(k)) {
      this.checkpoints.set(k, { a, b, z: this.z.slice(VARS * a, VARS * b) });
    }
  }

  private build(k: number, a: number, b: number): Forecast {
    const { grid, fundamentals: f, meritOrder: mo } = this.inp;
    const t = this.issueTimeMs(k);
    const n = Math.max(0, b - a);
    const starts = new Float64Array(n);
    const dem = new Float64Array(n);
    const wind = new Float64Array(n);
    const sol = new Float64Array(n);
    const res = new Float64Array(n);
    const price = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const s = a + i;
      const start = grid.startMs(s);
      starts[i] = start;
      if (!this.inp.withErrors) {
        dem[i] = f.demandMw[s]!;
        wind[i] = f.windMw[s]!;
        sol[i] = f.solarMw[s]!;
        res[i] = f.residualMw[s]!;
        price[i] = quantizeEurToTicks(this.inp.realisedPriceEur[s]!);
        continue;
      }
      const lead = start - t;
      const fc = this.scratch;
      this.forecastFundamentals(s, lead, fc);
      const d = fc[0]!;
      const w = fc[1]!;
      const so = fc[2]!;
      dem[i] = d;
      wind[i] = w;
      sol[i] = so;
      res[i] = d - w - so;
      const sdP = this.inp.errors.priceEur * leadFactor(lead, this.inp.errors.shortLeadShare);
      const reveal = Math.exp(-lead / PRICE_REVEAL_MS);
      const p =
        this.inp.realisedPriceEur[s]! +
        (mo.price(d - w - so, w + so) - this.inp.fundamentalPriceEur[s]!) -
        (1 - reveal) * this.inp.unpredictableEur[s]! +
        sdP * this.z[VARS * s + 3]!;
      price[i] = quantizeEurToTicks(Math.min(this.priceCap, Math.max(this.priceFloor, p)));
    }
    const dayPhase = t - Math.floor(t / DAY_MS) * DAY_MS;
    const kind = dayPhase === this.inp.schedule.dayAheadHourUtc * HOUR_MS ? 'day-ahead' : 'intraday';
    return new Forecast(t, kind, a, starts, dem, wind, sol, res, price);
  }
}

/** Two independent standard normals (Box-Muller, both outputs) into out[i], out[i + 1]. */
function normalPair(stream: RandomStream, out: Float64Array, i: number): void {
  const u = 1 - stream.next();
  const v = stream.next();
  const r = Math.sqrt(-2 * Math.log(u));
  out[i] = r * Math.cos(2 * Math.PI * v);
  out[i + 1] = r * Math.sin(2 * Math.PI * v);
}
