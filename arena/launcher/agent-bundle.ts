// The program the arena starts for a built-in strategy, as one JavaScript file. Started through
// bin/flexarena.mjs, every agent process would transpile the TypeScript of the whole CLI with tsx
// first — seconds of CPU per process, times ten agents, on the machine the run itself needs. So the
// arena bundles `flexarena agent` (cli/agent-main.ts) once with esbuild (the transform tsx uses
// too), and the agents run the bundle with plain `node`. The agent bundle is CommonJS with its
// packages inlined (HiGHS excepted: it loads its WebAssembly from its own folder), so that one
// script holds all its code and V8's code cache can keep it compiled between processes (the start
// file, agent-loader.ts). Files are named by the hash of their content: concurrent runs and
// unchanged sources share them, changed sources get new ones. They live in node_modules/.cache/ so
// the packages left out resolve from there. Beside them, agent-current.json names the program of
// the current sources with the stamps of the files that went into it (lib/source-stamps.mjs): while
// none changed, a run takes that program without running esbuild (0.1–0.5 s of a run's start on a
// busy machine, for every gRPC run and every test that starts an arena).
// (The integration tests bundle their helper agents with programBuildOptions: test/helpers/helper-bundle.ts.)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BuildOptions } from 'esbuild';
import {
  PROJECT_ROOT,
  readJsonFile,
  type SourceStamp,
  stampedBefore,
  stampFile,
  stampsUnchanged,
  writeJsonAtomically,
} from '../../lib/index.js';
import { agentLoaderSource } from './agent-loader.js';

const ROOT = PROJECT_ROOT;
const ENTRY = join('cli', 'agent-main.ts');
/** Where the project's bundled programs are kept (packages left out of a bundle resolve from here). */
export const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'flexarena');

/** esbuild options for one program of the project at `root`: its code inlined, packages left as imports. */
export function programBuildOptions(entry: string, root = ROOT): BuildOptions & { write: false } {
  return {
    // Paths in the bundle (and its content hash) are the same from whatever folder a run starts.
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
    tsconfig: join(root, 'tsconfig.json'),
    // lib/project-root.ts: a bundle's own URL says nothing about where the project is.
    define: { __FLEXARENA_ROOT__: JSON.stringify(root) },
  };
}

/**
 * esbuild options for a program started through agent-loader.ts: one CommonJS file, packages
 * inlined but HiGHS, and dynamic imports made requires — a script compiled from V8's code cache
 * has no dynamic-import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), and HiGHS's CommonJS
 * build loads as well as its ESM one.
 */
export function cachedProgramBuildOptions(entry: string, root = ROOT): BuildOptions & { write: false } {
  const { packages: _, ...options } = programBuildOptions(entry, root);
  return { ...options, format: 'cjs', external: ['highs'], supported: { 'dynamic-import': false } };
}

/** Keeps a bundle in the cache under `<prefix>-<hash of its content><ext>`; its path. */
export function cacheProgram(
  prefix: string,
  text: Uint8Array | string,
  ext = '.mjs',
  cacheDir = CACHE_DIR,
): string {
  const path = join(
    cacheDir,
    `${prefix}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}${ext}`,
  );
  if (!existsSync(path)) {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  }
  return path;
}

/**
 * The NATS thread's program (or another plain program of this project) of the current sources:
 * the bundle `<prefix>-current.json` names while none of its source files changed, else bundled now.
 * Bundled at every start, it ran esbuild while the agent processes booted — in a gRPC run the NATS
 * thread was then the last thing the first decision point waited for.
 */
export async function bundleProgram(prefix: string, entry: string, cacheDir = CACHE_DIR): Promise<string> {
  const { files, built } = await stampedBuild(
    ROOT,
    relative(ROOT, entry),
    cacheDir,
    prefix,
    programBuildOptions(entry),
    (bytes) => [cacheProgram(prefix, bytes, '.mjs', cacheDir)],
  );
  if (built) pruneCachedPrograms(cacheDir, [prefix], files);
  return files[0]!;
}

