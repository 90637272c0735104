// The program the arena starts for a built-in strategy, as one JavaScript file. Started through
// bin/flexarena.mjs, every agent process would transpile the TypeScript of the whole CLI with tsx
// first — seconds of CPU per process, times ten agents, on the machine the run itself needs. So the
// arena bundles `flexarena agent` (cli/agent-main.ts) once with esbuild (the transform tsx uses
// too), packages left as imports, and the agents run the bundle with plain `node`. The file is
// named by the hash of its content: concurrent runs and unchanged sources share it, changed
// sources get a new one. It lives in node_modules/.cache/ so the packages resolve from there.
// (The integration tests bundle their helper agents the same way: test/helpers/helper-bundle.ts.)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY = join(ROOT, 'cli', 'agent-main.ts');
const CACHE = join(ROOT, 'node_modules', '.cache', 'flexarena');

/** esbuild options for one program of this project: its code inlined, packages left as imports. */
export function programBuildOptions(entry: string): BuildOptions & { write: false } {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
    tsconfig: join(ROOT, 'tsconfig.json'),
  };
}

/** Keeps a bundle in the cache under `<prefix>-<hash of its content>.mjs`; its path. */
export function cacheProgram(prefix: string, text: Uint8Array): string {
  const path = join(CACHE, `${prefix}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(path)) {
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  }
  return path;
}

/** Bundles one program of this project from its TypeScript entry; the path of the bundle. */
export async function bundleProgram(prefix: string, entry: string): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build(programBuildOptions(entry));
  return cacheProgram(prefix, out.outputFiles[0]!.contents);
}

/** Bundles the agent program; the path of the bundle. Throws when esbuild cannot build it. */
export function bundleAgentProgram(): Promise<string> {
  return bundleProgram('agent', ENTRY);
}
