// What an episode needs from the world, laid out flat once per delivery day: realised prices and
// fundamentals per quarter-hour, and the price/generation forecasts each quarter-hour's decision
// saw (the latest issue at or before its start, for the next LOOKAHEAD quarter-hours). The
// numbers are the world's own (sim/world: the same price path, difficulty levels and forecasts
// a run uses); this file only reads them into typed arrays so a step costs no allocation.
import { NamedRng } from '../../lib/index.js';
import { consecutiveDays, createWorld, type Difficulty, STEPS_PER_DAY, type World } from '../../sim/index.js';

/** Quarter-hours of forecast an observation sees (the next hour). */
export const LOOKAHEAD = 4;
/** Quarter-hours of history an observation sees (the last hour). */
export const HISTORY = 4;

export interface DayData {
  day: string;
  /** Day of the year 0–365 and the UTC hour of each quarter-hour. */
  dayOfYear: number;
  priceEur: Float64Array;
  /** Generation of the plant, MW (peak × shares of the world's solar and wind). */
  genMw: Float64Array;
  /** History before the day's first quarter-hour (oldest first), HISTORY long. */
  pastPriceEur: Float64Array;
  pastGenMw: Float64Array;
  /** Forecasts seen at quarter-hour q for q+1 … q+LOOKAHEAD: [q × LOOKAHEAD + k − 1]. */
  fcPriceEur: Float64Array;
  fcGenMw: Float64Array;
  /** Normalised fundamentals (seed 003's observations): solar/capacity, wind/capacity, demand/mean. */
  solarShare: Float64Array;
  windShare: Float64Array;
  demandShare: Float64Array;
}

export interface PlantShape {
  peakMw: number;
  windShare: number;
}

/** One world (per difficulty level) over the listed days, and the day data read from it. */
export class WorldDays {
  readonly world: World;
  readonly days: readonly string[];
  private readonly cache = new Map<number, DayData>();

  constructor(
    readonly difficulty: Difficulty,
    worldSeed: number,
    start: string,
    count: number,
    private readonly plant: PlantShape,
  ) {
    this.days = consecutiveDays(start, count);
    this.world = createWorld({ difficulty }, new NamedRng(worldSeed), this.days);
  }

  get count(): number {
    return this.days.length;
  }

  private gen(solarMw: number, windMw: number): number {
    const cal = this.world.config.calibration;
    const s = cal.solar.capacityMw > 0 ? solarMw / cal.solar.capacityMw : 0;
    const w = cal.wind.capacityMw > 0 ? windMw / cal.wind.capacityMw : 0;
    const g = this.plant.peakMw * ((1 - this.plant.windShare) * s + this.plant.windShare * w);
    return Math.max(0, g);
  }

  day(index: number): DayData {
    let d = this.cache.get(index);
    if (!d) {
      d = this.read(index);
      this.cache.set(index, d);
    }
    return d;
  }

  private read(index: number): DayData {
    const w = this.world;
    const cal = w.config.calibration;
    const first = index * STEPS_PER_DAY;
    const last = w.steps - 1;
    const n = STEPS_PER_DAY;
    const priceEur = new Float64Array(n);
    const genMw = new Float64Array(n);
    const solarShare = new Float64Array(n);
    const windShare = new Float64Array(n);
    const demandShare = new Float64Array(n);
    for (let q = 0; q < n; q++) {
      const r = w.realised(first + q);
      priceEur[q] = r.priceTicks / 100;
      genMw[q] = this.gen(r.solarMw, r.windMw);
      solarShare[q] = cal.solar.capacityMw > 0 ? r.solarMw / cal.solar.capacityMw : 0;
      windShare[q] = cal.wind.capacityMw > 0 ? r.windMw / cal.wind.capacityMw : 0;
      demandShare[q] = r.demandMw / cal.demand.meanMw;
    }
    const pastPriceEur = new Float64Array(HISTORY);
    const pastGenMw = new Float64Array(HISTORY);
    for (let k = 0; k < HISTORY; k++) {
      const s = first - HISTORY + k;
      const r = w.realised(Math.max(0, s));
      // Before the world's first step the day's first values stand in.
      pastPriceEur[k] = s >= 0 ? r.priceTicks / 100 : priceEur[0]!;
      pastGenMw[k] = s >= 0 ? this.gen(r.solarMw, r.windMw) : genMw[0]!;
    }
    const fcPriceEur = new Float64Array(n * LOOKAHEAD);
    const fcGenMw = new Float64Array(n * LOOKAHEAD);
    let issue = Number.NaN;
    let f = w.forecastAt(w.stepStartMs(first));
    for (let q = 0; q < n; q++) {
      const t = w.stepStartMs(first + q);
      const fq = w.forecastAt(t);
      if (fq.issueTimeMs !== issue) {
        issue = fq.issueTimeMs;
        f = fq;
      }
      for (let k = 1; k <= LOOKAHEAD; k++) {
        // Past the world's last step (or the issue's horizon) the last covered value stands in.
        const step = Math.min(first + q + k, last);
        const p = f.at(step) ?? f.at(Math.min(step, f.firstStep + f.length - 1));
        const i = q * LOOKAHEAD + k - 1;
        fcPriceEur[i] = p ? p.priceTicks / 100 : priceEur[q]!;
        fcGenMw[i] = p ? this.gen(p.solarMw, p.windMw) : genMw[q]!;
      }
    }
    const startMs = w.stepStartMs(first);
    const yearStart = Date.UTC(new Date(startMs).getUTCFullYear(), 0, 1);
    return {
      day: this.days[index]!,
      dayOfYear: Math.floor((startMs - yearStart) / 86_400_000),
      priceEur,
      genMw,
      pastPriceEur,
      pastGenMw,
      fcPriceEur,
      fcGenMw,
      solarShare,
      windShare,
      demandShare,
    };
  }
}