/**
 * The agent program of the current sources; the path of its start file (run it with `node`).
 * Throws when esbuild cannot build it.
 */
export async function bundleAgentProgram(): Promise<string> {
  return (await agentProgram()).start;
}

/** What `<prefix>-current.json` says: the files built from the sources these stamps describe. */
interface ProgramPointer {
  root: string;
  entry: string;
  files: string[];
  inputs: SourceStamp[];
}

export interface AgentProgramOptions {
  /** The project (default: this one) and its agent entry, relative to it. */
  root?: string;
  entry?: string;
  cacheDir?: string;
}

/**
 * The agent program of the current sources: the one agent-current.json names while none of its
 * source files changed, else bundled now (`built`).
 */
export async function agentProgram(
  opts: AgentProgramOptions = {},
): Promise<{ start: string; built: boolean }> {
  const { root = ROOT, entry = ENTRY, cacheDir = CACHE_DIR } = opts;
  const { files, built } = await stampedBuild(
    root,
    entry,
    cacheDir,
    'agent',
    cachedProgramBuildOptions(join(root, entry), root),
    (bytes) => {
      const bundle = cacheProgram('agent', bytes, '.cjs', cacheDir);
      return [bundle, cacheProgram('agent-start', agentLoaderSource(bundle), '.cjs', cacheDir)];
    },
  );
  if (built) pruneCachedPrograms(cacheDir, ['agent', 'agent-start'], files);
  return { start: files[1]!, built };
}

/**
 * The files `place` makes of the bundle of `entry`: those `<prefix>-current.json` names while they
 * exist and none of the sources that went into them changed (their sizes and modification times,
 * lib/source-stamps.mjs), else built now with esbuild and named there.
 */
async function stampedBuild(
  root: string,
  entry: string,
  cacheDir: string,
  prefix: string,
  options: BuildOptions & { write: false },
  place: (bytes: Uint8Array) => string[],
): Promise<{ files: string[]; built: boolean }> {
  const pointerPath = join(cacheDir, `${prefix}-current.json`);
  const current = readJsonFile(pointerPath) as ProgramPointer | undefined;
  if (
    current?.root === root &&
    current.entry === entry &&
    Array.isArray(current.files) &&
    current.files.every((f) => existsSync(f)) &&
    stampsUnchanged(root, current.inputs)
  )
    return { files: current.files, built: false };
  const startedMs = Date.now();
  const { build } = await import('esbuild');
  const out = await build({ ...options, metafile: true });
  const files = place(out.outputFiles[0]!.contents);
  const inputs = [...Object.keys(out.metafile!.inputs), 'tsconfig.json', 'package.json'].map((p) =>
    stampFile(root, p),
  );
  // A file changed while it was bundled may be in the bundle in either version: use it this once.
  if (stampedBefore(inputs, startedMs)) writeJsonAtomically(pointerPath, { root, entry, files, inputs });
  return { files, built: true };
}

/**
 * Programs of other sources are deleted this long after they were made: each source change leaves
 * one behind (an agent program is ~1.3 MB with its code cache), and a day of work left dozens. A
 * program is loaded whole when its process or thread starts, so an hour is ample for the runs that
 * started from it.
 */
const STALE_AFTER_MS = 3_600_000;

/**
 * Deletes the files cacheProgram made under these prefixes (`<prefix>-<16 hex digits>` with any
 * extension, code caches included) other than `keep` and its companions, once they have gone stale.
 */
export function pruneCachedPrograms(
  cacheDir: string,
  prefixes: readonly string[],
  keep: readonly string[],
  nowMs = Date.now(),
): void {
  const ours = new RegExp(`^(${prefixes.map(escapeRegExp).join('|')})-[0-9a-f]{16}\\.`);
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (!ours.test(name) || keep.some((k) => path.startsWith(k))) continue;
    try {
      if (nowMs - statSync(path).mtimeMs > STALE_AFTER_MS) rmSync(path, { force: true });
    } catch {
      // Gone already: another run pruned it.
    }
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
