// A run with the id of an earlier run, on a NATS server that still holds the earlier run's
// settlement stream within its duplicate window: JetStream drops every message of the new run as a
// repeat (same Nats-Msg-Id "<run>:<seq>"), and its consumers (the evaluator) only ever get the
// earlier run's. The run used to say that all its messages were "delivered to JetStream exactly
// once"; it now says that they were not stored, and why, and results.json counts them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runArenaToEnd, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import { NatsServerProcess, stopAllNatsServers } from '../helpers/nats-server-process.js';

afterAll(async () => {
  await stopAll();
  await stopAllNatsServers();
});

describe('a run id used again on the same NATS server', () => {
  it('says that JetStream kept the earlier run’s settlement messages instead of this run’s', {
    timeout: 180_000,
  }, async () => {
    const server = await NatsServerProcess.start();
    const dir = tempDir();
    const file = writeConfig(dir, {
      name: 'reuse',
      day: '2026-06-01',
      agents: [{ id: 'idle', strategy: 'idle', asset: { type: 'battery', powerMw: 1, energyMwh: 2 } }],
    });
    const env = { FLEXARENA_NATS_URL: server.url };
    const nats = (out: string) => JSON.parse(readFileSync(join(out, 'same', 'results.json'), 'utf8')).nats;

    const first = await runArenaToEnd(
      file,
      ['--in-process', '--run-id', 'same', '--out', join(dir, 'a')],
      env,
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /NATS: all (\d+) settlement-stream messages .* delivered to JetStream exactly once/,
    );
    expect(nats(join(dir, 'a'))).toMatchObject({ duplicates: 0, heldByEarlierRun: 0 });

    const again = await runArenaToEnd(
      file,
      ['--in-process', '--run-id', 'same', '--out', join(dir, 'b')],
      env,
    );
    expect(again.code, again.stderr).toBe(0);
    const n = nats(join(dir, 'b'));
    expect(n.heldByEarlierRun).toBe(n.messages);
    expect(again.stdout).toContain(
      `NATS: ${n.messages} of ${n.messages} settlement-stream messages NOT stored: ${server.url}'s stream already held messages with their ids from an earlier run with the id same`,
    );
    expect(again.stdout).not.toContain('exactly once');
  });
});
