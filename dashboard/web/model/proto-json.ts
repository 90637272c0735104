// The public messages as they arrive: the proto3 JSON of proto/flexarena/v1/public.proto,
// auction.proto, balancing.proto and evaluation.proto. proto3 JSON leaves out fields at their
// default value (0, false, "", empty lists), so every field is optional here and read through
// the helpers below, which give the proto default.

export interface PriceLevelJson {
  priceTicks?: number;
  quantityLots?: number;
  orderCount?: number;
}

export interface BookDepthJson {
  productId?: string;
  bids?: PriceLevelJson[];
  asks?: PriceLevelJson[];
  hasLastTrade?: boolean;
  lastTradePriceTicks?: number;
}

export interface BookUpdateJson {
  timeMs?: number;
  depth?: BookDepthJson;
}

export interface PublicTradeJson {
  tradeId?: number;
  timeMs?: number;
  productId?: string;
  priceTicks?: number;
  quantityLots?: number;
  aggressorSide?: 'SIDE_UNSPECIFIED' | 'SIDE_BUY' | 'SIDE_SELL';
}

export interface TradesUpdateJson {
  productId?: string;
  timeMs?: number;
  trades?: PublicTradeJson[];
}

export interface ClockTickJson {
  timeMs?: number;
  time?: string;
  phase?: string;
}

export interface RunEventJson {
  runId?: string;
  event?: string;
  timeMs?: number;
  name?: string;
  seed?: number;
  agentIds?: string[];
  productIds?: string[];
}

export interface AuctionResultJson {
  auctionId?: string;
  firstPeriod?: number;
  pricesTicks?: number[];
  volumesLots?: number[];
  /** How many of the agents' block bids were accepted (the public result never says whose). */
  acceptedBlockCount?: number;
  paradoxicallyRejectedBlockCount?: number;
}

export interface CapacityProductResultJson {
  productId?: string;
  direction?: string;
  demandLots?: number;
  awardedLots?: number;
  clearingPriceTicks?: number;
  hasClearingPrice?: boolean;
}

export interface CapacityAuctionResultJson {
  day?: string;
  products?: CapacityProductResultJson[];
}

export interface BalancingPeriodResultJson {
  productId?: string;
  systemImbalanceKwh?: number;
  activatedUpKwh?: number;
  activatedDownKwh?: number;
  upPriceTicks?: number;
  downPriceTicks?: number;
  imbalanceLongPriceTicks?: number;
  imbalanceShortPriceTicks?: number;
}

export interface SettlementRecordJson {
  runId?: string;
  seq?: number;
  agentId?: string;
  strategy?: string;
  productId?: string;
  deliveryStartMs?: number;
  settledAtMs?: number;
  profitCashUnits?: number;
  positionKwh?: number;
  imbalanceKwh?: number;
  socMwh?: number;
}

/** A proto3 JSON number field: absent means 0. int64 may come as a string (the JSON mapping allows it). */
export function int(v: unknown): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : Number.NaN;
}

export function list<T>(v: T[] | undefined): T[] {
  return Array.isArray(v) ? v : [];
}
