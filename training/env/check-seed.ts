// The seed given to an environment's reseed(): what a configuration's seed may be. The random
// stream takes any number and truncates it to an integer (NaN and 2^32 drew what 0 draws, 1.5 what
// 1 draws), so a seed outside the range was a silent collision with another seed.
import { SEED_LIMITS } from '../../lib/index.js';

export function checkSeed(seed: number, field = 'seed'): number {
  if (!(Number.isInteger(seed) && seed >= SEED_LIMITS.min && seed <= SEED_LIMITS.max))
    throw new RangeError(
      `${field} must be an integer in [${SEED_LIMITS.min}, ${SEED_LIMITS.max}], got ${String(seed)}`,
    );
  return seed;
}
