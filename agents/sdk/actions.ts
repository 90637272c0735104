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
import { ActionBuildError } from './errors.js';

export type Tif = 'GTC' | 'IOC' | 'FOK';

const TIF: Record<Tif, TimeInForce> = {
  GTC: TimeInForce.TIME_IN_FORCE_GTC,
  IOC: TimeInForce.TIME_IN_FORCE_IOC,
  FOK: TimeInForce.TIME_IN_FORCE_FOK,
};

/**
 * One of a builder's named choices ('buy' | 'sell', a Tif, …). The types say which, but a plain
 * JavaScript agent (or a value read from a file) can pass anything: 'Buy' became a sell, 'up' any
 * other way a down bid, and a tif of 'ioc' an order the door took as GTC in-process.
 */
function choice<K extends string, V>(table: Record<K, V>, value: unknown, field: string): V {
  if (typeof value === 'string' && Object.hasOwn(table, value)) return table[value as K];
  const names = Object.keys(table);
  throw new ActionBuildError(
    field,
    names.map((n) => `'${n}'`).join(' | '),
    `${JSON.stringify(value) ?? String(value)} is not one of ${names.join(', ')}`,
  );
}

function flag(value: unknown, field: string): boolean {
  // Not read by truth value: aon: 'no' would be an all-or-none order.
  if (typeof value === 'boolean') return value;
  throw new ActionBuildError(
    field,
    'true | false',
    `${JSON.stringify(value) ?? String(value)} is not a boolean`,
  );
}

// The door's default limit of ids and client_ref (MAX_ID_BYTES, UTF-8 bytes; docs/protocol.md
// "Reject codes") is refused here, where the strategy built the action, in the door's words: over
// gRPC the arena rejected it only after the batch had gone, and an in-process run never saw this line.

/** A string field of an action: a string the wire can carry, of at most MAX_ID_BYTES bytes. */
function idText(value: unknown, field: string, required: boolean): string {
  if (typeof value !== 'string')
    throw new ActionBuildError(field, 'a string', `${shown(value)} is not a string`);
  if (required && value.length === 0)
    throw new ActionBuildError(
      field,
      `a non-empty string of at most ${MAX_ID_BYTES} bytes of UTF-8`,
      '"" is empty',
    );
  const lone = loneSurrogateAt(value);
  if (lone >= 0)
    throw new ActionBuildError(
      field,
      UTF8_STRING_LIMIT,
      `${JSON.stringify(value)} holds a lone surrogate U+${value.charCodeAt(lone).toString(16).toUpperCase()} at index ${lone}, which no UTF-8 can carry`,
    );
  if (utf8LengthOver(value, MAX_ID_BYTES))
    throw new ActionBuildError(
      field,
      `at most ${MAX_ID_BYTES} bytes of UTF-8`,
      `${JSON.stringify(value)} is ${Buffer.byteLength(value, 'utf8')} bytes`,
    );
  return value;
}

function bidIdText(value: unknown, field: string): string {
  if (isBidId(value)) return value;
  throw new ActionBuildError(field, BID_ID_LIMIT, `${shown(value)} is not a bid id`);
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
  return {
    clientRef: idText(o.clientRef ?? '', 'client_ref', false),
    kind: {
      $case: 'submit',
      value: {
        productId: idText(o.productId, 'submit.product_id', true),
        side: choice(SIDE, o.side, 'submit.side'),
        priceTicks: o.priceTicks,
        quantityLots: o.quantityLots,
        timeInForce: choice(TIF, o.tif ?? 'GTC', 'submit.time_in_force'),
        restriction: flag(o.aon ?? false, 'submit.restriction')
          ? ExecutionRestriction.EXECUTION_RESTRICTION_AON
          : ExecutionRestriction.EXECUTION_RESTRICTION_NONE,
        peakLots: o.peakLots ?? 0,
      },
    },
  };
}

export function cancel(orderId: number, clientRef = ''): Action {
  return { clientRef: idText(clientRef, 'client_ref', false), kind: { $case: 'cancel', value: { orderId } } };
}

export function modify(
  orderId: number,
  priceTicksValue: number,
  quantityLotsValue: number,
  clientRef = '',
): Action {
  return {
    clientRef: idText(clientRef, 'client_ref', false),
    kind: {
      $case: 'modify',
      value: { orderId, priceTicks: priceTicksValue, quantityLots: quantityLotsValue },
    },
  };
}

type AuctionBidKind = Extract<NonNullable<Action['kind']>, { $case: 'auctionBid' }>['value']['bid'];

/** An auction bid: its ids checked first, in the door's order, then the bid `build` makes. */
function auctionBidAction(auctionId: string, bidId: string, build: () => AuctionBidKind): Action {
  const value = {
    auctionId: idText(auctionId, 'auction_bid.auction_id', true),
    bidId: bidIdText(bidId, 'auction_bid.bid_id'),
    bid: build(),
  };
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
  return auctionBidAction(auctionId, bidId, () => ({
    $case: 'curve',
    value: {
      period,
      interpolation: choice(INTERPOLATION, interpolation, 'auction_bid.curve.interpolation'),
      points,
    },
  }));
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
  return auctionBidAction(auctionId, bidId, () => ({
    $case: 'block',
    value: { ...b, side: choice(SIDE, b.side, 'auction_bid.block.side') },
  }));
}

export function cancelAuctionBid(auctionId: string, bidId: string): Action {
  const value = {
    auctionId: idText(auctionId, 'cancel_auction_bid.auction_id', true),
    bidId: idText(bidId, 'cancel_auction_bid.bid_id', true),
  };
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
  return {
    clientRef: '',
    kind: {
      $case: 'capacityBid',
      value: {
        productId: idText(productId, 'capacity_bid.product_id', true),
        direction: choice(DIRECTION, direction, 'capacity_bid.direction'),
        quantityLots,
        priceTicks,
        indivisible: flag(indivisible, 'capacity_bid.indivisible'),
      },
    },
  };
}

/** Balancing energy for one quarter-hour product. */
export function energyBid(
  productId: string,
  direction: 'up' | 'down',
  quantityLots: number,
  priceTicks: number,
): Action {
  return {
    clientRef: '',
    kind: {
      $case: 'energyBid',
      value: {
        productId: idText(productId, 'energy_bid.product_id', true),
        direction: choice(DIRECTION, direction, 'energy_bid.direction'),
        quantityLots,
        priceTicks,
      },
    },
  };
}
