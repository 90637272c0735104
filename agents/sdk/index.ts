// The TypeScript agent SDK: the one public entry for agent authors.
export { runAgent, type ConnectOptions, type AgentRunOutcome } from './agent-client.js';
export { submit, cancel, modify, priceTicks, quantityLots, type OrderArgs, type Tif } from './actions.js';
export { AgentSdkError, SessionError, ActionBuildError, ParamError } from './errors.js';
export type { Strategy, StrategyFactory } from './strategy.js';
export { Side, TimeInForce, RejectCode } from '../../gen/flexarena/v1/market.js';
export type { WakeUp, Welcome, Action, ActionAck, RunEnded } from '../../gen/flexarena/v1/session.js';
