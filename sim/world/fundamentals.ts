// Fundamentals per 15-minute step: demand, wind and solar in MW, and the residual load
// (demand − wind − solar) that the merit order turns into a price. Magnitudes follow Germany
// 2024: demand ~40–75 GW with daily and weekly shape, ~63 GW wind, ~80 GW solar.
//
// Shapes are evaluated at each step's midpoint in German local time (CET/CEST). Random parts come
// from named streams (world.weather.wind, world.weather.cloud, world.noise.*). The weather
// processes are AR(1) in hours, advanced exactly across gaps between non-consecutive days, so the
// realisation depends on the seed and the list of days only.
import type { NamedRng } from '../../lib/index.js';
import { uniformNoise } from './difficulty.js';
import { worldStream } from './streams.js';
import { berlinLocal, HOUR_MS, STEP_MS, type StepGrid } from './time.js';

export interface DemandParams {
  /** Mean weekday-level load over the year, MW (weekends scale it down). */
  meanMw: number;
  /** Winter minus annual mean of the weekday level, MW (summer is as far below). */
  seasonalSwingMw: number;
  /** Relative amplitude of the daily cycle (first harmonic, max early afternoon). */
  dailySwing: number;
  /** Relative amplitude of the second harmonic (steep morning rise, afternoon dip). */
  semiDailySwing: number;
  /** Relative height of the evening peak (~18:30 local) in winter; a third of it in summer. */
  eveningPeak: number;
  saturdayFactor: number;
  sundayFactor: number;
}

export interface WindParams {
  capacityMw: number;
  /** Mean capacity factor over the year. */
  meanCapacityFactor: number;
  /** Winter minus annual mean capacity factor. */
  seasonalCapacityFactorSwing: number;
  /** Largest fleet capacity factor (not every turbine sees the same wind). */
  maxCapacityFactor: number;
  /** Spread of the weather process on the logit scale. */
  weatherSd: number;
  /** AR(1) coefficient of the weather process per hour. */
  hourlyRho: number;
  /** Time constant of the low-pass that smooths the weather process, hours. */
  smoothingHours: number;
  /** 'clean' level: period of the deterministic wind sinusoid. */
  cleanPeriodHours: number;
}

export interface SolarParams {
  capacityMw: number;
  /** Output share of capacity with the sun overhead under a clear sky (losses included). */
  peakYield: number;
  /** Mean clear-sky index in summer and in winter. */
  summerClearness: number;
  winterClearness: number;
  /** Spread of the cloudiness process (clear-sky index units). */
  cloudSd: number;
  /** AR(1) coefficient of cloudiness per hour. */
  hourlyRho: number;
  /** Time constant of the low-pass that smooths cloudiness, hours. */
  smoothingHours: number;
  latitudeDeg: number;
  longitudeDeg: number;
}

export interface FundamentalsParams {
  demand: DemandParams;
  wind: WindParams;
  solar: SolarParams;
}

export interface FundamentalNoise {
  /** Uniform half-widths of the per-step noise. */
  demandMw: number;
  windMw: number;
  /** Relative: solar × (1 ± solarShare). */
  solarShare: number;
}

export const GERMANY_2024_FUNDAMENTALS: FundamentalsParams = {
  demand: {
    meanMw: 54_500,
    seasonalSwingMw: 3_500,
    dailySwing: 0.14,
    semiDailySwing: 0.04,
    eveningPeak: 0.1,
    saturdayFactor: 0.88,
    sundayFactor: 0.8,
  },
  wind: {
    capacityMw: 63_000,
    meanCapacityFactor: 0.235,
    seasonalCapacityFactorSwing: 0.08,
    maxCapacityFactor: 0.8,
    weatherSd: 1.1,
    hourlyRho: 0.98,
    smoothingHours: 4,
    cleanPeriodHours: 101,
  },
  solar: {
    capacityMw: 80_000,
    peakYield: 0.74,
    summerClearness: 0.76,
    winterClearness: 0.46,
    cloudSd: 0.25,
    hourlyRho: 0.93,
    smoothingHours: 1.5,
    latitudeDeg: 51,
    longitudeDeg: 10,
  },
};

export interface FundamentalSeries {
  steps: number;
  /** Start of each step, ms since the epoch. */
  startsMs: Float64Array;
  demandMw: Float64Array;
  windMw: Float64Array;
  solarMw: Float64Array;
  /** demand − wind − solar. */
  residualMw: Float64Array;
  /** Solar under a clear sky (no noise): scales solar forecast errors (none at night). */
  clearSkySolarMw: Float64Array;
}

