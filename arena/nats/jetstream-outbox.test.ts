// The outbox against a real nats-server (JetStream, FILE storage) that the tests kill with SIGKILL,
// restart on the same port and store dir, restart without its store, or reach through a TCP proxy
// that loses acknowledgements. What the stream finally holds is read back with a consumer.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NatsServerProcess, stopAllNatsServers } from '../../test/helpers/nats-server-process.js';
import { TcpFaultProxy } from '../../test/helpers/tcp-fault-proxy.js';
import { JetStreamOutbox, type OutboxOptions } from './jetstream-outbox.js';
import { OutboxConnectError, OutboxInputError } from './outbox-errors.js';
import { readUndeliveredFile } from './undelivered-file.js';

const STREAM = 'OUTBOX_TEST';
const SUBJECT_FILTER = 'outbox.test.>';
const subjectOf = (agent: number) => `outbox.test.agent-${agent}`;

interface StoredRecord {
  seq: number;
  subject: string;
  msgId: string;
  /** The `i` field of the JSON payload: the enqueue index. */
  i: number;
}

let dir: string;
let opened: JetStreamOutbox[] = [];
let conns: NatsConnection[] = [];
let proxies: TcpFaultProxy[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flexarena-outbox-test-'));
});

afterEach(async () => {
  // Whatever happened in the test: close outboxes and connections, stop every server and proxy.
  await Promise.allSettled(opened.map((o) => o.close()));
  await Promise.allSettled(conns.map((c) => c.close()));
  await Promise.allSettled(proxies.map((p) => p.close()));
  opened = [];
  conns = [];
  proxies = [];
  await stopAllNatsServers();
  rmSync(dir, { recursive: true, force: true });
});

async function openOutbox(
  url: string,
  extra: Partial<OutboxOptions> = {},
  spoolName = 'spool',
): Promise<JetStreamOutbox> {
  const o = await JetStreamOutbox.open({
    servers: url,
    stream: { name: STREAM, subjects: [SUBJECT_FILTER] },
    spoolPath: join(dir, spoolName),
    reconnectTimeWaitMs: 100,
    ...extra,
  });
  opened.push(o);
  return o;
}

async function client(url: string): Promise<NatsConnection> {
  const nc = await connect({ servers: url });
  conns.push(nc);
  return nc;
}

function payload(i: number, agent: number): string {
  return JSON.stringify({ i, agent, eur: (i * 37) % 1000, text: 'settlement' });
}

/** Enqueues record i on agent i % agents with msgId "m-<i>"; returns the longest single call in ms. */
/**
 * Enqueues records i in [from, to). Enqueue must never wait for NATS: it is a synchronous call
 * (nothing to await), so the simulation loop that calls it cannot be held up by an outage — checked
 * on every call here, instead of timing calls on a shared machine.
 */
function enqueueRange(outbox: JetStreamOutbox, from: number, to: number, agents: number): void {
  for (let i = from; i < to; i++) {
    const agent = i % agents;
    const returned: unknown = outbox.enqueue(subjectOf(agent), `m-${i}`, payload(i, agent));
    expect(returned).toBeUndefined();
  }
}

/** Everything the stream holds, in stream order, read with an ordered consumer. */
async function readStream(url: string): Promise<StoredRecord[]> {
  const nc = await client(url);
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(STREAM);
  const expected = info.state.messages;
  const out: StoredRecord[] = [];
  if (expected === 0) return out;
  const consumer = await jetstream(nc).consumers.get(STREAM);
  const iter = await consumer.consume({ max_messages: 1_000 });
  const guard = setTimeout(() => iter.stop(), 60_000);
  for await (const m of iter) {
    out.push({
      seq: m.seq,
      subject: m.subject,
      msgId: m.headers?.get('Nats-Msg-Id') ?? '',
      i: (m.json() as { i: number }).i,
    });
    if (out.length >= expected) break;
  }
  clearTimeout(guard);
  await iter.close();
  return out;
}

