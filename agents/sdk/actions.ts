// Builders for actions in euros and megawatts, converted exactly to the wire's ticks and lots.
// Values that are off the tick or lot grid are refused, never rounded silently.
import { CurveInterpolation } from '../../gen/flexarena/v1/auction.js';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import { ExecutionRestriction, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import type { Action } from '../../gen/flexarena/v1/session.js';
import { ActionBuildError } from './errors.js';

export type Tif = 'GTC' | 'IOC' | 'FOK';

const TIF: Record<Tif, TimeInForce> = {
  GTC: TimeInForce.TIME_IN_FORCE_GTC,
  IOC: TimeInForce.TIME_IN_FORCE_IOC,
  FOK: TimeInForce.TIME_IN_FORCE_FOK,
};

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
    clientRef: o.clientRef ?? '',
    kind: {
      $case: 'submit',
      value: {
        productId: o.productId,
        side: o.side === 'buy' ? Side.SIDE_BUY : Side.SIDE_SELL,
        priceTicks: o.priceTicks,
        quantityLots: o.quantityLots,
        timeInForce: TIF[o.tif ?? 'GTC'],
        restriction: o.aon
          ? ExecutionRestriction.EXECUTION_RESTRICTION_AON
          : ExecutionRestriction.EXECUTION_RESTRICTION_NONE,
        peakLots: o.peakLots ?? 0,
      },
    },
  };
}

export function cancel(orderId: number, clientRef = ''): Action {
  return { clientRef, kind: { $case: 'cancel', value: { orderId } } };
}

export function modify(
  orderId: number,
  priceTicksValue: number,
  quantityLotsValue: number,
  clientRef = '',
): Action {
  return {
    clientRef,
    kind: {
      $case: 'modify',
      value: { orderId, priceTicks: priceTicksValue, quantityLots: quantityLotsValue },
    },
  };
}

type AuctionBidKind = Extract<NonNullable<Action['kind']>, { $case: 'auctionBid' }>['value']['bid'];

function auctionBidAction(auctionId: string, bidId: string, bid: AuctionBidKind): Action {
  return { clientRef: bidId, kind: { $case: 'auctionBid', value: { auctionId, bidId, bid } } };
}

function protoDirection(direction: 'up' | 'down'): BalancingDirection {
  return direction === 'up'
    ? BalancingDirection.BALANCING_DIRECTION_UP
    : BalancingDirection.BALANCING_DIRECTION_DOWN;
}

/** A step or linear curve for one quarter-hour (`period` 0..95 of the day) of an auction. */
export function auctionCurve(
  auctionId: string,
  bidId: string,
  period: number,
  points: { priceTicks: number; quantityLots: number }[],
  interpolation: 'step' | 'linear' = 'step',
): Action {
  const kind =
    interpolation === 'linear'
      ? CurveInterpolation.CURVE_INTERPOLATION_LINEAR
      : CurveInterpolation.CURVE_INTERPOLATION_STEP;
  return auctionBidAction(auctionId, bidId, {
    $case: 'curve',
    value: { period, interpolation: kind, points },
  });
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
  return auctionBidAction(auctionId, bidId, {
    $case: 'block',
    value: { ...b, side: b.side === 'buy' ? Side.SIDE_BUY : Side.SIDE_SELL },
  });
}

export function cancelAuctionBid(auctionId: string, bidId: string): Action {
  return { clientRef: bidId, kind: { $case: 'cancelAuctionBid', value: { auctionId, bidId } } };
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
        productId,
        direction: protoDirection(direction),
        quantityLots,
        priceTicks,
        indivisible,
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
        productId,
        direction: protoDirection(direction),
        quantityLots,
        priceTicks,
      },
    },
  };
}
