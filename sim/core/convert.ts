// Conversions between the market library's types and the protocol's generated types.
import {
  type BookDepth,
  ExecutionRestriction,
  type Order,
  type PriceLevel,
  Side as ProtoSide,
  TimeInForce as ProtoTif,
  RejectCode,
} from '../../gen/flexarena/v1/market.js';
import type { Action } from '../../gen/flexarena/v1/session.js';
import type {
  CidCommand,
  Depth,
  DepthLevel,
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

/**
 * A book's depth message. With `prev`, the product's previous message, a level equal to one of
 * `prev`'s (same price, quantity and order count) is `prev`'s object, and a side equal in full is
 * `prev`'s array: a book that changed in one level — a market maker moving one quote — shares the
 * rest with its last message, so it is neither built nor (in-process) frozen again.
 */
export function depthToProto(d: Depth, prev?: BookDepth): BookDepth {
  return {
    productId: d.productId,
    bids: levelsToProto(d.bids, prev?.bids, true),
    asks: levelsToProto(d.asks, prev?.asks, false),
    hasLastTrade: d.lastTradePriceTicks !== undefined,
    lastTradePriceTicks: d.lastTradePriceTicks ?? 0,
  };
}

/** Levels best first: bids by descending price, asks ascending; `prev` is walked beside them once. */
function levelsToProto(
  levels: readonly DepthLevel[],
  prev: readonly PriceLevel[] | undefined,
  descending: boolean,
): PriceLevel[] {
  const out: PriceLevel[] = [];
  let same = prev !== undefined && prev.length === levels.length;
  let j = 0;
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    let p: PriceLevel | undefined;
    if (prev !== undefined) {
      while (
        j < prev.length &&
        (descending ? prev[j]!.priceTicks > l.priceTicks : prev[j]!.priceTicks < l.priceTicks)
      )
        j++;
      p = prev[j];
    }
    if (
      p !== undefined &&
      p.priceTicks === l.priceTicks &&
      p.quantityLots === l.quantityLots &&
      p.orderCount === l.orderCount
    ) {
      out.push(p);
      if (i !== j) same = false;
    } else {
      out.push({ priceTicks: l.priceTicks, quantityLots: l.quantityLots, orderCount: l.orderCount });
      same = false;
    }
  }
  return same && prev !== undefined ? (prev as PriceLevel[]) : out;
}
