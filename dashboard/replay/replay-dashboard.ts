// The dashboard of a finished run: the run regenerated from its folder, a private nats-server with
// a WebSocket listener, the player publishing onto it, and the page server.
import { connect } from '@nats-io/transport-node';
import { startNatsServer } from '../../arena/index.js';
import { DashboardError } from '../errors.js';
import type { DashboardConfig } from '../protocol.js';
import { type PageServer, startPageServer } from '../server/page-server.js';
import { MAX_SPEED, REPLAY_SPEEDS, ReplayPlayer } from './replay-player.js';
import type { Timeline } from './timeline.js';

export interface ReplayDashboard {
  pageUrl: string;
  wsUrl: string;
  natsUrl: string;
  page: PageServer;
  player: ReplayPlayer;
  /** Settles if the private nats-server ends by itself (the page cannot work then): how it ended. */
  natsGone: Promise<string>;
  close(): Promise<void>;
}

export async function startReplayDashboard(
  timeline: Timeline,
  opts: { speed?: number; port?: number } = {},
): Promise<ReplayDashboard> {
  const speed = opts.speed ?? 900;
  // The player refuses a speed above MAX_SPEED from the page's menu, which offers this one too.
  if (!Number.isFinite(speed) || speed <= 0 || speed > MAX_SPEED)
    throw new DashboardError(
      `--speed must be a number of virtual seconds per wall second in (0, ${MAX_SPEED}], got ${speed}`,
    );
  const nats = await startNatsServer({ websocket: true });
  const stops: (() => Promise<void>)[] = [async () => timeline.messages.close(), () => nats.stop()];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    if (!nats.wsUrl) throw new DashboardError('nats-server gave no WebSocket address');
    const nc = await connect({ servers: nats.url, name: `flexarena-replay-${timeline.runId}` });
    stops.push(() => nc.close());
    const player = new ReplayPlayer(nc, timeline, { speed });
    await player.start();
    stops.push(() => player.stop());
    const config: DashboardConfig = {
      mode: 'replay',
      runId: timeline.runId,
      wsUrl: nats.wsUrl,
      replay: {
        startMs: timeline.startMs,
        endMs: timeline.endMs,
        speed,
        speeds: [...new Set([...REPLAY_SPEEDS, speed])].sort((a, b) => a - b),
        ...(timeline.interrupted ? { interrupted: timeline.interrupted } : {}),
      },
    };
    // `flexarena dashboard` sets the page's port with --port (the run command's is --dashboard-port).
    const page = await startPageServer(config, { port: opts.port, setting: '--port' });
    stops.push(() => page.close());
    return {
      pageUrl: page.url,
      wsUrl: nats.wsUrl,
      natsUrl: nats.url,
      page,
      player,
      natsGone: nats.gone,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
