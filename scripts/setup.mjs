#!/usr/bin/env node
// Dependency-free setup, run before `npm start` and `npm test` (npm's pre-hooks): installs the npm
// packages the lock file pins, generates gRPC code from proto/, and makes sure the system tools
// exist (nats-server; for tests also Python gRPC, docker-compose and Chromium), and bundles the
// dashboard page with esbuild. It must run on a fresh clone with nothing but Node and npm, do
// nothing slow when nothing changed, and leave `git status` clean: it never writes a tracked file,
// and what it writes is ignored (node_modules/, gen/, dashboard/web/dist/).
//
//   node scripts/setup.mjs                 before `npm start`
//   node scripts/setup.mjs --for-tests     before `npm test`: also the tools only tests use
//   node scripts/setup.mjs --codegen-only  `npm run codegen`: only regenerate gen/
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The stamp describes what is installed in node_modules, so it lives there: `npm ci` (which empties
// node_modules) drops it together with what it described, and it is never in the work tree.
const stampPath = join(root, 'node_modules', '.cache', 'flexarena-setup.json');
// Where earlier versions kept the stamp; removed so old clones do not keep a stale copy around.
const legacyStampPath = join(root, '.setup-stamp.json');
const codegenOnly = process.argv.includes('--codegen-only');
const forTests = process.argv.includes('--for-tests');

function log(msg) {
  process.stderr.write(`[setup] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (res.error) throw new Error(`${cmd} ${args.join(' ')} could not start: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status}`);
}

function hashFiles(paths) {
  const h = createHash('sha256');
  for (const p of [...paths].sort()) {
    h.update(p.slice(root.length));
    h.update(readFileSync(p));
  }
  return h.digest('hex');
}

function listFiles(dir, suffix) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, suffix));
    else if (p.endsWith(suffix)) out.push(p);
  }
  return out;
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    return {};
  }
}

function writeStamp(stamp) {
  mkdirSync(dirname(stampPath), { recursive: true });
  writeFileSync(stampPath, `${JSON.stringify(stamp, null, 2)}\n`);
}

function ensureNodeVersion() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new Error(`Node ${process.versions.node} is too old: FlexArena needs Node >= 20.19`);
  }
}

// Always `npm ci`, never `npm install`: ci installs exactly what package-lock.json pins and never
// rewrites it, so a fresh clone stays clean. If package.json and the lock disagree, ci refuses;
// updating the lock is then a deliberate `npm install` by whoever changed package.json.
function ensureDependencies(stamp) {
  const lock = join(root, 'package-lock.json');
  if (!existsSync(lock)) {
    throw new Error(
      'package-lock.json is missing. Restore it (`git checkout package-lock.json`); setup installs ' +
        'exactly what it pins with `npm ci`.',
    );
  }
  const depsHash = hashFiles([join(root, 'package.json'), lock]);
  const installed = existsSync(join(root, 'node_modules', '.package-lock.json'));
  if (installed && stamp.deps === depsHash) return depsHash;
  log('installing npm dependencies (npm ci)…');
  try {
    // --prefer-offline: the lock pins versions and integrity hashes, so cached packages are as good
    // as fresh ones; a second clone on the same machine installs without the network.
    run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']);
  } catch (err) {
    throw new Error(
      `${err.message}. If package.json changed, update the lock with \`npm install\` and commit ` +
        'package-lock.json; if npm reports missing platform packages, regenerate it without ' +
        'node_modules: `rm -rf node_modules && npm install --package-lock-only`.',
      { cause: err },
    );
  }
  return depsHash;
}

// ts-proto (forceLong=number) decodes every int64 field as `longToNumber(reader.int64())`, which
// turns the value into a string and parses it back. lib/proto-wire.ts's FastBinaryReader already
// hands over a safe integer as a number (anything larger stays the library's bigint), so a number
// is taken as it is: the same value, without a string per field (a wake-up holds thousands).
// Bump CODEGEN_PATCH when this changes, so existing gen/ folders are regenerated.
const CODEGEN_PATCH = 'fast-long-1';
const LONG_TO_NUMBER = 'function longToNumber(int64: { toString(): string }): number {\n';

function patchGenerated() {
  let patched = 0;
  for (const file of listFiles(join(root, 'gen'), '.ts')) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes(LONG_TO_NUMBER)) continue;
    const fast = '  if (typeof int64 === "number" && globalThis.Number.isSafeInteger(int64)) return int64;\n';
    writeFileSync(file, text.replace(LONG_TO_NUMBER, LONG_TO_NUMBER + fast));
    patched++;
  }
  // Only speed depends on it (the unpatched function gives the same values), so say it, do not fail.
  if (patched === 0) log("note: ts-proto's longToNumber has a new shape; 64-bit fields decode the slow way");
}

