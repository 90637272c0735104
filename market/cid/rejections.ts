import type {
  CancelCommand,
  CidConfig,
  ModifyCommand,
  ProductDef,
  RejectCode,
  RejectedEvent,
  SubmitCommand,
} from '../types.js';

// Shared by CidMarket and the reference book so that both word their rejections identically; the
// decision *whether* to reject is made independently in each, which is what the differential test checks.

type OrderCommand = SubmitCommand | CancelCommand | ModifyCommand;
type PricedCommand = SubmitCommand | ModifyCommand;

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Renders whatever the client sent, even if it is not the declared type. */
function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function rejected(
  cmd: OrderCommand,
  code: RejectCode,
  field: string,
  limit: string,
  message: string,
): RejectedEvent {
  const event: RejectedEvent = {
    type: 'rejected',
    time: cmd.time,
    agentId: cmd.agentId,
    command: cmd.type,
    code,
    field,
    limit,
    message,
  };
  if (cmd.type !== 'submit') event.orderId = cmd.orderId;
  if (cmd.clientRef !== undefined) event.clientRef = cmd.clientRef;
  return event;
}

export function unknownProduct(cmd: SubmitCommand): RejectedEvent {
  const limit = 'a configured product id';
  return rejected(
    cmd,
    'UNKNOWN_PRODUCT',
    'productId',
    limit,
    `productId ${show(cmd.productId)} is not ${limit}`,
  );
}

export function invalidSide(cmd: SubmitCommand): RejectedEvent {
  const limit = "'buy' or 'sell'";
  return rejected(cmd, 'INVALID_SIDE', 'side', limit, `side must be ${limit}; got ${show(cmd.side)}`);
}

export function invalidTimeInForce(cmd: SubmitCommand): RejectedEvent {
  const limit = "'GTC', 'IOC' or 'FOK'";
  return rejected(cmd, 'INVALID_TIME_IN_FORCE', 'tif', limit, `tif must be ${limit}; got ${show(cmd.tif)}`);
}

export function invalidRestriction(cmd: SubmitCommand): RejectedEvent {
  const limit = "'NONE' or 'AON'";
  const message = `restriction must be ${limit}; got ${show(cmd.restriction)}`;
  return rejected(cmd, 'INVALID_RESTRICTION', 'restriction', limit, message);
}

export function priceOutOfRange(cmd: PricedCommand, config: CidConfig): RejectedEvent {
  const limit = `>= ${config.priceMinTicks} and <= ${config.priceMaxTicks}`;
  const message = `priceTicks must be an integer ${limit}; got ${show(cmd.priceTicks)}`;
  return rejected(cmd, 'PRICE_OUT_OF_RANGE', 'priceTicks', limit, message);
}

export function quantityInvalid(cmd: PricedCommand, config: CidConfig): RejectedEvent {
  const limit = `>= 1 and <= ${config.maxQuantityLots}`;
  const message = `quantityLots must be an integer ${limit}; got ${show(cmd.quantityLots)}`;
  return rejected(cmd, 'QUANTITY_INVALID', 'quantityLots', limit, message);
}

export function peakInvalid(cmd: SubmitCommand): RejectedEvent {
  const limit = `>= 1 and <= ${show(cmd.quantityLots)}`;
  const message = `peakLots must be an integer ${limit} (the order's quantityLots); got ${show(cmd.peakLots)}`;
  return rejected(cmd, 'PEAK_INVALID', 'peakLots', limit, message);
}

/** An iceberg must rest (GTC) and may not be AON; `rule` says which of the two was broken. */
export function icebergNotAllowed(cmd: SubmitCommand, rule: 'tif' | 'restriction'): RejectedEvent {
  if (rule === 'tif') {
    const limit = "'GTC' for an iceberg order";
    const message = `tif must be ${limit} (peakLots is set); got ${show(cmd.tif)}`;
    return rejected(cmd, 'ICEBERG_NOT_ALLOWED', 'tif', limit, message);
  }
  const limit = "'NONE' for an iceberg order";
  const message = `restriction must be ${limit} (peakLots is set); got ${show(cmd.restriction)}`;
  return rejected(cmd, 'ICEBERG_NOT_ALLOWED', 'restriction', limit, message);
}

export function marketNotOpen(cmd: PricedCommand, product: ProductDef): RejectedEvent {
  const limit = `>= ${isoTime(product.openMs)}`;
  const message = `time must be ${limit} (product ${product.id} opens then); got ${isoTime(cmd.time)}`;
  return rejected(cmd, 'MARKET_NOT_OPEN', 'time', limit, message);
}

export function gateClosed(cmd: PricedCommand, product: ProductDef): RejectedEvent {
  const limit = `< ${isoTime(product.gateClosureMs)}`;
  const message = `time must be ${limit} (gate closure of product ${product.id}); got ${isoTime(cmd.time)}`;
  return rejected(cmd, 'GATE_CLOSED', 'time', limit, message);
}

/** Deliberately the same for unknown, finished and foreign orders, so nothing leaks about other agents. */
export function unknownOrder(cmd: CancelCommand | ModifyCommand): RejectedEvent {
  const limit = 'an open order of this agent';
  return rejected(cmd, 'UNKNOWN_ORDER', 'orderId', limit, `orderId ${show(cmd.orderId)} is not ${limit}`);
}

/** A FOK order, or an IOC AON order (which is a FOK), that cannot be filled entirely right now. */
export function fokNotFillable(cmd: SubmitCommand, fillableLots: number): RejectedEvent {
  const limit = `<= ${fillableLots}`;
  const what = cmd.tif === 'FOK' ? 'FOK' : `${cmd.tif} AON (fill or kill)`;
  const message =
    `${what} quantityLots must be ${limit} (what can be filled now at the limit price without self-trade); ` +
    `got ${show(cmd.quantityLots)}`;
  return rejected(cmd, 'FOK_NOT_FILLABLE', 'quantityLots', limit, message);
}
