// A tournament worker (`flexarena worker --nats <url>`): pulls games from the work-queue stream one
// at a time, plays each in this process (entrants given as commands play over gRPC as usual),
// publishes the result with the game's Nats-Msg-Id, and only then acknowledges the game. While a
// game runs it tells JetStream it is still working, so a long game is not redelivered; a worker
// that dies stops doing so, and its game goes to another worker after the ack wait. A game played
// twice that way publishes the same message id twice: the results stream keeps one.
import { join } from 'node:path';
import { type JsMsg, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { RunInterruptedError } from '../lib/index.js';
import { playGame } from './game.js';
import {
  ensureStreams,
  ensureWorkersConsumer,
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
  /** Shown in results (playedBy) and logs. */
  name: string;
  /** Run folders of the games go below this. */
  outDir: string;
  /** The consumer's ack wait when this worker creates it (default 30 000 ms). */
  ackWaitMs?: number;
  /** Stop after this many games (default: run until stopped). */
  maxGames?: number;
  log?: (line: string) => void;
}

export class TournamentWorker {
  private nc?: NatsConnection;
  private readonly stopping = new AbortController();
  played = 0;

  constructor(private readonly o: WorkerOptions) {}

  private log(line: string): void {
    (this.o.log ?? ((l: string) => process.stdout.write(`${l}\n`)))(line);
  }

  /** Connects and plays games until stop() or maxGames. */
  async run(): Promise<void> {
    const ackWaitMs = this.o.ackWaitMs ?? 30_000;
    const { nc, jsm } = await connectWorkQueue(this.o.natsUrl, `flexarena-worker-${this.o.name}`);
    this.nc = nc;
    await ensureStreams(jsm);
    await ensureWorkersConsumer(jsm, ackWaitMs);
    const info = await jsm.consumers.info(GAMES_STREAM, WORKERS_CONSUMER);
    const heartbeatMs = Math.max(200, Math.floor((info.config.ack_wait ?? ackWaitMs * 1e6) / 1e6 / 4));
    const js = jetstream(this.nc);
    const consumer = await js.consumers.get(GAMES_STREAM, WORKERS_CONSUMER);
    this.log(`worker ${this.o.name}: waiting for games on ${GAMES_STREAM}`);
    while (
      !this.stopping.signal.aborted &&
      (this.o.maxGames === undefined || this.played < this.o.maxGames)
    ) {
      const m = await consumer.next({ expires: 2_000 }).catch(() => null);
      if (!m) continue;
      await this.play(m, heartbeatMs);
    }
    await this.nc.drain().catch(() => undefined);
  }

  /**
   * Stops the worker: the game in progress is interrupted and handed back to the queue at once
   * (another worker, or this one started again, plays it from its start).
   */
  async stop(reason = 'stop'): Promise<void> {
    this.stopping.abort(reason);
  }

  private async play(m: JsMsg, heartbeatMs: number): Promise<void> {
    const js = jetstream(this.nc!);
    const game = m.json<GameMessage>();
    const { tid, spec } = game;
    if (this.stopping.signal.aborted) {
      m.nak(); // taken while stopping: someone else's
      return;
    }
    this.log(`started ${tid} ${spec.id} delivery ${m.info.deliveryCount}`);
    const heartbeat = setInterval(() => m.working(), heartbeatMs);
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
    }
    // Published (and stored: the publish waits for the stream's ack) before the game is
    // acknowledged, so a crash in between replays the game and its result is deduplicated.
    await js.publish(resultsSubject(tid), JSON.stringify(message), { msgID: resultMsgId(tid, spec.id) });
    if ('error' in message) {
      m.term();
      this.log(`failed ${tid} ${spec.id}: ${message.error.split('\n')[0]}`);
    } else {
      await m.ackAck();
      this.log(`finished ${tid} ${spec.id} in ${(message.result.wallMs / 1000).toFixed(1)} s`);
    }
    this.played++;
  }
}