function ensureCodegen(stamp) {
  const protos = listFiles(join(root, 'proto'), '.proto');
  // The wire-field table's plugin is part of the generation: a change to it regenerates gen/ too.
  const plugin = join(root, 'scripts', 'protoc-gen-wire-fields.mjs');
  const protoHash = `${hashFiles([...protos, join(root, 'buf.gen.yaml'), plugin])}+${CODEGEN_PATCH}`;
  const genOk = existsSync(join(root, 'gen', 'flexarena', 'v1', 'arena_service.ts'));
  if (genOk && stamp.proto === protoHash) return protoHash;
  log('generating TypeScript gRPC code from proto/ (buf + ts-proto)…');
  run(join(root, 'node_modules', '.bin', 'buf'), ['generate']);
  patchGenerated();
  return protoHash;
}

// The Python SDK's protocol code (agents/python/flexarena_sdk/gen/, ignored by git), generated by
// Debian's protoc and grpc_python_plugin. protoc writes absolute imports (`from flexarena.v1 import
// market_pb2`); they are made relative so the code lives inside the SDK package and nothing has to
// be put on sys.path. Skipped with a warning where the tools are missing: only Python agents need it.
const PY_GEN = join(root, 'agents', 'python', 'flexarena_sdk', 'gen');

function pythonCodegenTools() {
  return existsSync('/usr/bin/grpc_python_plugin') && Boolean(findOnPath('protoc'));
}

function ensurePythonCodegen(stamp) {
  const protos = listFiles(join(root, 'proto'), '.proto');
  const hash = hashFiles(protos);
  const genOk = existsSync(join(PY_GEN, 'flexarena', 'v1', 'arena_service_pb2_grpc.py'));
  if (genOk && stamp.python === hash) return hash;
  if (!pythonCodegenTools()) {
    log(
      'WARNING: protoc or grpc_python_plugin missing (Debian: `apt-get install protobuf-compiler ' +
        'protobuf-compiler-grpc python3-grpcio`): the Python SDK has no protocol code yet',
    );
    return undefined;
  }
  log('generating Python gRPC code for the Python SDK (protoc)…');
  rmSync(PY_GEN, { recursive: true, force: true });
  mkdirSync(PY_GEN, { recursive: true });
  run(findOnPath('protoc'), [
    '-I',
    join(root, 'proto'),
    `--python_out=${PY_GEN}`,
    `--grpc_python_out=${PY_GEN}`,
    '--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin',
    ...protos,
  ]);
  const v1 = join(PY_GEN, 'flexarena', 'v1');
  for (const file of listFiles(v1, '.py')) {
    const text = readFileSync(file, 'utf8').replace(/^from flexarena\.v1 import /gm, 'from . import ');
    writeFileSync(file, text);
  }
  const marker = '# Generated by scripts/setup.mjs from proto/; do not edit.\n';
  for (const dir of [PY_GEN, join(PY_GEN, 'flexarena'), v1]) writeFileSync(join(dir, '__init__.py'), marker);
  return hash;
}

// The dashboard page (dashboard/web/) as one JavaScript and one CSS file for the browser, built
// with the esbuild the lock file pins; rebuilt only when its sources or the packages changed.
function ensureDashboardBundle(stamp, deps) {
  const web = join(root, 'dashboard', 'web');
  const dist = join(web, 'dist');
  const sources = [
    ...listFiles(join(web, 'ui'), '.ts'),
    ...listFiles(join(web, 'model'), '.ts').filter((p) => !p.endsWith('.test.ts')),
    join(web, 'style.css'),
    join(root, 'dashboard', 'protocol.ts'),
  ];
  const webHash = `${hashFiles(sources)}:${deps}`;
  const built = existsSync(join(dist, 'app.js')) && existsSync(join(dist, 'app.css'));
  if (built && stamp.web === webHash) return webHash;
  log('bundling the dashboard page (esbuild)…');
  run(join(root, 'node_modules', '.bin', 'esbuild'), [
    join(web, 'ui', 'main.ts'),
    '--bundle',
    '--minify',
    '--format=esm',
    '--target=es2022',
    '--platform=browser',
    '--legal-comments=none',
    `--outfile=${join(dist, 'app.js')}`,
    '--log-level=warning',
  ]);
  return webHash;
}

function findOnPath(bin) {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/bin', '/usr/bin']);
  for (const d of dirs) {
    if (d && existsSync(join(d, bin))) return join(d, bin);
  }
  return undefined;
}

