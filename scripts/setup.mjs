#!/usr/bin/env node
// Dependency-free setup, run before `npm start` and `npm test` (npm's pre-hooks):
// installs npm packages when missing or stale, generates gRPC code from proto/, and makes sure a
// nats-server binary exists. It must run on a fresh clone with nothing but Node and npm.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampPath = join(root, '.setup-stamp.json');
const codegenOnly = process.argv.includes('--codegen-only');

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
  for (const p of paths.sort()) {
    h.update(p);
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

function ensureNodeVersion() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new Error(`Node ${process.versions.node} is too old: FlexArena needs Node >= 20.19`);
  }
}

function ensureDependencies(stamp) {
  const lock = join(root, 'package-lock.json');
  const depsHash = hashFiles([join(root, 'package.json'), ...(existsSync(lock) ? [lock] : [])]);
  const installed = existsSync(join(root, 'node_modules', '.package-lock.json'));
  if (installed && stamp.deps === depsHash) return depsHash;
  const flags = ['--no-audit', '--no-fund', '--loglevel=error'];
  if (existsSync(lock) && !installed) {
    log('installing npm dependencies (npm ci)…');
    try {
      run('npm', ['ci', ...flags]);
    } catch (err) {
      // npm versions disagree on which platform-optional packages a lock file must list; a lock
      // written by one may be "out of sync" for another's `npm ci`. `npm install` still honours it.
      log(`npm ci failed (${err.message}); falling back to npm install`);
      run('npm', ['install', ...flags]);
    }
  } else {
    log('installing npm dependencies (npm install)…');
    run('npm', ['install', ...flags]);
  }
  // npm install may rewrite the lock file; hash what is on disk now.
  return hashFiles([join(root, 'package.json'), ...(existsSync(lock) ? [lock] : [])]);
}

function ensureCodegen(stamp) {
  const protos = listFiles(join(root, 'proto'), '.proto');
  const protoHash = hashFiles([...protos, join(root, 'buf.gen.yaml')]);
  const genOk = existsSync(join(root, 'gen', 'flexarena', 'v1', 'arena_service.ts'));
  if (genOk && stamp.proto === protoHash) return protoHash;
  log('generating TypeScript gRPC code from proto/ (buf + ts-proto)…');
  run(join(root, 'node_modules', '.bin', 'buf'), ['generate']);
  return protoHash;
}

function findOnPath(bin) {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/bin', '/usr/bin']);
  for (const d of dirs) {
    if (d && existsSync(join(d, bin))) return join(d, bin);
  }
  return undefined;
}

function aptInstall(packages, why) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const canApt = Boolean(findOnPath('apt-get')) && (isRoot || Boolean(findOnPath('sudo')));
  if (!canApt) return false;
  log(`${why}: installing ${packages.join(' ')} with apt-get…`);
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => {
    const [cmd, ...rest] = [...prefix, 'apt-get', ...args];
    run(cmd, rest, { env });
  };
  try {
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', ...packages]);
    return true;
  } catch (err) {
    log(`apt-get failed: ${err.message}`);
    return false;
  }
}

function ensureNatsServer() {
  if (process.env.FLEXARENA_NATS_SERVER && existsSync(process.env.FLEXARENA_NATS_SERVER)) return;
  if (findOnPath('nats-server')) return;
  aptInstall(['nats-server'], 'nats-server not found');
  if (findOnPath('nats-server')) return;
  throw new Error(
    'nats-server is not installed and setup could not install it (needs apt-get as root or with ' +
      'passwordless sudo). Install nats-server (Debian/Ubuntu: `sudo apt-get install nats-server`) or ' +
      'set FLEXARENA_NATS_SERVER to its path.',
  );
}

// The Python agent SDK path uses Debian's gRPC for the system interpreter and protoc's Python
// plugin; only needed for Python agents (and their test), so a failure is a warning here.
function pythonGrpcReady() {
  const py = spawnSync('/usr/bin/python3', ['-c', 'import grpc'], { stdio: 'ignore' });
  return py.status === 0 && existsSync('/usr/bin/grpc_python_plugin') && Boolean(findOnPath('protoc'));
}

function ensurePythonGrpc() {
  if (pythonGrpcReady()) return;
  aptInstall(
    ['python3-grpcio', 'protobuf-compiler', 'protobuf-compiler-grpc'],
    'Python gRPC tooling not found',
  );
  if (!pythonGrpcReady())
    log(
      'WARNING: Python agents need `apt-get install python3-grpcio protobuf-compiler protobuf-compiler-grpc` ' +
        '(used with /usr/bin/python3); the Python agent test will fail without them.',
    );
}

try {
  ensureNodeVersion();
  const stamp = readStamp();
  const deps = codegenOnly ? stamp.deps : ensureDependencies(stamp);
  const proto = ensureCodegen(stamp);
  if (!codegenOnly) {
    ensureNatsServer();
    ensurePythonGrpc();
  }
  writeFileSync(stampPath, JSON.stringify({ deps, proto }, null, 2));
} catch (err) {
  log(`FAILED: ${err.message}`);
  process.exit(1);
}
