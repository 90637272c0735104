// The outbox's JetStream publisher against a real nats-server: each answer settles its own publish
// (acknowledged, duplicate, refused by the stream, nobody answering), and a publish that gets no
// answer times out or is abandoned — the failure kinds classifyPublishError tells apart.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NatsServerProcess, stopAllNatsServers } from '../../test/helpers/nats-server-process.js';
import {
  JetStreamAckPublisher,
  JetStreamNotEnabled,
  PublishAbandonedError,
  PublishAckTimeoutError,
} from './jetstream-acks.js';
import { classifyPublishError } from './publish-failure.js';

const bytes = (s: string) => new TextEncoder().encode(s);
let server: NatsServerProcess;
let nc: NatsConnection;

beforeEach(async () => {
  server = await NatsServerProcess.start();
  nc = await connect({ servers: server.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'ACKS', subjects: ['acks.>'], max_msg_size: 64 });
});

afterEach(async () => {
  await nc.close();
  await stopAllNatsServers();
});

describe('JetStreamAckPublisher', () => {
  it('settles many publishes in flight at once, each by its own answer, duplicates included', async () => {
    const p = new JetStreamAckPublisher(nc);
    const acks = await Promise.all(
      Array.from({ length: 200 }, (_, i) => p.publish(`acks.s${i % 7}`, bytes(`r${i}`), `m-${i}`, 5_000)),
    );
    expect(acks.every((a) => !a.duplicate)).toBe(true);
    expect(await p.publish('acks.s0', bytes('again'), 'm-3', 5_000)).toEqual({ duplicate: true });
    expect(p.pending).toBe(0);
    // The stream holds each record once, with its Nats-Msg-Id.
    const info = await (await jetstreamManager(nc)).streams.info('ACKS');
    expect(info.state.messages).toBe(200);
    const last = await (await jetstreamManager(nc)).streams.getMessage('ACKS', { last_by_subj: 'acks.s0' });
    expect(last?.header?.get('Nats-Msg-Id')).toBe('m-196');
    p.close();
  });

  it('turns the answers that are no acknowledgement into the errors the outbox classifies', async () => {
    const p = new JetStreamAckPublisher(nc);
    // Larger than the stream takes: refused for good.
    const refused = await p.publish('acks.big', bytes('x'.repeat(100)), 'big', 5_000).catch((e) => e);
    expect(classifyPublishError(refused)).toMatchObject({ kind: 'reject' });
    // No stream captures the subject: nobody answers; look the stream up, then try again.
    const none = await p.publish('elsewhere.x', bytes('y'), 'none', 5_000).catch((e) => e);
    expect(none).toBeInstanceOf(JetStreamNotEnabled);
    expect(classifyPublishError(none)).toMatchObject({
      kind: 'retry',
      checkStream: true,
      outcomeUnknown: false,
    });
    // The client's words reach the user's line, not its class name.
    expect(classifyPublishError(none).message).toBe(none.message);
    expect(classifyPublishError(none).message).not.toMatch(/^JetStreamNotEnabled/);
    p.close();
  });

  it('times out a publish nobody acknowledges, and abandons what waits when told', async () => {
    const p = new JetStreamAckPublisher(nc);
    // A plain subscriber on the subject: the publish is delivered, never answered.
    const silent = nc.subscribe('quiet.x', { callback: () => {} });
    await nc.flush();
    const late = await p.publish('quiet.x', bytes('z'), 'late', 200).catch((e) => e);
    expect(late).toBeInstanceOf(PublishAckTimeoutError);
    expect(classifyPublishError(late)).toMatchObject({ kind: 'retry', outcomeUnknown: true });
    const waiting = p.publish('quiet.x', bytes('z'), 'w', 60_000);
    expect(p.pending).toBe(1);
    p.abandonAll('connection lost');
    await expect(waiting).rejects.toBeInstanceOf(PublishAbandonedError);
    expect(p.pending).toBe(0);
    silent.unsubscribe();
    p.close();
  });

  it('throws at once what the client refuses, and leaves nothing waiting', async () => {
    const p = new JetStreamAckPublisher(nc);
    expect(() => p.publish('bad subject', bytes('x'), 'b', 5_000)).toThrow();
    expect(p.pending).toBe(0);
    p.close();
    // The stream is still usable by nats.js's own client beside it.
    await expect(jetstream(nc).publish('acks.after', bytes('ok'))).resolves.toMatchObject({ stream: 'ACKS' });
  });
});
