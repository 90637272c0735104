// Buffered, never-awaited JetStream publishing for the simulation loop.
//
// `enqueue` is synchronous: it puts the record into memory (or, past the memory bound, into an
// append-only spool file) and returns. A pump on the event loop publishes with Nats-Msg-Id, keeps
// at most one publish per subject in flight (so the stream holds each subject's records in enqueue
// order whatever fails), retries with backoff while NATS or the stream is away, and counts a
// "duplicate" ack as delivered. A record whose earlier attempt went unanswered may already be in
// the stream; before sending it again the pump asks the stream for the subject's last message and
// skips the publish if that is it, so even an outage longer than the duplicate window does not
// store it twice. See README.md in this folder for the guarantees and their limits.
import {
  JetStreamApiCodes,
  type JetStreamManager,
  jetstreamManager,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos, type Status } from '@nats-io/transport-node';
import { Fifo } from './fifo.js';
import { JetStreamAckPublisher } from './jetstream-acks.js';
import { isNotFound } from './jetstream-lookup.js';
import {
  causeText,
  OutboxClosedError,
  OutboxConnectError,
  OutboxInputError,
  OutboxStreamError,
} from './outbox-errors.js';
import {
  isLiteralSubject,
  type OutboxOptions,
  type ResolvedOutboxOptions,
  resolveOutboxOptions,
  subjectMatches,
} from './outbox-options.js';
import { type OutboxRecord, recordBytes } from './outbox-record.js';
import { classifyPublishError } from './publish-failure.js';
import { SpoolFile } from './spool-file.js';
import { streamOverlapMessage } from './stream-overlap.js';
import { type UndeliveredEntry, writeUndeliveredFile } from './undelivered-file.js';

export type { OutboxOptions, OutboxStreamConfig } from './outbox-options.js';

/** A time span (epoch ms) in which nothing could be published; open while `toMs` is absent. */
export interface Outage {
  fromMs: number;
  toMs?: number;
  cause: string;
}

export interface RecordRef {
  subject: string;
  msgId: string;
  attempts: number;
  /** An attempt went unanswered: the stream may hold it already. */
  outcomeUnknown: boolean;
  lastError?: string;
}

export interface OutboxCounters {
  enqueued: number;
  /** Acknowledged by the stream (fresh, duplicate, or found there by a lookup). */
  delivered: number;
  /** Of `delivered`: the ack said "duplicate" (the stream had the msgId within its window). */
  duplicates: number;
  /**
   * Of `duplicates`: on the record's first attempt, so the stream held the msgId before this
   * outbox ever sent it — another publisher's message (an earlier run with the same run id), not
   * this record: the stream kept that one.
   */
  heldBefore: number;
  /** Of `delivered`: found as the subject's last message after an unanswered attempt. */
  recoveredByLookup: number;
  rejected: number;
  publishAttempts: number;
  failedAttempts: number;
  lookups: number;
  streamCreations: number;
  spooledToDisk: number;
  /** Enqueued and neither delivered nor rejected yet. */
  backlog: number;
  maxBacklog: number;
  inFlight: number;
  memoryRecords: number;
  memoryBytes: number;
  spoolBytes: number;
  /** Of `spoolBytes`: still in memory on the way to the file (a slow disk). */
  spoolBufferedBytes: number;
  connected: boolean;
}

export interface OutboxReport {
  /** Everything enqueued was delivered or rejected. */
  complete: boolean;
  enqueued: number;
  delivered: number;
  duplicates: number;
  /** See OutboxCounters.heldBefore. */
  heldBefore: number;
  /** Their msgIds, all of them: whoever reads the report can tell whose they were. */
  heldBeforeIds: string[];
  recoveredByLookup: number;
  /** delivered + undeliveredCount + rejected.length === enqueued */
  undeliveredCount: number;
  /** In per-subject order; at most `reportListLimit` entries, see `undeliveredListTruncated`. */
  undelivered: RecordRef[];
  undeliveredListTruncated: boolean;
  /** Refused by the stream for good (e.g. larger than the stream allows); not retried. */
  rejected: RecordRef[];
  spooledToDisk: number;
  maxBacklog: number;
  outages: Outage[];
  /** The duplicate window of the stream as the server reported it, or null if never seen. */
  duplicateWindowMs: number | null;
  counters: OutboxCounters;
  /** Set by `close({ undeliveredPath })` when it wrote undelivered/rejected records there. */
  undeliveredFile?: string;
}

