// The exogenous price path of the walking skeleton: a synthetic German-style day (night trough,
// midday solar dip, evening peak, quarter-hour sawtooth) plus seeded noise, and hourly forecasts
// whose error shrinks toward delivery. The full world model (fundamentals, merit order) replaces
// the shape later; the interface stays.

import type { NamedRng } from '../../lib/index.js';
import { quantizeEurToTicks } from '../../market/index.js';

export interface PriceShape {
  baseEur: number;
  dailyAmplitudeEur: number;
  eveningPeakEur: number;
  middayDipEur: number;
  sawtoothEur: number;
  noiseEur: number;
  forecastErrorEur: number;
}

const HOUR = 3_600_000;

/** Realised reference price of each quarter-hour of the day, in ticks. */
export function realisedPrices(shape: PriceShape, rng: NamedRng): number[] {
  const noise = rng.stream('world.price.noise');
  const out: number[] = [];
  for (let q = 0; q < 96; q++) {
    const h = (q + 0.5) / 4;
    const diurnal = -shape.dailyAmplitudeEur * Math.cos((2 * Math.PI * (h - 1)) / 24);
    const dip = -shape.middayDipEur * Math.exp(-(((h - 13) / 2.5) ** 2));
    const peak = shape.eveningPeakEur * Math.exp(-(((h - 19) / 1.8) ** 2));
    // Within each hour quarter-hour prices step with the ramp of demand (the "sawtooth").
    const saw =
      shape.sawtoothEur * (((q % 4) - 1.5) / 1.5) * Math.sign(Math.sin((2 * Math.PI * (h - 3)) / 24) || 1);
    const price = shape.baseEur + diurnal + dip + peak + saw + shape.noiseEur * noise.normal();
    out.push(quantizeEurToTicks(price));
  }
  return out;
}

/**
 * Forecasts issued every hour. The error of each product follows an AR(1) process in standard
 * units (successive forecasts are correlated, as real ones are: they drift rather than jump),
 * scaled by a standard deviation that falls linearly from forecastErrorEur at 24 h lead (or
 * more) to zero at delivery.
 */
export class PriceForecaster {
  private readonly draws;
  private readonly z: number[];
  static readonly RHO = 0.9;

  constructor(
    private readonly shape: PriceShape,
    private readonly realised: readonly number[],
    private readonly deliveryStarts: readonly number[],
    rng: NamedRng,
  ) {
    this.draws = rng.stream('world.price.forecast');
    this.z = realised.map(() => this.draws.normal());
  }

  /** A fresh forecast for every product still ahead of `timeMs`; draws in product order. */
  issue(timeMs: number): Map<number, number> {
    const out = new Map<number, number>();
    const rho = PriceForecaster.RHO;
    this.realised.forEach((truth, q) => {
      const lead = this.deliveryStarts[q]! - timeMs;
      if (lead <= 0) return;
      this.z[q] = rho * this.z[q]! + Math.sqrt(1 - rho * rho) * this.draws.normal();
      const sigma = this.shape.forecastErrorEur * Math.min(1, lead / (24 * HOUR));
      out.set(q, truth + quantizeEurToTicks(sigma * this.z[q]!));
    });
    return out;
  }
}
