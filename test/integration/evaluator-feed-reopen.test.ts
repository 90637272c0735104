// The live evaluator (`flexarena evaluate`) when its feed disappears under it: the settlement
// stream deleted by an operator (as the stream-overlap error suggests, `nats stream rm …`), or
// nats-server started again without its store (a container recreated without a volume). Before,
// the evaluator's consumer pulled on into the void: it said nothing, and the next run's records,
// on the stream the next arena made anew, were never scored. Now it says the feed is gone, waits
// for the stream, makes its consumer again and scores the next run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { SETTLEMENT_STREAM } from '../../arena/index.js';
import { runArenaToEnd, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import { type CliProcess, killAllCli, startEvaluatorCli } from '../helpers/cli-process.js';
import { NatsServerProcess, stopAllNatsServers } from '../helpers/nats-server-process.js';
import { until } from '../helpers/process-control.js';

afterAll(async () => {
  killAllCli();
  await stopAll();
  await stopAllNatsServers();
});

/** A short in-process run (liquidity and an idle battery, the continuous market, 6 hours). */
function runConfig(natsUrl: string): Record<string, unknown> {
  return {
    name: 'feed-reopen',
    seed: 11,
    day: '2026-11-22',
    simStartHoursBeforeDay: 2,
    decisionIntervalMinutes: 15,
    nats: { url: natsUrl, deliveryTimeoutMs: 60_000 },
    market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
    agents: [
      { id: 'liquidity', strategy: 'liquidity', role: 'liquidity' },
      { id: 'idle', strategy: 'idle' },
    ],
  };
}

async function scoredRun(
  evaluator: CliProcess,
  runsDir: string,
  dir: string,
  natsUrl: string,
  runId: string,
): Promise<void> {
  const res = await runArenaToEnd(writeConfig(dir, runConfig(natsUrl), `${runId}.yaml`), [
    '--out',
    join(dir, 'runs'),
    '--run-id',
    runId,
    '--in-process',
  ]);
  expect(res.code, res.stderr).toBe(0);
  await until(
    `the evaluator to score ${runId}`,
    () => existsSync(join(runsDir, runId, 'scores.json')),
    60_000,
  ).catch(() => undefined);
  expect(existsSync(join(runsDir, runId, 'scores.json')), evaluator.err()).toBe(true);
}

describe('the live evaluator when its feed disappears', () => {
  it('the settlement stream deleted: says so, makes its consumer again, scores the next run', async () => {
    const nats = await NatsServerProcess.start();
    const dir = tempDir('flexarena-evaluator-reopen-');
    const runsDir = join(dir, 'evaluated');
    const evaluator = startEvaluatorCli(nats.url, runsDir, 2_000);
    await until('the evaluator', () => /FLEXARENA_EVALUATOR_LISTENING/.test(evaluator.out()), 60_000);
    await scoredRun(evaluator, runsDir, dir, nats.url, 'reopen-1');

    const nc = await connect({ servers: nats.url });
    await (await jetstreamManager(nc)).streams.delete(SETTLEMENT_STREAM);
    await nc.close();
    await until('the evaluator to notice', () => /settlement feed is gone/.test(evaluator.err()), 30_000);

    await scoredRun(evaluator, runsDir, dir, nats.url, 'reopen-2');
    expect(evaluator.err()).toMatch(/settlement feed is back/);
    expect(evaluator.child.exitCode).toBeNull();
  }, 180_000);

  it('nats-server back without its store: makes its consumer again, scores the next run', async () => {
    const first = await NatsServerProcess.start();
    const dir = tempDir('flexarena-evaluator-reopen-');
    const runsDir = join(dir, 'evaluated');
    const evaluator = startEvaluatorCli(first.url, runsDir, 2_000);
    await until('the evaluator', () => /FLEXARENA_EVALUATOR_LISTENING/.test(evaluator.out()), 60_000);
    await scoredRun(evaluator, runsDir, dir, first.url, 'store-1');

    // The same port, an empty store: the stream and the durable consumer are gone.
    await first.kill9();
    const second = await NatsServerProcess.start({ port: first.port });
    await scoredRun(evaluator, runsDir, dir, second.url, 'store-2');
    expect(evaluator.err()).toMatch(/settlement feed is gone/);
    expect(evaluator.child.exitCode).toBeNull();
  }, 180_000);
});
