// The look-up before a run on a given NATS server, against a real nats-server: a run id is refused
// only when the settlement stream holds a message on that run's own subjects.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, NatsServerProcess, stopAllNatsServers } from '../../test/helpers/nats-server-process.js';
import { OutboxConnectError, OutboxStreamError } from './outbox-errors.js';
import { assertRunIdUnused, RunIdInUseError } from './run-id-check.js';
import { SETTLEMENT_STREAM, SETTLEMENT_SUBJECTS, settlementMsgId, subjects } from './subjects.js';

afterAll(() => stopAllNatsServers());

/** Stores one settlement message of `runId`, creating the stream as the outbox does. */
async function storeOne(url: string, runId: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams
      .add({ name: SETTLEMENT_STREAM, subjects: [SETTLEMENT_SUBJECTS] })
      .catch(() => undefined);
    await jetstream(nc).publish(subjects(runId).settlement('bess'), '{}', {
      msgID: settlementMsgId(runId, 1),
    });
  } finally {
    await nc.close();
  }
}

describe('assertRunIdUnused', () => {
  it('lets a run id through on a fresh server (no stream yet) and beside other runs’ ids', async () => {
    const server = await NatsServerProcess.start();
    await expect(assertRunIdUnused({ url: server.url, runId: 'day' })).resolves.toBeUndefined();
    // Ids that share a prefix with the stored one are other runs: subjects match whole tokens.
    await storeOne(server.url, 'day-2');
    await expect(assertRunIdUnused({ url: server.url, runId: 'day' })).resolves.toBeUndefined();
    await expect(assertRunIdUnused({ url: server.url, runId: 'day-20' })).resolves.toBeUndefined();
  });

  it('refuses a run id the stream holds, naming the id option, the server, the stream and what to do', async () => {
    const server = await NatsServerProcess.start();
    await storeOne(server.url, 'held');
    const err = await assertRunIdUnused({ url: server.url, runId: 'held' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunIdInUseError);
    expect(err).toMatchObject({ runId: 'held', natsUrl: server.url, stream: SETTLEMENT_STREAM });
    const message = (err as Error).message;
    expect(message).toContain(`the run id "held" (--run-id / runId) is taken on ${server.url}`);
    expect(message).toContain(
      `stream ${SETTLEMENT_STREAM} holds an earlier run's messages on flexarena.held.settlement.>`,
    );
    // The stream was made here without a window: nats-server's default, 2 minutes.
    expect(message).toContain("choose another run id, or purge that run's subjects");
    expect(message).toContain("wait out the stream's duplicate window (2 min)");
    expect(message).not.toContain('\n');
  });

  it('says when the server cannot be reached or has no JetStream', async () => {
    const gone = `nats://127.0.0.1:${await freePort()}`;
    const unreachable = await assertRunIdUnused({ url: gone, runId: 'x', timeoutMs: 2_000 }).catch((e) => e);
    expect(unreachable).toBeInstanceOf(OutboxConnectError);
    // The client's words, without its class name (`ConnectionError: connection refused`).
    expect(unreachable.message).toBe(`cannot connect to NATS at ${gone}: connection refused`);

    const plain = await NatsServerProcess.start({ jetstream: false });
    const noJs = await assertRunIdUnused({ url: plain.url, runId: 'x', timeoutMs: 2_000 }).catch((e) => e);
    expect(noJs).toBeInstanceOf(OutboxStreamError);
    expect(noJs.message).toContain(
      `cannot read stream ${SETTLEMENT_STREAM} at ${plain.url} (to check that the run id "x" is free)`,
    );
  });
});
