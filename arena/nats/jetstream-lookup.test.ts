// What JetStream's errors mean, read off real nats-server processes (one without JetStream, one
// with): the answers a look-up or a connect gets, not errors made up for the test.
import { JetStreamApiCodes, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { NatsServerProcess, stopAllNatsServers } from '../../test/helpers/nats-server-process.js';
import { exists, isJetStreamNotEnabled, isNotFound } from './jetstream-lookup.js';

afterAll(stopAllNatsServers);

describe('JetStream look-ups', () => {
  it('tell a server without JetStream from one that has it', async () => {
    const plain = await NatsServerProcess.start({ jetstream: false });
    const nc = await connect({ servers: plain.url });
    try {
      const err = await jetstreamManager(nc).catch((e: unknown) => e);
      expect(isJetStreamNotEnabled(err)).toBe(true);
      expect(isNotFound(err, JetStreamApiCodes.StreamNotFound)).toBe(false);
      // Any other error, or none, is not that.
      expect(isJetStreamNotEnabled(new Error('timeout'))).toBe(false);
      expect(isJetStreamNotEnabled('jetstream is not enabled')).toBe(false);
    } finally {
      await nc.close();
    }
  });

  it('say "not found" only for the entity asked about, and exists() follows', async () => {
    const server = await NatsServerProcess.start();
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      const missing = await jsm.streams.info('MISSING').catch((e: unknown) => e);
      expect(isNotFound(missing, JetStreamApiCodes.StreamNotFound)).toBe(true);
      expect(isNotFound(missing, JetStreamApiCodes.ConsumerNotFound)).toBe(false);
      expect(isJetStreamNotEnabled(missing)).toBe(false);
      expect(await exists(jsm.streams.info('MISSING'), JetStreamApiCodes.StreamNotFound)).toBe(false);
      await jsm.streams.add({ name: 'THERE', subjects: ['there.>'] });
      expect(await exists(jsm.streams.info('THERE'), JetStreamApiCodes.StreamNotFound)).toBe(true);
      // Not-found of another kind goes on to the caller: it does not say the stream is missing.
      await expect(
        exists(jsm.consumers.info('THERE', 'nobody'), JetStreamApiCodes.StreamNotFound),
      ).rejects.toThrow(/consumer not found/);
    } finally {
      await nc.close();
    }
  });
});