// One `apt-get update` and one `apt-get install` for everything missing. No recommended packages:
// Debian's docker-compose recommends the whole docker.io engine, which nothing here uses.
function aptInstall(packages, why) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const canApt = Boolean(findOnPath('apt-get')) && (isRoot || Boolean(findOnPath('sudo')));
  if (!canApt) {
    log(`${why}; apt-get is not usable here (needs root or passwordless sudo)`);
    return;
  }
  log(`${why}: installing ${packages.join(' ')} with apt-get…`);
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => {
    const [cmd, ...rest] = [...prefix, 'apt-get', ...args];
    // dpkg's progress on stdout is noise; errors come on stderr.
    run(cmd, rest, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  };
  try {
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  } catch (err) {
    log(`apt-get failed: ${err.message}`);
  }
}

function natsServerReady() {
  const explicit = process.env.FLEXARENA_NATS_SERVER;
  return Boolean((explicit && existsSync(explicit)) || findOnPath('nats-server'));
}

// The Python agent SDK path uses Debian's gRPC for the system interpreter and protoc's Python
// plugin.
function pythonGrpcReady() {
  const py = spawnSync('/usr/bin/python3', ['-c', 'import grpc'], { stdio: 'ignore' });
  return py.status === 0 && existsSync('/usr/bin/grpc_python_plugin') && Boolean(findOnPath('protoc'));
}

// System tools, each with the Debian packages that provide it. `required` ones stop the setup;
// the others are only needed by one test each, which fails with its own clear message without them.
function systemTools() {
  const tools = [];
  // A run given FLEXARENA_NATS_URL (as in docker-compose.yml) uses that server instead of starting
  // one; tests always start their own.
  if (forTests || !process.env.FLEXARENA_NATS_URL) {
    tools.push({
      name: 'nats-server',
      packages: ['nats-server'],
      ready: natsServerReady,
      required: true,
      help:
        'nats-server is not installed and setup could not install it (needs apt-get as root or ' +
        'with passwordless sudo). Install nats-server (Debian/Ubuntu: `sudo apt-get install ' +
        'nats-server`) or set FLEXARENA_NATS_SERVER to its path.',
    });
  }
  if (!forTests) return tools;
  tools.push(
    {
      name: 'Python gRPC tooling',
      packages: ['python3-grpcio', 'protobuf-compiler', 'protobuf-compiler-grpc'],
      ready: pythonGrpcReady,
      required: false,
      help:
        'Python agents need `apt-get install python3-grpcio protobuf-compiler protobuf-compiler-grpc` ' +
        '(used with /usr/bin/python3); the Python agent test will fail without them.',
    },
    {
      name: 'Chromium',
      packages: ['chromium'],
      ready: () => existsSync('/usr/bin/chromium'),
      required: false,
      help:
        'Chromium is not installed (Debian: `apt-get install --no-install-recommends chromium`); the ' +
        'dashboard browser tests will fail without it.',
    },
    {
      name: 'docker-compose',
      packages: ['docker-compose'],
      ready: () => Boolean(findOnPath('docker-compose')),
      required: false,
      help:
        'docker-compose is not installed (Debian: `apt-get install --no-install-recommends ' +
        'docker-compose`); the test that validates docker-compose.yml will fail without it.',
    },
    {
      name: 'Chromium',
      packages: ['chromium'],
      ready: () => existsSync('/usr/bin/chromium'),
      required: false,
      help:
        'Chromium is not installed (Debian: `apt-get install --no-install-recommends chromium`); the ' +
        'report PNGs and the browser test of the reports need /usr/bin/chromium.',
    },
  );
  return tools;
}

function ensureSystemTools() {
  const missing = systemTools().filter((t) => !t.ready());
  if (missing.length === 0) return;
  aptInstall(
    missing.flatMap((t) => t.packages),
    `not found: ${missing.map((t) => t.name).join(', ')}`,
  );
  for (const tool of missing) {
    if (tool.ready()) continue;
    if (tool.required) throw new Error(tool.help);
    log(`WARNING: ${tool.help}`);
  }
}

try {
  ensureNodeVersion();
  rmSync(legacyStampPath, { force: true });
  const stamp = readStamp();
  const deps = codegenOnly ? stamp.deps : ensureDependencies(stamp);
  const proto = ensureCodegen(stamp);
  const web = codegenOnly ? stamp.web : ensureDashboardBundle(stamp, deps);
  if (!codegenOnly) ensureSystemTools();
  // After the system tools: on a fresh machine --for-tests has just installed protoc.
  const python = ensurePythonCodegen(stamp);
  writeStamp({ deps, proto, web, python });
  // The `flexarena` command's bundle of its sources (bin/cli-bundle.mjs), made here rather than by
  // the first of the many commands a test run starts at once; without it the command runs via tsx.
  if (!codegenOnly) {
    const { cliBundle } = await import('../bin/cli-bundle.mjs');
    await cliBundle({ root }).catch((e) => log(`WARNING: could not bundle the CLI (${e.message})`));
  }
} catch (err) {
  log(`FAILED: ${err.message}`);
  process.exit(1);
}
