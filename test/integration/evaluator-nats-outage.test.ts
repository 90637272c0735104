// A NATS outage under the live evaluator (`flexarena evaluate`): a real arena run publishes its
// settlement records to a nats-server of our own, which is killed (SIGKILL) half-way through the
// delivery day and started again ~3 s later on the same port with the same store dir. The arena's
// outbox delivers every record once (test/integration/nats-outage.test.ts); the evaluator, a
// process of its own, says when NATS went and came back, takes up its feed again, and scores every
// record once: its scores equal those computed from the run folder's files.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STARTUP_MS, startArena, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import { type CliProcess, killAllCli, startCli, startEvaluatorCli } from '../helpers/cli-process.js';
import { NatsServerProcess, stopAllNatsServers } from '../helpers/nats-server-process.js';
import { sleep, until } from '../helpers/process-control.js';
import { startTrader, traderRunConfig, wakeIdOf } from '../helpers/trader-run.js';

const KILL_AT_WAKE = 50;
const OUTAGE_MS = 3_000;

afterAll(async () => {
  killAllCli();
  await stopAll();
  await stopAllNatsServers();
});

interface RunStatus {
  runId: string;
  records: number;
  complete: boolean;
  duplicates: number;
}

async function runsOf(evaluator: CliProcess): Promise<RunStatus[]> {
  const url = /FLEXARENA_EVALUATOR_LISTENING (\S+)/.exec(evaluator.out())?.[1];
  if (!url) return [];
  const res = await fetch(`${url}/runs`).catch(() => null);
  return res?.ok ? ((await res.json()) as RunStatus[]) : [];
}

/** scores.json without the figure that may legitimately differ: how many repeats were seen. */
function comparable(path: string): unknown {
  const s = JSON.parse(readFileSync(path, 'utf8'));
  delete s.duplicates;
  return s;
}

describe('a NATS outage under the live evaluator', () => {
  it('of ~3 s mid-run: the evaluator says so, takes up its feed again and scores every record once', async () => {
    const nats = await NatsServerProcess.start();
    const dir = tempDir('flexarena-evaluator-outage-');
    const runsDir = join(dir, 'evaluated');
    const evaluator = startEvaluatorCli(nats.url, runsDir, 2_000);
    await until('the evaluator', () => /FLEXARENA_EVALUATOR_LISTENING/.test(evaluator.out()), 60_000);

    const runId = 'evaluator-outage';
    const cfg = traderRunConfig({
      name: 'evaluator-outage',
      deadlineMs: 20_000,
      nats: { url: nats.url, deliveryTimeoutMs: 60_000 },
    });
    const arena = await startArena(
      writeConfig(dir, cfg),
      ['--out', join(dir, 'runs'), '--run-id', runId, '--in-process'],
      STARTUP_MS,
    );
    // 40 ms of thinking per wake-up: the run outlasts the outage.
    const trader = startTrader(arena.address, join(dir, 'trader-state.json'), ['--think-ms', '40']);
    await trader.watch.waitFor((l) => wakeIdOf(l) >= KILL_AT_WAKE, 120_000);
    const before = (await runsOf(evaluator)).find((r) => r.runId === runId)?.records ?? 0;
    await nats.kill9();
    await sleep(OUTAGE_MS);
    expect(arena.child.exitCode).toBeNull();
    await nats.restart();

    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    const records = 2 * 96;
    expect(res.stdout).toContain(`NATS: all ${records + 2} settlement-stream messages`);
    // The outage was in the middle of what the evaluator scored.
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(records);

    const scores = join(runsDir, runId, 'scores.json');
    await until('the evaluator to score the run', () => existsSync(scores), 30_000).catch(() => undefined);
    const status = (await runsOf(evaluator)).find((r) => r.runId === runId);
    expect(status, evaluator.err()).toMatchObject({ records, complete: true });
    expect(evaluator.err()).toMatch(new RegExp(`NATS at ${nats.url} gone`));
    expect(evaluator.err()).toMatch(new RegExp(`NATS at ${nats.url} back after \\d+\\.\\d s`));

    // The same figures from the run folder's own files.
    const offline = await startCli(['evaluate', '--run-dir', arena.runDir]).exited;
    expect(offline.code, offline.stderr).toBe(0);
    expect(comparable(scores)).toEqual(comparable(join(arena.runDir, 'scores.json')));
    expect(evaluator.child.exitCode).toBeNull();
  }, 90_000);
});
