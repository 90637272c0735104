// Units and message types of the pure market library. Everything is an integer:
// price in ticks of 0.01 EUR/MWh, quantity in lots of 0.1 MW, cash in units of 0.00001 EUR,
// virtual time in ms since the Unix epoch. No floats ever enter the book.

export const PRICE_TICK_EUR_PER_MWH = 0.01;
export const QUANTITY_LOT_MW = 0.1;
export const CASH_UNITS_PER_EUR = 100_000;

export type Side = 'buy' | 'sell';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
/** Execution restriction: 'AON' (all-or-none) executes only in full; see CidMarket for the rules. */
export type ExecutionRestriction = 'NONE' | 'AON';
export type ProductKind = 'QH' | 'H';

/** Delivery length of each product kind; CidMarket rejects a config whose products disagree. */
export const PRODUCT_KIND_MINUTES: Readonly<Record<ProductKind, number>> = { QH: 15, H: 60 };

export type RejectCode =
  | 'PRICE_OUT_OF_RANGE'
  | 'QUANTITY_INVALID'
  | 'UNKNOWN_PRODUCT'
  | 'MARKET_NOT_OPEN'
  | 'GATE_CLOSED'
  | 'UNKNOWN_ORDER'
  | 'FOK_NOT_FILLABLE'
  | 'INVALID_TIME_IN_FORCE'
  | 'INVALID_SIDE'
  /** `restriction` is neither 'NONE' nor 'AON'. */
  | 'INVALID_RESTRICTION'
  /** `peakLots` is not an integer in 1 .. quantityLots. */
  | 'PEAK_INVALID'
  /** An iceberg (`peakLots` set) with IOC/FOK or with AON. */
  | 'ICEBERG_NOT_ALLOWED'
  /** A run limit the simulation's venue applies before the book (resting orders per agent). */
  | 'TOO_MANY_OPEN_ORDERS';

export interface ProductDef {
  /** e.g. "qh-20261122-0015"; safe as a NATS subject token. */
  id: string;
  kind: ProductKind;
  deliveryStartMs: number;
  deliveryEndMs: number;
  /** Trading opens at this time (inclusive). */
  openMs: number;
  /** Gate closure: from this time on (inclusive) no order is accepted and resting orders are removed. */
  gateClosureMs: number;
}

export interface CidConfig {
  priceMinTicks: number;
  priceMaxTicks: number;
  /** Largest quantity of one order, in lots. */
  maxQuantityLots: number;
  products: readonly ProductDef[];
}

export const DEFAULT_CID_LIMITS = {
  priceMinTicks: -999_900,
  priceMaxTicks: 999_900,
  maxQuantityLots: 100_000,
} as const;

// ---- Commands (input) ----

export interface SubmitCommand {
  type: 'submit';
  time: number;
  agentId: string;
  productId: string;
  side: Side;
  priceTicks: number;
  quantityLots: number;
  tif: TimeInForce;
  /** Default 'NONE'. 'AON' executes only in full; with IOC it behaves as FOK. */
  restriction?: ExecutionRestriction;
  /** Iceberg: only min(peakLots, remaining) is visible; GTC and non-AON only. */
  peakLots?: number;
  clientRef?: string;
}

export interface CancelCommand {
  type: 'cancel';
  time: number;
  agentId: string;
  orderId: number;
  clientRef?: string;
}

/** Replace price and remaining quantity. Priority is kept only for a pure quantity reduction. */
export interface ModifyCommand {
  type: 'modify';
  time: number;
  agentId: string;
  orderId: number;
  priceTicks: number;
  quantityLots: number;
  clientRef?: string;
}

/** Moves the market clock: opens products whose openMs <= time, closes gates whose gateClosureMs <= time. */
export interface AdvanceCommand {
  type: 'advance';
  time: number;
}

export type CidCommand = SubmitCommand | CancelCommand | ModifyCommand | AdvanceCommand;

// ---- Events (output) ----

export interface AcceptedEvent {
  type: 'accepted';
  time: number;
  orderId: number;
  agentId: string;
  productId: string;
  side: Side;
  priceTicks: number;
  quantityLots: number;
  tif: TimeInForce;
  /** Only present for AON orders. */
  restriction?: 'AON';
  /** Only present for iceberg orders. */
  peakLots?: number;
  clientRef?: string;
}

export interface RejectedEvent {
  type: 'rejected';
  time: number;
  agentId: string;
  command: 'submit' | 'cancel' | 'modify';
  orderId?: number;
  code: RejectCode;
  /** The command field that broke the rule, e.g. "priceTicks". */
  field: string;
  /** The rule's limit in words, e.g. "<= 999900" or ">= 2026-11-21T16:00:00.000Z". */
  limit: string;
  /** The first broken rule's words, then the others' after "; also: " (lib/also-message.ts). */
  message: string;
  clientRef?: string;
  /**
   * The command's other broken rules, in the order they are checked (`code`, `field` and `limit`
   * are the first's, as when only the first was named). Absent when there is one. Rules of the
   * command's own fields and its product's window; not a FOK's fillability, which only a command
   * that breaks no other rule reaches.
   */
  also?: readonly RejectedEvent[];
}

export interface TradeEvent {
  type: 'trade';
  time: number;
  tradeId: number;
  productId: string;
  /** Always the resting order's price. */
  priceTicks: number;
  quantityLots: number;
  buyOrderId: number;
  sellOrderId: number;
  buyAgentId: string;
  sellAgentId: string;
  aggressorSide: Side;
}

export type CancelReason = 'user' | 'ioc-remainder' | 'gate-closure' | 'self-trade';

export interface CancelledEvent {
  type: 'cancelled';
  time: number;
  orderId: number;
  agentId: string;
  productId: string;
  remainingLots: number;
  reason: CancelReason;
  clientRef?: string;
}

export interface ModifiedEvent {
  type: 'modified';
  time: number;
  orderId: number;
  agentId: string;
  productId: string;
  priceTicks: number;
  quantityLots: number;
  priorityKept: boolean;
  clientRef?: string;
}

export interface ProductOpenedEvent {
  type: 'product-opened';
  time: number;
  productId: string;
}

export interface GateClosedEvent {
  type: 'gate-closed';
  time: number;
  productId: string;
}

export type CidEvent =
  | AcceptedEvent
  | RejectedEvent
  | TradeEvent
  | CancelledEvent
  | ModifiedEvent
  | ProductOpenedEvent
  | GateClosedEvent;

// ---- Queries ----

export interface RestingOrder {
  orderId: number;
  agentId: string;
  productId: string;
  side: Side;
  priceTicks: number;
  remainingLots: number;
  originalLots: number;
  tif: TimeInForce;
  /**
   * Time priority: the time the order (or its last priority-losing modify, or for an iceberg the
   * current clip) entered the book.
   */
  entryTime: number;
  /** Only present for AON orders. */
  restriction?: 'AON';
  /** Iceberg only: the clip size. remainingLots counts visible and hidden lots. */
  peakLots?: number;
  /** Iceberg only: lots not shown in depth (remainingLots - hiddenLots is the visible clip). */
  hiddenLots?: number;
  clientRef?: string;
}

export interface DepthLevel {
  priceTicks: number;
  /** Visible lots only: iceberg orders contribute their current clip. */
  quantityLots: number;
  orderCount: number;
}

export interface Depth {
  productId: string;
  /** Best first. */
  bids: DepthLevel[];
  asks: DepthLevel[];
  lastTradePriceTicks?: number;
}

export type ProductStatus = 'pending' | 'open' | 'closed';
