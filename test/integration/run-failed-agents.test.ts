// A run that fails with an error (here a sink of the output seam throwing, as a full disk would)
// tells its connected agents so: RunEnded "run failed: <message>", without a result or a final
// report, before their streams close. Before, the stream just ended: the TypeScript SDK returned
// as if the run had ended normally (no RunEnded, "session closed") and the Python SDK took it for a
// network cut, retried and gave up with exit 1. The agents connect from this process through the
// SDK over real gRPC; an in-process agent of the same run gets the same end.
import { afterEach, describe, expect, it } from 'vitest';
import { runAgent, type Strategy } from '../../agents/sdk/index.js';
import { createStrategy } from '../../agents/strategies/index.js';
import { loadRunConfig, runArena } from '../../arena/index.js';
import type { RunEnded } from '../../gen/flexarena/v1/session.js';
import type { RecordSink } from '../../sim/index.js';
import { stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

afterEach(stopAll);

/** A strategy that records how its run ended. */
function recording(inner: Strategy, ends: RunEnded[]): Strategy {
  return {
    name: inner.name,
    onWelcome: (w) => inner.onWelcome?.(w),
    decide: (w) => inner.decide(w),
    onEnd: (e) => {
      ends.push(e);
    },
  };
}

describe('a run that fails', () => {
  it('tells each connected agent why in its RunEnded, with no result and no final report', {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    const cfg = loadRunConfig(
      writeConfig(dir, {
        name: 'failing',
        seed: 3,
        day: '2026-11-22',
        simStartHoursBeforeDay: 8,
        deadlineMs: 30_000,
        connectTimeoutMs: 60_000,
        nats: { enabled: false },
        // The continuous market only: the day-ahead, IDA1 and aFRR capacity gates lie before D-1 16:00.
        market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
        agents: [
          {
            id: 'liquidity',
            strategy: 'liquidity',
            role: 'liquidity',
            params: { depthMwPerEur: 1, levels: 4, horizonHours: 4 },
          },
          {
            id: 'remote',
            strategy: 'heuristic-battery',
            asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
            launch: false,
            token: 'token-remote',
          },
        ],
      }),
      { outDir: dir },
    );
    let batches = 0;
    const failing: RecordSink = {
      tape(r) {
        if (r.type === 'batch' && ++batches === 40) throw new Error('disk full (test)\nsecond line');
      },
    };
    const localEnds: RunEnded[] = [];
    const remoteEnds: RunEnded[] = [];
    let remote: ReturnType<typeof runAgent> | undefined;
    const run = runArena(cfg, {
      log: () => {},
      sinks: [failing],
      local: new Map([
        ['liquidity', recording(createStrategy('liquidity', cfg.agents[0]!.params), localEnds)],
      ]),
      onListening: (address) => {
        remote = runAgent(recording(createStrategy('heuristic-battery', {}), remoteEnds), {
          address,
          token: 'token-remote',
          resume: { attempts: 0, delayMs: 0 },
        });
      },
    });
    await expect(run).rejects.toThrow('disk full (test)');
    const outcome = await remote!;
    const expected = { reason: 'run failed: disk full (test)', result: undefined, finalReport: undefined };
    expect(outcome.ended).toMatchObject(expected);
    expect(remoteEnds).toHaveLength(1);
    expect(remoteEnds[0]).toMatchObject(expected);
    expect(outcome.wakeUps).toBeGreaterThan(10);
    expect(localEnds).toEqual([expect.objectContaining(expected)]);
  });
});
