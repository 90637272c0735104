// The configuration of the EV-fleet environment (seed 004), validated with zod like the battery
// environment's: an error names the field and the limit. Only fleetSize was checked; a negative
// prediction error or imbalance price was used as given, a reward scale of 0 gave infinite
// rewards, a NaN tariff stopped the first step with a message naming no field, and a misspelt
// field was ignored.
import * as z from 'zod';
import { ConfigError, configIssues, configSeed, pastLastDayIssue } from '../../lib/index.js';
import { DIFFICULTY_LEVELS } from '../../sim/index.js';
import { calendarDay } from './battery-env-config.js';

export const evFleetEnvConfigSchema = z
  .object({
    /** Seed of the environment's own stream (episode days, the fleet, prediction errors). */
    seed: configSeed.default(1),
    /** Seed of the world (prices). */
    worldSeed: configSeed.default(1),
    days: z
      .object({ start: calendarDay, count: z.number().int().min(1).max(3660) })
      .strict()
      .default({ start: '2024-06-03', count: 14 }),
    difficulty: z.enum(DIFFICULTY_LEVELS).default('noise'),
    fleetSize: z.number().int().min(1).max(100_000).default(100),
    /** The industry tariff the fleet otherwise charges at, €/kWh. */
    tariffEurPerKwh: z.number().min(0).max(100).default(0.15),
    /** € per MWh of undelivered committed energy (β_h; the seed gives no formula). */
    imbalancePriceEur: z.number().min(0).max(1e6).default(200),
    /** Relative sd of the 30-minutes-ahead prediction of the fleet's charging power. */
    predictionError: z.number().min(0).max(10).default(0.1),
    /** € a reward is divided by. */
    rewardScaleEur: z.number().positive().max(1e9).default(10),
  })
  .strict()
  .superRefine((c, ctx) => {
    const message = pastLastDayIssue(c.days.start, c.days.count);
    if (message) ctx.addIssue({ code: 'custom', path: ['days', 'count'], message });
  });

export type EvFleetEnvConfig = z.input<typeof evFleetEnvConfigSchema>;
export type EvFleetEnvSettings = z.output<typeof evFleetEnvConfigSchema>;

export function parseEvFleetEnvConfig(doc: unknown, source = '<inline>', prefix = 'env'): EvFleetEnvSettings {
  const res = evFleetEnvConfigSchema.safeParse(doc ?? {});
  if (res.success) return res.data;
  throw new ConfigError(source, configIssues(res.error, doc, prefix));
}
