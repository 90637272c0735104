// The tournament runner's side of the work queue: publishes the games still to play (a game's
// Nats-Msg-Id makes a restarted runner's second publication a no-op within the duplicate window)
// and collects results from its durable consumer on the results stream until every game is in.
// The runner's store keeps each game once, whoever played it and however often.
import { createHash } from 'node:crypto';
import { type ConsumerMessages, type JetStreamManager, jetstream } from '@nats-io/jetstream';
import { NatsLink, type NatsOutageError } from '../arena/index.js';
import { FlexArenaError, RunInterruptedError } from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';
import type { TournamentConfig } from './config.js';
import type { GameResult } from './game.js';
import type { GameSpec } from './plan.js';
import type { GameExecutor } from './runner.js';
import {
  ensureResultsConsumer,
  ensureStreams,
  GAMES_STREAM,
  type GameMessage,
  gameMsgId,
  gamesSubject,
  RESULTS_STREAM,
  type ResultMessage,
  WORKERS_CONSUMER,
} from './work-queue.js';
import { connectWorkQueue } from './work-queue-connect.js';

/** How long the runner waits with no worker pulling or playing before it gives up (default). */
export const DEFAULT_WORKER_TIMEOUT_MS = 300_000;
/** How often the runner looks at the workers' consumer. */
const WORKER_CHECK_MS = 1_000;

export class WorkerGameError extends FlexArenaError {
  constructor(
    readonly gameId: string,
    detail: string,
  ) {
    super(
      `game ${gameId} failed on a worker (queued again: the next start of the tournament plays it): ${detail}`,
    );
    this.name = 'WorkerGameError';
  }
}

/**
 * No worker pulled a game or played one for the whole timeout. The games stay in the work queue:
 * start `flexarena worker` and run the tournament again (it resumes), or play it in process.
 */
export class NoWorkerError extends FlexArenaError {
  constructor(
    readonly timeoutMs: number,
    readonly gamesWaiting: number,
    readonly natsUrl: string,
  ) {
    super(
      `no flexarena worker took or played a game for ${timeoutMs / 1000} s ` +
        `(limit: --worker-timeout ${timeoutMs / 1000}); ${gamesWaiting} game(s) wait in the work queue ` +
        `${GAMES_STREAM} on ${natsUrl}. Start \`flexarena worker --nats ${natsUrl}\` and run the ` +
        'tournament again (it resumes), or run it without --nats to play in this process',
    );
    this.name = 'NoWorkerError';
  }
}

/**
 * The tournament's key on NATS: its name and the hash of its validated file and of its folder's id.
 * The folder's id keeps two folders of the same file apart (another --out, or the folder deleted
 * and the tournament started again): under one key the new folder's games were dropped as repeats
 * of the first folder's for the queue's duplicate window, and its runner, whose results consumer
 * had acknowledged every result, waited forever. A folder made before folders had an id keeps the
 * key it had. `seeds` is left out, as from the folder's claim (TournamentStore): a tournament whose
 * seeds were raised is the same tournament, and the games it left queued are its own.
 */
export function tournamentKey(t: TournamentConfig, folderId?: string): string {
  const hashed =
    JSON.stringify({ ...t, seeds: undefined }) + (folderId === undefined ? '' : `\u0000${folderId}`);
  return `${t.name}-${createHash('sha256').update(hashed).digest('hex').slice(0, 12)}`;
}

export interface NatsExecutorOptions {
  natsUrl: string;
  /** Where natsUrl came from, named in a connect error (default `--nats`). */
  natsUrlFrom?: string;
  tournament: TournamentConfig;
  scenarios: readonly RunConfig[];
  log?: (line: string) => void;
  /**
   * Give up with a NoWorkerError when no worker has a pull request waiting or a game in progress
   * for this long (default 300 000 ms; 0 waits forever).
   */
  workerTimeoutMs?: number;
  /** Give up with a NatsOutageError when NATS is away for longer than this (ms; default 300 000). */
  natsOutageLimitMs?: number;
}

