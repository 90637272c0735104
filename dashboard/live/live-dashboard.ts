// The dashboard of a run in progress: a private nats-server that also listens for WebSocket
// clients, and the page server. The run is pointed at this server (`nats.url`), so the page reads
// exactly what the arena publishes; the server outlives the run, so the page can still be looked
// at (and its settlement stream read) after the clock has stopped.
import { type NatsServerHandle, SETTLEMENT_STREAM, startNatsServer } from '../../arena/index.js';
import { DashboardError } from '../errors.js';
import type { DashboardConfig } from '../protocol.js';
import { type PageServer, startPageServer } from '../server/page-server.js';

export interface LiveDashboard {
  runId: string;
  /** For the arena: nats://127.0.0.1:<port> */
  natsUrl: string;
  /** For the browser: ws://127.0.0.1:<port> */
  wsUrl: string;
  pageUrl: string;
  page: PageServer;
  /**
   * Settles if the nats-server ends by itself (killed, crashed), with how it ended: the page reads
   * everything from it, so from then on it can show nothing more.
   */
  natsGone: Promise<string>;
  /** How the nats-server ended by itself, once it has (else undefined). */
  readonly natsEnded: string | undefined;
  close(): Promise<void>;
}

export async function startLiveDashboard(opts: { runId: string; port?: number }): Promise<LiveDashboard> {
  const nats: NatsServerHandle = await startNatsServer({ websocket: true });
  try {
    if (!nats.wsUrl) throw new DashboardError('nats-server gave no WebSocket address');
    const config: DashboardConfig = {
      mode: 'live',
      runId: opts.runId,
      wsUrl: nats.wsUrl,
      settlementStream: SETTLEMENT_STREAM,
    };
    const page = await startPageServer(config, { port: opts.port });
    let natsEnded: string | undefined;
    nats.gone.then((how) => {
      natsEnded = how;
    });
    return {
      natsGone: nats.gone,
      get natsEnded() {
        return natsEnded;
      },
      runId: opts.runId,
      natsUrl: nats.url,
      wsUrl: nats.wsUrl,
      pageUrl: page.url,
      page,
      async close() {
        await page.close();
        await nats.stop();
      },
    };
  } catch (err) {
    await nats.stop();
    throw err;
  }
}
