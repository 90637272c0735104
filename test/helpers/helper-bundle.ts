// Test helper programs (fill-ledger-agent.ts, flooder-agent.ts) as one JavaScript file each, so the
// many processes the integration tests start run on plain `node` instead of transpiling TypeScript
// through tsx at every start (≈ 0.7 s of CPU each on this machine, paid by every test beside it) —
// bundled and cached the way the arena bundles its own agents (arena/launcher/agent-bundle.ts).
import { basename, join } from 'node:path';
import { buildSync } from 'esbuild';
import {
  CACHE_DIR,
  cacheProgram,
  programBuildOptions,
  pruneCachedPrograms,
} from '../../arena/launcher/agent-bundle.js';

const built = new Map<string, string>();

/** The path of the bundled program for `file` under test/helpers (built once per test process). */
export function helperBundle(file: string): string {
  const known = built.get(file);
  if (known) return known;
  const out = buildSync(programBuildOptions(join(import.meta.dirname, file)));
  const prefix = `test-${basename(file, '.ts')}`;
  const path = cacheProgram(prefix, out.outputFiles[0]!.contents);
  pruneCachedPrograms(CACHE_DIR, [prefix], [path]);
  built.set(file, path);
  return path;
}
