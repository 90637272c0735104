// What a failed JetStream publish means for the record: try again later, and whether the server
// may hold it already (then the next attempt first asks the stream), or give it up for good.
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import {
  InvalidArgumentError,
  InvalidSubjectError,
  NoRespondersError,
  PermissionViolationError,
  RequestError,
} from '@nats-io/transport-node';
import { causeText } from './outbox-errors.js';

export type PublishFailure =
  | {
      kind: 'retry';
      /** The message may have been stored (sent, no answer). */
      outcomeUnknown: boolean;
      /** The stream may be missing: look it up (and create it) before the next attempt. */
      checkStream: boolean;
      message: string;
    }
  | { kind: 'reject'; message: string };

export function classifyPublishError(err: unknown): PublishFailure {
  const message = describe(err);
  if (err instanceof JetStreamApiError) {
    // The server answered with an error: the message was not stored.
    if (err.code === JetStreamApiCodes.StreamNotFound) {
      return { kind: 'retry', outcomeUnknown: false, checkStream: true, message };
    }
    // 4xx: the request itself is wrong (message too large for the stream, ...); retrying repeats it.
    if (err.status >= 400 && err.status < 500) return { kind: 'reject', message };
    return { kind: 'retry', outcomeUnknown: false, checkStream: false, message };
  }
  if (
    err instanceof InvalidArgumentError ||
    err instanceof InvalidSubjectError ||
    err instanceof PermissionViolationError
  ) {
    // Raised by the client before sending (e.g. payload above the server's max_payload).
    return { kind: 'reject', message };
  }
  if (isNoResponders(err)) {
    // Nobody listens on the subject: no stream (server came back empty) or JetStream not ready.
    return { kind: 'retry', outcomeUnknown: false, checkStream: true, message };
  }
  // Timeouts, lost connections and anything unforeseen: the server may or may not have it.
  return { kind: 'retry', outcomeUnknown: true, checkStream: false, message };
}

function isNoResponders(err: unknown): boolean {
  // nats.js wraps "no responders" of a JetStream publish into JetStreamNotEnabled(cause: RequestError).
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof RequestError && e.isNoResponders()) return true;
    if (e instanceof NoRespondersError) return true;
    // @nats-io/jetstream does not export this class; its name is part of its public behaviour.
    if (e.name === 'JetStreamNotEnabled') return true;
  }
  return false;
}

/** The client's words for a user's line, without its class name (see causeText). */
const describe = causeText;
