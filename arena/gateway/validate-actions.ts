// Protocol-level validation of an action batch. A malformed or out-of-range field ends the
// session with INVALID_ARGUMENT naming the field and the limit (the agent may reconnect with its
// token; nothing it had in the market is lost). Business rules (gate closure, unknown order,
// FOK not fillable…) are the market's and come back as typed rejections, not as errors.
import { status } from '@grpc/grpc-js';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import { ExecutionRestriction, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import type { ActionBatch } from '../../gen/flexarena/v1/session.js';

export interface ProtocolLimits {
  /** Action kinds this run's venues accept (e.g. no auction bids when auctions are off). */
  enabledKinds?: ReadonlySet<string>;
  priceMinTicks: number;
  priceMaxTicks: number;
  maxQuantityLots: number;
  maxActionsPerBatch: number;
  maxClientRefLength: number;
}

export interface ProtocolViolation {
  code: status;
  field: string;
  message: string;
}

function violation(field: string, message: string, code = status.INVALID_ARGUMENT): ProtocolViolation {
  return { code, field, message: `${field}: ${message}` };
}

function checkPrice(field: string, v: number, l: ProtocolLimits): ProtocolViolation | undefined {
  if (!Number.isSafeInteger(v) || v < l.priceMinTicks || v > l.priceMaxTicks)
    return violation(field, `${v} is outside [${l.priceMinTicks}, ${l.priceMaxTicks}] ticks of 0.01 EUR/MWh`);
  return undefined;
}

function checkQuantity(field: string, v: number, l: ProtocolLimits): ProtocolViolation | undefined {
  if (!Number.isSafeInteger(v) || v < 1 || v > l.maxQuantityLots)
    return violation(field, `${v} is outside [1, ${l.maxQuantityLots}] lots of 0.1 MW`);
  return undefined;
}

function checkOrderId(field: string, v: number): ProtocolViolation | undefined {
  if (!Number.isSafeInteger(v) || v < 1) return violation(field, `${v} must be a positive order id`);
  return undefined;
}

export function validateActionBatch(batch: ActionBatch, l: ProtocolLimits): ProtocolViolation | undefined {
  if (batch.actions.length > l.maxActionsPerBatch)
    return violation(
      'actions',
      `${batch.actions.length} actions exceed the limit of ${l.maxActionsPerBatch} per batch`,
      status.RESOURCE_EXHAUSTED,
    );
  for (let i = 0; i < batch.actions.length; i++) {
    const a = batch.actions[i]!;
    const at = `actions[${i}]`;
    if (a.clientRef.length > l.maxClientRefLength)
      return violation(`${at}.client_ref`, `length ${a.clientRef.length} exceeds ${l.maxClientRefLength}`);
    const k = a.kind;
    if (!k)
      return violation(
        `${at}.kind`,
        'one of submit, cancel, modify, auction_bid, cancel_auction_bid, capacity_bid, energy_bid is required',
      );
    if (l.enabledKinds && !l.enabledKinds.has(k.$case))
      return violation(
        `${at}.${snake(k.$case)}`,
        `this run has no venue for ${snake(k.$case)} (its market is switched off)`,
      );
    let v: ProtocolViolation | undefined;
    switch (k.$case) {
      case 'submit': {
        const s = k.value;
        if (!s.productId) v = violation(`${at}.submit.product_id`, 'is required');
        else if (s.side !== Side.SIDE_BUY && s.side !== Side.SIDE_SELL)
          v = violation(`${at}.submit.side`, `${s.side} is not SIDE_BUY (1) or SIDE_SELL (2)`);
        else if (!(s.timeInForce in TimeInForce) || s.timeInForce < 0)
          v = violation(`${at}.submit.time_in_force`, `${s.timeInForce} is not a known time in force`);
        else if (!(s.restriction in ExecutionRestriction) || s.restriction < 0)
          v = violation(`${at}.submit.restriction`, `${s.restriction} is not a known execution restriction`);
        else if (!Number.isSafeInteger(s.peakLots) || s.peakLots < 0)
          v = violation(
            `${at}.submit.peak_lots`,
            `${s.peakLots} must be 0 (no iceberg) or a positive number of lots`,
          );
        else
          v =
            checkPrice(`${at}.submit.price_ticks`, s.priceTicks, l) ??
            checkQuantity(`${at}.submit.quantity_lots`, s.quantityLots, l);
        break;
      }
      case 'auctionBid': {
        const b = k.value;
        if (!b.auctionId) v = violation(`${at}.auction_bid.auction_id`, 'is required');
        else if (!/^[A-Za-z0-9_.-]{1,64}$/.test(b.bidId))
          v = violation(
            `${at}.auction_bid.bid_id`,
            'must be 1-64 characters: letters, digits, "_", "." or "-"',
          );
        else if (!b.bid) v = violation(`${at}.auction_bid.bid`, 'one of curve, block is required');
        else if (
          b.bid.$case === 'block' &&
          b.bid.value.side !== Side.SIDE_BUY &&
          b.bid.value.side !== Side.SIDE_SELL
        )
          v = violation(
            `${at}.auction_bid.block.side`,
            `${b.bid.value.side} is not SIDE_BUY (1) or SIDE_SELL (2)`,
          );
        break;
      }
      case 'cancelAuctionBid':
        if (!k.value.auctionId) v = violation(`${at}.cancel_auction_bid.auction_id`, 'is required');
        else if (!k.value.bidId) v = violation(`${at}.cancel_auction_bid.bid_id`, 'is required');
        break;
      case 'capacityBid':
      case 'energyBid': {
        const b = k.value;
        const name = snake(k.$case);
        const { BALANCING_DIRECTION_UP: UP, BALANCING_DIRECTION_DOWN: DOWN } = BalancingDirection;
        if (!b.productId) v = violation(`${at}.${name}.product_id`, 'is required');
        else if (b.direction !== UP && b.direction !== DOWN)
          v = violation(
            `${at}.${name}.direction`,
            `${b.direction} is not BALANCING_DIRECTION_UP (1) or _DOWN (2)`,
          );
        break;
      }
      case 'cancel':
        v = checkOrderId(`${at}.cancel.order_id`, k.value.orderId);
        break;
      case 'modify':
        v =
          checkOrderId(`${at}.modify.order_id`, k.value.orderId) ??
          checkPrice(`${at}.modify.price_ticks`, k.value.priceTicks, l) ??
          checkQuantity(`${at}.modify.quantity_lots`, k.value.quantityLots, l);
        break;
    }
    if (v) return v;
  }
  return undefined;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
