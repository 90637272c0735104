// The messages between the arena's main thread and its NATS thread (nats-thread.ts ↔
// nats-worker.ts). Plain data only: they cross the thread boundary by structured clone.
import type { OutboxReport, OutboxStreamConfig } from './jetstream-outbox.js';

/** What the NATS thread is started with (its workerData). */
export interface NatsThreadConfig {
  url: string;
  /** Connection names, so that `nats-server`'s monitoring shows whose they are. */
  publicConnectionName: string;
  settlementConnectionName: string;
  stream: OutboxStreamConfig;
  spoolPath: string;
}

/**
 * Records for NATS, in the order the core emitted them. Flat arrays (subject, payload, … and
 * subject, msgId, payload, …): one structured clone of a few strings per burst, no object each.
 */
export interface RecordBatch {
  kind: 'records';
  publicMessages: string[];
  settlements: string[];
}

export type ToNatsThread =
  | RecordBatch
  | { kind: 'drain'; id: number; timeoutMs: number }
  | { kind: 'close'; id: number; undeliveredPath?: string };

/** What the public feed and the settlement outbox did, when the thread closes. */
export interface NatsThreadReport {
  outbox: OutboxReport;
  /** Public messages handed to a connected client, or held while away and sent on its return. */
  publicPublished: number;
  /** Public messages refused by the client, beyond the bound while away, or still held. */
  publicDropped: number;
}

/** An error as it crosses the boundary: its class name (to rebuild a typed error) and message. */
export interface ThreadError {
  name: string;
  message: string;
}

export type FromNatsThread =
  | { kind: 'opened' }
  | { kind: 'open-failed'; error: ThreadError }
  | { kind: 'drained'; id: number }
  | { kind: 'closed'; id: number; report: NatsThreadReport }
  | { kind: 'close-failed'; id: number; error: ThreadError }
  /** A record the outbox refused (a full spool): the run must not go on as if it were kept. */
  | { kind: 'failed'; error: ThreadError };
