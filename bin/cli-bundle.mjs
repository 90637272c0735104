// The `flexarena` command from a bundle of its TypeScript. Through tsx every start transpiled and
// loaded the ~200 modules of a command one by one through tsx's loader thread — ~0.45 s before a
// command did anything, for every run, agent, worker and test that starts one. So the CLI is
// bundled by esbuild (code-split: a command loads its own chunks only; the pure-JavaScript
// packages inlined, the others imports) into node_modules/.cache/flexarena/cli-<id>/, beside the
// list of the source files that went into it with their sizes and modification times
// (cli-current.json; lib/source-stamps.mjs). A start stats
// those files (a few milliseconds) and loads the bundle; after a change to any of them the next
// start bundles again (~0.3 s). Plain JavaScript: it runs before anything could transpile
// TypeScript (which is also why it takes lib/source-stamps.mjs itself, not lib's entry file).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  readJsonFile,
  stampedBefore,
  stampFile,
  stampFileOrAbsence,
  stampsUnchanged,
  writeJsonAtomically,
} from '../lib/source-stamps.mjs';

/** The bundle of the current sources, per entry: cli-current.json for cli/main.ts. */
const pointerName = (entry) =>
  entry === 'cli/main.ts'
    ? 'cli-current.json'
    : `cli-current-${createHash('sha256').update(entry).digest('hex').slice(0, 12)}.json`;
/** Bundles of other sources are deleted this long after they were made (a run may still load chunks). */
const STALE_AFTER_MS = 24 * 3_600_000;

/**
 * The URL of the bundled entry, bundling first when there is no bundle of the current sources.
 * `built` says whether this call bundled.
 */
export async function cliBundle({
  root,
  entry = 'cli/main.ts',
  cacheDir = join(root, 'node_modules', '.cache', 'flexarena'),
}) {
  const current = readJsonFile(join(cacheDir, pointerName(entry)));
  // (A bundle of another entry may have been pruned while its sources stood still; a bundle knows
  // the project's folder, so a moved project bundles again.)
  if (
    current &&
    current.entry === entry &&
    current.root === root &&
    stampsUnchanged(root, current.inputs) &&
    existsSync(join(cacheDir, current.dir, 'main.js'))
  )
    return { url: pathToFileURL(join(cacheDir, current.dir, 'main.js')).href, built: false };
  const dir = await bundle(root, entry, cacheDir);
  return { url: pathToFileURL(join(cacheDir, dir, 'main.js')).href, built: true };
}

async function bundle(root, entry, cacheDir) {
  const { build } = await import('esbuild');
  const startedMs = Date.now();
  const tmp = join(cacheDir, `cli-build-${process.pid}-${startedMs}`);
  const out = await build({
    absWorkingDir: root,
    entryPoints: { main: join(root, entry) },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The pure-JavaScript packages every command loads are in the bundle; the rest stay imports.
    external: externalPackages(root),
    // What an inlined CommonJS package requires (node:events, a package left external) needs a
    // `require` in an ES module.
    banner: {
      js: "import { createRequire as __flexarenaCreateRequire } from 'node:module'; const require = __flexarenaCreateRequire(import.meta.url);",
    },
    outdir: tmp,
    chunkNames: 'chunk-[hash]',
    // Maps for stack traces that name the TypeScript sources; without the sources' text, which
    // only a debugger shows: every start reads and parses the maps of the chunks it loads, and
    // with the text a usage error took 0.79 s of CPU instead of 0.63 s (2026-12-02).
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
    tsconfig: join(root, 'tsconfig.json'),
    // lib/project-root.ts: the bundle's own URL says nothing about where the project is.
    define: { __FLEXARENA_ROOT__: JSON.stringify(root) },
  });
  // (This file too: a change to the options above makes a different bundle. The inlined packages'
  // files are not stamped one by one — hundreds of them, stat'ed at every start — but through the
  // lock file, which changes whenever `npm ci` or `npm install` would put other versions there.)
  const inputs = [
    ...Object.keys(out.metafile.inputs).filter((p) => !p.startsWith('node_modules/')),
    'tsconfig.json',
    'package.json',
    relative(root, fileURLToPath(import.meta.url)),
  ]
    .map((p) => stampFile(root, p))
    .concat([stampFileOrAbsence(root, 'package-lock.json')]);
  const id = createHash('sha256')
    .update(JSON.stringify([entry, root, inputs]))
    .digest('hex')
    .slice(0, 16);
  const dir = `cli-${id}`;
  try {
    renameSync(tmp, join(cacheDir, dir));
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another start bundled the same sources first
  }
  // A file changed while it was bundled may be in the bundle in either version: use the bundle
  // this once, but do not point later starts at it.
  if (stampedBefore(inputs, startedMs))
    writeJsonAtomically(join(cacheDir, pointerName(entry)), { entry, root, dir, inputs });
  prune(cacheDir, dir);
  return dir;
}

/**
 * Packages inlined into the bundle: pure JavaScript, loaded by most commands, with no files of
 * their own to find at run time. Loading them as ~700 modules from node_modules was about 0.17 s
 * of a command's 0.45 s start (`flexarena run`'s usage error, 2026-12-02) — for every run, test
 * and tournament game process. Every other package stays an import: TensorFlow.js and HiGHS load
 * WebAssembly from their folders, playwright-core and esbuild start programs of their own, and a
 * package added later is an import until it is put here.
 */
const INLINED_PACKAGES = new Set([
  '@bufbuild/protobuf',
  '@grpc/grpc-js',
  '@nats-io/jetstream',
  '@nats-io/nats-core',
  '@nats-io/transport-node',
  'cli-progress',
  'cli-table3',
  'commander',
  'openskill',
  'pure-rand',
  'yaml',
  'zod',
]);

/** esbuild's `external`: every dependency of the project's package.json that is not inlined. */
function externalPackages(root) {
  const pkg = readJsonFile(join(root, 'package.json')) ?? {};
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies });
  return names.filter((n) => !INLINED_PACKAGES.has(n)).flatMap((n) => [n, `${n}/*`]);
}

function prune(cacheDir, keep) {
  const now = Date.now();
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith('cli-') || name === keep || name.startsWith('cli-current')) continue;
    try {
      const path = join(cacheDir, name);
      if (now - statSync(path).mtimeMs > STALE_AFTER_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone already: another start pruned it.
    }
  }
}
