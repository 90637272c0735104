// The program the arena starts for a built-in strategy, as one JavaScript file. Started through
// bin/flexarena.mjs, every agent process would transpile the TypeScript of the whole CLI with tsx
// first — seconds of CPU per process, times ten agents, on the machine the run itself needs. So the
// arena bundles `flexarena agent` (cli/agent-main.ts) once with esbuild (the transform tsx uses
// too), and the agents run the bundle with plain `node`. The agent bundle is CommonJS with its
// packages inlined (HiGHS excepted: it loads its WebAssembly from its own folder), so that one
// script holds all its code and V8's code cache can keep it compiled between processes (the start
// file, agent-loader.ts). Files are named by the hash of their content: concurrent runs and
// unchanged sources share them, changed sources get new ones. They live in node_modules/.cache/ so
// the packages left out resolve from there.
// (The integration tests bundle their helper agents with programBuildOptions: test/helpers/helper-bundle.ts.)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { PROJECT_ROOT } from '../../lib/index.js';
import { agentLoaderSource } from './agent-loader.js';

const ROOT = PROJECT_ROOT;
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
    // lib/project-root.ts: a bundle's own URL says nothing about where the project is.
    define: { __FLEXARENA_ROOT__: JSON.stringify(ROOT) },
  };
}

/**
 * esbuild options for a program started through agent-loader.ts: one CommonJS file, packages
 * inlined but HiGHS, and dynamic imports made requires — a script compiled from V8's code cache
 * has no dynamic-import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), and HiGHS's CommonJS
 * build loads as well as its ESM one.
 */
export function cachedProgramBuildOptions(entry: string): BuildOptions & { write: false } {
  const { packages: _, ...options } = programBuildOptions(entry);
  return { ...options, format: 'cjs', external: ['highs'], supported: { 'dynamic-import': false } };
}

/** Keeps a bundle in the cache under `<prefix>-<hash of its content><ext>`; its path. */
export function cacheProgram(prefix: string, text: Uint8Array | string, ext = '.mjs'): string {
  const path = join(CACHE, `${prefix}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}${ext}`);
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

/**
 * Bundles the agent program; the path of its start file (run it with `node`). Throws when esbuild
 * cannot build it.
 */
export async function bundleAgentProgram(): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build(cachedProgramBuildOptions(ENTRY));
  const bundle = cacheProgram('agent', out.outputFiles[0]!.contents, '.cjs');
  const start = cacheProgram('agent-start', agentLoaderSource(bundle), '.cjs');
  pruneAgentPrograms([bundle, start]);
  return start;
}

/** Agent programs of other sources are deleted this long after they were made (each is ~3 MB with its code cache). */
const STALE_AFTER_MS = 3_600_000;

/** Deletes the agent program files (bundles, start files, code caches) other than `keep` that have gone stale. */
function pruneAgentPrograms(keep: readonly string[]): void {
  const now = Date.now();
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (!/^agent-.*\.cjs/.test(name) || keep.some((k) => path.startsWith(k))) continue;
    try {
      if (now - statSync(path).mtimeMs > STALE_AFTER_MS) rmSync(path, { force: true });
    } catch {
      // Gone already: another run pruned it.
    }
  }
}
