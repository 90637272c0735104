// The public entry of the runtime: running the simulation core with real processes, gRPC, NATS
// and files.
export {
  type GatewayObserver,
  GrpcGateway,
  tokenFromMetadata,
} from './gateway/grpc-gateway.js';
export {
  type AgentCommand,
  agentCommand,
  type LaunchedAgent,
  launchAgent,
  launchCommand,
  stopAgents,
} from './launcher/agent-launcher.js';
export { type PythonCheckOptions, pythonModuleIssues } from './launcher/python-module-check.js';
export { exists as jetStreamEntityExists, isJetStreamNotEnabled } from './nats/jetstream-lookup.js';
export { JetStreamOutbox, type OutboxReport } from './nats/jetstream-outbox.js';
export {
  DEFAULT_NATS_OUTAGE_LIMIT_MS,
  NatsLink,
  NatsLinkClosedError,
  type NatsLinkOptions,
  NatsOutageError,
} from './nats/nats-retry.js';
export {
  findNatsServerBinary,
  type NatsServerHandle,
  type NatsServerOptions,
  startNatsServer,
} from './nats/nats-server-launcher.js';
export {
  NatsThread,
  type NatsThreadConfig,
  NatsThreadError,
  type NatsThreadReport,
} from './nats/nats-thread.js';
export { assertRunIdUnused, RunIdInUseError } from './nats/run-id-check.js';
export {
  manifestMsgId,
  runEndMsgId,
  SETTLEMENT_STREAM,
  SETTLEMENT_SUBJECTS,
  settlementMsgId,
  subjects,
} from './nats/subjects.js';
export { ReplayPort } from './replay/replay-port.js';
export {
  answerKey,
  readRunTapeAnswers,
  readTapeAnswers,
  type TapeAnswer,
  type TapeAnswers,
} from './replay/tape-answers.js';
export { TapeCheck, TapeMismatchError } from './replay/tape-check.js';
export { TapeLines } from './replay/tape-lines.js';
export { configFileError, readNamedConfig, readYamlConfig } from './run/config-file.js';
export { FaultLogSink, RunInfoFileSink, SettlementFileSink } from './run/file-sinks.js';
export {
  decisionPointAtOrAfter,
  isUnclosedRun,
  lineTimeMs,
  unclosedRunNote,
  unclosedRunNoteOf,
} from './run/killed-run.js';
export { loadRunConfig } from './run/load-config.js';
export type { NatsDelivery } from './run/nats-delivery.js';
export { planResume, RESUME_INFO_FILE, ResumeError, type ResumePlan } from './run/resume-run.js';
export { makeRunId, type RunOptions, type RunOutput, runArena } from './run/run-arena.js';
export {
  INTERRUPTED_FILE,
  type Interruption,
  RunFolderError,
  readInterruption,
  writeResults,
} from './run/run-folder.js';
export {
  LEGACY_TAPE_FILE,
  openTapeStream,
  readTapeBytes,
  readTapeFile,
  readTapeRecords,
  readTapeText,
  recordedTapeSha256,
  TAPE_FILE,
  TAPE_SHA_FILE,
  type TapeBytes,
  TapeFileError,
  TapeFileSink,
  type TapeStream,
  type TapeText,
  verifyTape,
} from './run/tape-file.js';
export { readWorldFiles } from './run/world-files.js';
