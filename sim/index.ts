// The public entry of the simulation core: import from here, not from the files behind it.
// The core has no I/O: the runtime (arena/), the evaluator, the training API and the tournament
// runner drive it through Simulation and read it through record sinks.

export { parseAssetConfig } from './assets/asset-config.js';
// The pieces the training API builds its fast environments from (the same twins and world a run
// uses, without the venues): the world with its difficulty levels and forecasts, and the assets.
export { BatteryTwin, type BatteryTwinSpec } from './assets/battery.js';
export { DEFAULT_EV_FLEET_PARAMS, EvFleet, type EvFleetParams } from './assets/ev-fleet.js';
export {
  balancingBidQuantityKw,
  balancingCostEur,
  imbalanceCostEur,
  industryTariffCostEur,
  intradayBidQuantityKw,
  intradayCostEur,
} from './assets/ev-fleet-costs.js';
export {
  DiscreteActionProsumer,
  type IllegalReason,
  RenewableBatteryProsumer,
  SEED003_ACTIONS,
} from './assets/prosumer.js';
export { type HouseholdSpec, ResidentialPool, syntheticPoolHouseholds } from './assets/residential-pool.js';
export { clockStartMs } from './config/clock-start.js';
export {
  type AgentConfig,
  commandParamsIssue,
  commandPlaceholderIssues,
  DEADLINE_MS_LIMITS,
  parseRunConfig,
  REALTIME_SPEED_LIMITS,
  type RunConfig,
  runConfigSchema,
} from './config/run-config.js';
export { type AgentLedger, CASH_KINDS, type CashKind } from './core/agent-ledger.js';
export type { OutboundMessage } from './core/agent-outbox.js';
export { PHASE, type Phase } from './core/phases.js';
export { type RunContext, TSO_PARTY, WORLD_PARTY } from './core/run-context.js';
export {
  type Answer,
  type AnswerReceipt,
  DEFAULT_DOOR_LIMITS,
  type DecisionPoint,
  type LiveClock,
  type RunStats,
  type RunSummary,
  Simulation,
  type SimulationFiles,
  type SimulationOptions,
} from './core/simulation.js';
export { type ActionKind, admitAction, type DoorLimits, type DoorRejection } from './door/validate-action.js';
export { type WireRefusedAction, wireRefusedAction } from './door/wire-refused.js';
export type { AgentPort, DecisionOutcome, DecisionRequest } from './drivers/agent-port.js';
export { type LocalAgent, LocalAgentPort, type LocalPortOptions } from './drivers/local-port.js';
export {
  decisionRequest,
  endPorts,
  endPortsFailed,
  endPortsInterrupted,
  type LockstepOptions,
  RUN_COMPLETE_REASON,
  runFailedReason,
  runInterruptedReason,
  runLockstep,
} from './drivers/lockstep.js';
export {
  RealtimeError,
  type RealtimeOptions,
  type RealtimeStats,
  type RealtimeSummary,
  runRealtime,
  type WallClock,
} from './drivers/realtime.js';
export {
  eventRecord,
  type FaultRecord,
  Output,
  type PublicRecord,
  type RecordSink,
  type SequencedTapeRecord,
  type TapeEvent,
  type TapeRecord,
} from './records/records.js';
export { settlementJson } from './records/settlement-json.js';
export { type TapeChunkWriter, TapeEncoder } from './records/tape-encoder.js';
export { addRecord, type RecordTotal, RecordTotals } from './results/record-totals.js';
export { agentResults, type RunResults, runResults } from './results/results.js';
export { cashTotal, costTotal } from './settlement/settlement-record.js';
export { DIFFICULTY_LEVELS, type Difficulty } from './world/difficulty.js';
export { consecutiveDays, DAY_MS, HOUR_MS, STEP_MS, STEPS_PER_DAY } from './world/time.js';
export { createWorld, type World, type WorldConfigInput } from './world/world.js';
