// Delta wake-ups are invisible to strategies: the same configuration and seed played by built-in
// strategies in the arena's process, over gRPC with delta wake-ups (the SDK's default: the public
// view, open orders and positions as deltas, DELTA_PRIVATE — the market maker rests hundreds), and over
// gRPC with complete wake-ups gives the same tape. In the delta run one agent's stream is dropped
// by the arena between two decision points: it resumes on a new stream, whose first wake-up is a
// snapshot, and the tape still does not change. The agents connect from this process through the
// SDK over real gRPC (no agent processes to start: the test takes seconds).
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentRunOutcome, runAgent } from '../../agents/sdk/index.js';
import { createStrategy } from '../../agents/strategies/index.js';
import { type GrpcGateway, loadRunConfig, runArena } from '../../arena/index.js';
import type { LocalAgent, RecordSink } from '../../sim/index.js';
import { stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

afterEach(stopAll);

const AGENTS = [
  {
    id: 'liquidity',
    strategy: 'liquidity',
    role: 'liquidity',
    params: { depthMwPerEur: 1, levels: 8, horizonHours: 6 },
  },
  {
    id: 'heuristic',
    strategy: 'heuristic-battery',
    asset: { type: 'battery', powerMw: 10, energyMwh: 20, degradationEurPerMwh: 2 },
    params: { maxSlippageEur: 15 },
  },
  {
    id: 'learner',
    strategy: 'tabular-q',
    asset: { type: 'battery', powerMw: 10, energyMwh: 20, degradationEurPerMwh: 2 },
    params: { seed: 7 },
  },
].map((a) => ({ ...a, launch: false, token: `token-${a.id}` }));

type Mode = 'in-process' | 'delta' | 'full';

interface Run {
  tapeSha256: string;
  trades: number;
  snapshots: number;
  deltas: number;
  privateSnapshots: number;
  privateDeltas: number;
  outcomes: AgentRunOutcome[];
}

async function play(mode: Mode): Promise<Run> {
  const dir = tempDir();
  const path = writeConfig(dir, {
    name: 'wake-delta',
    seed: 11,
    day: '2026-11-22',
    simStartHoursBeforeDay: 8,
    decisionIntervalMinutes: 15,
    // The continuous market only: the day-ahead, IDA1 and aFRR capacity gates lie before D-1 16:00.
    market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
    // Far above anything a loaded machine needs: a missed wake-up would rightly change the tape.
    deadlineMs: 60_000,
    connectTimeoutMs: 60_000,
    nats: { enabled: false },
    agents: AGENTS,
  });
  const cfg = loadRunConfig(path, { outDir: dir });
  const local =
    mode === 'in-process'
      ? new Map<string, LocalAgent>(AGENTS.map((a) => [a.id, createStrategy(a.strategy, a.params)]))
      : undefined;
  let gateway: GrpcGateway | undefined;
  const clients: Promise<AgentRunOutcome>[] = [];
  // The drop: when the 40th batch is committed (every agent has answered that decision point and
  // the next wake-up is not sent yet), the arena ends the heuristic battery's stream.
  let batches = 0;
  const dropper: RecordSink = {
    tape(r) {
      if (mode === 'delta' && r.type === 'batch' && ++batches === 40 * AGENTS.length)
        expect(gateway!.dropSession('heuristic', 'test: drop between decision points')).toBe(true);
    },
  };
  const { results } = await runArena(cfg, {
    log: () => {},
    sinks: [dropper],
    ...(local ? { local } : {}),
    onListening: (address, gw) => {
      gateway = gw;
      if (local) return;
      for (const a of AGENTS)
        clients.push(
          runAgent(createStrategy(a.strategy, a.params), {
            address,
            token: a.token,
            fullWakeUps: mode === 'full',
            resume: { attempts: 5, delayMs: 50 },
          }),
        );
    },
  });
  const outcomes = await Promise.all(clients);
  expect(results.agents.reduce((n, a) => n + a.missedDeadlines, 0)).toBe(0);
  return {
    tapeSha256: results.tapeSha256,
    trades: results.stats.trades,
    // An all-in-process run has no gateway.
    snapshots: gateway?.viewCoder.snapshots ?? 0,
    deltas: gateway?.viewCoder.deltas ?? 0,
    privateSnapshots: gateway?.viewCoder.privateSnapshots ?? 0,
    privateDeltas: gateway?.viewCoder.privateDeltas ?? 0,
    outcomes,
  };
}

describe('delta wake-ups', () => {
  it('give the same tape as complete wake-ups and as the in-process run, also across a resume', {
    timeout: 180_000,
  }, async () => {
    const inProcess = await play('in-process');
    const delta = await play('delta');
    const full = await play('full');
    console.log(
      `wake-delta: tape ${inProcess.tapeSha256} (in-process) / ${delta.tapeSha256} (delta) / ${full.tapeSha256} (full); ` +
        `${inProcess.trades} trades; delta run: ${delta.snapshots} snapshots, ${delta.deltas} deltas; ` +
        `open orders and positions: ${delta.privateSnapshots} snapshots, ${delta.privateDeltas} deltas`,
    );
    expect(inProcess.trades).toBeGreaterThan(10);
    expect(delta.tapeSha256).toBe(inProcess.tapeSha256);
    expect(full.tapeSha256).toBe(inProcess.tapeSha256);
    // Complete wake-ups went through no delta coding at all.
    expect(full.snapshots + full.deltas).toBe(0);
    // One snapshot per stream: three first streams and the resumed one (the rule may add a few
    // more where a product opens in the middle of the book list), deltas for the rest.
    expect(delta.outcomes.map((o) => o.sessions)).toEqual([1, 2, 1]);
    expect(delta.snapshots).toBeGreaterThanOrEqual(4);
    expect(delta.deltas).toBeGreaterThan(delta.snapshots * 10);
    // Open orders and positions likewise: complete on every new stream, deltas for the rest.
    expect(full.privateSnapshots + full.privateDeltas).toBe(0);
    expect(delta.privateSnapshots).toBeGreaterThanOrEqual(4);
    expect(delta.privateDeltas).toBeGreaterThan(delta.privateSnapshots * 10);
    // The drop came between decision points: no wake-up was sent twice.
    expect(delta.outcomes.map((o) => o.wakeUps)).toEqual(full.outcomes.map((o) => o.wakeUps));
  });
});
