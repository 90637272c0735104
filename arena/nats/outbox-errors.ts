// Typed errors of the JetStream outbox. None of them is about NATS being down: the outbox absorbs
// outages. They are for misuse (bad arguments, use after close), for a full disk spool, for a
// first connection that cannot be made, and for a spool file that does not read back.
import { FlexArenaError } from '../../lib/index.js';

/** An argument to the outbox is out of its domain; `field` names it and the message the limit. */
export class OutboxInputError extends FlexArenaError {
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
  }
}

/** `enqueue` after `close()`: a bug in the caller. */
export class OutboxClosedError extends FlexArenaError {}

/** The disk spool reached `maxSpoolBytes`; the record was not taken. */
export class OutboxFullError extends FlexArenaError {
  constructor(
    readonly limitBytes: number,
    readonly usedBytes: number,
    readonly recordBytes: number,
  ) {
    super(
      `outbox spool is full: maxSpoolBytes=${limitBytes}, used ${usedBytes} bytes, record needs ${recordBytes} bytes ` +
        '(raise maxSpoolBytes or shorten the run)',
    );
  }
}

/** The first connection to NATS failed (wrong URL, server not there when the outbox opened). */
export class OutboxConnectError extends FlexArenaError {}

/** The outbox could not create or read its stream for a reason that a retry will not fix. */
export class OutboxStreamError extends FlexArenaError {}

/** The spool file does not parse back (a bug, or the file was changed under us). */
export class SpoolCorruptError extends FlexArenaError {}

/** A line of an undelivered-records file is not what `writeUndeliveredFile` writes. */
export class UndeliveredFileError extends FlexArenaError {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}:${line}: ${message}`, options);
  }
}

/**
 * The message of an error from the NATS client for a user's line: String(err) put its class name
 * in front (`ConnectionError: connection refused`), which says nothing to the user.
 */
export const causeText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
