// A stream the arena drops is resumed by the SDK in the same process (runAgent's resume): a new
// stream, a new Welcome, and the strategy object goes on. What it learnt from earlier wake-ups must
// go on with it: pool-aggregator set its learnt baseline back to the prior on the new welcome, and
// policy began a new, empty forecast history (its observation's past quarter-hours, which no later
// wake-up shows). Both decided differently from a run whose streams were not dropped. The agents
// connect from this process through the SDK over real gRPC (no agent processes to start).
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentRunOutcome, runAgent } from '../../agents/sdk/index.js';
import { createStrategy } from '../../agents/strategies/index.js';
import { type GrpcGateway, loadRunConfig, runArena } from '../../arena/index.js';
import type { RecordSink } from '../../sim/index.js';
import { stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import { writeHistoryPolicy } from '../helpers/history-policy.js';

afterEach(stopAll);

const CHECKPOINT = writeHistoryPolicy();

const AGENTS = [
  {
    id: 'liquidity',
    strategy: 'liquidity',
    role: 'liquidity',
    params: { depthMwPerEur: 1, halfSpreadEur: 0.5, levelStepEur: 1, levels: 8, horizonHours: 6 },
  },
  {
    id: 'pool',
    strategy: 'pool-aggregator',
    asset: { type: 'residential-pool', households: 1000, betaEurPerMwh: { min: 2, max: 30 } },
    params: {},
  },
  {
    id: 'policy',
    strategy: 'policy',
    asset: { type: 'battery', powerMw: 10, energyMwh: 20, degradationEurPerMwh: 2 },
    params: { checkpoint: CHECKPOINT },
  },
].map((a) => ({ ...a, launch: false, token: `token-${a.id}` }));

/** The agents whose streams are dropped. */
const DROPPED = ['pool', 'policy'];

/** Decision points played before the drop: wake-up 1 is D-1 08:00, wake-up 100 is D 08:45. */
const DROP_AFTER = 100;

interface Run {
  tapeSha256: string;
  profits: Record<string, number>;
  outcomes: AgentRunOutcome[];
}

async function play(drop: boolean): Promise<Run> {
  const dir = tempDir();
  const path = writeConfig(dir, {
    name: 'state-reconnect',
    seed: 42,
    day: '2026-11-22',
    // Two days: the pool's profile learnt on the first is what it trades the second on.
    days: 2,
    decisionIntervalMinutes: 15,
    // The day-ahead auction (the pool bids it) and the continuous market.
    market: { auctions: { dayAhead: true, intraday: false }, balancing: { enabled: false } },
    // Far above anything a loaded machine needs: a missed wake-up would rightly change the tape.
    deadlineMs: 60_000,
    connectTimeoutMs: 60_000,
    nats: { enabled: false },
    agents: AGENTS,
  });
  const cfg = loadRunConfig(path, { outDir: dir });
  let gateway: GrpcGateway | undefined;
  const clients: Promise<AgentRunOutcome>[] = [];
  // When every agent has answered decision point DROP_AFTER (and the next wake-up is not sent yet),
  // the arena ends the pool's and the policy's streams.
  let batches = 0;
  const dropper: RecordSink = {
    tape(r) {
      if (drop && r.type === 'batch' && ++batches === DROP_AFTER * AGENTS.length)
        for (const id of DROPPED)
          expect(gateway!.dropSession(id, 'test: drop between decision points')).toBe(true);
    },
  };
  const { results } = await runArena(cfg, {
    log: () => {},
    sinks: [dropper],
    onListening: (address, gw) => {
      gateway = gw;
      for (const a of AGENTS)
        clients.push(
          runAgent(createStrategy(a.strategy, a.params), {
            address,
            token: a.token,
            resume: { attempts: 5, delayMs: 50 },
          }),
        );
    },
  });
  const outcomes = await Promise.all(clients);
  expect(results.agents.reduce((n, a) => n + a.missedDeadlines, 0)).toBe(0);
  return {
    tapeSha256: results.tapeSha256,
    profits: Object.fromEntries(results.agents.map((a) => [a.agentId, a.profitEur])),
    outcomes,
  };
}

describe('built-in strategies whose stream is dropped and resumed in the same process', () => {
  it('pool-aggregator and policy keep what they learnt: the tape of the run without the drop', {
    timeout: 120_000,
  }, async () => {
    const steady = await play(false);
    const dropped = await play(true);
    console.log(
      `no drop: ${JSON.stringify(steady.profits)} tape ${steady.tapeSha256}\n` +
        `dropped: ${JSON.stringify(dropped.profits)} tape ${dropped.tapeSha256}`,
    );
    expect(dropped.outcomes.map((o) => o.sessions)).toEqual([1, 2, 2]);
    expect(dropped.profits).toEqual(steady.profits);
    expect(dropped.tapeSha256).toBe(steady.tapeSha256);
  });
});
