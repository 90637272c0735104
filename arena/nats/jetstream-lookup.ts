// Does a JetStream stream or consumer exist? Only JetStream's "not found" says no: a look-up that
// timed out (NATS away, a loaded server) must not lead to creating what exists (a consumer made
// anew over the one there, with other settings), so any other error goes on to the caller.
import { JetStreamApiError } from '@nats-io/jetstream';

/** true when `lookup` resolves, false when it fails with `notFoundCode` (JetStreamApiCodes). */
export async function exists(lookup: Promise<unknown>, notFoundCode: number): Promise<boolean> {
  try {
    await lookup;
    return true;
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === notFoundCode) return false;
    throw err;
  }
}
