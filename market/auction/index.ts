// Public entry of the auction clearing (day-ahead and intraday auctions); market/index.ts re-exports it.

export {
  ClearAuctionOptionError,
  type ClearAuctionOptions,
  clearAuction,
  clearAuctionAsync,
  DEFAULT_MAX_ENUMERATED_BLOCKS,
  DEFAULT_MAX_SEARCH_NODES,
} from './clear-auction.js';
export { curveQuantityAt, curveRangeAt, curveUtility, type QuantityRange } from './curve.js';
export { auctionConfigFor, IDA_SCHEDULE } from './schedule.js';
export * from './types.js';
export { AuctionBook, assertValidAuctionConfig, validateBid, withAlso } from './validate-bid.js';
