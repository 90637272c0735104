// The world of a run: fundamentals, price, forecasts and system imbalance for every 15-minute
// step of the listed delivery days. Everything is computed in createWorld from named, seeded
// streams (world.weather.wind|cloud, world.noise.demand|wind|solar|price, world.spikes,
// world.forecast.<issueMs>; see streams.ts), so the same config, seed and days give the same
// world, whatever is queried in whatever order.
//
// Realised price (synthetic source), EUR/MWh, clamped to the stack's floor and cap:
//   merit order of (residual load, wind + solar) + quarter-hour sawtooth + noise + spikes
// With an ENTSO-E source the price is the file's; fundamentals, forecasts and system imbalance
// stay synthetic.

import { ConfigError, type NamedRng } from '../../lib/index.js';
import { quantizeEurToTicks } from '../../market/index.js';
import { type Difficulty, difficultyFeatures, spikeSeries, uniformNoise } from './difficulty.js';
import { parseEntsoePriceCsv } from './entsoe-csv.js';
import { type Forecast, ForecastEngine, type ForecastPoint } from './forecasts.js';
import { type FundamentalSeries, generateFundamentals } from './fundamentals.js';
import { type CurvePoint, MeritOrder, type MeritOrderParams, quarterHourSawtooth } from './merit-order.js';
import { worldStream } from './streams.js';
import { systemImbalanceMw, untradedImbalanceSeries } from './system-imbalance.js';
import { DAY_MS, StepGrid } from './time.js';
import { parseWorldConfig, type WorldConfig, type WorldConfigInput } from './world-config.js';

export { Forecast, type ForecastPoint } from './forecasts.js';
export {
  parseWorldConfig,
  type WorldConfig,
  type WorldConfigInput,
  worldConfigSchema,
} from './world-config.js';

export interface RealisedStep {
  step: number;
  deliveryStartMs: number;
  demandMw: number;
  windMw: number;
  solarMw: number;
  /** demand − wind − solar. */
  residualMw: number;
  priceTicks: number;
  /** Exogenous system imbalance (untraded forecast error), MW, positive = system short. */
  systemImbalanceMw: number;
}

export interface World {
  readonly config: WorldConfig;
  readonly difficulty: Difficulty;
  readonly days: readonly string[];
  /** Number of 15-minute steps (96 per day). */
  readonly steps: number;
  readonly meritOrder: MeritOrder;
  stepStartMs(step: number): number;
  /** The step whose delivery contains `timeMs`. */
  stepAt(timeMs: number): number | undefined;
  realised(step: number): RealisedStep;
  /** All realised prices, ticks per step. */
  realisedPriceTicks(): Int32Array;
  /** The forecast published at or before `issueTimeMs` (issues every forecast.intervalMinutes). */
  forecastAt(issueTimeMs: number): Forecast;
  /** Publication times of forecasts in [fromMs, toMs]. */
  forecastIssueTimes(fromMs: number, toMs: number): number[];
  /**
   * System imbalance of a step with the agents' imbalances added (each as metered − net
   * position, positive = agent long; see system-imbalance.ts). Positive = system short.
   */
  systemImbalanceMw(step: number, agentImbalancesMw?: Iterable<number>): number;
  /** Exogenous sell curve of a step's auction (ascending price); crosses the buy curve at the realised price. */
  exogenousSupplyCurve(step: number): CurvePoint[];
  /** Exogenous buy curve of a step's auction (ascending price, non-increasing quantity). */
  exogenousDemandCurve(step: number): CurvePoint[];
  /**
   * Demand − supply of the two curves above at their prices inside [loTicks, hiTicks] (ascending
   * price, non-increasing quantity): the rest of the market as one bid of a step's auction.
   */
  exogenousNetCurve(step: number, loTicks: number, hiTicks: number): CurvePoint[];
  /**
   * The same net curve as the rest of the market expects a step at a forecast: from the forecast's
   * demand and renewables, crossing zero at the forecast's price. What the day-ahead auction clears
   * against: at its gate nobody knows the realised step (its noise, spikes and forecast errors).
   */
  forecastNetCurve(point: ForecastPoint, loTicks: number, hiTicks: number): CurvePoint[];
}

export interface CreateWorldOptions {
  /**
   * The ENTSO-E CSV a `source: { entsoeCsv }` world names, read by the caller (the simulation
   * does no I/O): its text and a name for error messages (the resolved path).
   */
  entsoeCsv?: { text: string; source: string };
}

