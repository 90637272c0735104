// The arena's NATS thread: the public-data connection and the JetStream settlement outbox, run
// beside the simulation instead of on its thread. The main thread sends records as strings in
// bursts (nats-thread.ts); everything the NATS clients do with them — framing, socket writes,
// acks, retries, the spool, reconnects — costs this thread, not the clock's (an in-process pace
// run spent ~25 % of its main thread in the NATS clients).
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { JetStreamOutbox } from './jetstream-outbox.js';
import type { FromNatsThread, NatsThreadConfig, ThreadError, ToNatsThread } from './nats-thread-protocol.js';
import { PublicPublisher } from './public-publisher.js';

if (!parentPort) throw new Error('nats-worker.ts runs as a worker thread (see nats-thread.ts)');
const port: MessagePort = parentPort;
const send = (m: FromNatsThread) => port.postMessage(m);

function threadError(err: unknown): ThreadError {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message };
}

interface Parts {
  nc: NatsConnection;
  publisher: PublicPublisher;
  outbox: JetStreamOutbox;
}

async function open(cfg: NatsThreadConfig): Promise<Parts> {
  const nc = await connect({
    servers: cfg.url,
    name: cfg.publicConnectionName,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
  try {
    const outbox = await JetStreamOutbox.open({
      servers: cfg.url,
      connectionName: cfg.settlementConnectionName,
      stream: cfg.stream,
      spoolPath: cfg.spoolPath,
    });
    return { nc, publisher: new PublicPublisher(nc), outbox };
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw err;
  }
}

function take(
  publisher: PublicPublisher,
  outbox: JetStreamOutbox,
  m: ToNatsThread & { kind: 'records' },
): void {
  const { publicSubjects, settlementKeys, payloads, ends } = m;
  let k = 0;
  let start = 0;
  for (let i = 0; i < publicSubjects.length; i++, k++) {
    publisher.publish(publicSubjects[i]!, payloads.subarray(start, ends[k]));
    start = ends[k]!;
  }
  // The outbox copies what it keeps: the batch's buffer is not held beyond this call.
  for (let i = 0; i < settlementKeys.length; i += 2, k++) {
    outbox.enqueue(settlementKeys[i]!, settlementKeys[i + 1]!, payloads.subarray(start, ends[k]));
    start = ends[k]!;
  }
}

async function main(): Promise<void> {
  const cfg = workerData as NatsThreadConfig;
  let parts: Parts;
  try {
    parts = await open(cfg);
  } catch (err) {
    send({ kind: 'open-failed', error: threadError(err) });
    port.close();
    return;
  }
  const { nc, publisher, outbox } = parts;
  let failed = false;
  port.on('message', (m: ToNatsThread) => {
    if (m.kind === 'records') {
      if (failed) return;
      try {
        take(publisher, outbox, m);
      } catch (err) {
        // A full spool: say so once; the main thread stops the run rather than lose records.
        failed = true;
        send({ kind: 'failed', error: threadError(err) });
      }
    } else if (m.kind === 'drain') {
      outbox.drain({ timeoutMs: m.timeoutMs }).then(
        () => send({ kind: 'drained', id: m.id }),
        () => send({ kind: 'drained', id: m.id }),
      );
    } else {
      void close(m.id, m.undeliveredPath);
    }
  });

  async function close(id: number, undeliveredPath: string | undefined): Promise<void> {
    try {
      const report = await outbox.close(undeliveredPath ? { undeliveredPath } : {});
      // What the public client still holds leaves now, or never: count it before closing.
      const publicPublished = publisher.published;
      const publicDropped = publisher.droppedPublic;
      await nc.close().catch(() => undefined);
      send({ kind: 'closed', id, report: { outbox: report, publicPublished, publicDropped } });
    } catch (err) {
      send({ kind: 'close-failed', id, error: threadError(err) });
    }
    port.close();
  }
  send({ kind: 'opened' });
}

await main();
