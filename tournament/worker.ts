// A tournament worker (`flexarena worker --nats <url>`): pulls games from the work-queue stream one
// at a time, plays each in this process (entrants given as commands play over gRPC as usual),
// publishes the result with the game's Nats-Msg-Id, and only then acknowledges the game. While a
// game runs it tells JetStream it is still working, so a long game is not redelivered; a worker
// that dies stops doing so, and its game goes to another worker after the ack wait. A game played
// twice that way publishes the same message id twice: the results stream keeps one. A NATS outage
// is waited out (arena/nats/nats-retry.ts): the game goes on, its result is published again with the
// same Nats-Msg-Id and its ack repeated until NATS is back, up to --nats-outage-limit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type JsMsg, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { NatsLink } from '../arena/index.js';
import { RunInterruptedError, removeEmptyFolder } from '../lib/index.js';
import { playGame } from './game.js';
import {
  ensureStreams,
  ensureWorkersConsumer,
  failureMsgId,
  GAMES_STREAM,
  type GameMessage,
  type ResultMessage,
  resultMsgId,
  resultsSubject,
  WORKERS_CONSUMER,
} from './work-queue.js';
import { connectWorkQueue } from './work-queue-connect.js';

export interface WorkerOptions {
  natsUrl: string;
  /** Where natsUrl came from, named in a connect error (default `--nats`). */
  natsUrlFrom?: string;
  /** Shown in results (playedBy) and logs. */
  name: string;
  /** Run folders of the games go below this. */
  outDir: string;
  /** The consumer's ack wait when this worker creates it (default 30 000 ms). */
  ackWaitMs?: number;
  /** Stop after this many games (default: run until stopped). */
  maxGames?: number;
  /** Give up with a NatsOutageError when NATS is away for longer than this (ms; default 300 000). */
  natsOutageLimitMs?: number;
  log?: (line: string) => void;
}

/** The JetStream ack subject a delivered message answers to (JsMsg's `reply`, not in its type). */
const replyOf = (m: JsMsg) => (m as unknown as { reply: string }).reply;

export class TournamentWorker {
  private nc?: NatsConnection;
  private link?: NatsLink;
  private readonly stopping = new AbortController();
  /** Whether --out was there before this worker: one it made is removed again once empty. */
  private readonly outExisted: boolean;
  played = 0;

  constructor(private readonly o: WorkerOptions) {
    this.outExisted = existsSync(o.outDir);
  }

  private log(line: string): void {
    (this.o.log ?? ((l: string) => process.stdout.write(`${l}\n`)))(line);
  }

  /** Connects and plays games until stop() or maxGames. */
  async run(): Promise<void> {
    const ackWaitMs = this.o.ackWaitMs ?? 30_000;
    const { nc, jsm } = await connectWorkQueue(
      this.o.natsUrl,
      `flexarena-worker-${this.o.name}`,
      this.o.natsUrlFrom,
    );
    this.nc = nc;
    const link = new NatsLink(nc, {
      natsUrl: this.o.natsUrl,
      log: (l) => this.log(l),
      ...(this.o.natsOutageLimitMs !== undefined ? { limitMs: this.o.natsOutageLimitMs } : {}),
    });
    this.link = link;
    // Past the limit the game in progress is handed back (if NATS returns) and the worker ends.
    link.onFailure((err) => this.stopping.abort(err));
    try {
      const info = await link.retry('creating the work queue', async () => {
        await ensureStreams(jsm);
        await ensureWorkersConsumer(jsm, ackWaitMs);
        return jsm.consumers.info(GAMES_STREAM, WORKERS_CONSUMER);
      });
      const heartbeatMs = Math.max(200, Math.floor((info.config.ack_wait ?? ackWaitMs * 1e6) / 1e6 / 4));
      const js = jetstream(this.nc);
      const consumer = await link.retry('opening the work queue', () =>
        js.consumers.get(GAMES_STREAM, WORKERS_CONSUMER),
      );
      this.log(`worker ${this.o.name}: waiting for games on ${GAMES_STREAM}`);
      while (
        !this.stopping.signal.aborted &&
        (this.o.maxGames === undefined || this.played < this.o.maxGames)
      ) {
        // A pull while NATS is away fails at once: wait for it instead of spinning.
        await link.whileAway().catch(() => undefined);
        if (this.stopping.signal.aborted) break;
        const m = await consumer.next({ expires: 2_000 }).catch(() => null);
        if (!m) continue;
        await this.play(m, heartbeatMs);
      }
      if (link.failure) throw link.failure;
    } finally {
      link.close();
      // A drain waits for a server that, past the outage limit, is not coming back.
      await (link.failure ? this.nc.close() : this.nc.drain()).catch(() => undefined);
    }
  }