export interface FundamentalsOptions {
  /** AR(1) weather; false gives the smooth 'clean' shapes. */
  weather: boolean;
  /** Per-step uniform noise; null for none. */
  noise: FundamentalNoise | null;
}

const TWO_PI = 2 * Math.PI;
const DEG = Math.PI / 180;

/** +1 in mid-January, −1 in mid-July. */
function winterness(doy: number): number {
  return Math.cos((TWO_PI * (doy - 15)) / 365.25);
}

interface DayType {
  factor: number;
  a1: number;
  a2: number;
}

function dayType(p: DemandParams, dow: number): DayType {
  const kind = ((dow % 7) + 7) % 7;
  if (kind === 0) return { factor: p.sundayFactor, a1: p.dailySwing * 0.8, a2: p.semiDailySwing * 0.3 };
  if (kind === 6) return { factor: p.saturdayFactor, a1: p.dailySwing * 0.9, a2: p.semiDailySwing * 0.6 };
  return { factor: 1, a1: p.dailySwing, a2: p.semiDailySwing };
}

/**
 * Demand in MW at a local hour, day of week (0 = Sunday) and day of year, without noise. The
 * night belongs to the day before: the day type blends from yesterday's to today's between 03:00
 * and 08:00, so Monday 00:00 continues Sunday night without a jump.
 */
export function demandShapeMw(p: DemandParams, hour: number, dow: number, doy: number): number {
  const w = winterness(doy);
  const level = p.meanMw + p.seasonalSwingMw * w;
  const today = dayType(p, dow);
  const yesterday = dayType(p, dow - 1);
  const x = Math.min(1, Math.max(0, (hour - 3) / 5));
  const b = x * x * (3 - 2 * x);
  const a1 = yesterday.a1 + (today.a1 - yesterday.a1) * b;
  const a2 = yesterday.a2 + (today.a2 - yesterday.a2) * b;
  const factor = yesterday.factor + (today.factor - yesterday.factor) * b;
  const evening = (p.eveningPeak * (2 + w)) / 3;
  const shape =
    a1 * Math.cos((TWO_PI * (hour - 13)) / 24) +
    a2 * Math.cos((2 * TWO_PI * (hour - 10.5)) / 24) +
    evening * Math.exp(-(((hour - 18.5) / 1.5) ** 2));
  return level * factor * (1 + shape);
}

/** Sine of the sun's elevation at `ms` (negative below the horizon). */
export function sinSunElevation(ms: number, latitudeDeg: number, longitudeDeg: number): number {
  const d = new Date(ms);
  const doy = (ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000;
  const decl = -23.44 * DEG * Math.cos((TWO_PI * (doy + 10)) / 365.25);
  const solarHour = (ms % 86_400_000) / HOUR_MS + longitudeDeg / 15;
  const hourAngle = 15 * DEG * (solarHour - 12);
  const lat = latitudeDeg * DEG;
  return Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(hourAngle);
}

/** Clear-sky solar output in MW (tilted modules gain relatively more when the sun is low). */
export function clearSkySolarMw(p: SolarParams, ms: number): number {
  const s = sinSunElevation(ms, p.latitudeDeg, p.longitudeDeg);
  if (s <= 0) return 0;
  const d = new Date(ms);
  const noon =
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 12) - (p.longitudeDeg / 15) * HOUR_MS;
  const sNoon = Math.max(0.05, sinSunElevation(noon, p.latitudeDeg, p.longitudeDeg));
  const sNoonMax = Math.sin((90 - p.latitudeDeg + 23.44) * DEG);
  const tilt = (sNoonMax / sNoon) ** 0.35;
  return p.capacityMw * Math.min(1, p.peakYield * s ** 1.25 * tilt);
}