export function meritOrderParams(cfg: WorldConfig): MeritOrderParams {
  const m = cfg.calibration.meritOrder;
  return {
    blocks: m.blocks.map((b) =>
      b.technology === 'must-run'
        ? { ...b }
        : { ...b, costMinEur: b.costMinEur + m.costShiftEur, costMaxEur: b.costMaxEur + m.costShiftEur },
    ),
    renewables: m.renewables.map((t) => ({ ...t })),
    flex: { ...m.flex },
    demandResponse: { ...m.demandResponse },
    priceFloorEur: m.priceFloorEur,
    priceCapEur: m.priceCapEur,
  };
}

class WorldImpl implements World {
  readonly difficulty: Difficulty;
  readonly steps: number;
  readonly meritOrder: MeritOrder;
  private readonly grid: StepGrid;
  private readonly fund: FundamentalSeries;
  private readonly priceEur: Float64Array;
  private readonly priceTicks: Int32Array;
  private readonly fundamentalEur: Float64Array;
  private readonly imbalance: Float64Array;
  private readonly forecasts: ForecastEngine;

  constructor(
    readonly config: WorldConfig,
    rng: NamedRng,
    days: readonly string[],
    opts: CreateWorldOptions,
  ) {
    this.difficulty = config.difficulty;
    const features = difficultyFeatures(config.difficulty);
    this.grid = new StepGrid(days);
    this.steps = this.grid.steps;
    const cal = config.calibration;
    this.meritOrder = new MeritOrder(meritOrderParams(config));
    this.fund = generateFundamentals(
      this.grid,
      { demand: cal.demand, wind: cal.wind, solar: cal.solar },
      rng,
      {
        weather: features.weather,
        noise: features.uniformNoise ? config.noise : null,
      },
    );
    const n = this.steps;
    const f = this.fund;
    const { priceFloorEur: floor, priceCapEur: cap } = this.meritOrder.params;

    this.fundamentalEur = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.fundamentalEur[i] = this.meritOrder.price(f.residualMw[i]!, f.windMw[i]! + f.solarMw[i]!);
    }
    const unpredictable = new Float64Array(n);
    this.priceEur = new Float64Array(n);
    if (config.source === 'synthetic') {
      const saw = quarterHourSawtooth(f.residualMw, f.startsMs, cal.sawtooth);
      const spikes = features.spikes
        ? spikeSeries(f.startsMs, config.spikes, worldStream(rng, 'world.spikes'))
        : null;
      const noise = worldStream(rng, 'world.noise.price');
      for (let i = 0; i < n; i++) {
        const u =
          (features.uniformNoise ? uniformNoise(noise, config.noise.priceEur) : 0) +
          (spikes ? spikes[i]! : 0);
        unpredictable[i] = u;
        this.priceEur[i] = Math.min(cap, Math.max(floor, this.fundamentalEur[i]! + saw[i]! + u));
      }
    } else {
      const src = config.source;
      const csv = opts.entsoeCsv;
      if (!csv)
        throw new ConfigError('world', [
          {
            path: 'world.source.entsoeCsv',
            message: 'the file was not read: pass its text in CreateWorldOptions.entsoeCsv',
            value: src.entsoeCsv,
          },
        ]);
      const first = this.grid.dayStarts[0]!;
      const spanDays = Math.round((this.grid.dayStarts[this.grid.days.length - 1]! - first) / DAY_MS) + 1;
      const series = parseEntsoePriceCsv(csv.text, {
        source: csv.source,
        startDay: this.grid.days[0]!,
        days: spanDays,
        ...(src.mapCode === undefined ? {} : { mapCode: src.mapCode }),
        ...(src.priceColumn === undefined ? {} : { priceColumn: src.priceColumn }),
        ...(src.where === undefined ? {} : { where: src.where }),
        // The synthetic price and every forecast stay inside these; so must the file's.
        priceMinEur: floor,
        priceMaxEur: cap,
        priceLimitsName: 'world.calibration.meritOrder.priceFloorEur / priceCapEur',
      });
      for (let i = 0; i < n; i++) {
        const q = Math.round((f.startsMs[i]! - series.startMs) / (DAY_MS / 96));
        this.priceEur[i] = series.priceTicks[q]! / 100;
      }
    }
    this.priceTicks = new Int32Array(n);
    for (let i = 0; i < n; i++) this.priceTicks[i] = quantizeEurToTicks(this.priceEur[i]!);