/** Each of `indices` exactly once, nothing else, and per subject in increasing enqueue index. */
function expectExactlyOnceInOrder(stored: StoredRecord[], indices: number[]): void {
  const ids = stored.map((r) => r.msgId);
  expect(new Set(ids).size).toBe(ids.length); // no msgId twice
  expect(new Set(ids)).toEqual(new Set(indices.map((i) => `m-${i}`)));
  expect(stored.length).toBe(indices.length);
  const lastBySubject = new Map<string, number>();
  for (const r of stored) {
    expect(r.msgId).toBe(`m-${r.i}`);
    const prev = lastBySubject.get(r.subject) ?? -1;
    expect(r.i, `order on ${r.subject}`).toBeGreaterThan(prev);
    lastBySubject.set(r.subject, r.i);
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('JetStreamOutbox against a real nats-server', () => {
  it('delivers 10 000 quickly enqueued records exactly once, in order per subject', async () => {
    const server = await NatsServerProcess.start();
    const outbox = await openOutbox(server.url);
    enqueueRange(outbox, 0, 10_000, 4);
    const report = await outbox.drain({ timeoutMs: 90_000 });
    expect(report).toMatchObject({
      complete: true,
      enqueued: 10_000,
      delivered: 10_000,
      undeliveredCount: 0,
    });
    // A duplicate ack answers only a retry (an ack timed out on a loaded machine), and every
    // retry follows a failed attempt, which opens an outage; nothing was held before this outbox.
    expect(report.heldBefore).toBe(0);
    if (report.outages.length === 0) expect(report.duplicates).toBe(0);
    expect(report.rejected).toEqual([]);
    expect(report.duplicateWindowMs).toBe(120_000);
    expectExactlyOnceInOrder(await readStream(server.url), range(0, 10_000));
  });

  it('rides out a ~1 s SIGKILL outage mid-enqueue: enqueue never blocks, every record lands once', async () => {
    const server = await NatsServerProcess.start();
    const outbox = await openOutbox(server.url);
    const total = 4_000;
    const perTick = 20;
    let enqueuedWhileDown = 0;
    let down = false;
    let outage: Promise<void> | undefined;
    let restartCalledAt = 0;
    // The "simulation loop": a batch of records every 5 ms, never awaiting the outbox.
    for (let i = 0; i < total; i += perTick) {
      if (i === 1_000) {
        outage = (async () => {
          await server.kill9();
          down = true;
          await sleep(1_000);
          restartCalledAt = Date.now();
          await server.restart();
          down = false;
        })();
        // If the test fails before awaiting it, afterEach cleans up and this restart is refused:
        // that must not surface as a second, unhandled error.
        outage.catch(() => undefined);
      }
      enqueueRange(outbox, i, i + perTick, 5);
      if (down) enqueuedWhileDown += perTick;
      await sleep(5);
    }
    await outage;
    const report = await outbox.drain({ timeoutMs: 90_000 });
    expect(enqueuedWhileDown).toBeGreaterThan(0);
    expect(report).toMatchObject({ complete: true, enqueued: total, delivered: total, undeliveredCount: 0 });
    expect(report.outages.length).toBeGreaterThanOrEqual(1);
    expect(report.outages.every((o) => o.toMs !== undefined && o.toMs >= o.fromMs)).toBe(true);
    // The server was dead when the restart began: an outage must span that moment.
    expect(report.outages.some((o) => o.fromMs <= restartCalledAt && (o.toMs ?? 0) >= restartCalledAt)).toBe(
      true,
    );
    expectExactlyOnceInOrder(await readStream(server.url), range(0, total));
  });

  it('when the server never comes back: reports what is undelivered, writes it, and a later outbox delivers it once', async () => {
    const server = await NatsServerProcess.start();
    const proxy = await TcpFaultProxy.start(server.port);
    proxies.push(proxy);
    // A small memory bound, so that the undelivered records are partly in the spool file at the end.
    const outbox = await openOutbox(proxy.url, { maxMemoryRecords: 500 });
    const nc = await client(server.url);
    const jsm = await jetstreamManager(nc);
    enqueueRange(outbox, 0, 1_000, 4);
    await waitFor('some deliveries', () => outbox.counters().delivered >= 200);
    // From now on the server stores what it gets but its acks are lost: the publish in flight on
    // each of the 4 subjects is in the stream, and the outbox cannot know.
    proxy.startDroppingReplies();
    enqueueRange(outbox, 1_000, 2_000, 4);
    await waitFor(
      'the 4 unacknowledged heads stored',
      async () => (await jsm.streams.info(STREAM)).state.messages === outbox.counters().delivered + 4,
    );
    await server.kill9(); // and it never comes back during this run
    enqueueRange(outbox, 2_000, 2_500, 4);

    const drained = await outbox.drain({ timeoutMs: 1_000 });
    expect(drained.complete).toBe(false);
    expect(drained.delivered).toBeGreaterThanOrEqual(200);
    expect(drained.delivered + drained.undeliveredCount).toBe(2_500);
    expect(drained.undelivered).toHaveLength(drained.undeliveredCount);
    expect(drained.undelivered.filter((u) => u.outcomeUnknown)).toHaveLength(4);
    expect(drained.spooledToDisk).toBeGreaterThan(0);
    expect(drained.outages.at(-1)?.toMs).toBeUndefined(); // still out

    const file = join(dir, 'undelivered.jsonl');
    const final = await outbox.close({ undeliveredPath: file });
    expect(final.delivered + final.undeliveredCount).toBe(2_500);
    expect(final.undeliveredFile).toBe(file);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(final.undeliveredCount);
    expect(lines.map((l) => l.msgId)).toEqual(final.undelivered.map((u) => u.msgId));
    expect(lines.filter((l) => l.unknownOutcomeSince !== undefined)).toHaveLength(4);
    expect(lines.every((l) => l.status === 'undelivered' && typeof l.payload === 'string')).toBe(true);

    // Later: the server is back (same store); a new outbox is fed from the file. The 4 records
    // that are already in the stream must not be stored again.
    await server.restart();
    const second = await openOutbox(server.url, {}, 'spool-2');
    for await (const e of readUndeliveredFile(file)) second.enqueueRecovered(e.record);
    const report2 = await second.drain({ timeoutMs: 60_000 });
    expect(report2).toMatchObject({ complete: true, enqueued: final.undeliveredCount, duplicates: 4 });
    expectExactlyOnceInOrder(await readStream(server.url), range(0, 2_500));
  });

  it('spills to the spool file past the memory bound during an outage and delivers in order afterwards', async () => {
    const server = await NatsServerProcess.start();
    const outbox = await openOutbox(server.url, { maxMemoryRecords: 100, maxMemoryBytes: 64 * 1024 });
    enqueueRange(outbox, 0, 50, 3);
    await outbox.drain({ timeoutMs: 30_000 });
    await server.kill9();
    enqueueRange(outbox, 50, 3_050, 3);
    const during = outbox.counters();
    expect(during.memoryRecords).toBeLessThanOrEqual(100);
    expect(during.memoryBytes).toBeLessThanOrEqual(64 * 1024);
    expect(during.spoolBytes).toBeGreaterThan(0);
    expect(during.backlog).toBe(3_000);
    await sleep(300);
    await server.restart();
    const report = await outbox.drain({ timeoutMs: 90_000 });
    expect(report).toMatchObject({ complete: true, enqueued: 3_050, delivered: 3_050 });
    expect(report.spooledToDisk).toBeGreaterThanOrEqual(2_900);
    expect(report.maxBacklog).toBe(3_000);
    expectExactlyOnceInOrder(await readStream(server.url), range(0, 3_050));
    await outbox.close();
    expect(existsSync(join(dir, 'spool'))).toBe(false);
  });

  it('does not store twice a publish whose ack was lost (server stored it, client never heard)', async () => {
    const server = await NatsServerProcess.start();
    const proxy = await TcpFaultProxy.start(server.port);
    proxies.push(proxy);
    const outbox = await openOutbox(proxy.url);
    enqueueRange(outbox, 0, 40, 4);
    await outbox.drain({ timeoutMs: 30_000 });
    const nc = await client(server.url);
    const jsm = await jetstreamManager(nc);

    proxy.startDroppingReplies();
    enqueueRange(outbox, 40, 240, 4);
    // One publish per subject goes out and is stored; its ack never arrives.
    await waitFor('the 4 heads stored', async () => (await jsm.streams.info(STREAM)).state.messages === 44);
    expect(outbox.counters().delivered).toBe(40);
    proxy.cutAll(); // the client notices, reconnects through the proxy and retries

    const report = await outbox.drain({ timeoutMs: 60_000 });
    expect(report).toMatchObject({ complete: true, delivered: 240 });
    // The four were found in the stream (look-up) or dropped by the server (duplicate window):
    // this outbox's own first attempts, not messages the stream held before.
    expect(report.duplicates).toBe(4);
    expect(report.heldBefore).toBe(0);
    expectExactlyOnceInOrder(await readStream(server.url), range(0, 240));
  });

  it('stays exactly-once past the duplicate window: the subject look-up finds a stored record whose ack was lost', async () => {
    const server = await NatsServerProcess.start();
    const proxy = await TcpFaultProxy.start(server.port);
    proxies.push(proxy);
    const windowMs = 500;
    const outbox = await openOutbox(proxy.url, {
      stream: { name: STREAM, subjects: [SUBJECT_FILTER], duplicateWindowMs: windowMs },
    });
    enqueueRange(outbox, 0, 20, 2);
    await outbox.drain({ timeoutMs: 30_000 });
    const nc = await client(server.url);
    const jsm = await jetstreamManager(nc);

    proxy.startDroppingReplies();
    enqueueRange(outbox, 20, 60, 2);
    await waitFor('the 2 heads stored', async () => (await jsm.streams.info(STREAM)).state.messages === 22);
    proxy.refuse(true);
    proxy.cutAll();
    await sleep(3 * windowMs); // the network stays down longer than the duplicate window
    proxy.refuse(false);

    const report = await outbox.drain({ timeoutMs: 60_000 });
    expect(report).toMatchObject({ complete: true, delivered: 60, recoveredByLookup: 2 });
    expectExactlyOnceInOrder(await readStream(server.url), range(0, 60));
    // Control: the window really has passed, so without the look-up a retry would be stored again.
    const stale = await jetstream(nc).publish(subjectOf(0), payload(20, 0), { msgID: 'm-20' });
    expect(stale.duplicate).toBe(false);
  });

  it('counts a duplicate ack as delivered and recreates the stream when the server comes back without it', async () => {
    const server = await NatsServerProcess.start();
    const outbox = await openOutbox(server.url);
    const nc = await client(server.url);
    // m-0..m-9 are already in the stream (e.g. sent by an earlier run): the outbox gets "duplicate".
    for (let i = 0; i < 10; i++)
      await jetstream(nc).publish(subjectOf(i % 2), payload(i, i % 2), { msgID: `m-${i}` });
    enqueueRange(outbox, 0, 100, 2);
    const first = await outbox.drain({ timeoutMs: 30_000 });
    // …which it reports apart: the stream kept those messages, not this outbox's records.
    expect(first).toMatchObject({ complete: true, delivered: 100, duplicates: 10, heldBefore: 10 });
    expect([...first.heldBeforeIds].sort()).toEqual(
      range(0, 10)
        .map((i) => `m-${i}`)
        .sort(),
    );
    expectExactlyOnceInOrder(await readStream(server.url), range(0, 100));

    await server.kill9();
    const fresh = await NatsServerProcess.start({ port: server.port }); // same port, empty store
    enqueueRange(outbox, 100, 300, 2);
    const second = await outbox.drain({ timeoutMs: 60_000 });
    expect(second).toMatchObject({ complete: true, delivered: 300 });
    expect(second.counters.streamCreations).toBe(2);
    expectExactlyOnceInOrder(await readStream(fresh.url), range(100, 300));
  });

  it('gives up on a record the stream refuses for good, goes on with the next, and writes it out', async () => {
    const server = await NatsServerProcess.start();
    const outbox = await openOutbox(server.url, {
      stream: { name: STREAM, subjects: [SUBJECT_FILTER], extra: { max_msg_size: 1_000 } },
    });
    outbox.enqueue(subjectOf(0), 'm-0', payload(0, 0));
    outbox.enqueue(subjectOf(0), 'too-big', 'x'.repeat(2_000));
    outbox.enqueue(subjectOf(0), 'm-2', payload(2, 0));
    const report = await outbox.drain({ timeoutMs: 30_000 });
    expect(report).toMatchObject({ complete: true, enqueued: 3, delivered: 2, undeliveredCount: 0 });
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]).toMatchObject({ subject: subjectOf(0), msgId: 'too-big' });
    expect(report.rejected[0]?.lastError).toMatch(/size/i);
    const file = join(dir, 'undelivered.jsonl');
    const final = await outbox.close({ undeliveredPath: file });
    expect(final.undeliveredFile).toBe(file);
    const entries = [];
    for await (const e of readUndeliveredFile(file)) entries.push(e);
    expect(entries.map((e) => [e.status, e.record.msgId])).toEqual([['rejected', 'too-big']]);
    expectExactlyOnceInOrder(await readStream(server.url), [0, 2]);
  });

  it('works on a connection the caller owns and leaves it open', async () => {
    const server = await NatsServerProcess.start();
    const nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    conns.push(nc);
    const outbox = await JetStreamOutbox.open({
      connection: nc,
      stream: { name: STREAM, subjects: [SUBJECT_FILTER] },
      spoolPath: join(dir, 'spool'),
    });
    opened.push(outbox);
    enqueueRange(outbox, 0, 500, 3);
    await server.kill9();
    await server.restart();
    const report = await outbox.drain({ timeoutMs: 60_000 });
    expect(report).toMatchObject({ complete: true, delivered: 500 });
    await outbox.close();
    expect(nc.isClosed()).toBe(false);
    expectExactlyOnceInOrder(await readStream(server.url), range(0, 500));
  });

  it('rejects bad arguments with typed errors that name the field', async () => {
    const server = await NatsServerProcess.start();
    const outbox = await openOutbox(server.url, { maxMemoryBytes: 1_000 });
    expect(() => outbox.enqueue('other.subject', 'x', 'p')).toThrow(OutboxInputError);
    expect(() => outbox.enqueue('outbox.test.*', 'x', 'p')).toThrow(/subject/);
    expect(() => outbox.enqueue(subjectOf(0), '', 'p')).toThrow(/msgId/);
    expect(() => outbox.enqueue(subjectOf(0), 'x', 'p'.repeat(2_000))).toThrow(/maxMemoryBytes=1000/);
    await expect(
      JetStreamOutbox.open({
        servers: server.url,
        stream: { name: STREAM, subjects: [SUBJECT_FILTER] },
        spoolPath: join(dir, 's2'),
        maxInFlight: 0,
      }),
    ).rejects.toThrow(/options\.maxInFlight: must be an integer >= 1/);
    await outbox.close();
    expect(() => outbox.enqueue(subjectOf(0), 'x', 'p')).toThrow(/after close/);
    await server.kill9();
    await expect(openOutbox(server.url, { connectTimeoutMs: 1_000 }, 's3')).rejects.toThrow(
      OutboxConnectError,
    );
  });
});
