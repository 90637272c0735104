// What the agents of a run stopped by Ctrl-C are told. Before, a connected agent got no RunEnded:
// its stream just ended, the TypeScript SDK returned as if the run had ended ("session closed",
// no end hook), and the Python SDK took it for a lost connection and tried to resume 21 times
// (~12 s) before it gave up with a SessionError and exit status 1. Now each one gets RunEnded
// "run interrupted (SIGINT)" — no result, a final report of where the run stopped — before its
// stream closes; its strategy's end hook gets it, the SDK does not retry, the process exits 0, and
// every fill on the tape reached it once. All real processes over real gRPC: the arena with a
// launched agent process (the liquidity), a TypeScript SDK agent and a Python SDK agent started
// by hand.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadReplay } from '../../dashboard/index.js';
import {
  demoConfig,
  readTape,
  STARTUP_MS,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import type { FillLedgerState } from '../helpers/fill-ledger-agent.js';
import { sleep, until } from '../helpers/process-control.js';
import { netLotsByProduct, tradesOf } from '../helpers/tape-facts.js';
import { startTrader, traderRunConfig } from '../helpers/trader-run.js';

afterEach(stopAll);

const root = join(import.meta.dirname, '..', '..');
const PY_TOKEN = 'python-token-ends';

interface PythonAgentReport {
  wake_ups: number;
  sessions: number;
  fills: number[];
  positions: Record<string, number>;
  ended: string | null;
  final_report_seq: number | null;
}

/** Resolves with the exit code, or with 'still running' after `ms`. */
function exitWithin(exited: Promise<number | null>, ms: number): Promise<number | null | 'still running'> {
  return Promise.race([exited, sleep(ms).then(() => 'still running' as const)]);
}

describe('agents of a run stopped by Ctrl-C', () => {
  it('get RunEnded "run interrupted (SIGINT)" with a final report, call their end hook and exit 0 without retrying', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    // Twenty days: far longer than the test lets it run. The liquidity is launched by the arena.
    const cfg = traderRunConfig({ days: 20 });
    (cfg.agents as object[]).push({
      id: 'python',
      strategy: 'external-python',
      launch: false,
      token: PY_TOKEN,
      asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
    });
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir], STARTUP_MS);
    const statePath = join(dir, 'trader-state.json');
    const trader = startTrader(arena.address, statePath);
    const traderExit = new Promise<number | null>((r) => trader.child.on('exit', r));
    const reportPath = join(dir, 'python-report.json');
    const py = spawn(
      '/usr/bin/python3',
      ['-m', 'flexarena_examples.battery', '--arena', arena.address, '--report', reportPath],
      {
        cwd: join(root, 'agents', 'python'),
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FLEXARENA_TOKEN: PY_TOKEN, PYTHONPATH: join(root, 'agents', 'python') },
      },
    );
    let pyOut = '';
    py.stdout.on('data', (d) => (pyOut += d));
    py.stderr.on('data', (d) => (pyOut += d));
    const pyExit = new Promise<number | null>((r) => py.on('exit', r));
    try {
      // Well into the run (the agents move in lock-step: the Python agent is as far).
      await trader.watch.waitFor((l) => Number(/^wake (\d+) /.exec(l)?.[1] ?? 0) >= 80, 180_000);
      arena.child.kill('SIGINT');
      const res = await arena.exited;
      expect(res.code, res.stderr).toBe(130);

      // ---- the TypeScript SDK agent ----
      expect(await exitWithin(traderExit, 15_000), trader.watch.text()).toBe(0);
      const state = JSON.parse(readFileSync(statePath, 'utf8')) as FillLedgerState;
      expect(state.ended, trader.watch.text()).toEqual({
        reason: 'run interrupted (SIGINT)',
        profitEur: undefined,
        finalReportFills: expect.any(Number),
      });
      // One session: it did not try to resume a run that is over.
      expect(state.sessions).toBe(1);
      expect(trader.watch.lines.some((l) => l.startsWith('reconnecting'))).toBe(false);

      // ---- the Python SDK agent ----
      expect(await exitWithin(pyExit, 15_000), pyOut).toBe(0);
      expect(pyOut).toMatch(
        /py-spread-battery: agent python, \d+ wake-ups, 1 session\(s\), \d+ rejected actions; run interrupted \(SIGINT\)\n/,
      );
      // No profit of 0.00 EUR made up from an unset result, and no resume attempt.
      expect(pyOut).not.toMatch(/profit|stream dropped|resuming/);
      const report = JSON.parse(readFileSync(reportPath, 'utf8')) as PythonAgentReport;
      expect(report.ended).toBe('run interrupted (SIGINT)');
      expect(report.sessions).toBe(1);
      expect(report.final_report_seq).toBeGreaterThan(0);

      // ---- every fill of the tape (which holds the run until the signal) reached each agent once ----
      const tape = readTape(arena.runDir);
      expect(tape.some((e) => e.type === 'run-end')).toBe(false);
      const traderTrades = tradesOf(tape, 'trader');
      expect(traderTrades.length).toBeGreaterThan(10);
      expect([...state.fills].sort((a, b) => a - b)).toEqual(
        traderTrades.map((t) => t.tradeId).sort((a, b) => a - b),
      );
      const pyTrades = tradesOf(tape, 'python');
      expect([...report.fills].sort((a, b) => a - b)).toEqual(
        pyTrades.map((t) => t.tradeId).sort((a, b) => a - b),
      );
      // The final report's positions are the tape's, as the run stopped.
      const net = netLotsByProduct(traderTrades, 'trader');
      for (const p of state.positions) expect(p.netLots, p.productId).toBe(net.get(p.productId) ?? 0);
      for (const [productId, lots] of netLotsByProduct(pyTrades, 'python'))
        expect(report.positions[productId] ?? 0, productId).toBe(lots);

      // ---- the run's files are those of any interrupted run ----
      expect(existsSync(join(arena.runDir, 'interrupted.json'))).toBe(true);
      expect(existsSync(join(arena.runDir, 'results.json'))).toBe(false);
      const replay = await loadReplay(arena.runDir);
      expect(replay.tapeLines).toBe(tape.length);
      expect(replay.tapeSha256).toBe(readFileSync(join(arena.runDir, 'tape.sha256'), 'utf8').split(/\s+/)[0]);
      const faults = join(arena.runDir, 'agent-faults.log');
      expect(existsSync(faults) ? readFileSync(faults, 'utf8') : '').not.toMatch(
        /disconnected|process-exited/,
      );
    } finally {
      py.kill('SIGKILL');
    }
  });

  it('stopped while it still waits for another agent: the connected one gets RunEnded without a final report', {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    const cfg = demoConfig({ connectTimeoutMs: 600_000 });
    (cfg.agents as unknown[]).push(
      { id: 'here', strategy: 'py', launch: false, token: PY_TOKEN },
      { id: 'never', strategy: 'idle', launch: false, token: 'tok-never-0001' },
    );
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir], STARTUP_MS);
    const script = [
      'import sys',
      'from flexarena_sdk import Strategy',
      'from flexarena_sdk.cli import main',
      'class Here(Strategy):',
      '    name = "here"',
      '    def __init__(self, params): pass',
      '    def on_welcome(self, market): print("welcomed", flush=True)',
      '    def decide(self, wake): return []',
      '    def on_end(self, ended): print(f"on_end {ended.reason} {ended.HasField(\'final_report\')}", flush=True)',
      'sys.exit(main(Here, sys.argv[1:]))',
    ].join('\n');
    const py = spawn('/usr/bin/python3', ['-c', script, '--arena', arena.address], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FLEXARENA_TOKEN: PY_TOKEN, PYTHONPATH: join(root, 'agents', 'python') },
    });
    let out = '';
    py.stdout.on('data', (d) => (out += d));
    py.stderr.on('data', (d) => (out += d));
    const pyExit = new Promise<number | null>((r) => py.on('exit', r));
    try {
      // Connected while the arena still waits for "never".
      await until('the agent to be welcomed', () => out.includes('welcomed'), 60_000);
      arena.child.kill('SIGINT');
      expect((await arena.exited).code).toBe(130);
      expect(await exitWithin(pyExit, 15_000), out).toBe(0);
      expect(out).toBe(
        'welcomed\non_end run interrupted (SIGINT) False\n' +
          'here: agent here, 0 wake-ups, 1 session(s), 0 rejected actions; run interrupted (SIGINT)\n',
      );
    } finally {
      py.kill('SIGKILL');
    }
  });
});
