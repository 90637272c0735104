// The main thread's handle on the arena's NATS thread (nats-worker.ts). The simulation's clock
// hands it records; it turns them into subjects and JSON payloads and sends them over in bursts —
// at most one message per event-loop turn, or sooner past BURST_BYTES — so the NATS clients'
// work runs on the other core instead of between the simulation's steps. Nothing here waits.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RunEnd, RunManifest, type SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import { FlexArenaError, PROJECT_ROOT, TurnBatch } from '../../lib/index.js';
import { type PublicRecord, type RecordSink, settlementJson } from '../../sim/index.js';
import { bundleProgram } from '../launcher/agent-bundle.js';
import type {
  FromNatsThread,
  NatsThreadConfig,
  NatsThreadReport,
  RecordBatch,
  ThreadError,
  ToNatsThread,
} from './nats-thread-protocol.js';
import { manifestMsgId, runEndMsgId, settlementMsgId, subjects } from './subjects.js';

export type { NatsThreadConfig, NatsThreadReport } from './nats-thread-protocol.js';

let program: Promise<string> | undefined;

/**
 * The thread's program as one JavaScript file (esbuild, as the agent program): through tsx the
 * thread would start its own transpiler and take seconds to start. Bundled once per process.
 */
function natsThreadProgram(): Promise<string> {
  program ??= bundleProgram('nats-thread', join(PROJECT_ROOT, 'arena', 'nats', 'nats-worker.ts'));
  return program;
}

/** Payload bytes (UTF-16 units) gathered before a burst leaves without waiting for the turn. */
export const BURST_BYTES = 256 * 1024;

/**
 * The NATS thread could not do what was asked: connect, create the stream, keep a record (a full
 * spool), or close. `causeName` is the class of the error in the thread (e.g. OutboxConnectError).
 */
export class NatsThreadError extends FlexArenaError {
  constructor(
    message: string,
    readonly causeName: string,
  ) {
    super(message);
  }
}

// The class name stays in causeName: the user's line says what happened, not which class said so.
const fromThread = (what: string, e: ThreadError) => new NatsThreadError(`${what}: ${e.message}`, e.name);