export function natsExecutor(o: NatsExecutorOptions): GameExecutor {
  return async (games, done, signal, folderId) => {
    if (games.length === 0) return;
    const tid = tournamentKey(o.tournament, folderId);
    const interrupted = () => new RunInterruptedError(String(signal?.reason));
    if (signal?.aborted) throw interrupted();
    const { nc, jsm } = await connectWorkQueue(o.natsUrl, `flexarena-tournament-${tid}`, o.natsUrlFrom);
    const log = o.log ?? (() => {});
    const link = new NatsLink(nc, {
      natsUrl: o.natsUrl,
      log,
      ...(o.natsOutageLimitMs !== undefined ? { limitMs: o.natsOutageLimitMs } : {}),
    });
    try {
      const durable = await link.retry('creating the work queue', async () => {
        await ensureStreams(jsm);
        return ensureResultsConsumer(jsm, tid);
      });
      const js = jetstream(nc);
      const publish = (spec: GameSpec, afterFailure?: number) => {
        const msg: GameMessage = { tid, tournament: o.tournament, scenarios: [...o.scenarios], spec };
        // A publication repeated after an outage is dropped by its Nats-Msg-Id.
        return link.retry(`publishing game ${spec.id}`, () =>
          js.publish(gamesSubject(tid), JSON.stringify(msg), {
            msgID: gameMsgId(tid, spec.id, afterFailure),
          }),
        );
      };
      for (const spec of games) await publish(spec);
      log(`published ${games.length} game(s) to the work queue as ${tid}`);
      const waiting = new Set(games.map((g) => g.id));
      const consumer = await link.retry('opening the results', () =>
        js.consumers.get(RESULTS_STREAM, durable),
      );
      // The consumer pulls again by itself when NATS is back; results that came in meanwhile wait
      // in the results stream.
      const messages = await consumer.consume({ max_messages: 100 });
      const watchdog = watchWorkers(jsm, link, o, waiting, () => messages.stop());
      let outage: NatsOutageError | undefined;
      link.onFailure((err) => {
        outage = err;
        messages.stop();
      });
      // Ctrl-C stops collecting; the games stay in the work queue and their results in the
      // results stream, for the workers and the next invocation.
      const stop = () => messages.stop();
      signal?.addEventListener('abort', stop);
      if (signal?.aborted) stop();
      // A game that failed on a worker was taken off the queue (terminated): it is queued again
      // under an id of its own before the failure stops the tournament, so that the next start
      // plays it again, as a game that failed in process is (its first id stays taken for the
      // duplicate window, and the restarted runner waited for it forever).
      const byId = new Map(games.map((g) => [g.id, g]));
      const requeue = (gameId: string, failureSeq: number) => publish(byId.get(gameId)!, failureSeq);
      try {
        await collect(messages, waiting, done, requeue);
      } finally {
        watchdog.stop();
        signal?.removeEventListener('abort', stop);
      }
      if (outage) throw outage;
      if (watchdog.failure) throw watchdog.failure;
      if (signal?.aborted) throw interrupted();
      await messages.close().catch(() => undefined);
    } finally {
      link.close();
      // A drain waits for a server that, past the outage limit, is not coming back.
      await (link.failure ? nc.close() : nc.drain()).catch(() => undefined);
    }
  };
}

/**
 * Feeds every result to `done` until no game is waiting. A worker's failure of a waiting game ends
 * the tournament, once `requeue` has queued the game again; one of a game with a result (another
 * worker's delivery of it, or a game finished before a restart) is only acknowledged.
 */
async function collect(
  messages: ConsumerMessages,
  waiting: Set<string>,
  done: (r: GameResult) => void,
  requeue: (gameId: string, failureSeq: number) => Promise<unknown>,
): Promise<void> {
  for await (const m of messages) {
    const r = m.json<ResultMessage>();
    if ('error' in r) {
      if (!waiting.has(r.gameId)) {
        m.ack();
        continue;
      }
      await requeue(r.gameId, m.info.streamSequence);
      m.ack();
      throw new WorkerGameError(r.gameId, r.error);
    }
    // Results of games finished before a restart (already in the store) arrive too.
    done(r.result);
    m.ack();
    waiting.delete(r.result.id);
    if (waiting.size === 0) break;
  }
}

/**
 * Watches the workers' consumer: a worker waiting for a game has a pull request open
 * (`num_waiting`), one playing a game holds it unacknowledged (`num_ack_pending`). When neither
 * is seen for the whole timeout, the runner stops collecting and fails with a NoWorkerError
 * instead of waiting forever on an empty room. Its clock stops while NATS is away: workers
 * cannot be seen then, and they come back with it.
 */
function watchWorkers(
  jsm: JetStreamManager,
  link: NatsLink,
  o: NatsExecutorOptions,
  waiting: Set<string>,
  stopCollecting: () => void,
): { stop: () => void; failure: NoWorkerError | undefined } {
  const timeoutMs = o.workerTimeoutMs ?? DEFAULT_WORKER_TIMEOUT_MS;
  const state: { stop: () => void; failure: NoWorkerError | undefined } = {
    stop: () => {},
    failure: undefined,
  };
  if (timeoutMs === 0) return state;
  let lastSeen = link.upClock();
  let told = false;
  let checking = false;
  const timer = setInterval(
    async () => {
      if (checking || link.away) return;
      checking = true;
      try {
        const info = await jsm.consumers.info(GAMES_STREAM, WORKERS_CONSUMER).catch(() => null);
        const now = link.upClock();
        if (info && (info.num_waiting > 0 || info.num_ack_pending > 0)) {
          lastSeen = now;
          told = false;
          return;
        }
        if (!told && now - lastSeen >= Math.min(10_000, timeoutMs / 2)) {
          told = true;
          o.log?.(`waiting for a flexarena worker on ${o.natsUrl} (${waiting.size} game(s) to play)`);
        }
        if (now - lastSeen >= timeoutMs && !state.failure) {
          state.failure = new NoWorkerError(timeoutMs, waiting.size, o.natsUrl);
          stopCollecting();
        }
      } finally {
        checking = false;
      }
    },
    Math.min(WORKER_CHECK_MS, timeoutMs),
  );
  state.stop = () => clearInterval(timer);
  return state;
}
