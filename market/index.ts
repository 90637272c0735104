// The public entry of the market library: import from here, not from the files behind it.

export { CidMarket, newRawSubmit, type RawSubmit } from './cid/cid-market.js';
export {
  CANCEL_REASONS,
  CidEventBuffer,
  EV_ACCEPTED,
  EV_CANCELLED,
  EV_GATE_CLOSED,
  EV_MODIFIED,
  EV_PRODUCT_OPENED,
  EV_REJECTED,
  EV_TRADE,
  REASON_GATE_CLOSURE,
  REASON_IOC_REMAINDER,
  REASON_SELF_TRADE,
  REASON_USER,
  REJECT_CODES,
} from './cid/event-buffer.js';
export { BUY, FOK, GTC, IOC, SELL } from './cid/order-book.js';
export { ReferenceBook } from './cid/reference-book.js';
export * from './types.js';
export {
  cashUnitsToCentEur,
  deliveryMinutes,
  eurToTicks,
  isOnLotGrid,
  isOnTickGrid,
  lotsToMw,
  mwToLots,
  productTradeCashUnits,
  quantizeEurToTicks,
  ticksToEur,
  tradeCashUnits,
} from './units.js';

// ---- Balancing markets (market/balancing/): aFRR capacity, balancing energy, penalties, imbalance prices ----

export * from './balancing/index.js';

// ---- Day-ahead / intraday auctions (market/auction/): curve and block bids, SDAC-like clearing, IDA schedule ----

export * from './auction/index.js';
