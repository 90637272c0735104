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
 * Records for NATS, in the order the core emitted them. The payloads travel as UTF-8 bytes back to
 * back in one array (the public messages' first, then the settlement records'), as NATS sends them:
 * one copy of one buffer per burst instead of a structured clone of thousands of strings, and no
 * encoding in the thread. Subjects (and msgIds) stay strings: short, and a NATS client takes them so.
 */
export interface RecordBatch {
  kind: 'records';
  /** The subject of each public message. */
  publicSubjects: string[];
  /** Subject and msgId of each settlement record, flat: subject, msgId, subject, msgId, … */
  settlementKeys: string[];
  /** Every payload's bytes, in the order above. */
  payloads: Uint8Array;
  /** Where each payload ends in `payloads`. */
  ends: Uint32Array;
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
