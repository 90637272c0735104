// Builders for actions in euros and megawatts, converted exactly to the wire's ticks and lots.
// Values that are off the tick or lot grid are refused, never rounded silently.
import { Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
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
