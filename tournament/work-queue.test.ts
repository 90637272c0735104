// The tournament's work queue and a run's settlement stream on one JetStream server, in either
// order: a server both a tournament and an arena use (docker-compose.yml: the arena, the
// evaluator and the workers on one NATS). The queue's subjects used to overlap the settlement
// stream's, and JetStream refused whichever came second. Real nats-server, no mocks.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { SETTLEMENT_STREAM, SETTLEMENT_SUBJECTS } from '../arena/index.js';
import { NatsServerProcess } from '../test/helpers/nats-server-process.js';
import { ensureStreams, GAMES_STREAM, RESULTS_STREAM } from './work-queue.js';

let server: NatsServerProcess | undefined;

afterEach(async () => {
  await server?.cleanup();
  server = undefined;
});

/** A fresh server and a stream manager on it (the connection closes with the test). */
async function manager() {
  server = await NatsServerProcess.start();
  const nc = await connect({ servers: server.url });
  return { nc, jsm: await jetstreamManager(nc) };
}

// The settlement stream as the arena creates it (its name and subjects).
const settlementStream = { name: SETTLEMENT_STREAM, subjects: [SETTLEMENT_SUBJECTS] };

describe('the work queue beside a run on one NATS server', () => {
  it('creates its streams where a run already created the settlement stream', async () => {
    const { nc, jsm } = await manager();
    try {
      await jsm.streams.add(settlementStream);
      await ensureStreams(jsm);
      const names = (await jsm.streams.names().next()).sort();
      expect(names).toEqual([RESULTS_STREAM, GAMES_STREAM, SETTLEMENT_STREAM].sort());
    } finally {
      await nc.close();
    }
  }, 30_000);

  it('leaves room for a run after a tournament created its streams', async () => {
    const { nc, jsm } = await manager();
    try {
      await ensureStreams(jsm);
      await jsm.streams.add(settlementStream);
      expect((await jsm.streams.info(SETTLEMENT_STREAM)).config.subjects).toEqual([SETTLEMENT_SUBJECTS]);
    } finally {
      await nc.close();
    }
  }, 30_000);
});