interface Attempt {
  rec: OutboxRecord;
  /** Set once the publish has been handed to the connection. */
  sentAt?: number;
}

type State = 'open' | 'closing' | 'closed';
type StreamState = 'ok' | 'check-needed' | 'checking';

const MSG_ID_HEADER = 'Nats-Msg-Id';
const encoder = new TextEncoder();

export class JetStreamOutbox {
  private state: State = 'open';
  private connected = true;
  private streamState: StreamState = 'ok';
  /** Bumped on every disconnect and reconnect: answers to older requests are ignored. */
  private generation = 0;
  private readonly queues = new Map<string, Fifo<OutboxRecord>>();
  private readonly ready = new Fifo<string>();
  private readonly readySet = new Set<string>();
  private readonly inFlight = new Map<string, Attempt>();
  private readonly rejectedRecs: OutboxRecord[] = [];
  private readonly checkedSubjects = new Set<string>();
  private readonly spool: SpoolFile;
  private memRecords = 0;
  private memBytes = 0;
  private pausedUntil = 0;
  private failureStreak = 0;
  private pumpQueued = false;
  private timer: NodeJS.Timeout | undefined;
  private currentOutage: Outage | undefined;
  private readonly outages: Outage[] = [];
  private readonly heldBeforeIds: string[] = [];
  private readonly drainWaiters = new Set<() => void>();
  private readonly idleWaiters = new Set<() => void>();
  private closePromise: Promise<OutboxReport> | undefined;
  private finalReport: OutboxReport | undefined;
  /** Set while we close our own connection, so that its end is not taken for an outage. */
  private closingConnection = false;
  private statusIterator: (AsyncIterable<Status> & { stop?: () => void }) | undefined;
  private duplicateWindowMs: number | null = null;
  private readonly c = {
    enqueued: 0,
    delivered: 0,
    duplicates: 0,
    heldBefore: 0,
    recoveredByLookup: 0,
    publishAttempts: 0,
    failedAttempts: 0,
    lookups: 0,
    streamCreations: 0,
    spooledToDisk: 0,
    maxBacklog: 0,
  };

  private constructor(
    private readonly nc: NatsConnection,
    private readonly ownsConnection: boolean,
    private readonly acks: JetStreamAckPublisher,
    private readonly jsm: JetStreamManager,
    private readonly o: ResolvedOutboxOptions,
  ) {
    // When spooled records reach the file they can be read back: let the pump look.
    this.spool = new SpoolFile(o.spoolPath, o.maxSpoolBytes, () => this.kick());
    void this.watchStatus();
    nc.closed().then(() => this.onDisconnect('connection closed'));
  }

  /**
   * Connects (or takes `connection`), makes sure the stream exists and starts the pump. Fails
   * only for things a retry will not fix: no server at the URL, a stream config the server refuses.
   */
  static async open(options: OutboxOptions): Promise<JetStreamOutbox> {
    const o = resolveOutboxOptions(options);
    let nc: NatsConnection;
    if (o.connection) nc = o.connection;
    else {
      try {
        nc = await connect({
          servers: o.servers,
          name: o.connectionName,
          maxReconnectAttempts: -1,
          reconnectTimeWait: o.reconnectTimeWaitMs,
          timeout: o.connectTimeoutMs,
          // Notice a silent peer within ~15 s; a killed server is noticed at once (socket closes).
          pingInterval: 5_000,
          maxPingOut: 3,
          // Each publish otherwise builds two errors with stack traces up front (the request's
          // context and its timeout) in case it fails: ~10 µs per settlement record in a pace
          // run's profile (2 880 records). The outbox reports a failed publish by its message and
          // cause, not by the stack of the call.
          noAsyncTraces: true,
        });
      } catch (err) {
        throw new OutboxConnectError(`cannot connect to NATS at ${String(o.servers)}: ${causeText(err)}`, {
          cause: err,
        });
      }
    }
    const jsm = await jetstreamManager(nc, { checkAPI: false, timeout: o.publishTimeoutMs });
    let outbox: JetStreamOutbox;
    try {
      outbox = new JetStreamOutbox(nc, !o.connection, new JetStreamAckPublisher(nc), jsm, o);
    } catch (err) {
      if (!o.connection) await nc.close().catch(() => undefined);
      throw new OutboxInputError('options.spoolPath', `cannot create ${o.spoolPath}: ${causeText(err)}`, {
        cause: err,
      });
    }
    try {
      await outbox.ensureStream();
    } catch (err) {
      // Asked before the connection closes: which stream is in the way, and how to remove it.
      const overlap = await streamOverlapMessage(jsm, o.stream, err);
      if (overlap) {
        await outbox.close();
        throw new OutboxStreamError(overlap, { cause: err });
      }
      const f = classifyPublishError(err);
      const noJetStream = f.kind === 'retry' && f.checkStream;
      if (f.kind === 'reject' || noJetStream) {
        await outbox.close();
        const why = noJetStream ? 'JetStream is not enabled on the server' : causeText(err);
        throw new OutboxStreamError(`cannot create or read stream ${o.stream.name}: ${why}`, { cause: err });
      }
      // The server went away right after we connected: the pump retries.
      outbox.streamState = 'check-needed';
    }
    return outbox;
  }

