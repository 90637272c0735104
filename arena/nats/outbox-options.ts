// Options of the JetStream outbox, their defaults and their checks.
import type { StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { OutboxInputError } from './outbox-errors.js';

export interface OutboxStreamConfig {
  name: string;
  subjects: string[];
  /**
   * JetStream duplicate window: a second message with the same Nats-Msg-Id within this time of the
   * first is dropped by the server. Default 2 minutes. Only used when the outbox creates the
   * stream; an existing stream keeps its own (the report shows the window in force).
   */
  duplicateWindowMs?: number;
  /** Further settings for a stream the outbox creates (limits, replicas, ...). Storage is always FILE. */
  extra?: Partial<Omit<StreamConfig, 'name' | 'subjects' | 'storage' | 'duplicate_window'>>;
}

export interface OutboxOptions {
  /** NATS server URL(s); the outbox connects itself and reconnects forever. */
  servers?: string | string[];
  /**
   * An existing connection instead of `servers`. The outbox does not close it. It should be made
   * with `maxReconnectAttempts: -1`; once it closes, nothing more is delivered.
   */
  connection?: NatsConnection;
  connectionName?: string;
  stream: OutboxStreamConfig;
  /** Overflow file (created or emptied on open, deleted on close). One outbox per path. */
  spoolPath: string;
  /** Records held in memory before new ones go to the spool. Default 100 000. */
  maxMemoryRecords?: number;
  /** Payload+subject+id bytes held in memory before new records go to the spool. Default 64 MiB. */
  maxMemoryBytes?: number;
  /** Size bound of the spool file; enqueue throws OutboxFullError past it. Default 1 GiB. */
  maxSpoolBytes?: number;
  /** Publishes awaiting their ack at once (never more than one per subject). Default 256. */
  maxInFlight?: number;
  /** How long one publish waits for its ack. Default 2000 ms. */
  publishTimeoutMs?: number;
  /** Pause after a failed publish, doubling per consecutive failure up to `backoffMaxMs`. Default 50. */
  backoffMinMs?: number;
  /** Default 2000 ms. */
  backoffMaxMs?: number;
  /** First connection only. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Pause between reconnect attempts. Default 250 ms. */
  reconnectTimeWaitMs?: number;
  /** At most this many undelivered records are listed in a report (all are in the file). Default 10 000. */
  reportListLimit?: number;
}

export type ResolvedOutboxOptions = Required<
  Omit<OutboxOptions, 'servers' | 'connection' | 'connectionName' | 'stream'>
> & {
  servers: string | string[] | undefined;
  connection: NatsConnection | undefined;
  connectionName: string;
  stream: Required<Omit<OutboxStreamConfig, 'extra'>> & Pick<OutboxStreamConfig, 'extra'>;
};

export const OUTBOX_DEFAULTS = {
  maxMemoryRecords: 100_000,
  maxMemoryBytes: 64 * 1024 * 1024,
  maxSpoolBytes: 1024 * 1024 * 1024,
  maxInFlight: 256,
  publishTimeoutMs: 2_000,
  backoffMinMs: 50,
  backoffMaxMs: 2_000,
  connectTimeoutMs: 5_000,
  reconnectTimeWaitMs: 250,
  reportListLimit: 10_000,
  duplicateWindowMs: 120_000,
} as const;

export function resolveOutboxOptions(o: OutboxOptions): ResolvedOutboxOptions {
  if ((o.servers === undefined) === (o.connection === undefined)) {
    throw new OutboxInputError('options.servers', 'give exactly one of servers and connection');
  }
  if (typeof o.spoolPath !== 'string' || o.spoolPath === '') {
    throw new OutboxInputError('options.spoolPath', 'must be a non-empty path');
  }
  const s = o.stream;
  if (!s || typeof s.name !== 'string' || !/^[^\s.*>/\\]+$/.test(s.name)) {
    throw new OutboxInputError(
      'options.stream.name',
      `must be a stream name without . * > / \\ or spaces (got ${JSON.stringify(s?.name)})`,
    );
  }
  if (!Array.isArray(s.subjects) || s.subjects.length === 0 || s.subjects.some((x) => !isSubjectPattern(x))) {
    throw new OutboxInputError(
      'options.stream.subjects',
      `must be a non-empty list of subjects (got ${JSON.stringify(s.subjects)})`,
    );
  }
  const int = (field: string, v: number | undefined, dflt: number, min = 1): number => {
    if (v === undefined) return dflt;
    if (!Number.isSafeInteger(v) || v < min) {
      throw new OutboxInputError(`options.${field}`, `must be an integer >= ${min} (got ${v})`);
    }
    return v;
  };
  const backoffMinMs = int('backoffMinMs', o.backoffMinMs, OUTBOX_DEFAULTS.backoffMinMs);
  const backoffMaxMs = int(
    'backoffMaxMs',
    o.backoffMaxMs,
    Math.max(backoffMinMs, OUTBOX_DEFAULTS.backoffMaxMs),
  );
  if (backoffMaxMs < backoffMinMs) {
    throw new OutboxInputError(
      'options.backoffMaxMs',
      `must be >= backoffMinMs=${backoffMinMs} (got ${backoffMaxMs})`,
    );
  }
  return {
    servers: o.servers,
    connection: o.connection,
    connectionName: o.connectionName ?? `flexarena-outbox-${s.name}`,
    stream: {
      name: s.name,
      subjects: [...s.subjects],
      duplicateWindowMs: int(
        'stream.duplicateWindowMs',
        s.duplicateWindowMs,
        OUTBOX_DEFAULTS.duplicateWindowMs,
        100,
      ),
      extra: s.extra,
    },
    spoolPath: o.spoolPath,
    maxMemoryRecords: int('maxMemoryRecords', o.maxMemoryRecords, OUTBOX_DEFAULTS.maxMemoryRecords),
    maxMemoryBytes: int('maxMemoryBytes', o.maxMemoryBytes, OUTBOX_DEFAULTS.maxMemoryBytes),
    maxSpoolBytes: int('maxSpoolBytes', o.maxSpoolBytes, OUTBOX_DEFAULTS.maxSpoolBytes),
    maxInFlight: int('maxInFlight', o.maxInFlight, OUTBOX_DEFAULTS.maxInFlight),
    publishTimeoutMs: int('publishTimeoutMs', o.publishTimeoutMs, OUTBOX_DEFAULTS.publishTimeoutMs),
    backoffMinMs,
    backoffMaxMs,
    connectTimeoutMs: int('connectTimeoutMs', o.connectTimeoutMs, OUTBOX_DEFAULTS.connectTimeoutMs),
    reconnectTimeWaitMs: int(
      'reconnectTimeWaitMs',
      o.reconnectTimeWaitMs,
      OUTBOX_DEFAULTS.reconnectTimeWaitMs,
    ),
    reportListLimit: int('reportListLimit', o.reportListLimit, OUTBOX_DEFAULTS.reportListLimit, 0),
  };
}

/** A subject filter as streams take them: dot-separated non-empty tokens, `*` and a final `>` allowed. */
export function isSubjectPattern(x: unknown): x is string {
  if (typeof x !== 'string' || x === '' || /\s/.test(x)) return false;
  const t = x.split('.');
  return t.every(
    (tok, i) => tok !== '' && (tok !== '>' || i === t.length - 1) && (!/[*>]/.test(tok) || tok.length === 1),
  );
}

/** A literal subject (no wildcards) to publish to. */
export function isLiteralSubject(x: unknown): x is string {
  return isSubjectPattern(x) && !/(^|\.)[*>](\.|$)/.test(x);
}

/** Does the literal `subject` fall under the stream filter `pattern`? */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
