// Starts the real arena (`flexarena run`) as a child process from a configuration object, and
// real agent processes (`flexarena agent`), for integration tests. Everything started here is
// killed by `stopAll()`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readTapeRecords } from '../../arena/index.js';
import { killAndWait } from '../../arena/nats/nats-server-launcher.js';
import { helperBundle } from './helper-bundle.js';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'flexarena.mjs');

const children = new Set<ChildProcess>();

export interface ArenaProcess {
  child: ChildProcess;
  address: string;
  runId: string;
  runDir: string;
  /** The run's NATS server, when it has one. */
  natsUrl?: string;
  /** Resolves with the exit code and all output once the arena exits. */
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * How long tests give a process to start (Node, tsx, the project's modules): generous, because
 * on a two-core machine shared with other work a start-up can take tens of seconds.
 */
export const STARTUP_MS = 120_000;

export function tempDir(prefix = 'flexarena-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeConfig(dir: string, cfg: object, name = 'run.yaml'): string {
  const path = join(dir, name);
  // A run configuration (it has agents) gives agent processes the tests' start-up allowance
  // unless the test sets its own; other files (tournaments, studies) are written as they are.
  const doc = 'agents' in cfg ? { connectTimeoutMs: STARTUP_MS, ...cfg } : cfg;
  writeFileSync(path, stringify(doc));
  return path;
}

export function startArena(
  configPath: string,
  args: string[] = [],
  timeoutMs = STARTUP_MS,
): Promise<ArenaProcess> {
  const child = spawn(process.execPath, [BIN, 'run', configPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`arena did not start within ${timeoutMs} ms:\n${stdout}\n${stderr}`)),
      timeoutMs,
    );
    const onData = () => {
      const m = /FLEXARENA_LISTENING (\S+) (\S+) (\S+)(?: (\S+))?\n/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        child,
        address: m[1]!,
        runId: m[2]!,
        runDir: m[3]!,
        ...(m[4] ? { natsUrl: m[4] } : {}),
        exited,
      });
    };
    child.stdout!.on('data', onData);
    exited.then((r) => {
      clearTimeout(timer);
      reject(new Error(`arena exited with ${r.code} before listening:\n${r.stdout}\n${r.stderr}`));
    });
  });
}

/**
 * Runs `flexarena run` to its end (also when no agent connects over gRPC, so the arena never
 * prints its listening line); resolves with the exit code and the output.
 */
export function runArenaToEnd(
  configPath: string,
  args: string[] = [],
  env: Readonly<Record<string, string>> = {},
  cwd?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'run', configPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    ...(cwd ? { cwd } : {}),
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
}

export function startAgentProcess(
  strategy: string,
  address: string,
  token: string,
  extra: string[] = [],
): ChildProcess {
  const child = spawn(
    process.execPath,
    [BIN, 'agent', strategy, '--arena', address, '--token', token, ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** A TypeScript file under test/helpers run as its own process (bundled); stopped by stopAll(). */
export function startHelperProcess(
  file: string,
  args: string[],
  stdin: 'ignore' | 'pipe' = 'ignore',
): ChildProcess {
  const child = spawn(process.execPath, [helperBundle(file), ...args], {
    stdio: [stdin, 'pipe', 'pipe'],
    cwd: join(import.meta.dirname, '..', '..'),
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/**
 * A Python file under test/helpers run on the system interpreter (Debian's python3-grpcio) with
 * the Python SDK on its path, as a user runs a Python agent; stopped by stopAll().
 */
export function startPythonHelperProcess(
  file: string,
  args: string[],
  stdin: 'ignore' | 'pipe' = 'ignore',
): ChildProcess {
  const root = join(import.meta.dirname, '..', '..');
  const child = spawn('/usr/bin/python3', [join(import.meta.dirname, file), ...args], {
    stdio: [stdin, 'pipe', 'pipe'],
    cwd: root,
    env: { ...process.env, PYTHONPATH: join(root, 'agents', 'python') },
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Resolves when `child` printed a line matching `re`. */
export function waitForOutput(child: ChildProcess, re: RegExp, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error(`no output matching ${re} within ${timeoutMs} ms:\n${buf}`)),
      timeoutMs,
    );
    const onData = (d: Buffer) => {
      buf += d.toString();
      const m = re.exec(buf);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(m[0]);
      }
    };
    child.stdout!.on('data', onData);
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => killAndWait(c)));
}

/** The run's tape records (tape.jsonl.gz, uncompressed). */
export function readTape(runDir: string): Record<string, unknown>[] {
  return readTapeRecords(runDir);
}

/** A small, fast version of the demo: same agents, fewer quotes. */
export function demoConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'test',
    seed: 7,
    day: '2026-11-22',
    decisionIntervalMinutes: 15,
    deadlineMs: 10_000,
    nats: { enabled: false },
    agents: [
      {
        id: 'liquidity',
        strategy: 'liquidity',
        role: 'liquidity',
        params: { depthMwPerEur: 1, levels: 8, horizonHours: 4 },
      },
      {
        id: 'heuristic',
        strategy: 'heuristic-battery',
        asset: { type: 'battery', powerMw: 10, energyMwh: 20 },
      },
      { id: 'idle', strategy: 'idle', asset: { type: 'battery', powerMw: 10, energyMwh: 20 } },
    ],
    ...overrides,
  };
}

/**
 * The demo line-up plus one agent the test plays itself over gRPC (not launched), with a long
 * deadline and connect timeout so a loaded machine cannot end the run under the test.
 */
export function demoWithHandAgent(
  agent: { id: string; strategy: string; token: string },
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const base = demoConfig();
  return {
    ...base,
    deadlineMs: 60_000,
    connectTimeoutMs: 300_000,
    ...overrides,
    agents: [...(base.agents as object[]), { ...agent, launch: false }],
  };
}
