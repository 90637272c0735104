// Before a run on a NATS server that outlives runs (nats.url, FLEXARENA_NATS_URL): is its run id
// already on the settlement stream? The stream de-duplicates by Nats-Msg-Id `<runId>:<seq>`, so a
// second run under an id it holds has its messages dropped as repeats within the duplicate window
// (its consumers get the earlier run's records), and stored beside the earlier run's after it (a
// consumer sees two runs mixed). One request answers it: the stream's last message on the run's
// subjects (`last_by_subj` with a wildcard; nats-server 2.9 answers it).
import { JetStreamApiCodes, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { FlexArenaError } from '../../lib/index.js';
import { isNotFound } from './jetstream-lookup.js';
import { causeText, OutboxConnectError, OutboxStreamError } from './outbox-errors.js';
import { SETTLEMENT_STREAM, subjects } from './subjects.js';

/** The settlement stream already holds messages of this run id: the run is refused before it starts. */
export class RunIdInUseError extends FlexArenaError {
  constructor(
    readonly runId: string,
    readonly natsUrl: string,
    readonly stream: string,
    /** When the stream stored the last message it holds on the run's subjects. */
    readonly lastStoredAt: string,
    /** The stream's duplicate window, when its info could be read. */
    readonly duplicateWindowMs: number | undefined,
  ) {
    const filter = subjects(runId).allSettlement;
    const window = duplicateWindowMs === undefined ? '' : ` (${formatWindow(duplicateWindowMs)})`;
    // A purge by subject leaves the ids in the stream's duplicate window (nats-server 2.9): a run
    // under the id before the window has passed would still have every message dropped.
    super(
      `the run id "${runId}" (--run-id / runId) is taken on ${natsUrl}: stream ${stream} holds an earlier ` +
        `run's messages on ${filter} (the last stored at ${lastStoredAt}), and this run's settlement records ` +
        `would be dropped as repeats of them or mixed with them; choose another run id, or purge that ` +
        `run's subjects (nats stream purge ${stream} --subject '${filter}') and wait out the stream's ` +
        `duplicate window${window} before using the id again`,
    );
  }
}

export interface RunIdCheckOptions {
  url: string;
  runId: string;
  /** The connection's and the request's timeout (the outbox's connect timeout by default). */
  timeoutMs?: number;
  stream?: string;
}

/**
 * Throws RunIdInUseError when the settlement stream holds any message of `runId`; a stream that
 * does not exist yet (a fresh server) holds none. A server that cannot be reached is an
 * OutboxConnectError, as it would be a moment later when the run's outbox connects; a server
 * without JetStream (or one that does not answer) an OutboxStreamError.
 */
export async function assertRunIdUnused(o: RunIdCheckOptions): Promise<void> {
  const stream = o.stream ?? SETTLEMENT_STREAM;
  const timeout = o.timeoutMs ?? 5_000;
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: o.url, name: `flexarena-run-id-check-${o.runId}`, timeout });
  } catch (err) {
    throw new OutboxConnectError(`cannot connect to NATS at ${o.url}: ${causeText(err)}`, { cause: err });
  }
  try {
    const jsm = await jetstreamManager(nc, { checkAPI: false, timeout });
    const last = await jsm.streams
      .getMessage(stream, { last_by_subj: subjects(o.runId).allSettlement })
      .catch((err: unknown) => {
        if (isNotFound(err, JetStreamApiCodes.StreamNotFound)) return null;
        // No JetStream on the server, no answer in time: the run could not use the stream either.
        throw new OutboxStreamError(
          `cannot read stream ${stream} at ${o.url} (to check that the run id "${o.runId}" is free): ${causeText(err)}`,
          { cause: err },
        );
      });
    if (!last) return;
    // Only on a refusal, so a run that goes ahead costs one request: the window the message names.
    const info = await jsm.streams.info(stream).catch(() => undefined);
    const windowMs = info ? info.config.duplicate_window / 1e6 : undefined;
    throw new RunIdInUseError(o.runId, o.url, stream, last.time.toISOString(), windowMs);
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/** A window as people write it: 1 h, 2 min, 90 s, 1500 ms. */
function formatWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * The Nats-Msg-Ids the settlement stream holds for `runId` (a resumed run publishes only the
 * others, so each message is stored once whatever the duplicate window). Reads the whole stream
 * with an ordered consumer and keeps the run's subjects (a consumer filter on a wildcard needs
 * nats-server 2.10). A stream that does not exist holds none.
 */
export async function storedRunMsgIds(o: RunIdCheckOptions): Promise<Set<string>> {
  const stream = o.stream ?? SETTLEMENT_STREAM;
  const timeout = o.timeoutMs ?? 5_000;
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: o.url, name: `flexarena-resume-${o.runId}`, timeout });
  } catch (err) {
    throw new OutboxConnectError(`cannot connect to NATS at ${o.url}: ${causeText(err)}`, { cause: err });
  }
  const ids = new Set<string>();
  try {
    const jsm = await jetstreamManager(nc, { checkAPI: false, timeout });
    const info = await jsm.streams.info(stream).catch((err: unknown) => {
      if (isNotFound(err, JetStreamApiCodes.StreamNotFound)) return null;
      throw new OutboxStreamError(`cannot read stream ${stream} at ${o.url}: ${causeText(err)}`, {
        cause: err,
      });
    });
    const total = info?.state.messages ?? 0;
    if (total === 0) return ids;
    const prefix = `${subjects(o.runId).base}.settlement.`;
    const consumer = await jetstream(nc).consumers.get(stream);
    const iter = await consumer.consume({ max_messages: 1_000 });
    let read = 0;
    for await (const m of iter) {
      read++;
      const id = m.headers?.get('Nats-Msg-Id');
      if (id && m.subject.startsWith(prefix)) ids.add(id);
      if (read >= total || m.info.pending === 0) break;
    }
    await iter.close();
    return ids;
  } finally {
    await nc.close().catch(() => undefined);
  }
}
