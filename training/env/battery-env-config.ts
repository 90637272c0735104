// The configuration of the fast battery/prosumer environment (seeds 002 and 003): a renewable
// plant behind a battery (or a bare battery with `generation.peakMw: 0`), a price-taker against
// the world's realised price path, episodes of one delivery day. Validated with zod: an error
// names the field and the limit.
import * as z from 'zod';
import { ConfigError, configIssues, configSeed, pastLastDayIssue } from '../../lib/index.js';
import { DIFFICULTY_LEVELS } from '../../sim/index.js';

export const OBSERVATIONS = ['mini', 'standard', 'noisy', 'seed003'] as const;
export type ObservationVariant = (typeof OBSERVATIONS)[number];
export const REWARDS = ['revenue', 'revenue-penalty', 'scaled', 'scaled-penalty', 'survival'] as const;
export type RewardVariant = (typeof REWARDS)[number];

/** A delivery day YYYY-MM-DD that exists (2024-02-30 passed the format and failed in the world with a stack). */
export const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be an ISO day YYYY-MM-DD')
  .refine((s) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return true; // said by the format check
    const ms = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
  }, 'not a calendar day');

/** The fields of the environment, without the checks across them (a train file extends them). */
export const batteryEnvFields = z
  .object({
    kind: z.literal('battery').default('battery'),
    /** Seed of the environment's own stream (episode days, replacement actions, forecast noise). */
    seed: configSeed.default(1),
    /** Seed of the world (prices, weather, forecasts): train and test on different worlds. */
    worldSeed: configSeed.default(1),
    /** The delivery days episodes are drawn from (one day per episode). */
    days: z
      .object({ start: calendarDay, count: z.number().int().min(1).max(3660) })
      .strict()
      .default({ start: '2024-01-01', count: 28 }),
    /** 'random': a seeded draw per episode; 'sequential': the days in order (evaluation). */
    episodeOrder: z.enum(['random', 'sequential']).default('random'),
    difficulty: z.enum(DIFFICULTY_LEVELS).default('noise'),
    /** Step length: the world's quarter-hour, or seed 002's 5 minutes (288 steps a day). */
    stepMinutes: z
      .union([z.literal(15), z.literal(5)], {
        error: "must be 15 (the world's quarter-hour) or 5 (seed 002)",
      })
      .default(15),
    battery: z
      .object({
        powerMw: z.number().positive().max(10_000).default(10),
        energyMwh: z.number().positive().max(100_000).default(20),
        etaCharge: z.number().gt(0).max(1).default(0.9),
        etaDischarge: z.number().gt(0).max(1).default(0.9),
        socMin: z.number().min(0).max(1).default(0),
        socMax: z.number().min(0).max(1).default(1),
        socInitial: z.number().min(0).max(1).default(0.5),
      })
      .strict()
      .prefault({}),
    /** Plant size: generation = peakMw × (solar share of the world's solar + wind share of its wind). */
    generation: z
      .object({
        peakMw: z.number().min(0).max(100_000).default(10),
        windShare: z.number().min(0).max(1).default(0),
      })
      .strict()
      .prefault({}),
    /** May the plant buy from the grid (seed 003: yes; seed 002: no)? */
    allowImport: z.boolean().default(false),
    action: z.enum(['continuous', 'discrete']).default('continuous'),
    /** Seed 002: an illegal action ends a training episode ('terminate'); evaluation ignores it. */
    illegal: z.enum(['terminate', 'ignore', 'clip']).default('clip'),
    observation: z.enum(OBSERVATIONS).default('standard'),
    /** Extra uniform noise of the 'noisy' observation's forecasts (half-widths). */
    forecastNoise: z
      .object({
        priceEur: z.number().min(0).max(10_000).default(10),
        generationShare: z.number().min(0).max(1).default(0.1),
      })
      .strict()
      .prefault({}),
    reward: z.enum(REWARDS).default('scaled-penalty'),
    /** € a 'scaled' reward divides by (default: one full-power quarter-hour at 100 €/MWh). */
    rewardScaleEur: z.number().positive().max(1e9).optional(),
    /** € subtracted per illegal action (reward 'revenue-penalty'; seed 003's "large number"). */
    penaltyEur: z.number().min(0).max(1e9).default(1000),
    /** Price normalisation of observations, €/MWh. */
    priceScaleEur: z.number().positive().max(10_000).default(100),
  })
  .strict();

/**
 * The checks across fields: the SoC bounds, the initial SoC within them, and the day list ending
 * by the last day there is (past it the first reset stopped with "not a calendar day: +010000-01").
 */
export function batteryEnvChecks(
  c: {
    battery: { socMin: number; socMax: number; socInitial: number };
    days: { start: string; count: number };
  },
  ctx: z.RefinementCtx,
): void {
  const pastLastDay = pastLastDayIssue(c.days.start, c.days.count);
  if (pastLastDay) ctx.addIssue({ code: 'custom', path: ['days', 'count'], message: pastLastDay });
  if (c.battery.socMin > c.battery.socMax)
    ctx.addIssue({ code: 'custom', path: ['battery', 'socMin'], message: 'must be <= socMax' });
  if (c.battery.socInitial < c.battery.socMin || c.battery.socInitial > c.battery.socMax)
    ctx.addIssue({
      code: 'custom',
      path: ['battery', 'socInitial'],
      message: 'must lie within [socMin, socMax]',
    });
}

export const batteryEnvSchema = batteryEnvFields.superRefine(batteryEnvChecks);

export type BatteryEnvConfig = z.output<typeof batteryEnvSchema>;
export type BatteryEnvConfigInput = z.input<typeof batteryEnvSchema>;

export function parseBatteryEnvConfig(doc: unknown, source = '<inline>', prefix = 'env'): BatteryEnvConfig {
  const res = batteryEnvSchema.safeParse(doc ?? {});
  if (res.success) return res.data;
  throw new ConfigError(source, configIssues(res.error, doc, prefix));
}
