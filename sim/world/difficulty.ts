// Difficulty levels of the world after seed 002 §3.1 (curriculum learning): each level adds one
// source of difficulty to the one before.
//
//   clean            smooth sine/cosine shapes: demand harmonics, the solar bell under the
//                    seasonal mean cloudiness, wind as a slow sinusoid; the price is the merit
//                    order of that smooth residual load (plus the quarter-hour sawtooth).
//                    Forecasts are perfect.
//   noise            + the weather processes (AR(1) wind and cloudiness) and uniform noise drawn
//                    at every step on demand, wind, solar and price. Forecasts still perfect.
//   spikes           + random price spikes: a much larger uniform draw every few hours, with a
//                    jittered position and a duration of a few quarter-hours.
//   forecast-errors  + forecasts that differ from the realisation, with errors that shrink
//                    toward delivery; untraded errors become system imbalance.
import { firstAtLeast, type RandomStream } from '../../lib/index.js';
import { HOUR_MS, STEP_MS } from './time.js';

export const DIFFICULTY_LEVELS = ['clean', 'noise', 'spikes', 'forecast-errors'] as const;
export type Difficulty = (typeof DIFFICULTY_LEVELS)[number];

export interface DifficultyFeatures {
  /** AR(1) weather processes instead of smooth deterministic shapes. */
  weather: boolean;
  /** Uniform noise drawn at every step. */
  uniformNoise: boolean;
  /** Random price spikes. */
  spikes: boolean;
  /** Forecasts differ from the realisation (otherwise they equal it). */
  forecastErrors: boolean;
}

export function difficultyFeatures(level: Difficulty): DifficultyFeatures {
  const rank = DIFFICULTY_LEVELS.indexOf(level);
  if (rank < 0) throw new RangeError(`unknown difficulty ${JSON.stringify(level)}`);
  return { weather: rank >= 1, uniformNoise: rank >= 1, spikes: rank >= 2, forecastErrors: rank >= 3 };
}

/** Uniform draw in [-halfWidth, +halfWidth]. */
export function uniformNoise(stream: RandomStream, halfWidth: number): number {
  return halfWidth === 0 ? 0 : (2 * stream.next() - 1) * halfWidth;
}

export interface SpikeParams {
  /** Nominal time between spikes. */
  everyHours: number;
  /** Each spike's start is moved by a uniform draw in ±jitterHours around its nominal time. */
  jitterHours: number;
  /** Spike height in EUR/MWh, uniform in [minEur, maxEur]. */
  minEur: number;
  maxEur: number;
  /** Share of spikes that go down instead of up. */
  negativeShare: number;
  /** Length of one spike in quarter-hours, uniform integer in [1, maxSteps]. */
  maxSteps: number;
}

/**
 * Price spikes in EUR/MWh for `startsMs.length` steps (step start times, ascending). Spikes sit on
 * a regular grid of nominal times (every `everyHours` from the first step), each moved by
 * position noise. All draws come from `stream` in nominal-time order: every nominal spike draws
 * the same four numbers, used or not, so changing one parameter does not reshuffle the rest.
 */
export function spikeSeries(startsMs: ArrayLike<number>, p: SpikeParams, stream: RandomStream): Float64Array {
  const out = new Float64Array(startsMs.length);
  const n = startsMs.length;
  if (n === 0 || p.everyHours <= 0 || p.maxEur <= 0) return out;
  const period = p.everyHours * HOUR_MS;
  const first = startsMs[0]!;
  const last = startsMs[n - 1]!;
  for (let k = 0; ; k++) {
    const nominal = first + (k + 0.5) * period;
    const shift = (2 * stream.next() - 1) * p.jitterHours * HOUR_MS;
    const height = p.minEur + (p.maxEur - p.minEur) * stream.next();
    const down = stream.next() < p.negativeShare;
    const len = stream.int(1, Math.max(1, p.maxSteps));
    if (nominal - p.jitterHours * HOUR_MS > last) break;
    const at = Math.floor((nominal + shift) / STEP_MS) * STEP_MS;
    // A spike covers the steps starting in [at, at + len quarter-hours).
    for (let i = firstAtLeast(startsMs, at); i < n && startsMs[i]! < at + len * STEP_MS; i++) {
      out[i]! += down ? -height : height;
    }
  }
  return out;
}
