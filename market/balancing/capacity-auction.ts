import {
  assertAgentId,
  assertSafeInteger,
  bidIdInvalid,
  compareIds,
  directionQuantityPriceFaults,
  duplicateBidId,
  isSafeIntegerIn,
  rangeRejection,
  rejection,
  rejectionOf,
  safeProduct,
  show,
} from './rejections.js';
import {
  BALANCING_DIRECTIONS,
  type BalancingDirection,
  type BalancingRejection,
  type BalancingSubmitResult,
  CAPACITY_CASH_UNITS_PER_LOT_TICK,
  CAPACITY_PRODUCTS_PER_DAY,
} from './types.js';

// aFRR capacity auction for one delivery day (run D-1): six 4-hour products, upward and downward
// capacity cleared separately, each (product, direction) on its own.
//
// Clearing of one (product, direction) with demand D lots:
// - Merit order: capacity price ascending; equal prices by bidId ascending (UTF-16 code-unit
//   order, see compareIds), so the outcome never depends on submission order.
// - Walk the merit order while demand remains: a bid that fits is accepted in full; a bid larger
//   than the remaining demand is accepted partially if it is divisible (the default), otherwise it
//   is skipped and the next bid is tried. So a more expensive bid may be accepted while a cheaper
//   indivisible one is not.
// - If the bids run out, the rest of the demand is reported as unmetLots (the TSO's problem).
// - Pricing: 'pay-as-bid' (default) pays every accepted lot its own bid price; 'pay-as-cleared'
//   pays every accepted lot the marginal price = the highest accepted bid price of that
//   (product, direction). Payment in cash units for the whole 4-hour block:
//   lots × ticks × 400 (0.1 MW × 0.01 EUR/MW/h × 4 h = 0.004 EUR = 400 units).

export type CapacityPricing = 'pay-as-bid' | 'pay-as-cleared';

export interface CapacityAuctionConfig {
  pricing: CapacityPricing;
  /** Capacity prices are EUR/MW per hour in ticks of 0.01; the floor is 0 (a capacity price is never negative). */
  priceMinTicks: number;
  /** 9 999 999 ticks = 99 999.99 EUR/MW/h. */
  priceMaxTicks: number;
  /** Largest quantity of one bid, in lots of 0.1 MW. */
  maxQuantityLots: number;
}

export const DEFAULT_CAPACITY_AUCTION_CONFIG: Readonly<CapacityAuctionConfig> = {
  pricing: 'pay-as-bid',
  priceMinTicks: 0,
  priceMaxTicks: 9_999_999,
  maxQuantityLots: 100_000,
};

export interface CapacityBid {
  bidId: string;
  agentId: string;
  /** 0..5: the 4-hour block [4·product, 4·product + 4) h of the delivery day. */
  product: number;
  direction: BalancingDirection;
  quantityLots: number;
  /** EUR/MW per hour in ticks of 0.01. */
  capacityPriceTicks: number;
  /** May the bid be partially accepted? Default true. */
  divisible?: boolean;
}

/** A bid as the auction holds it: divisible made explicit. */
export type AcceptedCapacityBid = Required<CapacityBid>;

/** Demand per product (index 0..5) in lots, per direction, from the TSO / world. */
export interface CapacityDemand {
  up: readonly number[];
  down: readonly number[];
}

export interface CapacityAward {
  bidId: string;
  agentId: string;
  product: number;
  direction: BalancingDirection;
  offeredLots: number;
  awardedLots: number;
  /** awardedLots < offeredLots (only possible for a divisible bid). */
  partial: boolean;
  bidPriceTicks: number;
  /** Bid price (pay-as-bid) or the (product, direction) clearing price (pay-as-cleared). */
  settlementPriceTicks: number;
  /** Paid by the TSO to the provider for the whole 4-hour block: awardedLots × settlementPriceTicks × 400. */
  paymentCashUnits: number;
}

export interface CapacityProductResult {
  product: number;
  direction: BalancingDirection;
  demandLots: number;
  awardedLots: number;
  unmetLots: number;
  /** Highest accepted bid price; null when nothing was accepted. */
  clearingPriceTicks: number | null;
  /** In merit order. */
  awards: CapacityAward[];
}

export interface CapacityAuctionResult {
  pricing: CapacityPricing;
  /** Product 0 up, product 0 down, product 1 up, … */
  products: CapacityProductResult[];
  /** All awards, in the order of `products`. */
  awards: CapacityAward[];
  totalPaymentCashUnits: number;
}

/** Cash units for `lots` of capacity at `priceTicks` over one 4-hour product. */
export function capacityPaymentCashUnits(lots: number, priceTicks: number): number {
  return safeProduct(
    safeProduct(lots, priceTicks, 'capacity lots × ticks'),
    CAPACITY_CASH_UNITS_PER_LOT_TICK,
    'capacity payment',
  );
}

