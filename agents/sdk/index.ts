// The TypeScript agent SDK: the one public entry for agent authors.

export { RejectCode, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
export type { Action, ActionAck, RunEnded, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
export {
  arenaLimits,
  auctionBlock,
  auctionCurve,
  cancel,
  cancelAuctionBid,
  capacityBid,
  energyBid,
  modify,
  type OrderArgs,
  priceTicks,
  quantityLots,
  submit,
  type Tif,
  useArenaLimits,
} from './actions.js';
export { type AgentRunOutcome, type ConnectOptions, runAgent } from './agent-client.js';
export {
  ActionBuildError,
  AgentSdkError,
  type FieldFault,
  HelloError,
  ParamError,
  ResumeFileError,
  SessionError,
  StrategyError,
  type StrategyMethod,
  StrategyStateError,
} from './errors.js';
export { GrpcStatus, type GrpcStatusCode } from './grpc-status.js';
export {
  type AssetKindName,
  AssetRequiredError,
  type AssetSpecOf,
  type AuctionKindName,
  type MarketLimits,
  MarketView,
  MarketViewError,
} from './market-view.js';
export {
  type ResumePoint,
  readResumeFile,
  resumeOptions,
  type StoredAnswer,
  writeResumeFile,
} from './resume-file.js';
export { runWasInterrupted } from './run-ended.js';
export { PUBLIC_VIEW_PARTS, type PublicViewPart, type Strategy, type StrategyFactory } from './strategy.js';
export { WakeViewError } from './wake-view.js';
