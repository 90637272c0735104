// The public entry of the dashboard: a page on localhost that reads a run's public data and
// settlement records straight from NATS over WebSocket, live (`flexarena run --dashboard`) or
// replayed from a run folder (`flexarena dashboard <run-folder>`). The page's sources are in web/.
export { DashboardError, ReplayInputError, ReplayMismatchError } from './errors.js';
export { type LiveDashboard, startLiveDashboard } from './live/live-dashboard.js';
export { pacer } from './live/pacer.js';
export type { DashboardConfig, ReplayState } from './protocol.js';
export { type ReplayDashboard, startReplayDashboard } from './replay/replay-dashboard.js';
export { MAX_SPEED, REPLAY_SPEEDS, ReplayPlayer } from './replay/replay-player.js';
export { checkRunFolder, loadReplay, type ReplayLoad } from './replay/resimulate.js';
export type { TimedMessage, Timeline } from './replay/timeline.js';
export { checkPagePort } from './server/page-server.js';