/**
 * The rules a capacity bid breaks (all of them, the first leading: see rejectionOf), or undefined.
 * Checks fields only (not gate, not duplicates).
 */
export function validateCapacityBid(
  bid: CapacityBid,
  config: CapacityAuctionConfig = DEFAULT_CAPACITY_AUCTION_CONFIG,
): BalancingRejection | undefined {
  assertAgentId(bid.agentId);
  const { agentId, bidId } = bid;
  const found: BalancingRejection[] = [];
  if (typeof bidId !== 'string' || bidId.length === 0) found.push(bidIdInvalid(agentId, bidId));
  if (!isSafeIntegerIn(bid.product, 0, CAPACITY_PRODUCTS_PER_DAY - 1)) {
    found.push(
      rangeRejection(
        'PRODUCT_OUT_OF_RANGE',
        agentId,
        bidId,
        'product',
        bid.product,
        0,
        CAPACITY_PRODUCTS_PER_DAY - 1,
      ),
    );
  }
  found.push(
    ...directionQuantityPriceFaults(
      agentId,
      bidId,
      bid,
      { field: 'capacityPriceTicks', value: bid.capacityPriceTicks },
      config,
    ),
  );
  if (bid.divisible !== undefined && typeof bid.divisible !== 'boolean') {
    const limit = 'true, false or absent (= true)';
    found.push(
      rejection(
        'DIVISIBLE_INVALID',
        agentId,
        bidId,
        'divisible',
        limit,
        `divisible must be ${limit}; got ${show(bid.divisible)}`,
      ),
    );
  }
  return rejectionOf(found);
}

function normalise(bid: CapacityBid): AcceptedCapacityBid {
  return {
    bidId: bid.bidId,
    agentId: bid.agentId,
    product: bid.product,
    direction: bid.direction,
    quantityLots: bid.quantityLots,
    capacityPriceTicks: bid.capacityPriceTicks,
    divisible: bid.divisible ?? true,
  };
}

function assertValidConfig(config: CapacityAuctionConfig): void {
  if (config.pricing !== 'pay-as-bid' && config.pricing !== 'pay-as-cleared') {
    throw new RangeError(`pricing must be 'pay-as-bid' or 'pay-as-cleared', got ${show(config.pricing)}`);
  }
  assertSafeInteger(config.priceMinTicks, 'priceMinTicks');
  assertSafeInteger(config.priceMaxTicks, 'priceMaxTicks');
  assertSafeInteger(config.maxQuantityLots, 'maxQuantityLots');
  if (config.priceMinTicks < 0 || config.priceMaxTicks < config.priceMinTicks) {
    throw new RangeError(
      `need 0 <= priceMinTicks <= priceMaxTicks, got ${config.priceMinTicks}…${config.priceMaxTicks}`,
    );
  }
  if (config.maxQuantityLots < 1)
    throw new RangeError(`maxQuantityLots must be >= 1, got ${config.maxQuantityLots}`);
}

function assertValidDemand(demand: CapacityDemand): void {
  for (const direction of BALANCING_DIRECTIONS) {
    const list = demand[direction];
    if (!Array.isArray(list) || list.length !== CAPACITY_PRODUCTS_PER_DAY) {
      throw new RangeError(`demand.${direction} must list ${CAPACITY_PRODUCTS_PER_DAY} products`);
    }
    list.forEach((lots, product) => {
      if (!isSafeIntegerIn(lots, 0, Number.MAX_SAFE_INTEGER)) {
        throw new RangeError(
          `demand.${direction}[${product}] must be an integer >= 0 lots, got ${show(lots)}`,
        );
      }
    });
  }
}

function meritOrder(a: AcceptedCapacityBid, b: AcceptedCapacityBid): number {
  return a.capacityPriceTicks - b.capacityPriceTicks || compareIds(a.bidId, b.bidId);
}

function clearOne(
  product: number,
  direction: BalancingDirection,
  demandLots: number,
  bids: AcceptedCapacityBid[],
  pricing: CapacityPricing,
): CapacityProductResult {
  const sorted = bids.filter((b) => b.product === product && b.direction === direction).sort(meritOrder);
  let remaining = demandLots;
  const accepted: { bid: AcceptedCapacityBid; lots: number }[] = [];
  for (const bid of sorted) {
    if (remaining === 0) break;
    if (bid.quantityLots <= remaining) {
      accepted.push({ bid, lots: bid.quantityLots });
      remaining -= bid.quantityLots;
    } else if (bid.divisible) {
      accepted.push({ bid, lots: remaining });
      remaining = 0;
    }
    // else: indivisible and too large; skipped, try the next bid.
  }
  const last = accepted.at(-1);
  const clearingPriceTicks = last === undefined ? null : last.bid.capacityPriceTicks;
  const awards = accepted.map(({ bid, lots }): CapacityAward => {
    const settlementPriceTicks =
      pricing === 'pay-as-cleared' ? (clearingPriceTicks as number) : bid.capacityPriceTicks;
    return {
      bidId: bid.bidId,
      agentId: bid.agentId,
      product,
      direction,
      offeredLots: bid.quantityLots,
      awardedLots: lots,
      partial: lots < bid.quantityLots,
      bidPriceTicks: bid.capacityPriceTicks,
      settlementPriceTicks,
      paymentCashUnits: capacityPaymentCashUnits(lots, settlementPriceTicks),
    };
  });
  const awardedLots = demandLots - remaining;
  return { product, direction, demandLots, awardedLots, unmetLots: remaining, clearingPriceTicks, awards };
}

