// The public entry of tournaments: planning duplicate games, playing them (in process, or over a
// JetStream work queue by workers), ratings and statistics, and the result files.
export {
  type Entrant,
  loadTournament,
  parseTournament,
  type TournamentConfig,
  tournamentSchema,
} from './config.js';
export { type EntrantFaults, entrantFaultLines, entrantFaults } from './entrant-faults.js';
export { type GameContext, type GameResult, gameConfig, playGame, type SeatResult } from './game.js';
export { type Leaderboard, type LeaderboardRow, leaderboard, topKSeparated } from './leaderboard.js';
export {
  DEFAULT_WORKER_TIMEOUT_MS,
  type NatsExecutorOptions,
  NoWorkerError,
  natsExecutor,
  tournamentKey,
  WorkerGameError,
} from './nats-executor.js';
export { gamesCsv, leaderboardCsv, pairwiseCsv, writeTournamentFiles } from './output.js';
export { type GameSpec, lineups, planGames, type Seat, worldSeed } from './plan.js';
export { tournamentCharts, tournamentReport } from './report.js';
export {
  type GameExecutor,
  GameFailedError,
  loadScenarios,
  localExecutor,
  runTournament,
  TournamentInterruptedError,
  type TournamentOptions,
  type TournamentOutcome,
  type TournamentProgress,
} from './runner.js';
export { type Interval, pairedBootstrap, quantile } from './stats/bootstrap.js';
export { holm, type PairTest, pairwiseTests, signedRank } from './stats/pairwise.js';
export { type EntrantRating, ranksOf, rateGames } from './stats/ratings.js';
export { zScoresBySize } from './stats/zscores.js';
export { NAMED_FILES, namedFileDigests, TournamentFolderError, TournamentStore } from './store.js';
export {
  GAMES_STREAM,
  type GameMessage,
  RESULTS_STREAM,
  type ResultMessage,
  WORKERS_CONSUMER,
} from './work-queue.js';
export { connectWorkQueue, WorkQueueConnectError } from './work-queue-connect.js';
export { TournamentWorker, type WorkerOptions } from './worker.js';
