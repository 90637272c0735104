// Types of the day-ahead / intraday auction (SDAC-like). Integer units as in market/types.ts:
// price in ticks of 0.01 EUR/MWh, quantity in lots of 0.1 MW, cash in units of 0.00001 EUR.
// The clearing rules (curve semantics, tie rule, rounding) are documented in README.md beside this file.

import type { Side } from '../types.js';

export interface AuctionConfig {
  /** Number of delivery periods (MTUs) of this auction, indexed 0 … periods-1. */
  periods: number;
  /** Lowest clearing price; default -50 000 ticks = -500 EUR/MWh. */
  priceMinTicks: number;
  /** Highest clearing price; default 400 000 ticks = +4 000 EUR/MWh. */
  priceMaxTicks: number;
  /** Largest |quantity| of one curve point or one block, in lots. */
  maxQuantityLots: number;
  /** Points per curve bid at most; default 200. */
  maxCurvePoints?: number;
  /** Length of one period in minutes (for cash amounts); default 15. Must be a multiple of 3. */
  periodMinutes?: number;
}

export const DEFAULT_AUCTION_LIMITS = {
  priceMinTicks: -50_000,
  priceMaxTicks: 400_000,
  maxQuantityLots: 100_000,
  maxCurvePoints: 200,
  periodMinutes: 15,
} as const;

/** A config with the SDAC default limits for `periods` quarter-hours (96 = one day). */
export function defaultAuctionConfig(periods = 96): AuctionConfig {
  return { periods, ...DEFAULT_AUCTION_LIMITS };
}

export interface CurvePoint {
  priceTicks: number;
  /** The bid's NET demand at this price: positive = buy, negative = sell. */
  quantityLots: number;
}

/**
 * A portfolio curve for one period (EPEX semantics): net demand as a function of price. Points are
 * sorted by strictly increasing price; quantity is non-increasing with price.
 *
 * - `step`: point i's quantity applies on [price_i, price_(i+1)), the last point's quantity from its
 *   price upwards, the first point's quantity also below its price. So the quantity drops at each
 *   point's price (from Q_(i-1) to Q_i), and at exactly that price the bid accepts any quantity in
 *   [Q_i, Q_(i-1)]. The first point's price carries no information besides ordering.
 * - `linear`: quantity interpolated linearly between neighbouring points; flat outside.
 */
export interface CurveBid {
  kind: 'curve';
  bidId: string;
  agentId: string;
  period: number;
  interpolation: 'step' | 'linear';
  points: CurvePoint[];
}

/** Simple block order: all-or-nothing, the same quantity in every period firstPeriod … lastPeriod. */
export interface BlockBid {
  kind: 'block';
  bidId: string;
  agentId: string;
  side: Side;
  firstPeriod: number;
  lastPeriod: number;
  /** Limit on the (quantity-weighted) average clearing price over the block's periods. */
  priceTicks: number;
  /** Per period, > 0. */
  quantityLots: number;
}

export type AuctionBid = CurveBid | BlockBid;

export type AuctionRejectCode =
  | 'PRICE_OUT_OF_RANGE'
  | 'QUANTITY_INVALID'
  | 'CURVE_NOT_MONOTONE'
  | 'CURVE_EMPTY'
  | 'TOO_MANY_POINTS'
  | 'PERIOD_OUT_OF_RANGE'
  | 'INVALID_FIELD'
  | 'DUPLICATE_BID_ID'
  | 'UNKNOWN_BID'
  | 'GATE_CLOSED';

export interface AuctionRejection {
  code: AuctionRejectCode;
  /** The bid field that broke the rule, e.g. "points[2].quantityLots". */
  field: string;
  /** The rule's limit in words, e.g. ">= -50000 and <= 400000". */
  limit: string;
  message: string;
  /**
   * The bid's other broken rules, in the order they are checked (code, field and limit are the
   * first's); `message` names them after the first ("…; also: …"). Absent when there is one.
   */
  also?: readonly AuctionRejection[];
}

export type AuctionBookResult = { ok: true } | { ok: false; rejection: AuctionRejection };

export interface AuctionAward {
  bidId: string;
  agentId: string;
  period: number;
  /** Signed: + bought, − sold. */
  quantityLots: number;
}

export type ClearingMethod = 'curves-only' | 'enumeration' | 'branch-and-bound';

export interface AuctionResult {
  /** Uniform clearing price per period. */
  pricesTicks: number[];
  /** Cleared volume per period: total bought = total sold (curves and accepted blocks). */
  volumesLots: number[];
  /** Non-zero awards only, ordered by period, then by the bid's position in the input. */
  awards: AuctionAward[];
  /** Block ids in input order. */
  acceptedBlocks: string[];
  /** Rejected blocks that are strictly in the money at the final prices, in input order. */
  paradoxicallyRejectedBlocks: string[];
  /**
   * Total surplus of the awards at the bids' own valuations (price-taking quantities valued at the
   * price limits), in cash units; rounded to a whole unit only when linear curves make it fractional.
   */
  welfareCashUnits: number;
  /** How the block selection was found. */
  method: ClearingMethod;
  /**
   * True if no admissible block selection has more welfare than the one used (then `acceptedBlocks` is
   * the welfare optimum, ties broken as documented). False only when the branch-and-bound stopped at
   * its node limit first: the selection is then the best admissible one found, and
   * `welfareGapBoundCashUnits` bounds what it may have missed.
   */
  provenOptimal: boolean;
  /**
   * At most how much more welfare (cash units, rounded up) another admissible block selection could
   * have; 0 when provenOptimal.
   */
  welfareGapBoundCashUnits: number;
  /**
   * Relaxations solved by the branch-and-bound, plus a quarter of the nodes that kept an ancestor's, plus
   * one per 10 propagations of subtrees settled by propagation alone (0 for 'curves-only' and
   * 'enumeration').
   */
  searchNodes: number;
}

/** One auction of a delivery day, as data for the arena's scheduler. */
export interface AuctionScheduleEntry {
  id: 'DA' | 'IDA1' | 'IDA2' | 'IDA3';
  /** Gate closure relative to the start (local midnight) of delivery day D, in ms; negative = on D-1. */
  gateClosureOffsetMs: number;
  /** First and last quarter-hour of day D covered (0 = 00:00–00:15, 95 = 23:45–24:00), inclusive. */
  firstPeriod: number;
  lastPeriod: number;
  periodMinutes: 15;
}
