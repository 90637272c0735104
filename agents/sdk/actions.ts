// Builders for actions in euros and megawatts, converted exactly to the wire's ticks and lots.
// Values that are off the tick or lot grid are refused, never rounded silently.
import { CurveInterpolation } from '../../gen/flexarena/v1/auction.js';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import { ExecutionRestriction, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import type { Action } from '../../gen/flexarena/v1/session.js';
import {
  BID_ID_LIMIT,
  isBidId,
  loneSurrogateAt,
  MAX_ID_BYTES,
  UTF8_STRING_LIMIT,
  utf8LengthOver,
} from '../../lib/index.js';
import { DEFAULT_AUCTION_LIMITS } from '../../market/index.js';
import { ActionBuildError, type FieldFault } from './errors.js';

export type Tif = 'GTC' | 'IOC' | 'FOK';

const TIF: Record<Tif, TimeInForce> = {
  GTC: TimeInForce.TIME_IN_FORCE_GTC,
  IOC: TimeInForce.TIME_IN_FORCE_IOC,
  FOK: TimeInForce.TIME_IN_FORCE_FOK,
};

/**
 * The bad fields of the action being built. Every field is checked and one ActionBuildError names
 * them all, the first as its field and limit and the others after it ("…; also: …"), as the door's
 * rejection does: a builder that stopped at the first had the agent fix one field per try.
 */
type Faults = FieldFault[];

/** Throws the ActionBuildError for `faults` when there are any. */
function refuse(faults: Faults): void {
  const [first, ...also] = faults;
  if (first !== undefined) throw new ActionBuildError(first.field, first.limit, first.reason, { also });
}

/**
 * One of a builder's named choices ('buy' | 'sell', a Tif, …). The types say which, but a plain
 * JavaScript agent (or a value read from a file) can pass anything: 'Buy' became a sell, 'up' any
 * other way a down bid, and a tif of 'ioc' an order the door took as GTC in-process.
 */
function choice<K extends string, V>(table: Record<K, V>, value: unknown, field: string, faults: Faults): V {
  if (typeof value === 'string' && Object.hasOwn(table, value)) return table[value as K];
  const names = Object.keys(table);
  faults.push({
    field,
    limit: names.map((n) => `'${n}'`).join(' | '),
    reason: `${JSON.stringify(value) ?? String(value)} is not one of ${names.join(', ')}`,
  });
  return undefined as V;
}

function flag(value: unknown, field: string, faults: Faults): boolean {
  // Not read by truth value: aon: 'no' would be an all-or-none order.
  if (typeof value === 'boolean') return value;
  faults.push({
    field,
    limit: 'true | false',
    reason: `${JSON.stringify(value) ?? String(value)} is not a boolean`,
  });
  return false;
}

// The door's limits of ids and client_ref (UTF-8 bytes; docs/protocol.md "Reject codes") are
// refused here, where the strategy built the action, in the door's words: over gRPC the arena
// rejected it only after the batch had gone, and an in-process run never saw this line.

/**
 * The limits the builders check: the arena's, from the last Welcome's MarketSpec (runAgent sets
 * them), else the door's default. One per process: the builders are plain functions.
 */
const textLimits = {
  idBytes: MAX_ID_BYTES,
  clientRefBytes: MAX_ID_BYTES,
  curvePoints: DEFAULT_AUCTION_LIMITS.maxCurvePoints as number,
};

function limitOr(value: unknown, fallback: number): number {
  // 0 (or absent): an arena from before MarketSpec carried its limits, which has the default.
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

/**
 * Makes the builders check the arena's limits of ids, client_ref and curve points
 * (MarketSpec.max_id_bytes, max_client_ref_bytes and max_curve_points; the defaults, MAX_ID_BYTES
 * and 200 points, where they are 0 or `market` is undefined). runAgent calls it with every Welcome;
 * an in-process host may call it with the run's MarketSpec.
 */
export function useArenaLimits(
  market: { maxIdBytes?: number; maxClientRefBytes?: number; maxCurvePoints?: number } | undefined,
): void {
  textLimits.idBytes = limitOr(market?.maxIdBytes, MAX_ID_BYTES);
  textLimits.clientRefBytes = limitOr(market?.maxClientRefBytes, MAX_ID_BYTES);
  textLimits.curvePoints = limitOr(market?.maxCurvePoints, DEFAULT_AUCTION_LIMITS.maxCurvePoints);
}

/** The limits the builders check now (useArenaLimits). */
export function arenaLimits(): { idBytes: number; clientRefBytes: number; curvePoints: number } {
  return { ...textLimits };
}

/** A string field of an action: a string the wire can carry, of at most `maxBytes` bytes. */
function text(value: unknown, field: string, required: boolean, maxBytes: number, faults: Faults): string {
  const fault = textFault(value, field, required, maxBytes);
  if (fault !== undefined) faults.push(fault);
  return value as string;
}

function textFault(
  value: unknown,
  field: string,
  required: boolean,
  maxBytes: number,
): FieldFault | undefined {
  if (typeof value !== 'string')
    return { field, limit: 'a string', reason: `${shown(value)} is not a string` };
  if (required && value.length === 0)
    return {
      field,
      limit: `a non-empty string of at most ${maxBytes} bytes of UTF-8`,
      reason: '"" is empty',
    };
  const lone = loneSurrogateAt(value);
  if (lone >= 0)
    return {
      field,
      limit: UTF8_STRING_LIMIT,
      reason: `${JSON.stringify(value)} holds a lone surrogate U+${value.charCodeAt(lone).toString(16).toUpperCase()} at index ${lone}, which no UTF-8 can carry`,
    };
  if (utf8LengthOver(value, maxBytes))
    return {
      field,
      limit: `at most ${maxBytes} bytes of UTF-8`,
      reason: `${JSON.stringify(value)} is ${Buffer.byteLength(value, 'utf8')} bytes`,
    };
  return undefined;
}

const idText = (value: unknown, field: string, faults: Faults) =>
  text(value, field, true, textLimits.idBytes, faults);
const refText = (value: unknown, faults: Faults) =>
  text(value, 'client_ref', false, textLimits.clientRefBytes, faults);

function bidIdText(value: unknown, field: string, faults: Faults): string {
  if (!isBidId(value)) faults.push({ field, limit: BID_ID_LIMIT, reason: `${shown(value)} is not a bid id` });
  return value as string;
}

function shown(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const SIDE = { buy: Side.SIDE_BUY, sell: Side.SIDE_SELL } as const;
const DIRECTION = {
  up: BalancingDirection.BALANCING_DIRECTION_UP,
  down: BalancingDirection.BALANCING_DIRECTION_DOWN,
} as const;
const INTERPOLATION = {
  step: CurveInterpolation.CURVE_INTERPOLATION_STEP,
  linear: CurveInterpolation.CURVE_INTERPOLATION_LINEAR,
} as const;

function exactInteger(field: string, value: number, scale: number, unit: string): number {
  const scaled = value * scale;
  const rounded = Math.round(scaled);
  if (!Number.isFinite(value) || Math.abs(scaled - rounded) > 1e-6)
    throw new ActionBuildError(
      field,
      `multiple of ${1 / scale} ${unit}`,
      `${value} is not on the ${1 / scale} ${unit} grid`,
    );
  // Beyond 2^53 a float is no longer an exact count of ticks or lots (and the wire refuses it).
  if (!Number.isSafeInteger(rounded))
    throw new ActionBuildError(
      field,
      `at most ${Math.floor(Number.MAX_SAFE_INTEGER / scale)} ${unit} in magnitude`,
      `${value} ${unit} is not an exact number of ${unit === 'MW' ? 'lots' : 'ticks'}`,
    );
  return rounded;
}

export function priceTicks(eurPerMwh: number, field = 'price'): number {
  return exactInteger(field, eurPerMwh, 100, 'EUR/MWh');
}

export function quantityLots(mw: number, field = 'quantity'): number {
  const lots = exactInteger(field, mw, 10, 'MW');
  if (lots < 1) throw new ActionBuildError(field, '>= 0.1 MW', `${mw} MW is not a positive quantity`);
  return lots;
}

export interface OrderArgs {
  productId: string;
  side: 'buy' | 'sell';
  priceTicks: number;
  quantityLots: number;
  tif?: Tif;
  /** All or none: executes only in full. */
  aon?: boolean;
  /** Iceberg: the visible clip size in lots. */
  peakLots?: number;
  clientRef?: string;
}

export function submit(o: OrderArgs): Action {
  const faults: Faults = [];
  // In the door's order: client_ref, then the submit's fields.
  const clientRef = refText(o.clientRef ?? '', faults);
  const value = {
    productId: idText(o.productId, 'submit.product_id', faults),
    side: choice(SIDE, o.side, 'submit.side', faults),
    priceTicks: o.priceTicks,
    quantityLots: o.quantityLots,
    timeInForce: choice(TIF, o.tif ?? 'GTC', 'submit.time_in_force', faults),
    restriction: flag(o.aon ?? false, 'submit.restriction', faults)
      ? ExecutionRestriction.EXECUTION_RESTRICTION_AON
      : ExecutionRestriction.EXECUTION_RESTRICTION_NONE,
    peakLots: o.peakLots ?? 0,
  };
  refuse(faults);
  return { clientRef, kind: { $case: 'submit', value } };
}

export function cancel(orderId: number, clientRef = ''): Action {
  const faults: Faults = [];
  const ref = refText(clientRef, faults);
  refuse(faults);
  return { clientRef: ref, kind: { $case: 'cancel', value: { orderId } } };
}

export function modify(
  orderId: number,
  priceTicksValue: number,
  quantityLotsValue: number,
  clientRef = '',
): Action {
  const faults: Faults = [];
  const ref = refText(clientRef, faults);
  refuse(faults);
  return {
    clientRef: ref,
    kind: {
      $case: 'modify',
      value: { orderId, priceTicks: priceTicksValue, quantityLots: quantityLotsValue },
    },
  };
}

type AuctionBidKind = Extract<NonNullable<Action['kind']>, { $case: 'auctionBid' }>['value']['bid'];

/** An auction bid: its ids checked first, in the door's order, then the bid `build` makes. */
function auctionBidAction(
  auctionId: string,
  bidId: string,
  build: (faults: Faults) => AuctionBidKind,
): Action {
  const faults: Faults = [];
  const value = {
    auctionId: idText(auctionId, 'auction_bid.auction_id', faults),
    bidId: bidIdText(bidId, 'auction_bid.bid_id', faults),
    bid: build(faults),
  };
  refuse(faults);
  return { clientRef: bidId, kind: { $case: 'auctionBid', value } };
}

/** A step or linear curve for one quarter-hour (`period` 0..95 of the day) of an auction. */
export function auctionCurve(
  auctionId: string,
  bidId: string,
  period: number,
  points: { priceTicks: number; quantityLots: number }[],
  interpolation: 'step' | 'linear' = 'step',
): Action {
  return auctionBidAction(auctionId, bidId, (faults) => ({
    $case: 'curve',
    value: {
      period,
      interpolation: choice(INTERPOLATION, interpolation, 'auction_bid.curve.interpolation', faults),
      points: curvePoints(points, faults),
    },
  }));
}

/**
 * A curve's list of points as the door takes it: a list of at most the arena's limit of points
 * (TOO_MANY_POINTS at the door). The points themselves and their order are the door's and the
 * venue's to judge, which name each bad one.
 */
function curvePoints<P>(points: P[], faults: Faults): P[] {
  const field = 'auction_bid.curve.points';
  if (!Array.isArray(points))
    faults.push({ field, limit: 'a list of points', reason: `${typeof points} is not a list` });
  else if (points.length > textLimits.curvePoints)
    faults.push({
      field,
      limit: `at most ${textLimits.curvePoints} points`,
      reason: `${points.length} points`,
    });
  return points;
}

/** A simple block order over quarter-hours firstPeriod..lastPeriod of the day. */
export function auctionBlock(
  auctionId: string,
  bidId: string,
  b: {
    side: 'buy' | 'sell';
    firstPeriod: number;
    lastPeriod: number;
    priceTicks: number;
    quantityLots: number;
  },
): Action {
  return auctionBidAction(auctionId, bidId, (faults) => ({
    $case: 'block',
    value: { ...b, side: choice(SIDE, b.side, 'auction_bid.block.side', faults) },
  }));
}

export function cancelAuctionBid(auctionId: string, bidId: string): Action {
  const faults: Faults = [];
  // The door's rule for a cancel's bid_id: an id string (a bid the arena does not hold is a
  // business rejection), not the pattern a new bid's id must match.
  const value = {
    auctionId: idText(auctionId, 'cancel_auction_bid.auction_id', faults),
    bidId: idText(bidId, 'cancel_auction_bid.bid_id', faults),
  };
  refuse(faults);
  return { clientRef: bidId, kind: { $case: 'cancelAuctionBid', value } };
}

/** aFRR capacity for product "afrr-YYYYMMDD-K"; price in ticks of 0.01 EUR/MW/h. */
export function capacityBid(
  productId: string,
  direction: 'up' | 'down',
  quantityLots: number,
  priceTicks: number,
  indivisible = false,
): Action {
  const faults: Faults = [];
  const value = {
    productId: idText(productId, 'capacity_bid.product_id', faults),
    direction: choice(DIRECTION, direction, 'capacity_bid.direction', faults),
    quantityLots,
    priceTicks,
    indivisible: flag(indivisible, 'capacity_bid.indivisible', faults),
  };
  refuse(faults);
  return { clientRef: '', kind: { $case: 'capacityBid', value } };
}

/** Balancing energy for one quarter-hour product. */
export function energyBid(
  productId: string,
  direction: 'up' | 'down',
  quantityLots: number,
  priceTicks: number,
): Action {
  const faults: Faults = [];
  const value = {
    productId: idText(productId, 'energy_bid.product_id', faults),
    direction: choice(DIRECTION, direction, 'energy_bid.direction', faults),
    quantityLots,
    priceTicks,
  };
  refuse(faults);
  return { clientRef: '', kind: { $case: 'energyBid', value } };
}
