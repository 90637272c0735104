// Fills are delivered at least once and applied once, whatever the moment an agent process dies.
// A test agent (TypeScript SDK, test/helpers/fill-ledger-agent.ts) trades against the liquidity
// provider and stores, atomically with its last processed report_seq, the trade id of every fill
// it processed. It is killed with SIGKILL five times at seeded random moments and restarted with
// its token — sometimes at once (it is back within the deadline of the wake-up it was killed in),
// sometimes only after the deadline passed. At the end the fills it processed are exactly the
// tape's trades of that agent, each once, and its final positions are the tape's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RandomStream } from '../../lib/index.js';
import { readTape, STARTUP_MS, startArena, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import type { FillLedgerState } from '../helpers/fill-ledger-agent.js';
import { kill9, sleep } from '../helpers/process-control.js';
import { netLotsByProduct, tradesOf } from '../helpers/tape-facts.js';
import { readyTrader, traderRunConfig, wakeIdOf } from '../helpers/trader-run.js';

afterEach(stopAll);

const DEADLINE_MS = 3_000;

describe('an agent process killed five times', () => {
  // Six agent processes and an arena on a loaded two-core machine: room beyond vitest's default.
  it('processes every fill of the tape exactly once and ends with the tape’s positions', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const statePath = join(dir, 'trader-state.json');
    // The liquidity provider plays in the arena's process; the trader is a process over gRPC.
    const arena = await startArena(
      writeConfig(dir, traderRunConfig({ deadlineMs: DEADLINE_MS })),
      ['--out', dir, '--in-process'],
      STARTUP_MS,
    );
    // All six processes (the first and its five replacements) are loaded before the first one
    // connects, and each connects on "go": a restart lands where the test puts it, not where a
    // loaded machine's start-up time would (meanwhile the run would go on without the agent).
    const processes = await Promise.all(
      Array.from({ length: 6 }, () => readyTrader(arena.address, statePath, ['--think-ms', '25'])),
    );

    const rng = new RandomStream('agent-kills', 20261122);
    let agent = processes[0]!;
    agent.go();
    const kills: { afterWake: number; delayMs: number; restart: 'at once' | 'after the deadline' }[] = [];
    // Five kills spread over the run (it has ~127 decision points), each at a random wake-up and a
    // random moment after it: deciding, persisting, sending, idle, or already in the next one.
    // The last kill comes at wake-up 90 at most, so that a fast machine cannot finish the run's
    // remaining ~37 decision points (25 ms of thinking each) within the delay: each kill must hit a live session.
    for (let k = 0; k < 5; k++) {
      const target = 10 + k * 18 + rng.int(0, 8);
      await agent.watch.waitFor((l) => wakeIdOf(l) >= target, 90_000);
      const delayMs = rng.int(0, 400);
      await sleep(delayMs);
      expect(
        agent.watch.lines.some((l) => l.startsWith('session over')),
        `kill ${k + 1} came after the run ended`,
      ).toBe(false);
      await kill9(agent.child);
      const restart = k % 2 === 0 ? 'at once' : 'after the deadline';
      if (restart === 'after the deadline') await sleep(DEADLINE_MS + 1_000);
      kills.push({ afterWake: target, delayMs, restart });
      agent = processes[k + 1]!;
      agent.go();
    }

    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    await agent.watch.waitFor((l) => l.startsWith('session over'), 30_000);

    const state = JSON.parse(readFileSync(statePath, 'utf8')) as FillLedgerState;
    const tape = readTape(arena.runDir);
    const trades = tradesOf(tape, 'trader');
    const expected = trades.map((t) => t.tradeId).sort((a, b) => a - b);
    const processed = [...state.fills].sort((a, b) => a - b);
    const missed = tape.filter((r) => r.type === 'missed-deadline' && r.agent === 'trader').length;
    console.log(
      `agent kills: ${kills.length} kills ${JSON.stringify(kills)}; ${state.sessions} sessions; ` +
        `fills processed ${processed.length} (distinct ${new Set(processed).size}) / tape ${expected.length}; ` +
        `${state.ended?.finalReportFills} in the final report; missed deadlines ${missed}`,
    );
    expect(state.sessions).toBeGreaterThanOrEqual(6);
    expect(expected.length).toBeGreaterThan(300);
    expect(new Set(processed).size).toBe(processed.length);
    expect(processed).toEqual(expected);
    // The ack of every batch the tape has from it (acks come inside the next wake-up, or on their
    // own after the last one), each once.
    const batches = tape
      .filter((r) => r.type === 'batch' && r.agent === 'trader')
      .map((r) => r.wakeId as number);
    expect(batches.length).toBeGreaterThan(100);
    expect([...state.acked].sort((a, b) => a - b)).toEqual(batches.sort((a, b) => a - b));
    // Each restart after the deadline left at least one missed wake-up on the tape.
    expect(missed).toBeGreaterThanOrEqual(2);

    expect(state.ended?.reason).toBe('run complete');
    const tapeNet = netLotsByProduct(trades, 'trader');
    const agentNet = new Map(state.positions.map((p) => [p.productId, p.netLots]));
    expect(agentNet).toEqual(tapeNet);
    const results = JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8'));
    const r = results.agents.find((a: { agentId: string }) => a.agentId === 'trader');
    // Trading cash per product, as the agent last saw it, adds up to the run's CID cash.
    expect(state.positions.reduce((s, p) => s + p.cashUnits, 0)).toBe(r.cashUnits.cid);
  });
});

describe('an agent process killed near the end of the run', () => {
  it('comes back after the last decision point and still gets every fill and its final report', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const statePath = join(dir, 'trader-state.json');
    const arena = await startArena(
      writeConfig(dir, traderRunConfig({ deadlineMs: 1_000, finalReportGraceMs: 60_000 })),
      ['--out', dir, '--in-process'],
      STARTUP_MS,
    );
    let arenaLog = '';
    arena.child.stderr!.on('data', (d) => (arenaLog += d));
    const [first, second] = await Promise.all(
      [0, 1].map(() => readyTrader(arena.address, statePath, ['--think-ms', '25'])),
    );
    first!.go();
    await first!.watch.waitFor((l) => wakeIdOf(l) >= 110, 90_000);
    await kill9(first!.child);
    // The run goes on without it (missed deadlines, then absent) and ends; the arena waits.
    for (let t = 0; !arenaLog.includes('to reconnect for the final report'); t += 100) {
      expect(t, `the arena did not wait for the agent:\n${arenaLog}`).toBeLessThan(120_000);
      await sleep(100);
    }
    second!.go();
    await second!.watch.waitFor((l) => l.startsWith('session over'), 60_000);
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);

    const state = JSON.parse(readFileSync(statePath, 'utf8')) as FillLedgerState;
    const trades = tradesOf(readTape(arena.runDir), 'trader');
    expect(state.ended?.reason).toBe('run complete');
    expect([...state.fills].sort((a, b) => a - b)).toEqual(
      trades.map((t) => t.tradeId).sort((a, b) => a - b),
    );
    expect(new Map(state.positions.map((p) => [p.productId, p.netLots]))).toEqual(
      netLotsByProduct(trades, 'trader'),
    );
    expect(readFileSync(join(arena.runDir, 'agent-faults.log'), 'utf8')).not.toContain('no-final-report');
  });
});
