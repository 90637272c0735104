// The JetStream side of tournaments spread over workers (DESIGN.md §7): games go to a work-queue
// stream (each game is delivered to one worker at a time and removed when acknowledged), results
// to a results stream where a repeated result of the same game is dropped by its Nats-Msg-Id.
// Each game message carries everything a worker needs to play it: the validated tournament, its
// scenarios (loaded run configurations) and the game's spec.
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { jetStreamEntityExists } from '../arena/index.js';
import type { RunConfig } from '../sim/index.js';
import type { TournamentConfig } from './config.js';
import type { GameResult } from './game.js';
import type { GameSpec } from './plan.js';

// The subjects live under a root of their own: under `flexarena.` they overlapped the arena's
// settlement stream (`flexarena.*.settlement.>` captures `flexarena.games.settlement…`), and
// JetStream refuses a stream whose subjects overlap another's, so a tournament and a run could not
// share a server (docker-compose.yml's set-up). The streams got new names with the new subjects,
// so that an old stream of the same name is never taken for one of these.
export const GAMES_STREAM = 'FLEXARENA_TOURNAMENT_GAMES';
export const GAMES_SUBJECTS = 'flexarena-tournament.games.>';
export const RESULTS_STREAM = 'FLEXARENA_TOURNAMENT_RESULTS';
export const RESULTS_SUBJECTS = 'flexarena-tournament.results.>';
/** The one consumer every worker pulls from (a work-queue stream allows one per subject). */
export const WORKERS_CONSUMER = 'flexarena-workers';
/** A result published again (a redelivered game played twice) within this window is dropped. */
const DUPLICATE_WINDOW_MS = 24 * 3_600_000;

export interface GameMessage {
  /** The tournament's key: its name and config hash (subject-safe). */
  tid: string;
  tournament: TournamentConfig;
  scenarios: RunConfig[];
  spec: GameSpec;
}

export type ResultMessage =
  | { tid: string; result: GameResult }
  | { tid: string; gameId: string; error: string };

export const gamesSubject = (tid: string) => `flexarena-tournament.games.${tid}`;
export const resultsSubject = (tid: string) => `flexarena-tournament.results.${tid}`;
/**
 * A game's message id; `afterFailure` (the results-stream sequence of a worker's failure) makes
 * the id of the game queued again after that failure, which the first id would have dropped as a
 * repeat for the whole duplicate window.
 */
export const gameMsgId = (tid: string, gameId: string, afterFailure?: number) =>
  `${tid}:${gameId}:game${afterFailure === undefined ? '' : `:after-failure-${afterFailure}`}`;
export const resultMsgId = (tid: string, gameId: string) => `${tid}:${gameId}:result`;
/**
 * A worker's failure of one delivered game message (`gameSeq`: its games-stream sequence, the same
 * for every redelivery of it). Not the result's id: a failure under that id would have the result
 * of the game played again dropped as a repeat of it.
 */
export const failureMsgId = (tid: string, gameId: string, gameSeq: number) =>
  `${tid}:${gameId}:failure-${gameSeq}`;

const hasStream = (jsm: JetStreamManager, name: string) =>
  jetStreamEntityExists(jsm.streams.info(name), JetStreamApiCodes.StreamNotFound);
const hasConsumer = (jsm: JetStreamManager, stream: string, name: string) =>
  jetStreamEntityExists(jsm.consumers.info(stream, name), JetStreamApiCodes.ConsumerNotFound);

/** Creates the two streams where missing (file storage: they outlive a server restart). */
export async function ensureStreams(jsm: JetStreamManager): Promise<void> {
  if (!(await hasStream(jsm, GAMES_STREAM)))
    await jsm.streams.add({
      name: GAMES_STREAM,
      subjects: [GAMES_SUBJECTS],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    });
  if (!(await hasStream(jsm, RESULTS_STREAM)))
    await jsm.streams.add({
      name: RESULTS_STREAM,
      subjects: [RESULTS_SUBJECTS],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    });
}

/**
 * The workers' pull consumer, created where missing. A game not acknowledged within `ackWaitMs`
 * (its worker died; a live worker signals progress with msg.working()) is delivered again.
 */
export async function ensureWorkersConsumer(jsm: JetStreamManager, ackWaitMs: number): Promise<void> {
  if (!(await hasConsumer(jsm, GAMES_STREAM, WORKERS_CONSUMER)))
    await jsm.consumers.add(GAMES_STREAM, {
      durable_name: WORKERS_CONSUMER,
      filter_subject: GAMES_SUBJECTS,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ackWaitMs),
      max_ack_pending: 10_000,
    });
}

/** The runner's durable consumer of its own tournament's results (a restarted runner resumes it). */
export async function ensureResultsConsumer(jsm: JetStreamManager, tid: string): Promise<string> {
  const durable = `runner-${tid}`;
  if (!(await hasConsumer(jsm, RESULTS_STREAM, durable)))
    await jsm.consumers.add(RESULTS_STREAM, {
      durable_name: durable,
      filter_subject: resultsSubject(tid),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(30_000),
    });
  return durable;
}
