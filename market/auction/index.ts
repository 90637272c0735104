// Public entry of the auction clearing (day-ahead and intraday auctions); market/index.ts re-exports it.

export { type LpSolver, loadHighs } from './block-mip.js';
export {
  type ClearAuctionOptions,
  clearAuction,
  clearAuctionAsync,
  DEFAULT_MAX_ENUMERATED_BLOCKS,
} from './clear-auction.js';
export { curveQuantityAt, curveRangeAt, curveUtility, type QuantityRange } from './curve.js';
export { auctionConfigFor, IDA_SCHEDULE } from './schedule.js';
export * from './types.js';
export { AuctionBook, assertValidAuctionConfig, validateBid } from './validate-bid.js';
