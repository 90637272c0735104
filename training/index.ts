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
export { EvFleetEnv, type EvFleetEnvConfig, RISK_FACTORS } from './env/ev-fleet-env.js';
export { evFleetEnvConfigSchema, parseEvFleetEnvConfig } from './env/ev-fleet-env-config.js';
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
export { ADP_FEATURES, adpFeatures, PoolAdp, PoolDays, RecursiveLeastSquares } from './methods/adp.js';
export { behaviourCloning, forecastHeuristic } from './methods/behaviour-cloning.js';
export { DoubleDqn } from './methods/dqn.js';
export { Ppo } from './methods/ppo.js';
export {
  type Bin,
  perStepGamma,
  quantileEdges,
  SEED003_BINS,
  seed003Bins,
  TabularQLearner,
  type TabularQSnapshot,
} from './methods/tabular-q.js';
export { Td3 } from './methods/td3.js';
export { buildMlp, exportMlp, importMlp } from './nn/networks.js';
export { initTf, tf } from './nn/tf.js';
export { htmlReport, lineChartPng, movingAverage } from './run/plot.js';
export { parseTrainConfig, type TrainConfig, trainConfigSchema } from './run/train-config.js';
export { TrainingFolderError, type TrainProgress, type TrainResult, train } from './run/trainer.js';
