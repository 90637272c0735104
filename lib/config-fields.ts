// Fields every configuration file has in common (run, study, tournament, training), defined once
// so their limits and messages cannot drift apart. Each file adds its own default.
import * as z from 'zod';

/** A file's `name`: it goes into run ids and folder names, hence lowercase letters, digits, dashes. */
export const configName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected lowercase letters, digits and dashes');

/** The seed's range, also for the flags that override it (`run --seed`). */
export const SEED_LIMITS = { min: 0, max: 2 ** 31 - 1 } as const;

/** A seed: an integer from 0 to 2^31 − 1. */
export const configSeed = z.number().int().min(SEED_LIMITS.min).max(SEED_LIMITS.max);
