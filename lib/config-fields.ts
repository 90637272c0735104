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

/**
 * The last delivery day a configuration may reach. A Date prints the day after it as
 * "+010000-01-01", which no day field reads back: a world built past it stopped the command with a
 * RangeError and its stack (`day: 9999-12-31, days: 2`).
 */
export const LAST_DAY = '9999-12-31';

/**
 * The first delivery day a run may have. Product ids and the arithmetic on delivery times assume
 * times at or after the Unix epoch: before it a quarter-hour's hour came out as the next hour
 * (`qh-19691231-2315` in `h-19700101-0000`), and years below 1000 gave ids like `qh-10101-0015`,
 * which no strategy could read.
 */
export const FIRST_DAY = '1970-01-01';

/** Why `day` (YYYY-MM-DD) is too early for a run, or undefined (also for a malformed day). */
export function beforeFirstDayIssue(day: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || day >= FIRST_DAY) return undefined;
  return `must be ${FIRST_DAY} or later (delivery times count from the Unix epoch in the product ids)`;
}

const DAY_MS = 86_400_000;

/**
 * Why `count` delivery days from `start` (a valid YYYY-MM-DD) are too many — the most that end by
 * LAST_DAY — or undefined when they fit.
 */
export function pastLastDayIssue(start: string, count: number): string | undefined {
  const fit = (Date.parse(`${LAST_DAY}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS + 1;
  if (!(count > fit)) return undefined; // fits, or `start` is no day (refused by its own field)
  return `at most ${fit} from ${start}: the last day there can be is ${LAST_DAY}`;
}