  /**
   * Stops the worker: the game in progress is interrupted and handed back to the queue at once
   * (another worker, or this one started again, plays it from its start).
   */
  async stop(reason = 'stop'): Promise<void> {
    this.stopping.abort(reason);
  }

  /**
   * A game's run folder is removed after it (unless keepRuns, or after a failure), which left
   * `<out>/<tid>/runs/` behind empty, and `<out>` itself when the game made it. Another worker
   * sharing --out that makes its run folder there at the same moment is not disturbed: only empty
   * folders go (a folder holding its run folder stays), and the run folder is made with
   * makeFolderAmongRemovers (lib/empty-folder.ts), which makes a parent removed in between again.
   */
  private removeEmptyGameFolders(tid: string): void {
    removeEmptyFolder(join(this.o.outDir, tid, 'runs'));
    removeEmptyFolder(join(this.o.outDir, tid));
    if (!this.outExisted) removeEmptyFolder(this.o.outDir);
  }

  private async play(m: JsMsg, heartbeatMs: number): Promise<void> {
    const js = jetstream(this.nc!);
    const link = this.link!;
    const game = m.json<GameMessage>();
    const { tid, spec } = game;
    if (this.stopping.signal.aborted) {
      m.nak(); // taken while stopping: someone else's
      return;
    }
    this.log(`started ${tid} ${spec.id} delivery ${m.info.deliveryCount}`);
    // While NATS is away a heartbeat cannot arrive; the game goes on, and the heartbeats after
    // its return keep it ours.
    const heartbeat = setInterval(() => {
      if (!link.away) m.working();
    }, heartbeatMs);
    let message: ResultMessage;
    try {
      const result = await playGame(
        {
          tournament: game.tournament,
          scenarios: game.scenarios,
          outDir: join(this.o.outDir, tid),
          playedBy: this.o.name,
          signal: this.stopping.signal,
        },
        spec,
      );
      message = { tid, result };
    } catch (err) {
      if (err instanceof RunInterruptedError) {
        m.nak();
        this.log(`interrupted ${tid} ${spec.id}: handed back to the queue`);
        return;
      }
      message = { tid, gameId: spec.id, error: (err as Error).stack ?? String(err) };
    } finally {
      clearInterval(heartbeat);
      this.removeEmptyGameFolders(tid);
    }
    // Published (and stored: the publish waits for the stream's ack) before the game is
    // acknowledged, so a crash in between replays the game and its result is deduplicated; a
    // publication repeated after an outage is deduplicated the same way.
    const failed = 'error' in message;
    const msgID = failed ? failureMsgId(tid, spec.id, m.info.streamSequence) : resultMsgId(tid, spec.id);
    await link.retry(`publishing the result of ${spec.id}`, () =>
      js.publish(resultsSubject(tid), JSON.stringify(message), { msgID }),
    );
    // The ack (or term) waits for JetStream's confirmation and is repeated until it comes: one
    // lost in an outage would have the game played again after the ack wait.
    await link.retry(`acknowledging ${spec.id}`, () =>
      this.nc!.request(replyOf(m), failed ? '+TERM' : '+ACK', { timeout: 5_000 }),
    );
    if ('error' in message) this.log(`failed ${tid} ${spec.id}: ${message.error.split('\n')[0]}`);
    else this.log(`finished ${tid} ${spec.id} in ${(message.result.wallMs / 1000).toFixed(1)} s`);
    this.played++;
  }
}
