// NatsLink against a real nats-server that is killed and started again on the same port and store
// dir: a JetStream publish made while it is away succeeds once it is back (and is stored once), an
// outage past the limit ends in a NatsOutageError whether or not a request is waiting, an error
// that is an answer is not retried, and the up-clock does not count the outage.
import { JetStreamApiError, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { NatsServerProcess, stopAllNatsServers } from '../../test/helpers/nats-server-process.js';
import { NatsLink, NatsLinkClosedError, NatsOutageError } from './nats-retry.js';

const connections: NatsConnection[] = [];

afterEach(async () => {
  await Promise.all(connections.splice(0).map((nc) => nc.close().catch(() => undefined)));
  await stopAllNatsServers();
});

async function linked(limitMs: number) {
  const nats = await NatsServerProcess.start();
  const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  connections.push(nc);
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'T', subjects: ['t.>'], duplicate_window: 60_000_000_000 });
  const lines: string[] = [];
  const link = new NatsLink(nc, { natsUrl: nats.url, limitMs, log: (l) => lines.push(l) });
  return { nats, nc, jsm, link, lines };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilTrue(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('NatsLink', () => {
  it('ends a retry still waiting for NATS when its owner closes the link (it is stopping)', async () => {
    const { nats, nc, link } = await linked(Number.POSITIVE_INFINITY);
    await nats.kill9();
    await untilTrue('the link to see NATS go', () => link.away);
    const js = jetstream(nc);
    const pending = link.retry('publishing b', () => js.publish('t.b', 'x', { timeout: 300 }));
    await sleep(500);
    link.close();
    const err = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NatsLinkClosedError);
    expect((err as Error).message).toBe('stopped while publishing b');
  });

  it('retries a JetStream publish made while NATS is away until it is back; the stream holds it once', async () => {
    const { nats, nc, jsm, link, lines } = await linked(30_000);
    const js = jetstream(nc);
    await nats.kill9();
    await untilTrue('the link to see NATS go', () => link.away);
    // A short request timeout: without the link the first attempt fails during the outage.
    const publish = () => js.publish('t.a', 'x', { msgID: 'a-1', timeout: 500 });
    await expect(publish()).rejects.toThrow();
    const done = link.retry('publishing a', publish);
    await sleep(1_500);
    await nats.restart();
    const ack = await done;
    expect(ack.seq).toBeGreaterThan(0);
    // Published again with the same Nats-Msg-Id: dropped by the stream.
    expect((await js.publish('t.a', 'x', { msgID: 'a-1' })).duplicate).toBe(true);
    expect((await jsm.streams.info('T')).state.messages).toBe(1);
    expect(lines[0]).toBe(
      `NATS at ${nats.url} gone: waiting for it to come back for up to 30 s (--nats-outage-limit)`,
    );
    expect(
      lines.some((l) =>
        new RegExp(`^NATS at ${nats.url.replaceAll('.', '\\.')} back after \\d+\\.\\d s$`).test(l),
      ),
    ).toBe(true);
    expect(link.failure).toBeUndefined();
  }, 30_000);

  it('past the limit: the retry and the link end in a NatsOutageError naming the limit, with the cause', async () => {
    const { nats, nc, link } = await linked(1_000);
    const js = jetstream(nc);
    let told: NatsOutageError | undefined;
    link.onFailure((err) => (told = err));
    await nats.kill9();
    const started = Date.now();
    const err = await link
      .retry('publishing b', () => js.publish('t.b', 'x', { msgID: 'b-1', timeout: 300 }))
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(NatsOutageError);
    expect((err as Error).message).toMatch(
      new RegExp(`^NATS at ${nats.url} was away for more than 1 s \\(limit: --nats-outage-limit 1\\) while `),
    );
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(told).toBe(err);
    // Once given up, the link refuses every later request at once.
    await expect(link.retry('anything', async () => 1)).rejects.toBe(err);
    await expect(link.whileAway()).rejects.toBe(err);
  }, 30_000);

  it('gives up past the limit also when nothing is being requested', async () => {
    const { nats, link } = await linked(1_000);
    const failed = new Promise<NatsOutageError>((resolve) => link.onFailure(resolve));
    await nats.kill9();
    const err = await failed;
    expect(err.message).toContain('while waiting for it to come back: disconnected');
  }, 30_000);

  it('an error that is an answer (no such stream) is not retried', async () => {
    const { jsm, link } = await linked(30_000);
    let attempts = 0;
    const err = await link
      .retry('looking up a stream', () => {
        attempts++;
        return jsm.streams.info('MISSING');
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JetStreamApiError);
    expect(attempts).toBe(1);
  }, 30_000);

  it('its up-clock stops while NATS is away', async () => {
    const { nats, link } = await linked(30_000);
    const wall0 = Date.now();
    const up0 = link.upClock();
    await nats.kill9();
    await untilTrue('the link to see NATS go', () => link.away);
    await sleep(1_500);
    await nats.restart();
    await untilTrue('the link to see NATS back', () => !link.away);
    const wall = Date.now() - wall0;
    const up = link.upClock() - up0;
    expect(wall - up).toBeGreaterThanOrEqual(1_400);
    expect(up).toBeLessThan(wall);
  }, 30_000);
});