/**
 * Clears a set of bids against the demand. Pure. The bids must be valid and have distinct ids
 * (as CapacityAuction guarantees); anything else is a caller bug and throws.
 */
export function clearCapacityAuction(
  bids: readonly CapacityBid[],
  demand: CapacityDemand,
  pricing: CapacityPricing = DEFAULT_CAPACITY_AUCTION_CONFIG.pricing,
  config: CapacityAuctionConfig = DEFAULT_CAPACITY_AUCTION_CONFIG,
): CapacityAuctionResult {
  assertValidConfig({ ...config, pricing });
  assertValidDemand(demand);
  const seen = new Set<string>();
  const normalised = bids.map((bid) => {
    const invalid = validateCapacityBid(bid, config);
    if (invalid !== undefined) throw new RangeError(`invalid capacity bid: ${invalid.message}`);
    if (seen.has(bid.bidId)) throw new RangeError(`duplicate capacity bidId ${show(bid.bidId)}`);
    seen.add(bid.bidId);
    return normalise(bid);
  });
  const products: CapacityProductResult[] = [];
  for (let product = 0; product < CAPACITY_PRODUCTS_PER_DAY; product++) {
    for (const direction of BALANCING_DIRECTIONS) {
      products.push(clearOne(product, direction, demand[direction][product]!, normalised, pricing));
    }
  }
  const awards = products.flatMap((p) => p.awards);
  let total = 0;
  for (const a of awards) total += a.paymentCashUnits;
  if (!Number.isSafeInteger(total))
    throw new RangeError(`total capacity payment ${total} is not a safe integer`);
  return { pricing, products, awards, totalPaymentCashUnits: total };
}

/** Awarded capacity of one agent in one product, per direction: the input to the energy obligation check. */
export function awardedCapacityLots(
  awards: readonly CapacityAward[],
  agentId: string,
  product: number,
): Record<BalancingDirection, number> {
  const out: Record<BalancingDirection, number> = { up: 0, down: 0 };
  for (const a of awards) {
    if (a.agentId === agentId && a.product === product) out[a.direction] += a.awardedLots;
  }
  return out;
}

/**
 * The aFRR capacity auction of one delivery day. submit() until close() (or clear(), which closes
 * the gate first); clear() runs once. Business rejections are returned, never thrown.
 */
export class CapacityAuction {
  private readonly config: CapacityAuctionConfig;
  private readonly accepted: AcceptedCapacityBid[] = [];
  private readonly ids = new Set<string>();
  private gateClosed = false;
  private result: CapacityAuctionResult | undefined;

  constructor(config: Partial<CapacityAuctionConfig> = {}) {
    this.config = { ...DEFAULT_CAPACITY_AUCTION_CONFIG, ...config };
    assertValidConfig(this.config);
  }

  get closed(): boolean {
    return this.gateClosed;
  }

  submit(bid: CapacityBid): BalancingSubmitResult<AcceptedCapacityBid> {
    assertAgentId(bid.agentId);
    if (this.gateClosed) {
      const limit = 'submitted before the capacity auction gate closes';
      return {
        accepted: false,
        rejection: rejection(
          'GATE_CLOSED',
          bid.agentId,
          bid.bidId,
          'product',
          limit,
          `the capacity auction gate is closed; bids must be ${limit}`,
        ),
      };
    }
    const invalid = validateCapacityBid(bid, this.config);
    if (invalid !== undefined) return { accepted: false, rejection: invalid };
    if (this.ids.has(bid.bidId))
      return { accepted: false, rejection: duplicateBidId(bid.agentId, bid.bidId) };
    const stored = normalise(bid);
    this.accepted.push(stored);
    this.ids.add(stored.bidId);
    return { accepted: true, bid: { ...stored } };
  }

  close(): void {
    this.gateClosed = true;
  }

  /** Accepted bids in submission order (copies). */
  bids(): AcceptedCapacityBid[] {
    return this.accepted.map((b) => ({ ...b }));
  }

  /** Closes the gate and clears. Calling it twice is a bug. */
  clear(demand: CapacityDemand): CapacityAuctionResult {
    if (this.result !== undefined) throw new Error('the capacity auction was already cleared');
    this.gateClosed = true;
    this.result = clearCapacityAuction(this.accepted, demand, this.config.pricing, this.config);
    return this.result;
  }
}
