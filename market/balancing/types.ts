// Shared types and constants of the balancing markets (aFRR capacity, balancing energy, penalties,
// imbalance prices). Units follow market/types.ts: price ticks of 0.01 EUR/MWh (capacity: 0.01
// EUR/MW per hour), quantity lots of 0.1 MW, cash units of 0.00001 EUR, energy in whole kWh.
//
// Useful identities (all exact integers):
//   kWh × price ticks               = cash units   (0.001 MWh × 0.01 EUR/MWh = 0.00001 EUR)
//   lots × capacity ticks × 4 h     = lots × ticks × 400 cash units (0.1 MW × 0.01 EUR/MW/h × 4 h)
//   one lot for one 15-minute period = 25 kWh      (0.1 MW × 0.25 h)

/**
 * 'up'   = the provider injects more / consumes less (raises the system's energy balance);
 * 'down' = the provider injects less / consumes more.
 */
export type BalancingDirection = 'up' | 'down';

export const BALANCING_DIRECTIONS: readonly BalancingDirection[] = ['up', 'down'];

/** Balancing energy price limit: ±15 000 EUR/MWh in ticks of 0.01 EUR/MWh. */
export const BALANCING_PRICE_LIMIT_TICKS = 1_500_000;

/** aFRR capacity products: six 4-hour blocks per day, product p covers hours [4p, 4p + 4). */
export const CAPACITY_PRODUCTS_PER_DAY = 6;
export const CAPACITY_PRODUCT_HOURS = 4;
/** Number of 15-minute balancing energy periods in one capacity product. */
export const PERIODS_PER_CAPACITY_PRODUCT = 16;
/** Cash units per lot per capacity tick for one 4-hour product: 0.1 MW × 0.01 EUR/MW/h × 4 h = 0.004 EUR. */
export const CAPACITY_CASH_UNITS_PER_LOT_TICK = 400;

export type BalancingRejectCode =
  | 'PRICE_OUT_OF_RANGE'
  | 'QUANTITY_INVALID'
  | 'PRODUCT_OUT_OF_RANGE'
  | 'PERIOD_OUT_OF_RANGE'
  | 'DIRECTION_INVALID'
  | 'DIVISIBLE_INVALID'
  | 'BID_ID_INVALID'
  | 'DUPLICATE_BID'
  | 'GATE_CLOSED'
  | 'ENERGY_BELOW_AWARDED_CAPACITY';

/** A business rejection: nothing changed; the field that broke the rule and the rule's limit in words. */
export interface BalancingRejection {
  code: BalancingRejectCode;
  agentId: string;
  /** Present when the rejected input carried a usable bid id. */
  bidId?: string;
  /** The input field that broke the rule, e.g. "capacityPriceTicks". */
  field: string;
  /** The rule's limit in words, e.g. ">= 0 and <= 9999999". */
  limit: string;
  /** The first broken rule's words, then every other's after "; also: " (see `also`). */
  message: string;
  /**
   * The other rules the bid breaks, in the order they are checked (code, field and limit above are
   * the first's). Absent when there is one.
   */
  also?: readonly BalancingRejection[];
}

export type BalancingSubmitResult<B> =
  | { accepted: true; bid: B }
  | { accepted: false; rejection: BalancingRejection };
