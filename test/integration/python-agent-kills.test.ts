// The Python counterpart of agent-kills.test.ts. An agent written with the Python SDK and run as a
// user runs one — the SDK's command line with --state FILE (test/helpers/py-fill-ledger-agent.py on
// /usr/bin/python3) — keeps a ledger of every fill, ack, settlement and balancing result its
// strategy processed, as its own state (Strategy.save_state), which the SDK stores with the report_seq.
// It is killed with SIGKILL five times at seeded random moments — as decide starts on a wake-up
// (received, not answered), while it thinks (its ledger already has the wake-up), or just after
// decide returned — and restarted with the same command line. At the end its strategy processed each
// of the tape's reports for it exactly once and holds the tape's positions. Restarted within the
// deadline every time, lock-step promises more: the tape of the same run without kills.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTapeText } from '../../arena/index.js';
import { RandomStream } from '../../lib/index.js';
import {
  readTape,
  STARTUP_MS,
  startArena,
  startPythonHelperProcess,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import { type LineWatcher, watchLines } from '../helpers/line-watcher.js';
import { kill9, sleep } from '../helpers/process-control.js';
import { netLotsByProduct, tradesOf } from '../helpers/tape-facts.js';
import { TRADER_TOKEN, traderRunConfig } from '../helpers/trader-run.js';

afterEach(stopAll);

/** The strategy's ledger, as the SDK stored it in the state file. */
interface PyLedger {
  fills: number[];
  acked: number[];
  settled: string[];
  balancing_results: string[];
  positions: Record<string, number>;
  cash_units: Record<string, number>;
  processes: number;
  ended: { reason: string; final_report_fills: number } | null;
}

interface PyAgent {
  child: ReturnType<typeof startPythonHelperProcess>;
  watch: LineWatcher;
  go(): void;
}

const DEADLINE_MS = 3_000;
const THINK_MS = 25;

/** An agent process loaded (interpreter, grpc) and waiting for "go" to read its state file and connect. */
async function readyPyAgent(address: string, statePath: string): Promise<PyAgent> {
  const args = [
    '--arena',
    address,
    '--token',
    TRADER_TOKEN,
    '--state',
    statePath,
    '--think-ms',
    `${THINK_MS}`,
  ];
  const child = startPythonHelperProcess('py-fill-ledger-agent.py', [...args, '--wait-for-go'], 'pipe');
  const watch = watchLines(child);
  await watch.waitFor((l) => l === 'ready', STARTUP_MS);
  return { child, watch, go: () => child.stdin!.write('go\n') };
}

/** W of a "got W" (decide started) or "wake W …" (decide returns) line; -1 for other lines. */
function wakeOf(line: string, kind: 'got' | 'wake'): number {
  const m = new RegExp(`^${kind} (\\d+) ?`).exec(line);
  return m ? Number(m[1]) : -1;
}

const KILL_AT = ['as decide starts', 'while it thinks', 'after decide'] as const;

interface Kill {
  wake: number;
  at: (typeof KILL_AT)[number];
  restart: 'at once' | 'after the deadline';
}

interface Run {
  runDir: string;
  ledger: PyLedger;
  tape: Buffer;
  kills: Kill[];
}

/** One run of the trader; it is killed `late.length` times, restarted after the deadline where `late[k]`. */
async function run(seed: number, late: boolean[]): Promise<Run> {
  const dir = tempDir();
  const statePath = join(dir, 'py-agent.state');
  const arena = await startArena(
    writeConfig(dir, traderRunConfig({ deadlineMs: DEADLINE_MS })),
    ['--out', dir, '--in-process'],
    STARTUP_MS,
  );
  // Every process (the first and its replacements) is loaded before the first connects: a restart
  // lands where the test puts it, not where a loaded machine's Python start-up would.
  const agents = await Promise.all(late.concat(false).map(() => readyPyAgent(arena.address, statePath)));
  const rng = new RandomStream('python-agent-kills', seed);
  const kills: Kill[] = [];
  let agent = agents[0]!;
  agent.go();
  for (const [k, lateRestart] of late.entries()) {
    // Spread over the run's ~127 decision points; the last one by wake-up 90, so that it hits a live session.
    const wake = 10 + k * 18 + rng.int(0, 8);
    const at = KILL_AT[(k + rng.int(0, 2)) % 3]!;
    await agent.watch.waitFor((l) => wakeOf(l, at === 'after decide' ? 'wake' : 'got') >= wake, 90_000);
    if (at === 'while it thinks') await sleep(rng.int(1, THINK_MS - 10));
    if (at === 'after decide') await sleep(rng.int(0, 5));
    expect(agent.child.exitCode, `kill ${k + 1} came after the run`).toBeNull();
    await kill9(agent.child);
    if (lateRestart) await sleep(DEADLINE_MS + 1_000);
    kills.push({ wake, at, restart: lateRestart ? 'after the deadline' : 'at once' });
    agent = agents[k + 1]!;
    agent.go();
  }
  const res = await arena.exited;
  expect(res.code, res.stderr).toBe(0);
  // The SDK's end line: the run complete, the state file written.
  await agent.watch.waitFor((l) => l.startsWith('py-fill-ledger: agent trader,'), 30_000);
  const text = readFileSync(statePath, 'utf8');
  const state = JSON.parse(text) as { report_seq: number; strategy?: PyLedger };
  expect(state.strategy, `the state file keeps no strategy state: ${text}`).toBeDefined();
  return {
    runDir: arena.runDir,
    ledger: state.strategy!,
    tape: Buffer.from(readTapeText(arena.runDir)),
    kills,
  };
}

const sorted = <T extends number | string>(xs: T[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const duplicates = (xs: unknown[]) => xs.length - new Set(xs).size;

/** Every report of the tape for the trader reached its strategy once, and its positions are the tape's. */
function expectTheTapesReports(r: Run, label: string): void {
  const tape = readTape(r.runDir);
  const trades = tradesOf(tape, 'trader');
  const tradeIds = sorted(trades.map((t) => t.tradeId));
  const batches = sorted(
    tape.filter((x) => x.type === 'batch' && x.agent === 'trader').map((x) => x.wakeId as number),
  );
  const settled = sorted(
    tape.filter((x) => x.type === 'settlement' && x.agent === 'trader').map((x) => x.productId as string),
  );
  const balancing = sorted(
    tape.filter((x) => x.type === 'balancing-result').map((x) => x.productId as string),
  );
  const net = netLotsByProduct(trades, 'trader');
  const l = r.ledger;
  console.log(
    `${label}: kills ${JSON.stringify(r.kills)}; processes ${l.processes}; fills ${l.fills.length} ` +
      `(duplicates ${duplicates(l.fills)}, missing ${tradeIds.filter((id) => !l.fills.includes(id)).length}) / tape ` +
      `${tradeIds.length}; acks ${l.acked.length} (duplicates ${duplicates(l.acked)}) / batches ${batches.length}; ` +
      `settlements ${l.settled.length} / ${settled.length}; balancing results ${l.balancing_results.length} / ` +
      `${balancing.length}; missed deadlines ${tape.filter((x) => x.type === 'missed-deadline').length}`,
  );
  expect(l.processes).toBe(r.kills.length + 1);
  expect(tradeIds.length).toBeGreaterThan(300);
  expect(sorted(l.fills)).toEqual(tradeIds);
  expect(sorted(l.acked)).toEqual(batches);
  expect(sorted(l.settled)).toEqual(settled);
  expect(sorted(l.balancing_results)).toEqual(balancing);
  expect(l.ended?.reason).toBe('run complete');
  expect(new Map(Object.entries(l.positions))).toEqual(net);
  const results = JSON.parse(readFileSync(join(r.runDir, 'results.json'), 'utf8'));
  const cid = results.agents.find((a: { agentId: string }) => a.agentId === 'trader').cashUnits.cid;
  expect(Object.values(l.cash_units).reduce((s, c) => s + c, 0)).toBe(cid);
}

describe('a Python SDK agent process killed five times and restarted with --state', () => {
  // Three runs side by side, each an arena and Python agent processes, on a loaded two-core machine.
  it('processes every report of the tape once, ends with its positions, and within the deadline leaves the tape of a run without kills', {
    timeout: 120_000,
  }, async () => {
    const [steady, atOnce, someLate] = await Promise.all([
      run(1, []),
      run(20261201, [false, false, false, false, false]),
      run(20261202, [false, true, false, true, false]),
    ]);
    expectTheTapesReports(steady, 'no kills');
    expectTheTapesReports(atOnce, 'restarted at once');
    expectTheTapesReports(someLate, 'restarted after the deadline twice');
    expect(atOnce.tape.equals(steady.tape), 'the tape of the run with kills differs').toBe(true);
    // Each restart after the deadline left at least one missed wake-up.
    const missed = readTape(someLate.runDir).filter(
      (x) => x.type === 'missed-deadline' && x.agent === 'trader',
    );
    expect(missed.length).toBeGreaterThanOrEqual(2);
  });
});