  // ---- the caller's side -------------------------------------------------------------------

  /**
   * Takes a record for publication and returns at once. Never waits and never throws because of
   * NATS; throws OutboxInputError for a bad argument, OutboxClosedError after close, and
   * OutboxFullError when the spool file has reached `maxSpoolBytes`.
   */
  enqueue(subject: string, msgId: string, payload: Uint8Array | string): void {
    let bytes: Uint8Array;
    if (typeof payload === 'string') bytes = encoder.encode(payload);
    // A copy: the caller may reuse its buffer (and Buffer#slice would share memory, not copy).
    else if (payload instanceof Uint8Array) bytes = new Uint8Array(payload);
    else throw new OutboxInputError('payload', 'must be a Uint8Array or a string');
    this.admit({ subject, msgId, payload: bytes, attempts: 0 });
  }

  /** Takes a record read back from an undelivered-records file, keeping its retry state. */
  enqueueRecovered(rec: OutboxRecord): void {
    if (!(rec.payload instanceof Uint8Array)) throw new OutboxInputError('payload', 'must be a Uint8Array');
    this.admit({ ...rec });
  }

  /** Waits until every enqueued record is delivered or rejected, or `timeoutMs` has passed. */
  drain(opts: { timeoutMs: number }): Promise<OutboxReport> {
    if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs < 0) {
      throw new OutboxInputError('timeoutMs', `must be a finite number >= 0 (got ${opts.timeoutMs})`);
    }
    if (this.backlog() === 0 || this.state === 'closed') return Promise.resolve(this.report());
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.drainWaiters.delete(done);
        resolve(this.report());
      };
      const timer = setTimeout(done, opts.timeoutMs);
      this.drainWaiters.add(done);
    });
  }

  /**
   * Stops publishing (publishes already sent get up to `publishTimeoutMs` to be acknowledged),
   * closes the connection if the outbox made it, writes the records that are still not delivered
   * (and the rejected ones) to `undeliveredPath` as JSON lines if there are any, and deletes the
   * spool file. Returns the final report.
   */
  close(opts: { undeliveredPath?: string } = {}): Promise<OutboxReport> {
    this.closePromise ??= this.doClose(opts);
    return this.closePromise;
  }

  counters(): OutboxCounters {
    return {
      ...this.c,
      rejected: this.rejectedRecs.length,
      backlog: this.backlog(),
      inFlight: this.inFlight.size,
      memoryRecords: this.memRecords,
      memoryBytes: this.memBytes,
      spoolBytes: this.spool.sizeBytes,
      spoolBufferedBytes: this.spool.bufferedBytes,
      connected: this.connected,
    };
  }

  report(): OutboxReport {
    if (this.finalReport) return this.finalReport;
    const limit = this.o.reportListLimit;
    const undelivered: RecordRef[] = [];
    let truncated = false;
    const add = (rec: OutboxRecord): boolean => {
      if (undelivered.length >= limit) {
        truncated = true;
        return false;
      }
      undelivered.push(refOf(rec));
      return true;
    };
    outer: for (const q of this.queues.values()) {
      for (const rec of q) if (!add(rec)) break outer;
    }
    if (!truncated) for (const rec of this.spool.unreadRecordsInOrder()) if (!add(rec)) break;
    const backlog = this.backlog();
    return {
      complete: backlog === 0,
      enqueued: this.c.enqueued,
      delivered: this.c.delivered,
      duplicates: this.c.duplicates,
      heldBefore: this.c.heldBefore,
      heldBeforeIds: [...this.heldBeforeIds],
      recoveredByLookup: this.c.recoveredByLookup,
      undeliveredCount: backlog,
      undelivered,
      undeliveredListTruncated: truncated || undelivered.length < backlog,
      rejected: this.rejectedRecs.map(refOf),
      spooledToDisk: this.c.spooledToDisk,
      maxBacklog: this.c.maxBacklog,
      outages: this.outages.map((x) => ({ ...x })),
      duplicateWindowMs: this.duplicateWindowMs,
      counters: this.counters(),
    };
  }

  // ---- admission: memory first, spool past the bound ---------------------------------------

  private admit(rec: OutboxRecord): void {
    if (this.state !== 'open') throw new OutboxClosedError('enqueue after close()');
    this.checkSubject(rec.subject);
    if (typeof rec.msgId !== 'string' || rec.msgId === '' || /[\r\n]/.test(rec.msgId)) {
      throw new OutboxInputError(
        'msgId',
        `must be a non-empty string without line breaks (got ${JSON.stringify(rec.msgId)})`,
      );
    }
    const size = recordBytes(rec);
    if (size > this.o.maxMemoryBytes) {
      throw new OutboxInputError(
        'payload',
        `record of ${size} bytes exceeds maxMemoryBytes=${this.o.maxMemoryBytes}`,
      );
    }
    const overflow =
      this.spool.unreadRecords > 0 ||
      this.memRecords + 1 > this.o.maxMemoryRecords ||
      this.memBytes + size > this.o.maxMemoryBytes;
    if (overflow) {
      // Once one record is on disk, later ones follow it there, so that order is kept.
      this.spool.append(rec);
      this.c.spooledToDisk++;
    } else this.pushMemory(rec);
    this.c.enqueued++;
    this.c.maxBacklog = Math.max(this.c.maxBacklog, this.backlog());
    this.kick();
  }

  private checkSubject(subject: string): void {
    if (this.checkedSubjects.has(subject)) return;
    if (!isLiteralSubject(subject)) {
      throw new OutboxInputError(
        'subject',
        `must be a literal NATS subject (got ${JSON.stringify(subject)})`,
      );
    }
    if (!this.o.stream.subjects.some((p) => subjectMatches(p, subject))) {
      throw new OutboxInputError(
        'subject',
        `${subject} is not captured by stream ${this.o.stream.name} (subjects ${this.o.stream.subjects.join(', ')})`,
      );
    }
    this.checkedSubjects.add(subject);
  }

  private pushMemory(rec: OutboxRecord): void {
    let q = this.queues.get(rec.subject);
    if (!q) {
      q = new Fifo<OutboxRecord>();
      this.queues.set(rec.subject, q);
    }
    q.push(rec);
    this.memRecords++;
    this.memBytes += recordBytes(rec);
    this.makeReady(rec.subject);
  }

  /** Moves spooled records back into memory once memory is at most half full. */
  private refill(): void {
    if (this.spool.unreadRecords === 0) return;
    if (this.memRecords * 2 > this.o.maxMemoryRecords || this.memBytes * 2 > this.o.maxMemoryBytes) return;
    const recs = this.spool.read(
      this.o.maxMemoryRecords - this.memRecords,
      this.o.maxMemoryBytes - this.memBytes,
    );
    for (const rec of recs) this.pushMemory(rec);
  }

  private backlog(): number {
    return this.memRecords + this.spool.unreadRecords;
  }

  // ---- the pump ----------------------------------------------------------------------------

  private makeReady(subject: string): void {
    if (this.readySet.has(subject) || this.inFlight.has(subject)) return;
    this.ready.push(subject);
    this.readySet.add(subject);
  }

  /** Schedules one pump turn after the caller's current synchronous work. */
  private kick(): void {
    if (this.pumpQueued || this.state !== 'open') return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.state !== 'open') return;
    this.refill();
    if (!this.connected) return; // the reconnect status resumes
    const now = Date.now();
    if (now < this.pausedUntil) {
      this.armTimer(this.pausedUntil - now);
      return;
    }
    if (this.streamState !== 'ok') {
      if (this.streamState === 'check-needed') void this.checkStream();
      return;
    }
    while (this.inFlight.size < this.o.maxInFlight && this.ready.length > 0) {
      const subject = this.ready.shift() as string;
      this.readySet.delete(subject);
      const head = this.queues.get(subject)?.peek();
      if (head) void this.attempt(subject, head);
    }
  }

  private armTimer(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }

  private async attempt(subject: string, rec: OutboxRecord): Promise<void> {
    const a: Attempt = { rec };
    this.inFlight.set(subject, a);
    try {
      if (rec.unknownSince !== undefined) {
        // An earlier attempt may have been stored. With one publish per subject in flight, only
        // this record can be the subject's last message then; past the duplicate window this
        // look-up is what keeps it from being stored twice.
        this.c.lookups++;
        const last = await this.jsm.streams.getMessage(this.o.stream.name, { last_by_subj: subject });
        if (this.inFlight.get(subject) !== a) return;
        if (last?.header?.get(MSG_ID_HEADER) === rec.msgId) {
          this.settleDelivered(subject, a, { duplicate: true, byLookup: true });
          return;
        }
      }
      a.sentAt = Date.now();
      rec.attempts++;
      this.c.publishAttempts++;
      const ack = await this.acks.publish(subject, rec.payload, rec.msgId, this.o.publishTimeoutMs);
      if (this.inFlight.get(subject) !== a) return; // abandoned on a disconnect; a retry settles it
      this.settleDelivered(subject, a, { duplicate: ack.duplicate, byLookup: false });
    } catch (err) {
      if (this.inFlight.get(subject) !== a) return;
      this.settleFailed(subject, a, err);
    }
  }

  private settleDelivered(subject: string, a: Attempt, how: { duplicate: boolean; byLookup: boolean }): void {
    this.inFlight.delete(subject);
    this.c.delivered++;
    if (how.duplicate) this.c.duplicates++;
    if (how.duplicate && !how.byLookup && a.rec.attempts === 1) {
      this.c.heldBefore++;
      this.heldBeforeIds.push(a.rec.msgId);
    }
    if (how.byLookup) this.c.recoveredByLookup++;
    this.failureStreak = 0;
    this.endOutage();
    this.removeHead(subject, a.rec);
  }

  private settleFailed(subject: string, a: Attempt, err: unknown): void {
    this.inFlight.delete(subject);
    const f = classifyPublishError(err);
    a.rec.lastError = f.message;
    if (f.kind === 'reject' && a.sentAt !== undefined) {
      this.rejectedRecs.push(a.rec);
      this.removeHead(subject, a.rec);
      return;
    }
    if (f.kind === 'retry' && f.outcomeUnknown && a.sentAt !== undefined) a.rec.unknownSince ??= a.sentAt;
    if (f.kind === 'retry' && f.checkStream && this.streamState === 'ok') this.streamState = 'check-needed';
    this.c.failedAttempts++;
    this.beginOutage(f.message);
    this.pause();
    this.makeReady(subject);
    this.kick();
    this.notifyIdle();
  }

  private removeHead(subject: string, rec: OutboxRecord): void {
    const q = this.queues.get(subject);
    if (!q || q.peek() !== rec) throw new Error(`outbox bug: ${rec.msgId} is not the head of ${subject}`);
    q.shift();
    this.memRecords--;
    this.memBytes -= recordBytes(rec);
    if (q.length > 0) this.makeReady(subject);
    else this.queues.delete(subject);
    // Send the subject's next record now rather than on the next loop turn: with one publish per
    // subject in flight, that hop would add to every record's round trip.
    this.pump();
    this.notifyIdle();
    if (this.backlog() === 0) for (const done of [...this.drainWaiters]) done();
  }

  private pause(): void {
    const now = Date.now();
    if (now < this.pausedUntil) return; // one step of backoff per pause, however many failed at once
    const base = Math.min(this.o.backoffMaxMs, this.o.backoffMinMs * 2 ** Math.min(this.failureStreak, 20));
    this.failureStreak++;
    // Jitter so that many outboxes do not retry in lockstep against a recovering server.
    this.pausedUntil = now + Math.round(base * (0.8 + 0.4 * Math.random()));
  }

  // ---- connection and stream ---------------------------------------------------------------

  private async watchStatus(): Promise<void> {
    this.statusIterator = this.nc.status();
    try {
      for await (const s of this.statusIterator) {
        if (s.type === 'disconnect') this.onDisconnect(`disconnected from ${s.server}`);
        else if (s.type === 'reconnect') this.onReconnect();
      }
    } catch {
      // The iterator ends with the connection; `closed()` reports that.
    }
  }

  private onDisconnect(cause: string): void {
    if (!this.connected || this.closingConnection || this.state === 'closed') return;
    this.connected = false;
    this.generation++;
    this.beginOutage(cause);
    this.abandonInFlight('connection lost before the acknowledgement');
  }

  private onReconnect(): void {
    if (this.nc.isClosed() || this.state !== 'open') return;
    this.connected = true;
    this.generation++;
    // The server may have come back without its store: look the stream up before publishing.
    this.streamState = 'check-needed';
    this.pausedUntil = 0;
    this.failureStreak = 0;
    this.kick();
  }

  /** Publishes in flight will never be answered on this connection: their records may be stored. */
  private abandonInFlight(reason: string): void {
    // Their answers are not waited for any more (each attempt sees it was abandoned and stops).
    this.acks.abandonAll(reason);
    for (const [subject, a] of this.inFlight) {
      if (a.sentAt !== undefined) {
        a.rec.unknownSince ??= a.sentAt;
        a.rec.lastError = reason;
      }
      this.inFlight.delete(subject);
      this.makeReady(subject);
    }
    this.notifyIdle();
  }

  private async checkStream(): Promise<void> {
    this.streamState = 'checking';
    const gen = this.generation;
    try {
      await this.ensureStream();
      if (gen !== this.generation) return;
      this.streamState = 'ok';
      this.endOutage();
    } catch (err) {
      if (gen !== this.generation) return;
      this.streamState = 'check-needed';
      this.beginOutage(`stream ${this.o.stream.name} unavailable: ${causeText(err)}`);
      this.pause();
    }
    this.kick();
  }

  private async ensureStream(): Promise<void> {
    let info: Awaited<ReturnType<JetStreamManager['streams']['info']>>;
    try {
      info = await this.jsm.streams.info(this.o.stream.name);
    } catch (err) {
      if (!isNotFound(err, JetStreamApiCodes.StreamNotFound)) throw err;
      info = await this.jsm.streams.add(this.streamConfig());
      this.c.streamCreations++;
    }
    this.duplicateWindowMs = info.config.duplicate_window / 1e6;
  }

  private streamConfig(): Partial<StreamConfig> & { name: string } {
    const s = this.o.stream;
    return {
      ...s.extra,
      name: s.name,
      subjects: s.subjects,
      storage: StorageType.File,
      duplicate_window: nanos(s.duplicateWindowMs),
    };
  }

  // ---- outages and closing -----------------------------------------------------------------

  private beginOutage(cause: string): void {
    if (this.currentOutage) return;
    this.currentOutage = { fromMs: Date.now(), cause };
    this.outages.push(this.currentOutage);
  }

  private endOutage(): void {
    if (!this.currentOutage) return;
    this.currentOutage.toMs = Date.now();
    this.currentOutage = undefined;
  }

  private notifyIdle(): void {
    if (this.inFlight.size === 0) for (const done of [...this.idleWaiters]) done();
  }

  private async doClose(opts: { undeliveredPath?: string }): Promise<OutboxReport> {
    if (this.state === 'open') this.state = 'closing';
    if (this.inFlight.size > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          this.idleWaiters.delete(done);
          resolve();
        };
        const t = setTimeout(done, this.o.publishTimeoutMs + 500);
        this.idleWaiters.add(done);
      });
    }
    this.abandonInFlight('outbox closed before the acknowledgement');
    this.acks.close();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const done of [...this.drainWaiters]) done();
    this.statusIterator?.stop?.();
    if (this.ownsConnection && !this.nc.isClosed()) {
      this.closingConnection = true;
      await this.nc.close().catch(() => undefined);
    }
    const report = this.report();
    this.finalReport = report;
    this.state = 'closed';
    if (opts.undeliveredPath && report.undeliveredCount + report.rejected.length > 0) {
      await writeUndeliveredFile(opts.undeliveredPath, this.leftovers());
      report.undeliveredFile = opts.undeliveredPath;
    }
    await this.spool.remove();
    return report;
  }

  /** Rejected records, then undelivered ones in per-subject order (memory, then spool). */
  private *leftovers(): Generator<UndeliveredEntry> {
    for (const record of this.rejectedRecs) yield { status: 'rejected', record };
    for (const q of this.queues.values()) for (const record of q) yield { status: 'undelivered', record };
    for (const record of this.spool.unreadRecordsInOrder()) yield { status: 'undelivered', record };
  }
}

function refOf(rec: OutboxRecord): RecordRef {
  const ref: RecordRef = {
    subject: rec.subject,
    msgId: rec.msgId,
    attempts: rec.attempts,
    outcomeUnknown: rec.unknownSince !== undefined,
  };
  if (rec.lastError !== undefined) ref.lastError = rec.lastError;
  return ref;
}
