// What the dashboard's server and its page agree on: the JSON the page fetches to learn where
// NATS is and which run to show, and the replay player's subjects. The market data itself needs
// no agreement of its own: it is the run's public subjects (proto/flexarena/v1/public.proto) and
// the settlement records of the evaluation contract, exactly as the arena publishes them.
// Imported by the server (Node) and by the page (browser): no Node or DOM types here.
import type { SnapshotTrade } from './web/model/store.js';

export type DashboardMode = 'live' | 'replay';

/** GET /api/config */
export interface DashboardConfig {
  mode: DashboardMode;
  runId: string;
  /** The nats-server's WebSocket listener, e.g. ws://127.0.0.1:41234 */
  wsUrl: string;
  /** Live: read earlier settlement records from this JetStream stream (page opened late). */
  settlementStream?: string;
  /** Replay: where the player starts and ends (virtual ms) and its speed (virtual s per wall s). */
  replay?: {
    startMs: number;
    endMs: number;
    speed: number;
    speeds: number[];
    /** The run was stopped by this signal after its decision point at lastDecisionMs (interrupted.json). */
    interrupted?: { signal: string; lastDecisionMs: number };
  };
}

/** The page has subscribed to the run's subjects (POST /api/ready): a live run may start. */
export const READY_PATH = '/api/ready';
export const CONFIG_PATH = '/api/config';

/** Subjects of the run's public data and settlement records (everything the page reads). */
export const runSubjects = (runId: string) => `flexarena.${runId}.>`;
export const settlementSubjects = (runId: string) => `flexarena.${runId}.settlement.>`;

/** The replay player's own subjects, beside the run's: state (player → page) and control (page → player). */
export const replayStateSubject = (runId: string) => `flexarena-replay.${runId}.state`;
export const replayControlSubject = (runId: string) => `flexarena-replay.${runId}.control`;
/** Published before the player sends a run's history again from its start (after a seek). */
export const replayResetSubject = (runId: string) => `flexarena-replay.${runId}.reset`;

/**
 * After a reset, what the page draws at the new position (DashboardStore.snapshot() as JSON) in
 * `parts` messages of raw text (the reset says how many), instead of the history up to there.
 */
export const replaySnapshotSubject = (runId: string) => `flexarena-replay.${runId}.snapshot`;

/** The reset's payload. */
export interface ReplayReset {
  positionMs: number;
  /** How many snapshot messages follow. */
  parts: number;
}

export interface ReplayState {
  positionMs: number;
  startMs: number;
  endMs: number;
  speed: number;
  playing: boolean;
}

/**
 * `products`: the product the page shows (if the user chose one), whose trades the snapshot after
 * a reset carries besides those of the product the page shows by itself; 'trades' asks for one
 * product's (the user picked it), which come on the trades subject.
 */
export type ReplayControl =
  | { action: 'sync'; products?: string[] }
  | { action: 'play'; products?: string[] }
  | { action: 'pause' }
  | { action: 'speed'; speed: number }
  | { action: 'seek'; positionMs: number; products?: string[] }
  | { action: 'trades'; productId: string };

/** Products a control request may name in `products`. */
export const MAX_CONTROL_PRODUCTS = 8;

/**
 * A product's trades up to what the page has received, which the snapshot after the last reset
 * left out (the page asked with a 'trades' request): they replace what the page holds of them.
 */
export const replayTradesSubject = (runId: string) => `flexarena-replay.${runId}.trades`;

export interface ReplayTrades {
  productId: string;
  trades: SnapshotTrade[];
}

/** The player's answer to a control request. */
export type ReplayControlReply = { ok: true; state: ReplayState } | { ok: false; error: string };