export class NatsThread implements RecordSink {
  private readonly subj;
  private publicSubjects: string[] = [];
  private settlementKeys: string[] = [];
  private readonly publicPayloads = new Utf8Payloads();
  private readonly settlementPayloads = new Utf8Payloads();
  private readonly batch = new TurnBatch(() => this.post(), BURST_BYTES);
  private failure: NatsThreadError | undefined;
  private nextId = 1;
  /** Requests (drain, close) waiting for the thread's answer, by id. */
  private readonly waiting = new Map<
    number,
    { resolve: (m: FromNatsThread) => void; reject: (err: NatsThreadError) => void }
  >();
  private exited = false;
  private closing: Promise<NatsThreadReport> | undefined;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly runId: string,
  ) {
    this.subj = subjects(runId);
    worker.on('message', (m: FromNatsThread) => this.onMessage(m));
    worker.on('error', (err) =>
      this.fail(new NatsThreadError(`NATS thread crashed: ${err.message}`, err.name)),
    );
    worker.on('exit', (code) => {
      this.exited = true;
      // After close() answered, the thread's end is expected; before, records would go nowhere.
      if (!this.closed)
        this.fail(new NatsThreadError(`NATS thread ended (exit code ${code}) before close`, 'exit'));
    });
  }

  /** Starts the thread; resolves once both connections are up and the stream exists. */
  static async open(runId: string, cfg: NatsThreadConfig): Promise<NatsThread> {
    const worker = new Worker(await natsThreadProgram(), {
      workerData: cfg,
      // Plain JavaScript: the parent's flags (tsx's loader, a test runner's) are not its.
      execArgv: [],
    });
    const first = await new Promise<FromNatsThread | Error>((resolve) => {
      worker.once('message', resolve);
      worker.once('error', resolve);
      worker.once('exit', (code) => resolve(new Error(`exited with code ${code} before it opened`)));
    });
    if (first instanceof Error) {
      await worker.terminate();
      throw new NatsThreadError(`cannot start the NATS thread: ${first.message}`, first.name);
    }
    if (first.kind === 'open-failed') {
      await worker.terminate();
      throw fromThread(`cannot open NATS at ${cfg.url}`, first.error);
    }
    return new NatsThread(worker, runId);
  }

  /** Set when the thread refused a record or died: the run's settlement stream is not whole. */
  get failed(): NatsThreadError | undefined {
    return this.failure;
  }

  public(r: PublicRecord): void {
    this.publish(this.subj.tail(r.topic), JSON.stringify(r.codec.toJSON(r.message)));
  }

  manifest(m: RunManifest): void {
    this.settle(this.subj.manifest, manifestMsgId(this.runId), JSON.stringify(RunManifest.toJSON(m)));
  }

  runEnd(e: RunEnd): void {
    this.settle(this.subj.runEnd, runEndMsgId(this.runId), JSON.stringify(RunEnd.toJSON(e)));
  }

  settlement(r: SettlementRecord): void {
    this.settle(this.subj.settlement(r.agentId), settlementMsgId(this.runId, r.seq), settlementJson(r));
  }

  /** Sends what waits now (the end of a run). */
  flush(): void {
    this.batch.now();
  }

  private post(): void {
    if (this.publicSubjects.length === 0 && this.settlementKeys.length === 0) return;
    if (this.exited) return;
    const batch: RecordBatch = {
      kind: 'records',
      publicSubjects: this.publicSubjects,
      settlementKeys: this.settlementKeys,
      ...Utf8Payloads.joined(this.publicPayloads, this.settlementPayloads),
    };
    this.publicSubjects = [];
    this.settlementKeys = [];
    this.publicPayloads.clear();
    this.settlementPayloads.clear();
    // The joined bytes are this burst's alone: handed over, not copied again. (The builders'
    // buffers are written again for the next burst.)
    this.worker.postMessage(batch, [batch.payloads.buffer as ArrayBuffer, batch.ends.buffer as ArrayBuffer]);
  }

  /** Waits until the outbox has delivered everything or `timeoutMs` has passed. */
  async drain(timeoutMs: number): Promise<void> {
    this.flush();
    await this.request((id) => ({ kind: 'drain', id, timeoutMs }));
  }

  /**
   * Stops the thread: the outbox closes (writing what it could not deliver to `undeliveredPath`)
   * and both connections close. Rejects with the thread's failure, if it had one.
   */
  close(undeliveredPath?: string): Promise<NatsThreadReport> {
    this.closing ??= this.doClose(undeliveredPath);
    return this.closing;
  }

  private async doClose(undeliveredPath: string | undefined): Promise<NatsThreadReport> {
    this.flush();
    const answer = await this.request((id) => ({
      kind: 'close',
      id,
      ...(undeliveredPath ? { undeliveredPath } : {}),
    }));
    await this.worker.terminate();
    if (answer.kind === 'close-failed') throw fromThread('closing NATS', answer.error);
    if (answer.kind !== 'closed')
      throw new NatsThreadError(`unexpected answer ${answer.kind} to close`, 'protocol');
    if (this.failure) throw this.failure;
    return answer.report;
  }

  /** Ends the thread whatever it is doing (the run failed); safe to call after close. */
  async terminate(): Promise<void> {
    if (!this.exited) await this.worker.terminate();
  }

  private publish(subject: string, payload: string): void {
    // Public data is best effort: with the thread gone there is nowhere to send it.
    if (this.failure) return;
    this.publicSubjects.push(subject);
    this.publicPayloads.add(payload);
    this.batch.added(payload.length);
  }

  /**
   * A settlement record for the outbox. Once the thread has failed, records can no longer be kept:
   * the error reaches the simulation, as a full outbox did when it ran on this thread.
   */
  private settle(subject: string, msgId: string, payload: string): void {
    if (this.failure) throw this.failure;
    this.settlementKeys.push(subject, msgId);
    this.settlementPayloads.add(payload);
    this.batch.added(payload.length);
  }

  private request(make: (id: number) => ToNatsThread): Promise<FromNatsThread> {
    if (this.exited)
      return Promise.reject(this.failure ?? new NatsThreadError('the NATS thread has ended', 'exit'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage(make(id));
    });
  }

  private onMessage(m: FromNatsThread): void {
    if (m.kind === 'failed') this.fail(fromThread('the NATS thread refused a settlement record', m.error));
    else if (m.kind === 'drained' || m.kind === 'closed' || m.kind === 'close-failed') {
      if (m.kind !== 'drained') this.closed = true;
      const request = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      request?.resolve(m);
    }
  }

  private fail(err: NatsThreadError): void {
    this.failure ??= err;
    // Requests waiting for an answer get the failure rather than hang.
    for (const request of this.waiting.values()) request.reject(err);
    this.waiting.clear();
  }
}

const utf8 = new TextEncoder();

/** Strings as UTF-8 bytes back to back in one reused buffer, with the end of each. */
class Utf8Payloads {
  private bytes = new Uint8Array(256 * 1024);
  private used = 0;
  private ends: number[] = [];

  add(text: string): void {
    // At most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    const room = this.used + 3 * text.length;
    if (room > this.bytes.length) {
      const grown = new Uint8Array(Math.max(room, 2 * this.bytes.length));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    this.used += utf8.encodeInto(text, this.bytes.subarray(this.used)).written;
    this.ends.push(this.used);
  }

  clear(): void {
    this.used = 0;
    this.ends = [];
  }

  /** Both lists' bytes in one array (a's first) and the end of each payload in it. */
  static joined(a: Utf8Payloads, b: Utf8Payloads): { payloads: Uint8Array; ends: Uint32Array } {
    const payloads = new Uint8Array(a.used + b.used);
    payloads.set(a.bytes.subarray(0, a.used));
    payloads.set(b.bytes.subarray(0, b.used), a.used);
    const ends = new Uint32Array(a.ends.length + b.ends.length);
    ends.set(a.ends);
    for (let i = 0; i < b.ends.length; i++) ends[a.ends.length + i] = a.used + b.ends[i]!;
    return { payloads, ends };
  }
}