export function meanClearness(p: SolarParams, doy: number): number {
  const w = winterness(doy);
  return (p.summerClearness + p.winterClearness) / 2 - ((p.summerClearness - p.winterClearness) / 2) * w;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/** Wind capacity factor from the standardised weather state `x` (mean 0, variance 1). */
export function windCapacityFactor(p: WindParams, doy: number, x: number): number {
  const target = p.meanCapacityFactor + p.seasonalCapacityFactorSwing * winterness(doy);
  const rel = Math.min(0.95, Math.max(0.02, target / p.maxCapacityFactor));
  // Mean of a logit-normal ≈ sigmoid(mu / sqrt(1 + pi sd^2 / 8)): centre so the mean hits target.
  const mu = logit(rel) * Math.sqrt(1 + (Math.PI * p.weatherSd ** 2) / 8);
  return p.maxCapacityFactor * sigmoid(mu + p.weatherSd * x);
}

/**
 * A weather state in standard units (mean 0, variance 1): an AR(1) process in hours, smoothed by
 * a first-order low-pass with time constant `smoothingHours` so that quarter-hours do not jump
 * (a bare AR(1) is rough at short lags; real wind ramps are smooth). The stationary variance of
 * the smoothed process is (1 + r1 r2) / (1 − r1 r2) with per-step coefficients r1, r2; the output
 * is scaled back to 1. Across a gap between non-consecutive days the AR(1) is advanced exactly
 * and the smoother restarts from it.
 */
export class WeatherProcess {
  private x: number | undefined;
  private y = 0;
  private readonly r1: number;
  private readonly c1: number;
  private readonly r2: number;
  private readonly c2: number;
  private readonly scale: number;

  constructor(
    private readonly hourlyRho: number,
    smoothingHours: number,
    private readonly draw: () => number,
  ) {
    this.r1 = hourlyRho ** (STEP_MS / HOUR_MS);
    this.c1 = Math.sqrt(1 - this.r1 * this.r1);
    this.r2 = smoothingHours > 0 ? Math.exp(-STEP_MS / (smoothingHours * HOUR_MS)) : 0;
    this.c2 = Math.sqrt(1 - this.r2 * this.r2);
    this.scale = Math.sqrt((1 + this.r1 * this.r2) / (1 - this.r1 * this.r2));
  }

  /** The state `dtMs` after the previous call (the first call ignores dtMs). */
  at(dtMs: number): number {
    if (this.x === undefined || dtMs !== STEP_MS) {
      if (this.x === undefined) this.x = this.draw();
      else {
        const rho = this.hourlyRho ** (dtMs / HOUR_MS);
        this.x = rho * this.x + Math.sqrt(1 - rho * rho) * this.draw();
      }
      this.y = this.scale * this.x;
      return this.x;
    }
    this.x = this.r1 * this.x + this.c1 * this.draw();
    this.y = this.r2 * this.y + this.c2 * this.x;
    return this.y / this.scale;
  }
}

export function generateFundamentals(
  grid: StepGrid,
  params: FundamentalsParams,
  rng: NamedRng,
  opts: FundamentalsOptions,
): FundamentalSeries {
  const n = grid.steps;
  const out: FundamentalSeries = {
    steps: n,
    startsMs: new Float64Array(n),
    demandMw: new Float64Array(n),
    windMw: new Float64Array(n),
    solarMw: new Float64Array(n),
    residualMw: new Float64Array(n),
    clearSkySolarMw: new Float64Array(n),
  };
  const windStream = worldStream(rng, 'world.weather.wind');
  const cloudStream = worldStream(rng, 'world.weather.cloud');
  const windAr = new WeatherProcess(params.wind.hourlyRho, params.wind.smoothingHours, () =>
    windStream.normal(),
  );
  const cloudAr = new WeatherProcess(params.solar.hourlyRho, params.solar.smoothingHours, () =>
    cloudStream.normal(),
  );
  const nDemand = worldStream(rng, 'world.noise.demand');
  const nWind = worldStream(rng, 'world.noise.wind');
  const nSolar = worldStream(rng, 'world.noise.solar');
  const { demand: dp, wind: wp, solar: sp } = params;
  let prev = Number.NaN;
  for (let i = 0; i < n; i++) {
    const start = grid.startMs(i);
    const mid = start + STEP_MS / 2;
    const dt = Number.isNaN(prev) ? 0 : start - prev;
    prev = start;
    const lt = berlinLocal(mid);

    let demand = demandShapeMw(dp, lt.hour, lt.dow, lt.doy);
    const xWind = opts.weather
      ? windAr.at(dt)
      : Math.SQRT2 * Math.sin((TWO_PI * mid) / (wp.cleanPeriodHours * HOUR_MS));
    let wind = wp.capacityMw * windCapacityFactor(wp, lt.doy, xWind);
    const clear = clearSkySolarMw(sp, mid);
    const cMean = meanClearness(sp, lt.doy);
    const clearness = opts.weather ? Math.min(1, Math.max(0.05, cMean + sp.cloudSd * cloudAr.at(dt))) : cMean;
    let solar = clear * clearness;

    if (opts.noise) {
      demand += uniformNoise(nDemand, opts.noise.demandMw);
      wind = Math.min(wp.capacityMw, Math.max(0, wind + uniformNoise(nWind, opts.noise.windMw)));
      solar = Math.max(0, solar * (1 + uniformNoise(nSolar, opts.noise.solarShare)));
    }
    out.startsMs[i] = start;
    out.demandMw[i] = demand;
    out.windMw[i] = wind;
    out.solarMw[i] = solar;
    out.residualMw[i] = demand - wind - solar;
    out.clearSkySolarMw[i] = clear;
  }
  return out;
}
