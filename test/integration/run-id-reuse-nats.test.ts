// A run id used again on a NATS server that outlives runs (nats.url, FLEXARENA_NATS_URL). The
// settlement stream de-duplicates by Nats-Msg-Id "<run>:<seq>": within its duplicate window it
// dropped every message of the second run as a repeat (its consumers got the first run's records),
// after it the second run's records were stored beside the first's; only the end of the run said
// so. The arena now asks the stream before the run and refuses the id, before the run folder or
// any agent process exists. The end-of-run count stays for an id taken while the run runs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStrategy } from '../../agents/strategies/index.js';
import { runArena, runEndMsgId, SETTLEMENT_STREAM, subjects } from '../../arena/index.js';
import { type LocalAgent, parseRunConfig } from '../../sim/index.js';
import { runArenaToEnd, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import { NatsServerProcess, stopAllNatsServers } from '../helpers/nats-server-process.js';
import { duplicatesOnlyFromRetries, readRunSettlements } from '../helpers/settlement-stream.js';

/** One server for every run of this file: it outlives each run, as a shared server does. */
let server: NatsServerProcess;
beforeAll(async () => {
  server = await NatsServerProcess.start();
});
afterAll(async () => {
  await stopAll();
  await stopAllNatsServers();
});

const idleRun = {
  name: 'reuse',
  day: '2026-06-01',
  agents: [{ id: 'idle', strategy: 'idle', asset: { type: 'battery', powerMw: 1, energyMwh: 2 } }],
};

/** The `nats` part of a run folder's results.json. */
const natsOf = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')).nats;

/** Messages the settlement stream holds on one run's subjects (records, manifest, end message). */
async function storedMessages(runId: string): Promise<number> {
  const nc = await connect({ servers: server.url });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(SETTLEMENT_STREAM, {
      subjects_filter: `flexarena.${runId}.settlement.>`,
    });
    return Object.values(info.state.subjects ?? {}).reduce((s, n) => s + n, 0);
  } finally {
    await nc.close();
  }
}

describe('a run id used again on a NATS server that outlives runs', () => {
  it('refuses the second run before its run folder or any agent process exists', {
    timeout: 180_000,
  }, async () => {
    const dir = tempDir();
    const file = writeConfig(dir, idleRun);
    const env = { FLEXARENA_NATS_URL: server.url };

    // The first run meets a fresh server (no stream yet): nothing to refuse.
    const first = await runArenaToEnd(
      file,
      ['--in-process', '--run-id', 'same', '--out', join(dir, 'a')],
      env,
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /NATS: all \d+ settlement-stream messages .* delivered to JetStream exactly once/,
    );
    const firstNats = natsOf(join(dir, 'a', 'same'));
    expect(duplicatesOnlyFromRetries(firstNats)).toBeUndefined();
    const firstRecords = await readRunSettlements(server.url, 'same');

    // Agent processes this time (no --in-process): the refusal comes before any is launched.
    const again = await runArenaToEnd(file, ['--run-id', 'same', '--out', join(dir, 'b')], env);
    expect(again.code, again.stderr).toBe(1);
    const errors = again.stderr.split('\n').filter((l) => l.startsWith('flexarena:'));
    expect(errors, again.stderr).toEqual([
      expect.stringMatching(
        new RegExp(
          `^flexarena: the run id "same" \\(--run-id / runId\\) is taken on ${server.url}: stream ${SETTLEMENT_STREAM} holds an earlier run's messages on flexarena\\.same\\.settlement\\.> \\(the last stored at \\d{4}-\\d\\d-\\d\\dT[^)]+\\), .*choose another run id, or purge that run's subjects .* and wait out the stream's duplicate window \\(1 h\\) before using the id again$`,
        ),
      ),
    ]);
    expect(again.stderr).not.toMatch(/^\s+at /m);
    expect(again.stdout).toBe('');
    // No run folder (agent logs go into it), not even the parent folder of one.
    expect(existsSync(join(dir, 'b', 'same'))).toBe(false);
    expect(again.stderr).not.toMatch(/listening on|nats-server started/);

    // The stream holds the first run's messages and nothing else on the run's subjects.
    expect(await storedMessages('same')).toBe(firstNats.messages);
    expect(await readRunSettlements(server.url, 'same')).toEqual(firstRecords);
  });

  it('runs two runs with different ids on the same server, each stored once', {
    timeout: 180_000,
  }, async () => {
    const dir = tempDir();
    const file = writeConfig(dir, idleRun);
    const env = { FLEXARENA_NATS_URL: server.url };
    for (const id of ['one', 'two']) {
      const run = await runArenaToEnd(file, ['--in-process', '--run-id', id, '--out', dir], env);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/delivered to JetStream exactly once/);
      const n = natsOf(join(dir, id));
      expect(duplicatesOnlyFromRetries(n)).toBeUndefined();
      expect(await storedMessages(id)).toBe(n.messages);
    }
  });

  it('runs under the id again once its subjects are purged and the duplicate window has passed', {
    timeout: 180_000,
  }, async () => {
    // A server of its own: the first run creates the stream, with this run's 1-second window.
    const own = await NatsServerProcess.start();
    const dir = tempDir();
    const file = writeConfig(dir, { ...idleRun, nats: { duplicateWindowMs: 1_000 } });
    const env = { FLEXARENA_NATS_URL: own.url };
    const args = (out: string) => ['--in-process', '--run-id', 'purged', '--out', join(dir, out)];
    expect((await runArenaToEnd(file, args('a'), env)).code).toBe(0);
    const refused = await runArenaToEnd(file, args('b'), env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `purge that run's subjects (nats stream purge ${SETTLEMENT_STREAM} --subject 'flexarena.purged.settlement.>') and wait out the stream's duplicate window (1 s) before using the id again`,
    );

    const nc = await connect({ servers: own.url });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.purge(SETTLEMENT_STREAM, { filter: 'flexarena.purged.settlement.>' });
    } finally {
      await nc.close();
    }
    await new Promise((r) => setTimeout(r, 1_500));
    const again = await runArenaToEnd(file, args('c'), env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/delivered to JetStream exactly once/);
    expect(natsOf(join(dir, 'c', 'purged'))).toMatchObject({ heldByEarlierRun: 0 });
  });

  it('still counts messages dropped for another run that took the id while this one ran', {
    timeout: 180_000,
  }, async () => {
    const cfg = parseRunConfig({ ...idleRun, nats: { url: server.url }, outDir: tempDir() });
    const local = new Map<string, LocalAgent>(
      cfg.agents.map((a) => [a.id, createStrategy(a.strategy, a.params)]),
    );
    const runId = 'raced';
    const nc = await connect({ servers: server.url });
    let published = false;
    try {
      const { results } = await runArena(cfg, {
        runId,
        local,
        log: () => undefined,
        // After the check before the run: another publisher stores this run's end message first.
        onDecision: async () => {
          if (published) return;
          published = true;
          const h = headers();
          h.set('Nats-Msg-Id', runEndMsgId(runId));
          await nc.request(subjects(runId).runEnd, 'another run', { headers: h, timeout: 5_000 });
        },
      });
      expect(published).toBe(true);
      expect(results.nats).toMatchObject({ heldByEarlierRun: 1, undelivered: 0 });
    } finally {
      await nc.close();
    }
  });
});
