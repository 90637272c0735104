// The public entry of the shared leaf utilities: one seeded random stream, one HiGHS loader, one
// product-id parser, the typed error base, the configuration-error converter and the fields every
// configuration shares, the exact battery-schedule optimiser (the battery LP without an LP
// solver), and Algorithms 1-2 of seed 001 for one household battery (pool twin and aggregator).
// lib/ imports nothing of the project; everything else may import it. (Reading a configuration
// file is the runtime's: arena/run/config-file.ts — through this entry it would put the yaml
// package into every agent process's bundle.)

export { BID_ID_LIMIT, isBidId, MAX_ID_BYTES } from './action-ids.js';
export { ALSO_SHOWN, firstWithOthers, ownMessage, type WithOthers, withAlso } from './also-message.js';
export {
  type BatteryLimits,
  type BatteryPlan,
  BatteryPlanInputError,
  type BatteryPlanPeriod,
  type BatteryPlanProblem,
  DEFAULT_SLACK_PENALTY_EUR_PER_MWH,
  solveBatteryPlan,
  validateBatteryPlanProblem,
} from './battery-plan.js';
export { claimFolder, configurationHash, type FolderClaim } from './claim-folder.js';
export {
  beforeFirstDayIssue,
  configName,
  configSeed,
  FIRST_DAY,
  pastLastDayIssue,
  SEED_LIMITS,
} from './config-fields.js';
export { configIssues, formatPath, issueMessage } from './config-issues.js';
export { deepFreeze } from './deep-freeze.js';
export { makeFolderAmongRemovers, removeEmptyFolder } from './empty-folder.js';
export {
  AgentLaunchError,
  ConfigError,
  type ConfigIssue,
  FlexArenaError,
  fileErrorText,
  InterruptedError,
  ListenError,
  NatsServerError,
  RunInterruptedError,
  SeriesInterruptedError,
  UnreadableFileError,
} from './errors.js';
export { LOCK_FILE, lockFolder, processRunning, readPidFile } from './folder-lock.js';
export { HELPER_THREAD_NICE, lowerHelperThreads, restoreHelperThreads } from './helper-threads.js';
export { type LpSolver, loadHighs } from './highs.js';
export {
  JSON_BYTES_UNSUPPORTED,
  jsonByte,
  jsonGiveUp,
  jsonRaw,
  jsonString,
  jsonValue,
  writeJsonBytes,
  writeJsonBytesWith,
} from './json-bytes.js';
export { compactString, compactStrings } from './latin1-strings.js';
export { fileDigests } from './named-files.js';
export {
  baselineBatteryPower,
  flexibilityPotential,
  type HouseholdBatteryLimits,
  maxBatteryPower,
  minBatteryPower,
  socAfter,
} from './pool-household.js';
export * from './product-id.js';
export { PROJECT_ROOT } from './project-root.js';
export { encodeToBuffer, FastBinaryReader, FastBinaryWriter, wireIntText } from './proto-wire.js';
export { deriveSeed, drawSeed, NamedRng, type Random, RandomStream } from './random.js';
export { firstAbove, firstAtLeast } from './sorted-search.js';
export {
  readJsonFile,
  type SourceStamp,
  stampedBefore,
  stampFile,
  stampsUnchanged,
  writeFileAtomically,
  writeJsonAtomically,
} from './source-stamps.mjs';
export { TurnBatch } from './turn-batch.js';
export { isWellFormed, loneSurrogateAt, UTF8_STRING_LIMIT, utf8LengthOver } from './utf8-text.js';
export {
  AGENT_PROCESS_V8_FLAGS,
  SHORT_RUN_V8_FLAGS,
  tuneV8ForShortRuns,
  type V8ProcessRole,
} from './v8-tiering.js';
export {
  applyListDelta,
  applyOpenOrdersDelta,
  applyPositionsDelta,
  applyWakeViewDelta,
  diffOpenOrders,
  diffPositions,
  diffWakeView,
  type Keyed,
  type OpenOrdersDelta,
  type OrderKeyed,
  sameValue,
  type WakeView,
  type WakeViewDelta,
} from './wake-view.js';
export { readWholeLines } from './whole-lines.js';
export {
  allWireMismatches,
  checkWire,
  compileWireSchema,
  expectedWireText,
  WireMalformed,
  type WireMismatch,
  type WireUnits,
  wireTypeText,
} from './wire-check.js';
