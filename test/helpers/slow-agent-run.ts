// A run for tests of an SDK agent that falls behind: the liquidity provider in the arena's process,
// a pacer (fill-ledger-agent, 40 ms a wake-up: the arena moves on every ~150 ms deadline while the
// slow agent is behind) and the agent under test, started by the test, over gRPC with a fixed token.
// The continuous market only (the day-ahead, IDA1 and aFRR capacity gates lie before D-1 16:00).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { STARTUP_MS, startArena, startHelperProcess, writeConfig } from './arena-process.js';

const root = join(import.meta.dirname, '..', '..');
const PACER_TOKEN = 'pacer-token-0001';

export interface SlowRun {
  name: string;
  /** The agent under test: its id and token, and its strategy label or asset. */
  agentId: string;
  token: string;
  agent: Record<string, unknown>;
  /** limits.rate of the run (none: the defaults). */
  rate?: Record<string, number>;
  /** Fields of the run configuration to set (e.g. mode: realtime). */
  overrides?: Record<string, unknown>;
}

export function slowRunConfig(r: SlowRun): Record<string, unknown> {
  return {
    name: r.name,
    seed: 5,
    day: '2026-11-22',
    // From the opening of the intraday market: trading from the first wake-up on.
    simStartHoursBeforeDay: 8,
    decisionIntervalMinutes: 15,
    deadlineMs: 150,
    nats: { enabled: false },
    market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
    ...(r.rate ? { limits: { rate: r.rate } } : {}),
    agents: [
      {
        id: 'liquidity',
        strategy: 'liquidity',
        role: 'liquidity',
        params: { depthMwPerEur: 1, levels: 8, horizonHours: 6 },
      },
      { id: 'pacer', strategy: 'fill-ledger', launch: false, token: PACER_TOKEN },
      { ...r.agent, id: r.agentId, launch: false, token: r.token },
    ],
    ...r.overrides,
  };
}

/** The arena (in-process liquidity) and its pacer; the agent under test is the caller's to start. */
export async function startSlowRun(dir: string, r: SlowRun) {
  const arena = await startArena(
    writeConfig(dir, slowRunConfig(r)),
    ['--out', dir, '--in-process'],
    STARTUP_MS,
  );
  startHelperProcess('fill-ledger-agent.ts', [
    '--arena',
    arena.address,
    '--token',
    PACER_TOKEN,
    '--state',
    join(dir, 'pacer.json'),
    '--think-ms',
    '40',
  ]);
  return arena;
}

interface FaultLine {
  agent: string;
  kind: string;
  detail: string;
}

function faultLines(runDir: string, agentId: string): FaultLine[] {
  const log = join(runDir, 'agent-faults.log');
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as FaultLine)
    .filter((f) => f.agent === agentId);
}

/** How many fault lines of `kind` the run's fault log has for `agentId`. */
export function faultCounter(runDir: string, agentId: string): (kind: string) => number {
  const faults = faultLines(runDir, agentId);
  return (kind) => faults.filter((f) => f.kind === kind).length;
}

/**
 * The wake-ups whose batch from `agentId` the arena refused as late (BATCH_STATUS_LATE: the wake-up
 * had counted as missed), from the fault lines — written for the first limits.faultLog.linesPerKind
 * refused batches only, so keep a test's count below that.
 */
export function lateRefusedWakes(runDir: string, agentId: string): number[] {
  return faultLines(runDir, agentId)
    .filter((f) => f.kind === 'refused-batch' && f.detail.includes('the batch came after the deadline'))
    .map((f) => Number(/^wake (\d+):/.exec(f.detail)?.[1]));
}

/**
 * The Python example battery as agent `token`, asleep for `slowMs` in decide() on wake-ups
 * `from`..`to`; with `seenFile`, it also writes every fill id decide() was given. Its output is
 * collected; `exited` resolves with its exit code.
 */
export function startSlowPython(o: {
  address: string;
  token: string;
  from: number;
  to: number;
  slowMs: number;
  reportPath: string;
  args?: string[];
  seenFile?: string;
}): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const script = [
    'import json, sys, time',
    'from flexarena_examples.battery import SpreadBattery',
    'from flexarena_sdk.cli import main',
    'seen = []',
    'class Slow(SpreadBattery):',
    '    def decide(self, wake):',
    '        seen.extend(f.trade_id for f in wake.fills)',
    `        if ${o.from} <= wake.wake_id <= ${o.to}:`,
    `            time.sleep(${o.slowMs / 1000})`,
    '        return super().decide(wake)',
    'code = main(Slow, sys.argv[1:])',
    ...(o.seenFile ? [`json.dump(seen, open(${JSON.stringify(o.seenFile)}, "w"))`] : []),
    'sys.exit(code)',
  ].join('\n');
  const python = join(root, 'agents', 'python');
  const child = spawn(
    '/usr/bin/python3',
    ['-c', script, '--arena', o.address, '--report', o.reportPath, ...(o.args ?? [])],
    {
      cwd: python,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FLEXARENA_TOKEN: o.token, PYTHONPATH: python },
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  return { child, out: () => out, exited };
}

/** The Python SDK's --report file. */
export interface PythonReport {
  sessions: number;
  skipped_wake_ups: number;
  overtaken_answers: number;
  fills: number[];
  positions: Record<string, number>;
  ended: string | null;
}

export function readPythonReport(path: string): PythonReport {
  return JSON.parse(readFileSync(path, 'utf8')) as PythonReport;
}

/** Net positions by product (`report.positions`) against the tape's, both ways. */
export function expectPositionsOf(positions: Record<string, number>, tapeNet: Map<string, number>): void {
  for (const [productId, lots] of tapeNet) expect(positions[productId] ?? 0, productId).toBe(lots);
  for (const [productId, lots] of Object.entries(positions))
    expect(tapeNet.get(productId) ?? 0, productId).toBe(lots);
}
