// Conversions between the market library's types and the protocol's generated types.
import {
  type BookDepth,
  ExecutionRestriction,
  type Order,
  Side as ProtoSide,
  TimeInForce as ProtoTif,
  RejectCode,
} from '../../gen/flexarena/v1/market.js';
import type { Action } from '../../gen/flexarena/v1/session.js';
import type {
  CidCommand,
  Depth,
  RejectCode as MarketRejectCode,
  RestingOrder,
  Side,
  TimeInForce,
} from '../../market/index.js';

export function sideToProto(side: Side): ProtoSide {
  return side === 'buy' ? ProtoSide.SIDE_BUY : ProtoSide.SIDE_SELL;
}

export function sideFromProto(side: ProtoSide): Side {
  if (side === ProtoSide.SIDE_BUY) return 'buy';
  if (side === ProtoSide.SIDE_SELL) return 'sell';
  throw new Error(`side ${side} must have been rejected by validation`);
}

export function tifFromProto(tif: ProtoTif): TimeInForce {
  switch (tif) {
    case ProtoTif.TIME_IN_FORCE_UNSPECIFIED:
    case ProtoTif.TIME_IN_FORCE_GTC:
      return 'GTC';
    case ProtoTif.TIME_IN_FORCE_IOC:
      return 'IOC';
    case ProtoTif.TIME_IN_FORCE_FOK:
      return 'FOK';
    default:
      throw new Error(`time in force ${tif} must have been rejected by validation`);
  }
}

export function tifToProto(tif: TimeInForce): ProtoTif {
  return tif === 'IOC'
    ? ProtoTif.TIME_IN_FORCE_IOC
    : tif === 'FOK'
      ? ProtoTif.TIME_IN_FORCE_FOK
      : ProtoTif.TIME_IN_FORCE_GTC;
}

/** Every venue's reject code has a protocol twin of the same name (REJECT_CODE_<code>). */
export function rejectCodeToProto(code: MarketRejectCode | string): RejectCode {
  const v = RejectCode[`REJECT_CODE_${code}` as keyof typeof RejectCode];
  if (typeof v !== 'number') throw new Error(`no protocol reject code for ${code}`);
  return v;
}

/** A validated protocol action as a market command arriving at `time`. */
export function actionToCommand(action: Action, agentId: string, time: number): CidCommand {
  const kind = action.kind;
  const clientRef = action.clientRef || undefined;
  switch (kind?.$case) {
    case 'submit':
      return {
        type: 'submit',
        time,
        agentId,
        productId: kind.value.productId,
        side: sideFromProto(kind.value.side),
        priceTicks: kind.value.priceTicks,
        quantityLots: kind.value.quantityLots,
        tif: tifFromProto(kind.value.timeInForce),
        ...(kind.value.restriction === ExecutionRestriction.EXECUTION_RESTRICTION_AON
          ? { restriction: 'AON' as const }
          : {}),
        ...(kind.value.peakLots > 0 ? { peakLots: kind.value.peakLots } : {}),
        clientRef,
      };
    case 'cancel':
      return { type: 'cancel', time, agentId, orderId: kind.value.orderId, clientRef };
    case 'modify':
      return {
        type: 'modify',
        time,
        agentId,
        orderId: kind.value.orderId,
        priceTicks: kind.value.priceTicks,
        quantityLots: kind.value.quantityLots,
        clientRef,
      };
    default:
      throw new Error(`action ${kind?.$case} is not a continuous-market action`);
  }
}

export function orderToProto(o: RestingOrder): Order {
  return {
    orderId: o.orderId,
    productId: o.productId,
    side: sideToProto(o.side),
    priceTicks: o.priceTicks,
    remainingLots: o.remainingLots,
    originalLots: o.originalLots,
    timeInForce: tifToProto(o.tif),
    clientRef: o.clientRef ?? '',
    entryTimeMs: o.entryTime,
    restriction:
      o.restriction === 'AON'
        ? ExecutionRestriction.EXECUTION_RESTRICTION_AON
        : ExecutionRestriction.EXECUTION_RESTRICTION_NONE,
    peakLots: o.peakLots ?? 0,
    hiddenLots: o.hiddenLots ?? 0,
  };
}

export function depthToProto(d: Depth): BookDepth {
  return {
    productId: d.productId,
    bids: d.bids.map((l) => ({
      priceTicks: l.priceTicks,
      quantityLots: l.quantityLots,
      orderCount: l.orderCount,
    })),
    asks: d.asks.map((l) => ({
      priceTicks: l.priceTicks,
      quantityLots: l.quantityLots,
      orderCount: l.orderCount,
    })),
    hasLastTrade: d.lastTradePriceTicks !== undefined,
    lastTradePriceTicks: d.lastTradePriceTicks ?? 0,
  };
}
