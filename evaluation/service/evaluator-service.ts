// The evaluation service as its own process: a durable JetStream consumer of the settlement
// stream (manifests, records, end messages of every run), one RunScorer per run, a journal that
// makes restarts lossless, scores.json into the run folder when a run is complete, and a small
// HTTP endpoint while it runs.
//
// Exactly-once counting: a message is journalled before it is acknowledged. A crash before the
// journal write → JetStream redelivers it; after the write but before the ack → it is redelivered
// and recognised by its seq. Either way each record counts once.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AckPolicy,
  type Consumer,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import {
  isJetStreamNotEnabled,
  jetStreamEntityExists,
  NatsLink,
  NatsLinkClosedError,
  SETTLEMENT_STREAM,
  SETTLEMENT_SUBJECTS,
} from '../../arena/index.js';
import { RunEnd, RunManifest, SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import { FlexArenaError } from '../../lib/index.js';
import type { BoundSolver } from '../bound/pop.js';
import { writeScores } from '../run-folder.js';
import { type AddResult, RunScorer } from '../run-scorer.js';
import type { RunScores } from '../scores.js';
import { HttpEndpoint, type RunStatus } from './http-endpoint.js';
import { Journal, type JournalKind } from './journal.js';

export interface EvaluatorOptions {
  natsUrl: string;
  /**
   * Where natsUrl came from, for the connect errors (`--nats`, `FLEXARENA_NATS_URL`, the default:
   * cli/nats-options.ts natsUrlSource); none: the URL alone.
   */
  natsUrlFrom?: string;
  /** Parent folder of the run folders: scores go to <runsDir>/<run-id>/scores.json. */
  runsDir: string;
  /** The journal's folder (default <runsDir>/.evaluator). */
  stateDir?: string;
  durableName?: string;
  httpHost?: string;
  /** 0: any free port. undefined: no endpoint. */
  httpPort?: number;
  solver?: BoundSolver;
  log?: (line: string) => void;
  /** Redelivery of unacknowledged messages, ms (default 30 000). */
  ackWaitMs?: number;
  /** How long to wait for the settlement stream to exist, ms (the arena creates it). */
  streamWaitMs?: number;
}

/** The evaluator cannot reach its NATS server, or the settlement stream never appears there. */
export class EvaluatorConnectError extends FlexArenaError {}

interface RunState {
  scorer: RunScorer;
  final?: RunScores;
  scoresFile?: string;
}

/**
 * A server without JetStream answers no one on its API: that is not an outage to wait out. (No
 * cause: the link would see the no-responders error in it and retry.)
 */
function noJetStream(err: unknown, natsAt: string): never {
  if (isJetStreamNotEnabled(err))
    throw new EvaluatorConnectError(`NATS at ${natsAt} has no JetStream: start nats-server with -js`);
  throw err;
}

/** A message that could not be journalled comes again after this (ms). */
const JOURNAL_RETRY_MS = 5_000;

const SUBJECT = /^flexarena\.([a-z0-9][a-z0-9-]*)\.settlement\.(.+)$/;

export class EvaluatorService {
  private readonly runs = new Map<string, RunState>();
  private readonly journal: Journal;
  private readonly log: (line: string) => void;
  private nc: NatsConnection | undefined;
  private link: NatsLink | undefined;
  private jsm: JetStreamManager | undefined;
  private messages: ConsumerMessages | undefined;
  private endpoint: HttpEndpoint | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  readonly counters = { messages: 0, added: 0, duplicates: 0, conflicts: 0, rejected: 0 };
  httpPort: number | undefined;

  constructor(private readonly o: EvaluatorOptions) {
    this.journal = new Journal(o.stateDir ?? join(o.runsDir, '.evaluator'));
    this.log = o.log ?? ((l) => process.stderr.write(`${l}\n`));
  }

  /**
   * Reaches NATS, then replays the journal and starts the endpoint, then consumes until stop().
   * NATS first: an evaluator that cannot reach it said its HTTP endpoint was up, then failed.
   */
  async start(): Promise<void> {
    await this.reach();
    await this.open();
    await this.follow();
  }

  /** The journal read back and the HTTP endpoint up: scores of journalled runs are served. */
  async open(): Promise<void> {
    this.replay();
    if (this.o.httpPort !== undefined) {
      this.endpoint = new HttpEndpoint({
        health: () => ({ status: 'ok', runs: this.runs.size, ...this.counters }),
        runs: () => this.statuses(),
        scores: (runId) => this.scoresOf(runId),
      });
      this.httpPort = await this.endpoint.listen(this.o.httpHost ?? '127.0.0.1', this.o.httpPort);
    }
  }

  /** The URL and, when known, where it came from: a user who set nothing looks for a --nats. */
  private natsAt(): string {
    return this.o.natsUrlFrom ? `${this.o.natsUrl} (${this.o.natsUrlFrom})` : this.o.natsUrl;
  }

  /** Reaches NATS, waits for the settlement stream, then consumes it through the durable consumer. */
  async connect(): Promise<void> {
    await this.reach();
    await this.follow();
  }

  /**
   * Connects to NATS and its JetStream: a wrong URL, a server that is not running or one without
   * JetStream is an EvaluatorConnectError, before anything is said to be listening.
   */
  async reach(): Promise<void> {
    try {
      this.nc = await connect({
        servers: this.o.natsUrl,
        name: 'flexarena-evaluator',
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
      });
    } catch (err) {
      // Only the first connection can fail like this (later outages are reconnected): a wrong
      // --nats or a server that is not running, which the operator has to fix.
      throw new EvaluatorConnectError(
        `cannot connect to NATS at ${this.natsAt()}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    // Says when NATS goes and comes back; the service waits for it however long it takes. The
    // consumer below pulls again by itself once NATS is back (same store: same durable consumer),
    // and a message redelivered after the outage is recognised by its seq.
    this.link = new NatsLink(this.nc, {
      natsUrl: this.o.natsUrl,
      limitMs: Number.POSITIVE_INFINITY,
      log: (l) => this.log(`evaluator: ${l}`),
    });
    const nc = this.nc;
    this.jsm = await this.startupStep('reaching JetStream', () =>
      jetstreamManager(nc).catch((e) => noJetStream(e, this.natsAt())),
    );
  }

  /** After reach(): waits for the settlement stream, then consumes it until stop(). */
  async follow(): Promise<void> {
    const messages = await this.openFeed(this.o.streamWaitMs ?? 600_000);
    this.loop = this.consume(messages);
  }

  /**
   * Waits for the settlement stream, makes the durable consumer when it is missing and pulls from
   * it. The pull ends when the stream or the consumer disappears (abort_on_missing_resource):
   * without that, it would pull on from a consumer that no longer exists and never score again.
   */
  private async openFeed(streamWaitMs: number): Promise<ConsumerMessages> {
    const jsm = this.jsm!;
    await this.waitForStream(jsm, streamWaitMs);
    const durable = this.o.durableName ?? 'flexarena-evaluator';
    await this.ensureConsumer(jsm, durable);
    const consumer: Consumer = await this.startupStep(`opening the consumer ${durable}`, () =>
      jetstream(this.nc!).consumers.get(SETTLEMENT_STREAM, durable),
    );
    this.messages = await consumer.consume({ max_messages: 1_000, abort_on_missing_resource: true });
    return this.messages;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.messages?.close().catch(() => undefined);
    // Before waiting for the loop: a feed being opened again may be retrying through the link.
    this.link?.close();
    await this.loop?.catch(() => undefined);
    await this.nc?.close().catch(() => undefined);
    await this.endpoint?.close();
  }

  statuses(): RunStatus[] {
    return [...this.runs.values()].map(({ scorer, scoresFile }) => ({
      runId: scorer.runId,
      records: scorer.recordCount,
      expectedRecords: scorer.expectedRecords ?? null,
      hasManifest: scorer.hasManifest,
      complete: scorer.complete,
      duplicates: scorer.duplicates,
      conflicts: scorer.conflicts,
      scoresFile: scoresFile ?? null,
    }));
  }

  /** Final scores of a complete run; provisional ones (no PoP yet) otherwise. */
  scoresOf(runId: string): RunScores | undefined {
    const st = this.runs.get(runId);
    if (!st) return undefined;
    return st.final ?? st.scorer.scores(this.o.solver ? { solver: this.o.solver } : {});
  }

  /**
   * Only "not found" means the stream is not there yet. A request NATS did not answer (a timeout
   * while it is away) is retried through the link; any other error is one clear line.
   */
  private async waitForStream(jsm: JetStreamManager, waitMs: number): Promise<void> {
    const until = Date.now() + waitMs;
    let told = false;
    for (;;) {
      if (this.stopping) throw new NatsLinkClosedError(`waiting for the stream ${SETTLEMENT_STREAM}`);
      const found = await this.startupStep(`looking up the stream ${SETTLEMENT_STREAM}`, () =>
        jetStreamEntityExists(jsm.streams.info(SETTLEMENT_STREAM), JetStreamApiCodes.StreamNotFound),
      );
      if (found) return;
      if (Date.now() > until)
        throw new EvaluatorConnectError(
          `the stream ${SETTLEMENT_STREAM} did not appear on ${this.o.natsUrl} within ${waitMs} ms (an arena creates it)`,
        );
      if (!told) this.log(`waiting for the stream ${SETTLEMENT_STREAM} (an arena creates it)…`);
      told = true;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * The durable consumer, made when it does not exist. Only "not found" means that: a look-up
   * that timed out made one anew (or failed making it over one of other settings, a crash).
   */
  private async ensureConsumer(jsm: JetStreamManager, durable: string): Promise<void> {
    const found = await this.startupStep(`looking up the consumer ${durable}`, () =>
      jetStreamEntityExists(
        jsm.consumers.info(SETTLEMENT_STREAM, durable),
        JetStreamApiCodes.ConsumerNotFound,
      ),
    );
    if (found) return;
    await this.startupStep(`creating the consumer ${durable}`, () =>
      jsm.consumers.add(SETTLEMENT_STREAM, {
        durable_name: durable,
        filter_subject: SETTLEMENT_SUBJECTS,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        // A message delivered to an evaluator that died unacknowledged comes again after this.
        ack_wait: nanos(this.o.ackWaitMs ?? 30_000),
        max_ack_pending: 20_000,
      }),
    );
  }

  /**
   * A JetStream request at start-up: retried through the link while NATS does not answer (it
   * waits however long it takes, as the feed does); any other failure is an EvaluatorConnectError
   * naming the server and the step.
   */
  private async startupStep<T>(doing: string, op: () => Promise<T>): Promise<T> {
    try {
      return await this.link!.retry(doing, op);
    } catch (err) {
      if (err instanceof FlexArenaError) throw err;
      throw new EvaluatorConnectError(
        `NATS at ${this.o.natsUrl} refused ${doing}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  private state(runId: string): RunState {
    let st = this.runs.get(runId);
    if (!st) {
      st = { scorer: new RunScorer(runId) };
      this.runs.set(runId, st);
    }
    return st;
  }

  private apply(runId: string, kind: JournalKind, data: unknown): AddResult {
    const { scorer } = this.state(runId);
    if (kind === 'manifest') return scorer.addManifest(RunManifest.fromJSON(data));
    if (kind === 'end') return scorer.addEnd(RunEnd.fromJSON(data));
    return scorer.add(SettlementRecord.fromJSON(data));
  }

  private replay(): void {
    let entries = 0;
    for (const runId of this.journal.runs()) {
      for (const e of this.journal.read(runId)) {
        this.apply(runId, e.kind, e.data);
        entries++;
      }
      this.writeIfComplete(runId, { rewrite: false });
    }
    if (entries > 0)
      this.log(`evaluator: replayed ${entries} journalled messages of ${this.runs.size} run(s)`);
  }

  /**
   * Scores what the feed delivers until stop(). A feed that ends otherwise lost its stream or its
   * consumer (the stream deleted, nats-server back without its store): the service says so, waits
   * for the stream (the next arena makes it), makes its consumer again and goes on. Messages seen
   * before are recognised by their seq, as after a restart.
   */
  private async consume(first: ConsumerMessages): Promise<void> {
    let messages = first;
    for (;;) {
      let why = 'the consumer ended';
      try {
        for await (const m of messages) {
          this.handle(m);
          if (this.stopping) return;
        }
      } catch (err) {
        why = (err as Error).message;
      }
      if (this.stopping) return;
      this.log(
        `evaluator: the settlement feed is gone (${why}); waiting for the stream ${SETTLEMENT_STREAM} on ${this.o.natsUrl} to make the consumer again`,
      );
      messages = await this.reopenFeed();
      if (this.stopping) {
        await messages.close().catch(() => undefined);
        return;
      }
      this.log('evaluator: the settlement feed is back: consuming settlement records');
    }
  }

  /** openFeed until it succeeds or the service stops; a refusal is said and tried again. */
  private async reopenFeed(): Promise<ConsumerMessages> {
    for (;;) {
      try {
        return await this.openFeed(Number.POSITIVE_INFINITY);
      } catch (err) {
        if (this.stopping) throw err;
        this.log(`evaluator: ${(err as Error).message}; trying again in 5 s`);
        await new Promise((r) => setTimeout(r, 5_000));
      }
    }
  }

  private handle(m: JsMsg): void {
    this.counters.messages++;
    const match = SUBJECT.exec(m.subject);
    let kind: JournalKind = 'record';
    let data: unknown;
    let added: string | undefined;
    try {
      if (!match) throw new Error(`subject ${m.subject} is not flexarena.<run>.settlement.<agent>`);
      kind = match[2] === '_manifest' ? 'manifest' : match[2] === '_end' ? 'end' : 'record';
      data = JSON.parse(new TextDecoder().decode(m.data));
      const runId = match[1]!;
      const result = this.apply(runId, kind, data);
      if (result === 'added') {
        if (!this.journalled(m, runId, kind, data)) return;
        this.counters.added++;
        added = runId;
      } else if (result === 'duplicate') this.counters.duplicates++;
      else {
        this.counters.conflicts++;
        this.log(
          `evaluator: ${m.subject} seq ${m.info.streamSequence}: a different record under a seq already scored; the first one counts`,
        );
      }
      m.ack();
    } catch (err) {
      // A message that can never be scored is not redelivered forever.
      this.counters.rejected++;
      this.log(`evaluator: rejected ${m.subject}: ${(err as Error).message}`);
      m.term();
      return;
    }
    // The message is journalled and acknowledged; writing the run's scores is another matter: a
    // folder that cannot be written must not make the run's last message count as unscorable.
    if (added !== undefined) this.writeIfComplete(added, { rewrite: true });
  }

  /**
   * Journals a message just added. One that cannot be journalled (a full disk, the state folder
   * gone) is taken back and not acknowledged, so JetStream delivers it again: acknowledged without
   * a journal entry it would be lost at the next start, and terminated as unscorable (as it was)
   * it was never delivered again.
   */
  private journalled(m: JsMsg, runId: string, kind: JournalKind, data: unknown): boolean {
    try {
      this.journal.append(runId, { kind, data });
      return true;
    } catch (err) {
      const { scorer } = this.state(runId);
      scorer.forget(kind, kind === 'record' ? SettlementRecord.fromJSON(data).seq : 0);
      this.log(
        `evaluator: cannot journal ${m.subject} in ${this.journal.dir} (--state-dir): ${(err as Error).message}; not acknowledged, JetStream delivers it again`,
      );
      m.nak(JOURNAL_RETRY_MS);
      return false;
    }
  }

  private writeIfComplete(runId: string, o: { rewrite: boolean }): void {
    try {
      this.finishIfComplete(runId, o);
    } catch (err) {
      this.log(
        `evaluator: run ${runId} is complete but its scores cannot be written to ${join(this.o.runsDir, runId)} ` +
          `(--runs-dir): ${(err as Error).message}; GET /runs/${runId} serves them, and the next start writes them`,
      );
    }
  }

  /** Why the run folder `dir` holds another run than `scorer`'s, or undefined when it does not. */
  private otherRunInFolder(dir: string, scorer: RunScorer): string | undefined {
    const path = join(dir, 'run-manifest.json');
    if (!existsSync(path) || !scorer.scoredManifest) return undefined;
    const inFolder = RunManifest.toJSON(RunManifest.fromJSON(JSON.parse(readFileSync(path, 'utf8'))));
    if (JSON.stringify(inFolder) === JSON.stringify(RunManifest.toJSON(scorer.scoredManifest)))
      return undefined;
    return `${path} is of another run with that id (seed ${String((inFolder as { seed?: unknown }).seed ?? '?')}, scored: seed ${scorer.scoredManifest.seed})`;
  }

  private finishIfComplete(runId: string, o: { rewrite: boolean }): void {
    const st = this.runs.get(runId)!;
    if (st.final || !st.scorer.complete) return;
    st.final = st.scorer.scores(this.o.solver ? { solver: this.o.solver } : {});
    const dir = join(this.o.runsDir, runId);
    const file = join(dir, 'scores.json');
    // A run id used again replaces the run's folder; this evaluator may hold the earlier run (its
    // journal, or JetStream dropping the rerun's records as duplicates of the same message ids).
    // Its scores are not written over the folder of another run: the folder's manifest must be
    // the one scored. (`flexarena report` checks scores.json against the folder's records too.)
    const other = this.otherRunInFolder(dir, st.scorer);
    if (other) {
      this.log(
        `evaluator: run ${runId} is complete, but ${other}: its scores are not written there (GET /runs/${runId} serves them; flexarena evaluate --run-dir scores the folder)`,
      );
      return;
    }
    if (!o.rewrite && existsSync(file)) {
      st.scoresFile = file;
      return;
    }
    mkdirSync(dir, { recursive: true });
    writeScores(dir, st.final);
    st.scoresFile = file;
    // Machine-readable line for tools and tests.
    process.stdout.write(`FLEXARENA_SCORES ${runId} ${file}\n`);
    this.log(`evaluator: run ${runId} complete (${st.scorer.recordCount} records); scores in ${file}`);
  }
}
