// Real-time mode end to end: `flexarena run` with mode: realtime at a high speed (32 virtual hours
// in about 16 wall seconds), a liquidity provider as its own process over gRPC (connected by hand
// with its token) and two strategies in the arena's process (--in-process). The run finishes with
// complete results; the virtual clock is never faster than its pace (the wall duration is at least
// the virtual span / speed — a correctness property, not a speed assertion); every batch on the
// tape says when it reached the arena, and its actions were applied at that time plus the agent's
// drawn latency; the gRPC agent's quotes and the in-process trader meet in the book.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  readTape,
  STARTUP_MS,
  startAgentProcess,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';

afterEach(stopAll);

const SPEED = 7_200;
const DAY_MS = Date.parse('2026-11-22T00:00:00Z');
const START = DAY_MS - 8 * 3_600_000;
const END = DAY_MS + 24 * 3_600_000;
const LATENCY = { min: 20, max: 200 };

function config(outDir: string): Record<string, unknown> {
  return {
    name: 'realtime-it',
    seed: 11,
    day: '2026-11-22',
    simStartHoursBeforeDay: 8,
    mode: 'realtime',
    realtime: { speed: SPEED },
    deadlineMs: 10_000,
    connectTimeoutMs: STARTUP_MS,
    outDir,
    nats: { enabled: false },
    market: {
      auctions: { dayAhead: false, intraday: false },
      balancing: { enabled: false },
      cid: { hourlyProducts: false },
    },
    agents: [
      {
        id: 'remote-liquidity',
        strategy: 'liquidity',
        role: 'liquidity',
        launch: false,
        token: 'realtime-remote-token',
        latencyMs: LATENCY,
        params: { depthMwPerEur: 1, levels: 4, horizonHours: 3 },
      },
      {
        id: 'heuristic',
        strategy: 'heuristic-battery',
        latencyMs: LATENCY,
        asset: { type: 'battery', powerMw: 10, energyMwh: 20 },
        params: { maxSlippageEur: 15 },
      },
      {
        id: 'idle',
        strategy: 'idle',
        latencyMs: LATENCY,
        asset: { type: 'battery', powerMw: 10, energyMwh: 20 },
      },
    ],
  };
}

describe('flexarena run in real time', () => {
  it('runs a gRPC agent process and in-process agents on the paced clock to complete results', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const path = writeConfig(dir, config(join(dir, 'runs')));
    const arena = await startArena(path, ['--in-process'], STARTUP_MS);
    // The clock starts once this agent has connected: from its start to the arena's exit is an
    // independent upper bound on the run's wall time.
    const agentStarted = Date.now();
    const agent = startAgentProcess('liquidity', arena.address, 'realtime-remote-token', [
      '--params',
      JSON.stringify({ depthMwPerEur: 1, levels: 4, horizonHours: 3 }),
    ]);
    let agentOut = '';
    agent.stdout!.on('data', (d) => (agentOut += d));
    agent.stderr!.on('data', (d) => (agentOut += d));
    const agentExit = new Promise<number | null>((resolve) => agent.on('exit', resolve));
    const res = await arena.exited;
    const outerWallS = (Date.now() - agentStarted) / 1000;
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    expect(await agentExit, agentOut).toBe(0);
    expect(res.stdout).toContain(`real time at ${SPEED}x`);

    // Never faster than the pace: the clock's own measure, from the arena's report.
    const pace = /real time: ([\d.]+) s wall for ([\d.]+) virtual hours/.exec(res.stdout);
    expect(pace, res.stdout).not.toBeNull();
    const wallS = Number(pace![1]);
    expect(Number(pace![2])).toBeCloseTo((END - START) / 3_600_000, 1);
    expect(wallS).toBeGreaterThanOrEqual((END - START) / 1000 / SPEED - 0.05);
    expect(outerWallS).toBeGreaterThanOrEqual((END - START) / 1000 / SPEED);
    console.log(
      `${res.stdout.split('\n').find((l) => l.startsWith('real time:'))} (${outerWallS.toFixed(1)} s from the agent's start to the arena's exit)`,
    );

    const results = JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8'));
    expect(results.agents.map((a: { agentId: string }) => a.agentId)).toEqual([
      'remote-liquidity',
      'heuristic',
      'idle',
    ]);
    expect(results.stats.settlementRecords).toBe(96 * 3);
    expect(results.tapeSha256).toMatch(/^[0-9a-f]{64}$/);

    const tape = readTape(arena.runDir);
    expect(tape.filter((r) => r.type === 'settlement')).toHaveLength(96 * 3);
    const batches = tape.filter((r) => r.type === 'batch');
    const decisionTime = (wakeId: number) => START + (wakeId - 1) * 15 * 60_000;
    for (const b of batches) {
      const received = b.receivedT as number;
      // Received no earlier than the wake-up it answers; applied after the drawn latency.
      expect(received).toBeGreaterThanOrEqual(decisionTime(b.wakeId as number));
      expect((b.t as number) - received).toBeGreaterThanOrEqual(LATENCY.min);
      expect((b.t as number) - received).toBeLessThanOrEqual(LATENCY.max);
    }
    const remote = batches.filter((b) => b.agent === 'remote-liquidity');
    expect(remote.length).toBeGreaterThan(20);
    // A trade between the gRPC agent's quotes and an in-process agent's order.
    const sides = tape
      .filter((r) => r.type === 'trade')
      .map((r) => [r.buyAgentId, r.sellAgentId].sort().join(' '));
    expect(sides).toContain('heuristic remote-liquidity');
    // The agent process got its result at the end of the run.
    expect(agentOut).toMatch(/liquidity: \d+ wake-ups, profit -?[\d.]+ EUR; run complete/);
  });
});
