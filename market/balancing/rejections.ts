import { firstWithOthers } from '../../lib/index.js';
import type { BalancingRejectCode, BalancingRejection } from './types.js';

// Wording of the balancing rejections, shared by the capacity auction and the energy market, and
// the small validation helpers both use. Internal to market/balancing/.

/** Renders whatever the client sent, even if it is not the declared type. */
export function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Total order on bid ids by UTF-16 code units (not localeCompare, which depends on the locale).
 * "b10" sorts before "b9": callers that want numeric order use fixed-width ids ("b009", "b010").
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isSafeIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

export function rejection(
  code: BalancingRejectCode,
  agentId: string,
  bidId: unknown,
  field: string,
  limit: string,
  message: string,
): BalancingRejection {
  const r: BalancingRejection = { code, agentId, field, limit, message };
  if (typeof bidId === 'string' && bidId.length > 0) r.bidId = bidId;
  return r;
}

/** A value that must lie in an integer range: the limit reads ">= min and <= max". */
export function rangeRejection(
  code: BalancingRejectCode,
  agentId: string,
  bidId: unknown,
  field: string,
  value: unknown,
  min: number,
  max: number,
): BalancingRejection {
  const limit = `>= ${min} and <= ${max}`;
  return rejection(
    code,
    agentId,
    bidId,
    field,
    limit,
    `${field} must be an integer ${limit}; got ${show(value)}`,
  );
}

export function bidIdInvalid(agentId: string, bidId: unknown): BalancingRejection {
  const limit = 'a non-empty string';
  return rejection(
    'BID_ID_INVALID',
    agentId,
    undefined,
    'bidId',
    limit,
    `bidId must be ${limit}; got ${show(bidId)}`,
  );
}

export function duplicateBidId(agentId: string, bidId: string): BalancingRejection {
  const limit = 'a bid id not used before in this market';
  return rejection(
    'DUPLICATE_BID',
    agentId,
    bidId,
    'bidId',
    limit,
    `bidId ${show(bidId)} is already taken; use ${limit}`,
  );
}

export function directionInvalid(agentId: string, bidId: unknown, direction: unknown): BalancingRejection {
  const limit = "'up' or 'down'";
  return rejection(
    'DIRECTION_INVALID',
    agentId,
    bidId,
    'direction',
    limit,
    `direction must be ${limit}; got ${show(direction)}`,
  );
}

/** What each balancing market bounds in a bid: its quantity and its price (in the market's own unit). */
export interface BidLimits {
  maxQuantityLots: number;
  priceMinTicks: number;
  priceMaxTicks: number;
}

/**
 * The rules every balancing bid shares, in the order both markets check them: direction, then
 * quantity, then price. Every one that fails, each on its own (a bad direction says nothing about
 * the quantity). `price` names the market's own price field (capacityPriceTicks, energyPriceTicks),
 * so its rejection names that field.
 */
export function directionQuantityPriceFaults(
  agentId: string,
  bidId: unknown,
  bid: { direction: unknown; quantityLots: unknown },
  price: { field: string; value: unknown },
  limits: BidLimits,
): BalancingRejection[] {
  const found: BalancingRejection[] = [];
  if (bid.direction !== 'up' && bid.direction !== 'down')
    found.push(directionInvalid(agentId, bidId, bid.direction));
  if (!isSafeIntegerIn(bid.quantityLots, 1, limits.maxQuantityLots)) {
    found.push(
      rangeRejection(
        'QUANTITY_INVALID',
        agentId,
        bidId,
        'quantityLots',
        bid.quantityLots,
        1,
        limits.maxQuantityLots,
      ),
    );
  }
  if (!isSafeIntegerIn(price.value, limits.priceMinTicks, limits.priceMaxTicks)) {
    found.push(
      rangeRejection(
        'PRICE_OUT_OF_RANGE',
        agentId,
        bidId,
        price.field,
        price.value,
        limits.priceMinTicks,
        limits.priceMaxTicks,
      ),
    );
  }
  return found;
}

/**
 * One rejection for the rules a bid breaks, in the order they are checked: code, field and limit
 * are the first's (what a check that stopped there gave), `also` the others', and the message
 * names them after the first ("…; also: …"), as the auction's validator and the core's door do.
 * Undefined when nothing broke.
 */
export function rejectionOf(found: readonly BalancingRejection[]): BalancingRejection | undefined {
  return firstWithOthers(found);
}

/** Identity comes from the arena, never from the agent: a bad agentId is a caller bug. */
export function assertAgentId(agentId: unknown): asserts agentId is string {
  if (typeof agentId !== 'string' || agentId.length === 0) {
    throw new TypeError(`agentId must be a non-empty string set by the arena, got ${show(agentId)}`);
  }
}

export function assertSafeInteger(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a safe integer, got ${show(value)}`);
  }
}

/** a × b as an exact safe integer, or a RangeError (a bug: inputs are range-checked long before). */
export function safeProduct(a: number, b: number, what: string): number {
  const p = a * b;
  if (!Number.isSafeInteger(p)) throw new RangeError(`${what} ${a} × ${b} is not a safe integer`);
  return p + 0; // normalises -0
}