    this.forecasts = new ForecastEngine({
      grid: this.grid,
      fundamentals: f,
      windCapacityMw: cal.wind.capacityMw,
      solarCapacityMw: cal.solar.capacityMw,
      realisedPriceEur: this.priceEur,
      fundamentalPriceEur: this.fundamentalEur,
      unpredictableEur: unpredictable,
      meritOrder: this.meritOrder,
      errors: config.forecast,
      schedule: config.forecast,
      withErrors: features.forecastErrors,
      rng,
    });
    const atGate = this.forecasts.gateClosureResidualMw(config.imbalance.gateClosureMinutes);
    this.imbalance = untradedImbalanceSeries(f.residualMw, atGate, config.imbalance.untradedShare);
  }

  get days(): readonly string[] {
    return this.grid.days;
  }

  stepStartMs(step: number): number {
    return this.grid.startMs(step);
  }

  stepAt(timeMs: number): number | undefined {
    return this.grid.stepAt(timeMs);
  }

  private check(step: number): void {
    if (!Number.isInteger(step) || step < 0 || step >= this.steps) {
      throw new RangeError(`step ${step} outside the world (0 … ${this.steps - 1})`);
    }
  }

  realised(step: number): RealisedStep {
    this.check(step);
    const f = this.fund;
    return {
      step,
      deliveryStartMs: f.startsMs[step]!,
      demandMw: f.demandMw[step]!,
      windMw: f.windMw[step]!,
      solarMw: f.solarMw[step]!,
      residualMw: f.residualMw[step]!,
      priceTicks: this.priceTicks[step]!,
      systemImbalanceMw: this.imbalance[step]!,
    };
  }

  realisedPriceTicks(): Int32Array {
    return this.priceTicks.slice();
  }

  forecastAt(issueTimeMs: number): Forecast {
    return this.forecasts.forecastAt(issueTimeMs);
  }

  forecastIssueTimes(fromMs: number, toMs: number): number[] {
    const out: number[] = [];
    const last = Math.min(this.forecasts.issueIndexAt(toMs), this.forecasts.lastIssueIndex);
    for (let k = Math.max(0, this.forecasts.issueIndexAt(fromMs - 1) + 1); k <= last; k++) {
      out.push(this.forecasts.issueTimeMs(k));
    }
    return out;
  }

  systemImbalanceMw(step: number, agentImbalancesMw: Iterable<number> = []): number {
    this.check(step);
    return systemImbalanceMw(this.imbalance[step]!, agentImbalancesMw);
  }

  exogenousSupplyCurve(step: number): CurvePoint[] {
    this.check(step);
    const f = this.fund;
    const shift = this.priceEur[step]! - this.fundamentalEur[step]!;
    // A node at the fundamental price (= the realised price once shifted) makes the curves cross there exactly.
    return this.meritOrder.exogenousSupplyCurve(f.windMw[step]! + f.solarMw[step]!, shift, [
      this.fundamentalEur[step]!,
    ]);
  }

  exogenousDemandCurve(step: number): CurvePoint[] {
    this.check(step);
    const shift = this.priceEur[step]! - this.fundamentalEur[step]!;
    return this.meritOrder.exogenousDemandCurve(this.fund.demandMw[step]!, shift, [
      this.fundamentalEur[step]!,
    ]);
  }

  exogenousNetCurve(step: number, loTicks: number, hiTicks: number): CurvePoint[] {
    this.check(step);
    const f = this.fund;
    const shift = this.priceEur[step]! - this.fundamentalEur[step]!;
    return this.meritOrder.exogenousNetCurve(
      f.demandMw[step]!,
      f.windMw[step]! + f.solarMw[step]!,
      shift,
      [this.fundamentalEur[step]!],
      loTicks,
      hiTicks,
    );
  }

  forecastNetCurve(point: ForecastPoint, loTicks: number, hiTicks: number): CurvePoint[] {
    this.check(point.step);
    const renewableMw = point.windMw + point.solarMw;
    const fundamental = this.meritOrder.price(point.demandMw - renewableMw, renewableMw);
    // A node at the forecast's fundamental price (= its price once shifted) makes the curve cross
    // zero there exactly, as the realised step's curve does at the realised price.
    return this.meritOrder.exogenousNetCurve(
      point.demandMw,
      renewableMw,
      point.priceTicks / 100 - fundamental,
      [fundamental],
      loTicks,
      hiTicks,
    );
  }
}

/**
 * Builds the world for `days` (ascending ISO days, UTC; need not be consecutive). `config` is the
 * scenario's `world:` section, validated here (ConfigError naming the field on failure).
 */
export function createWorld(
  config: WorldConfigInput | WorldConfig | undefined,
  rng: NamedRng,
  days: readonly string[],
  opts: CreateWorldOptions = {},
): World {
  return new WorldImpl(parseWorldConfig(config), rng, days, opts);
}
