// The `world:` section of a scenario file: difficulty, data source, calibration knobs, noise,
// spikes, forecast errors and the untraded share of the system imbalance. Every field has a
// default (Germany 2024); errors name the field path.
import * as z from 'zod';
import { ConfigError, configIssues } from '../../lib/index.js';
import { DIFFICULTY_LEVELS } from './difficulty.js';
import { DEFAULT_FORECAST_ERRORS as FE, DEFAULT_FORECAST_SCHEDULE as FS } from './forecasts.js';
import { GERMANY_2024_FUNDAMENTALS as F } from './fundamentals.js';
import { GERMANY_2024_STACK as S } from './merit-order.js';

const nonNeg = (max: number) => z.number().min(0).max(max);
const share = z.number().min(0).max(1);
const eur = z.number().min(-10_000).max(10_000);

const demandSchema = z
  .object({
    meanMw: z.number().positive().max(1_000_000).default(F.demand.meanMw),
    seasonalSwingMw: nonNeg(1_000_000).default(F.demand.seasonalSwingMw),
    dailySwing: z.number().min(0).max(0.5).default(F.demand.dailySwing),
    semiDailySwing: z.number().min(0).max(0.5).default(F.demand.semiDailySwing),
    eveningPeak: z.number().min(0).max(0.5).default(F.demand.eveningPeak),
    saturdayFactor: z.number().min(0.3).max(1.5).default(F.demand.saturdayFactor),
    sundayFactor: z.number().min(0.3).max(1.5).default(F.demand.sundayFactor),
  })
  .strict();

const windSchema = z
  .object({
    capacityMw: nonNeg(1_000_000).default(F.wind.capacityMw),
    meanCapacityFactor: z.number().gt(0).lt(1).default(F.wind.meanCapacityFactor),
    seasonalCapacityFactorSwing: z.number().min(0).max(0.5).default(F.wind.seasonalCapacityFactorSwing),
    maxCapacityFactor: z.number().gt(0).max(1).default(F.wind.maxCapacityFactor),
    weatherSd: nonNeg(5).default(F.wind.weatherSd),
    hourlyRho: z.number().min(0).lt(1).default(F.wind.hourlyRho),
    smoothingHours: nonNeg(1_000).default(F.wind.smoothingHours),
    cleanPeriodHours: z.number().positive().max(10_000).default(F.wind.cleanPeriodHours),
  })
  .strict();

const solarSchema = z
  .object({
    capacityMw: nonNeg(1_000_000).default(F.solar.capacityMw),
    peakYield: z.number().min(0).max(1).default(F.solar.peakYield),
    summerClearness: share.default(F.solar.summerClearness),
    winterClearness: share.default(F.solar.winterClearness),
    cloudSd: nonNeg(2).default(F.solar.cloudSd),
    hourlyRho: z.number().min(0).lt(1).default(F.solar.hourlyRho),
    smoothingHours: nonNeg(1_000).default(F.solar.smoothingHours),
    latitudeDeg: z.number().min(-66).max(66).default(F.solar.latitudeDeg),
    longitudeDeg: z.number().min(-180).max(180).default(F.solar.longitudeDeg),
  })
  .strict();

const blockSchema = z
  .object({
    technology: z.enum(['must-run', 'nuclear', 'lignite', 'coal', 'gas-ccgt', 'gas-ocgt', 'oil', 'reserve']),
    capacityMw: nonNeg(1_000_000),
    costMinEur: eur,
    costMaxEur: eur,
  })
  .strict()
  .refine((b) => b.costMinEur <= b.costMaxEur, {
    message: 'costMinEur must be <= costMaxEur',
    path: ['costMinEur'],
  });

const trancheSchema = z
  .object({ share, bidMinEur: eur, bidMaxEur: eur })
  .strict()
  .refine((t) => t.bidMinEur <= t.bidMaxEur, {
    message: 'bidMinEur must be <= bidMaxEur',
    path: ['bidMinEur'],
  });

const meritOrderSchema = z
  .object({
    /** Replaces the whole default stack. */
    blocks: z
      .array(blockSchema)
      .min(1)
      .default(S.blocks.map((b) => ({ ...b }))),
    /** Added to every conventional block's costs (a fuel/CO2 price knob), EUR/MWh. */
    costShiftEur: z.number().min(-500).max(1_000).default(0),
    renewables: z
      .array(trancheSchema)
      .min(1)
      .default(S.renewables.map((t) => ({ ...t })))
      .refine(
        (ts) => Math.abs(ts.reduce((s, t) => s + t.share, 0) - 1) < 1e-9,
        'tranche shares must sum to 1',
      ),
    flex: z
      .object({
        importCapacityMw: nonNeg(1_000_000).default(S.flex.importCapacityMw),
        exportCapacityMw: nonNeg(1_000_000).default(S.flex.exportCapacityMw),
        midEur: eur.default(S.flex.midEur),
        widthEur: z.number().positive().max(10_000).default(S.flex.widthEur),
      })
      .strict()
      .prefault({}),
    demandResponse: z
      .object({
        capacityMw: nonNeg(1_000_000).default(S.demandResponse.capacityMw),
        midEur: eur.default(S.demandResponse.midEur),
        widthEur: z.number().positive().max(10_000).default(S.demandResponse.widthEur),
      })
      .strict()
      .prefault({}),
    priceFloorEur: z.number().min(-10_000).max(0).default(S.priceFloorEur),
    priceCapEur: z.number().min(1).max(100_000).default(S.priceCapEur),
  })
  .strict();

