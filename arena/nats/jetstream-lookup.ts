// Does a JetStream stream or consumer exist? Only JetStream's "not found" says no: a look-up that
// timed out (NATS away, a loaded server) must not lead to creating what exists (a consumer made
// anew over the one there, with other settings), so any other error goes on to the caller.
import { JetStreamApiError } from '@nats-io/jetstream';

/** `err` is JetStream's answer that the looked-up entity is not there (`notFoundCode`, JetStreamApiCodes). */
export function isNotFound(err: unknown, notFoundCode: number): boolean {
  return err instanceof JetStreamApiError && err.code === notFoundCode;
}

/** true when `lookup` resolves, false when it fails with `notFoundCode` (JetStreamApiCodes). */
export async function exists(lookup: Promise<unknown>, notFoundCode: number): Promise<boolean> {
  try {
    await lookup;
    return true;
  } catch (err) {
    if (isNotFound(err, notFoundCode)) return false;
    throw err;
  }
}

/**
 * `err` says the server has no JetStream (nats-server without -js): nats.js words it so when its
 * JetStream API gets no responders; a fault to report, not an outage to wait out.
 */
export function isJetStreamNotEnabled(err: unknown): boolean {
  return err instanceof Error && /jetstream is not enabled/i.test(err.message);
}
