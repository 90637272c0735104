// Test helper programs (fill-ledger-agent.ts, flooder-agent.ts) as one JavaScript file each, so the
// many processes the integration tests start run on plain `node` instead of transpiling TypeScript
// through tsx at every start (≈ 0.7 s of CPU each on this machine, paid by every test beside it).
// The same way the arena runs its own agents (arena/launcher/agent-bundle.ts): esbuild bundles the
// file with the project's code inlined and packages left as imports; the bundle is named by the
// hash of its content and kept in node_modules/.cache/ so the packages resolve from there.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = join(import.meta.dirname, '..', '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'flexarena');
const built = new Map<string, string>();

/** The path of the bundled program for `file` under test/helpers (built once per test process). */
export function helperBundle(file: string): string {
  const known = built.get(file);
  if (known) return known;
  const out = buildSync({
    entryPoints: [join(import.meta.dirname, file)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
    tsconfig: join(ROOT, 'tsconfig.json'),
  });
  const text = out.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const path = join(CACHE, `test-${basename(file, '.ts')}-${hash}.mjs`);
  if (!existsSync(path)) {
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  }
  built.set(file, path);
  return path;
}
