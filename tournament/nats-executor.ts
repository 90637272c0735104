// The tournament runner's side of the work queue: publishes the games still to play (a game's
// Nats-Msg-Id makes a restarted runner's second publication a no-op within the duplicate window)
// and collects results from its durable consumer on the results stream until every game is in.
// The runner's store keeps each game once, whoever played it and however often.
import { createHash } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { FlexArenaError } from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';
import type { TournamentConfig } from './config.js';
import type { GameExecutor } from './runner.js';
import {
  ensureResultsConsumer,
  ensureStreams,
  type GameMessage,
  gameMsgId,
  gamesSubject,
  RESULTS_STREAM,
  type ResultMessage,
} from './work-queue.js';

export class WorkerGameError extends FlexArenaError {
  constructor(
    readonly gameId: string,
    detail: string,
  ) {
    super(`game ${gameId} failed on a worker: ${detail}`);
    this.name = 'WorkerGameError';
  }
}

/** The tournament's key on NATS: its name and the hash of its validated file. */
export function tournamentKey(t: TournamentConfig): string {
  return `${t.name}-${createHash('sha256').update(JSON.stringify(t)).digest('hex').slice(0, 12)}`;
}

export interface NatsExecutorOptions {
  natsUrl: string;
  tournament: TournamentConfig;
  scenarios: readonly RunConfig[];
  log?: (line: string) => void;
}

export function natsExecutor(o: NatsExecutorOptions): GameExecutor {
  const tid = tournamentKey(o.tournament);
  return async (games, done) => {
    if (games.length === 0) return;
    const nc = await connect({
      servers: o.natsUrl,
      name: `flexarena-tournament-${tid}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    try {
      const jsm = await jetstreamManager(nc);
      await ensureStreams(jsm);
      const durable = await ensureResultsConsumer(jsm, tid);
      const js = jetstream(nc);
      for (const spec of games) {
        const msg: GameMessage = { tid, tournament: o.tournament, scenarios: [...o.scenarios], spec };
        await js.publish(gamesSubject(tid), JSON.stringify(msg), { msgID: gameMsgId(tid, spec.id) });
      }
      o.log?.(`published ${games.length} game(s) to the work queue as ${tid}`);
      const waiting = new Set(games.map((g) => g.id));
      const consumer = await js.consumers.get(RESULTS_STREAM, durable);
      const messages = await consumer.consume({ max_messages: 100 });
      for await (const m of messages) {
        const r = m.json<ResultMessage>();
        if ('error' in r) {
          m.ack();
          throw new WorkerGameError(r.gameId, r.error);
        }
        // Results of games finished before a restart (already in the store) arrive too.
        done(r.result);
        m.ack();
        waiting.delete(r.result.id);
        if (waiting.size === 0) break;
      }
      await messages.close().catch(() => undefined);
    } finally {
      await nc.drain().catch(() => undefined);
    }
  };
}
