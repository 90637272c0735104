// The public entry of the built-in strategies: the registry by name.

export { HeuristicBattery } from './heuristic-battery.js';
// What the training API shares with the deployable policy: the observation/action mapping, the
// plain-JS network and the policy file format.
export { type Activation, type DenseLayer, Mlp, MlpFormatError, type MlpSpec, validateMlp } from './mlp.js';
export { formatParam, type ParamInfo } from './param-info.js';
export { PolicyStrategy } from './policy.js';
export {
  type BatteryDecisionContext,
  BatteryPolicyFeatures,
  STANDARD_OBSERVATION_SIZE,
} from './policy-features.js';
export { POLICY_FORMAT, type PolicyFile, readPolicyFile } from './policy-file.js';
export {
  createStrategy,
  hasStrategy,
  listStrategies,
  PARADIGMS,
  type Paradigm,
  paramFiles,
  resolveParamPaths,
  type StrategyInfo,
  strategyNames,
  UnknownStrategyError,
} from './registry.js';
export {
  carriedStateIssues,
  seatConfigIssues,
  sharedStateFileIssues,
  strategyConfigIssues,
} from './strategy-check.js';
