// What the files a configuration names hold, as one value to hash with it: a resumable series (a
// tournament, a study) keeps to its files as they were, so a price CSV, a Q-table or a policy
// checkpoint edited between two starts is noticed like an edited scenario — the games played
// before and after would not be comparable.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Each file's sha256 (hex), or "missing" when it cannot be read; sorted by path, each once. */
export function fileDigests(paths: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of [...new Set(paths)].sort()) {
    try {
      out[p] = createHash('sha256').update(readFileSync(p)).digest('hex');
    } catch {
      out[p] = 'missing';
    }
  }
  return out;
}
