// The public entry of the training API: environments on the simulation core (dm_env style),
// the learning methods of the seeds, and the train command's runner.
export { BatteryEnv, type BatteryStepInfo, OBSERVATION_LABELS } from './env/battery-env.js';
export {
  type BatteryEnvConfig,
  type BatteryEnvConfigInput,
  batteryEnvSchema,
  OBSERVATIONS,
  parseBatteryEnvConfig,
  REWARDS,
} from './env/battery-env-config.js';
export {
  type MarketAction,
  MarketEnv,
  type MarketEnvOptions,
  MultiAgentMarketEnv,
} from './env/market-env.js';
export {
  type ActionRejection,
  type ArraySpec,
  checkAction,
  type DiscreteSpec,
  type Environment,
  EnvironmentUsageError,
  isFirst,
  isLast,
  type Spec,
  StepType,
  type TimeStep,
} from './env/time-step.js';
export { type Bin, SEED003_BINS, TabularQLearner, type TabularQSnapshot } from './methods/tabular-q.js';
