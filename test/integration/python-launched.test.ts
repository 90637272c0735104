// Python SDK agents launched by the arena from the run configuration — one with `runtime: python`
// and a module, one with a `command` line using {arena}, {token} and {params} — play a real run over gRPC
// next to the built-in agents, and their fills are the tape's. With `--external` such an agent is
// not launched: the arena prints its command line and waits for it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  demoConfig,
  readTape,
  runArenaToEnd,
  STARTUP_MS,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import { pythonBatteryAgents } from '../helpers/python-agents.js';
import { tradesOf } from '../helpers/tape-facts.js';

afterEach(stopAll);

const battery = { type: 'battery', powerMw: 5, energyMwh: 10 };

describe('Python agents launched from the configuration', () => {
  it('play a real run: runtime: python with a module, and a command line with {arena}, {token} and {params}', async () => {
    const dir = tempDir();
    const cfg = demoConfig({
      simStartHoursBeforeDay: 8,
      connectTimeoutMs: 60_000,
      market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
    });
    // The command's params (step 0.3 MW, not the example's default) show in its orders.
    (cfg.agents as object[]).push(
      ...pythonBatteryAgents(['--arena', '{arena}', '--token', '{token}', '--params', '{params}']),
    );
    // The built-in agents play in the arena's process; the two Python agents are launched by it.
    const res = await runArenaToEnd(writeConfig(dir, cfg), ['--out', dir, '--in-process']);
    expect(res.code, res.stderr).toBe(0);
    const runDir = /FLEXARENA_LISTENING \S+ \S+ (\S+)/.exec(res.stdout)?.[1];
    expect(runDir, res.stdout).toBeDefined();
    const tape = readTape(runDir!);
    for (const id of ['py-runtime', 'py-command']) {
      const log = readFileSync(join(runDir!, 'agents', `${id}.log`), 'utf8');
      expect(log).toMatch(new RegExp(`py-spread-battery: agent ${id}, \\d+ wake-ups, 1 session\\(s\\)`));
      expect(tradesOf(tape, id).length, log).toBeGreaterThan(0);
    }
    // Before, a command agent's params were dropped: it played its defaults (5-lot orders).
    const commandOrders = tape.filter((r) => r.type === 'accepted' && r.agentId === 'py-command');
    expect(commandOrders.length).toBeGreaterThan(0);
    expect(new Set(commandOrders.map((r) => r.quantityLots))).toEqual(new Set([3]));
    const results = JSON.parse(readFileSync(join(runDir!, 'results.json'), 'utf8'));
    const faultLog = join(runDir!, 'agent-faults.log');
    const faults = existsSync(faultLog) ? readFileSync(faultLog, 'utf8') : '';
    expect(faults).not.toMatch(/never-connected/);
    // Each confirmed its RunEnded (docs/protocol.md, "End"): the SDK closes its side of the stream
    // once it has processed it, and waits for the arena's status. Before, it cancelled the call at
    // once, which overtook the close: the arena took the final report for lost.
    expect(faults).not.toMatch(/no-final-report|"kind":"disconnected"/);
    expect(results.agents.map((a: { agentId: string }) => a.agentId)).toEqual(
      expect.arrayContaining(['py-runtime', 'py-command']),
    );
  });

  it('--external on a runtime: python agent waits for it, with a command line that starts it', async () => {
    const dir = tempDir();
    const cfg = demoConfig({
      simStartHoursBeforeDay: 8,
      market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
    });
    (cfg.agents as object[]).push({
      id: 'py-runtime',
      strategy: 'py-spread-battery',
      runtime: 'python',
      module: 'flexarena_examples.battery',
      params: { margin_eur: 4 },
      asset: battery,
    });
    const token = 'hand-token-1';
    const arena = await startArena(
      writeConfig(dir, cfg),
      ['--out', dir, '--in-process', '--external', `py-runtime=${token}`],
      STARTUP_MS,
    );
    let log = '';
    const hint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no hand-start hint:\n${log}`)), 30_000);
      arena.child.stderr!.on('data', (d) => {
        log += d;
        const m = /waiting for agent py-runtime to connect by hand: (.*)\n/.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    // The hint is the agent's own command, pasted into a shell with the token filled in.
    expect(hint).toMatch(/-m flexarena_examples\.battery --arena \S+ --params '\{"margin_eur":4\}'/);
    const sh = spawn('/bin/sh', ['-c', hint.replaceAll('<token>', token)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    sh.stdout.on('data', (d) => (out += d));
    sh.stderr.on('data', (d) => (out += d));
    const shExit = new Promise<number | null>((resolve) => sh.on('exit', resolve));
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    expect(await shExit, out).toBe(0);
    expect(out).toMatch(/py-spread-battery: agent py-runtime, \d+ wake-ups, 1 session\(s\).*run complete/);
    // The arena started no process of its own for it.
    expect(existsSync(join(arena.runDir, 'agents', 'py-runtime.log'))).toBe(false);
  });
});