const csvSourceSchema = z
  .object({
    /** Path of an ENTSO-E Transparency CSV; relative paths resolve against the scenario's directory. */
    entsoeCsv: z.string().min(1),
    mapCode: z.string().min(1).optional(),
    priceColumn: z.string().min(1).optional(),
    where: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  })
  .strict();

export const worldConfigSchema = z
  .object({
    difficulty: z.enum(DIFFICULTY_LEVELS).default('forecast-errors'),
    /** 'synthetic' prices from the merit order, or real prices from an ENTSO-E CSV. */
    source: z.union([z.literal('synthetic'), csvSourceSchema]).default('synthetic'),
    calibration: z
      .object({
        demand: demandSchema.prefault({}),
        wind: windSchema.prefault({}),
        solar: solarSchema.prefault({}),
        meritOrder: meritOrderSchema.prefault({}),
        sawtooth: z
          .object({
            eurPerGwPerHour: nonNeg(100).default(2.5),
            capEur: nonNeg(1_000).default(40),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Uniform half-widths of the per-step noise (levels 'noise' and up). */
    noise: z
      .object({
        demandMw: nonNeg(100_000).default(600),
        windMw: nonNeg(100_000).default(400),
        solarShare: share.default(0.03),
        priceEur: nonNeg(1_000).default(5),
      })
      .strict()
      .prefault({}),
    /** Price spikes (levels 'spikes' and up). */
    spikes: z
      .object({
        // Spikes fall on the quarter-hour grid; one every 1e-300 hours was a loop over nominal
        // times that never reached the end of the run (the run hung in its set-up, silently).
        everyHours: z.number().min(0.25, 'must be at least 0.25 (a quarter-hour)').max(100_000).default(36),
        jitterHours: nonNeg(10_000).default(12),
        minEur: nonNeg(10_000).default(80),
        maxEur: nonNeg(10_000).default(400),
        negativeShare: share.default(0.2),
        maxSteps: z.number().int().min(1).max(96).default(4),
      })
      .strict()
      .refine((s) => s.minEur <= s.maxEur, { message: 'minEur must be <= maxEur', path: ['minEur'] })
      .prefault({}),
    /** Forecast schedule and error sizes at 24 h lead (level 'forecast-errors'). */
    forecast: z
      .object({
        intervalMinutes: z
          .number()
          .int()
          .min(1)
          .max(1440)
          .refine((m) => 1440 % m === 0, 'must divide a day (1440 minutes)')
          .default(FS.intervalMinutes),
        dayAheadHourUtc: z.number().int().min(0).max(23).default(FS.dayAheadHourUtc),
        demandPct: nonNeg(50).default(FE.demandPct),
        windPctOfCapacity: nonNeg(100).default(FE.windPctOfCapacity),
        solarPctOfClearSky: nonNeg(100).default(FE.solarPctOfClearSky),
        priceEur: nonNeg(1_000).default(FE.priceEur),
        shortLeadShare: share.default(FE.shortLeadShare),
        issueRhoPerHour: z.number().min(0).lt(1).default(FE.issueRhoPerHour),
        stepRho: z.number().min(0).lt(1).default(FE.stepRho),
      })
      .strict()
      .prefault({}),
    imbalance: z
      .object({
        /** Share of the forecast error at gate closure nobody trades away: it becomes system imbalance. */
        untradedShare: share.default(0.25),
        /** The forecast that counts is the last one published before delivery − this. */
        gateClosureMinutes: z.number().int().min(0).max(720).default(5),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((w, ctx) => {
    const m = w.calibration.meritOrder;
    if (m.priceFloorEur >= m.priceCapEur) {
      ctx.addIssue({
        code: 'custom',
        path: ['calibration', 'meritOrder', 'priceFloorEur'],
        message: `must be below priceCapEur (${m.priceCapEur})`,
      });
    }
  });

export type WorldConfig = z.output<typeof worldConfigSchema>;
export type WorldConfigInput = z.input<typeof worldConfigSchema>;

/**
 * Validates the `world:` section; throws ConfigError whose issues name the field
 * (e.g. "world.forecast.windPctOfCapacity"). `undefined` gives all defaults.
 */
export function parseWorldConfig(doc: unknown, source = '<inline>', pathPrefix = 'world'): WorldConfig {
  const res = worldConfigSchema.safeParse(doc ?? {});
  if (res.success) return res.data;
  throw new ConfigError(source, configIssues(res.error, doc, pathPrefix));
}
