// Connecting a tournament runner or a worker to the NATS server of its work queue. The first
// connection is the one a user gets wrong (a wrong --nats URL, a server started without -js): it
// is one typed line naming the URL and where it came from; later outages are reconnected as before.
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { isJetStreamNotEnabled } from '../arena/index.js';
import { FlexArenaError } from '../lib/index.js';

/** The work queue's NATS server cannot be reached, or has no JetStream. */
export class WorkQueueConnectError extends FlexArenaError {}

/**
 * `from` names where the URL came from (natsUrlSource: `--nats`, `FLEXARENA_NATS_URL`, the default).
 */
export async function connectWorkQueue(
  natsUrl: string,
  name: string,
  from = '--nats',
): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: natsUrl, name, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  } catch (err) {
    throw new WorkQueueConnectError(
      `cannot connect to NATS at ${natsUrl} (${from}): ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  try {
    return { nc, jsm: await jetstreamManager(nc) };
  } catch (err) {
    await nc.close().catch(() => {});
    const noJs = isJetStreamNotEnabled(err);
    throw new WorkQueueConnectError(
      noJs
        ? `NATS at ${natsUrl} (${from}) has no JetStream: start nats-server with -js`
        : `NATS at ${natsUrl} (${from}): ${(err as Error).message}`,
      { cause: err },
    );
  }
}
