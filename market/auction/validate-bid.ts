import { firstWithOthers, withAlso } from '../../lib/index.js';
import type {
  AuctionBid,
  AuctionBookResult,
  AuctionConfig,
  AuctionRejectCode,
  AuctionRejection,
  BlockBid,
  CurveBid,
} from './types.js';
import { DEFAULT_AUCTION_LIMITS } from './types.js';

// Business rules of a single bid. A rejection is a value (code, field, limit, message); exceptions are
// reserved for caller bugs such as an invalid config.

/** The words of a list of rejections (lib's), re-exported for the arena's auction venue. */
export { withAlso };

const MAX_ID_LENGTH = 128;

/** Renders whatever the client sent, even if it is not the declared type. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

function reject(code: AuctionRejectCode, field: string, limit: string, message: string): AuctionRejection {
  return { code, field, limit, message };
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export function maxCurvePoints(config: AuctionConfig): number {
  return config.maxCurvePoints ?? DEFAULT_AUCTION_LIMITS.maxCurvePoints;
}

export function periodMinutes(config: AuctionConfig): number {
  return config.periodMinutes ?? DEFAULT_AUCTION_LIMITS.periodMinutes;
}

/** Throws on a config no auction can run with (a caller bug, not a business rejection). */
export function assertValidAuctionConfig(config: AuctionConfig): void {
  const { periods, priceMinTicks, priceMaxTicks, maxQuantityLots } = config;
  if (!isInt(periods) || periods < 1) throw new RangeError(`periods must be an integer >= 1, got ${periods}`);
  if (!isInt(priceMinTicks) || !isInt(priceMaxTicks) || priceMinTicks >= priceMaxTicks) {
    throw new RangeError(
      `price limits must be integers with min < max, got ${priceMinTicks} … ${priceMaxTicks}`,
    );
  }
  if (priceMaxTicks - priceMinTicks > 2 ** 31) {
    throw new RangeError(
      `the price range must span at most 2^31 ticks, got ${priceMaxTicks - priceMinTicks}`,
    );
  }
  if (!isInt(maxQuantityLots) || maxQuantityLots < 1) {
    throw new RangeError(`maxQuantityLots must be an integer >= 1, got ${maxQuantityLots}`);
  }
  const points = maxCurvePoints(config);
  if (!isInt(points) || points < 1)
    throw new RangeError(`maxCurvePoints must be an integer >= 1, got ${points}`);
  const minutes = periodMinutes(config);
  if (!isInt(minutes) || minutes < 3 || minutes % 3 !== 0) {
    throw new RangeError(`periodMinutes must be a positive multiple of 3, got ${minutes}`);
  }
}

function priceInRange(config: AuctionConfig, value: unknown): boolean {
  return isInt(value) && value >= config.priceMinTicks && value <= config.priceMaxTicks;
}

function priceCheck(config: AuctionConfig, value: unknown, field: string): AuctionRejection | null {
  return priceInRange(config, value) ? null : priceRejection(config, value, field);
}

function priceRejection(config: AuctionConfig, value: unknown, field: string): AuctionRejection {
  const limit = `>= ${config.priceMinTicks} and <= ${config.priceMaxTicks}`;
  return reject(
    'PRICE_OUT_OF_RANGE',
    field,
    limit,
    `${field} must be an integer ${limit}; got ${show(value)}`,
  );
}

function idCheck(value: unknown, field: string): AuctionRejection | null {
  if (typeof value === 'string' && value.length >= 1 && value.length <= MAX_ID_LENGTH) return null;
  const limit = `a string of 1 to ${MAX_ID_LENGTH} characters`;
  return reject('INVALID_FIELD', field, limit, `${field} must be ${limit}; got ${show(value)}`);
}

function periodCheck(config: AuctionConfig, value: unknown, field: string, min = 0): AuctionRejection | null {
  if (isInt(value) && value >= min && value <= config.periods - 1) return null;
  const limit = `>= ${min} and <= ${config.periods - 1}`;
  return reject(
    'PERIOD_OUT_OF_RANGE',
    field,
    limit,
    `${field} must be an integer ${limit}; got ${show(value)}`,
  );
}

/**
 * One rejection for the rules a bid breaks, in the order they are checked: code, field and limit
 * are the first's (the one a check that stopped at it gave), `also` the others', and the message
 * names them after the first ("…; also: …"), as the core's door does for an action's fields.
 */
export function rejectionOf(found: readonly AuctionRejection[] | undefined): AuctionRejection | null {
  return found === undefined ? null : (firstWithOthers(found) ?? null);
}

/** Adds `r` (if any) to the list, made on the first: a valid bid allocates nothing. */
function add(
  found: AuctionRejection[] | undefined,
  r: AuctionRejection | null,
): AuctionRejection[] | undefined {
  if (r === null) return found;
  if (found === undefined) return [r];
  found.push(r);
  return found;
}

/**
 * The rules a curve breaks: period, interpolation and each point's own values independently. A
 * list that is no list of points (empty, too long) is the only thing said about the points; the
 * order between points (prices rising, quantities not) is checked between points whose own values
 * passed — a rule between two values says nothing when one of them is already wrong.
 */
function curveFaults(
  config: AuctionConfig,
  bid: CurveBid,
  found: AuctionRejection[] | undefined,
  periods: boolean,
): AuctionRejection[] | undefined {
  if (periods) found = add(found, periodCheck(config, bid.period, 'period'));
  if (bid.interpolation !== 'step' && bid.interpolation !== 'linear') {
    const limit = "'step' or 'linear'";
    found = add(
      found,
      reject(
        'INVALID_FIELD',
        'interpolation',
        limit,
        `interpolation must be ${limit}; got ${show(bid.interpolation)}`,
      ),
    );
  }
  const points: unknown = bid.points;
  if (!Array.isArray(points) || points.length === 0) {
    return add(
      found,
      reject(
        'CURVE_EMPTY',
        'points',
        '>= 1 point',
        `points must hold at least one point; got ${show(points)}`,
      ),
    );
  }
  const maxPoints = maxCurvePoints(config);
  if (points.length > maxPoints) {
    const limit = `<= ${maxPoints} points`;
    return add(
      found,
      reject('TOO_MANY_POINTS', 'points', limit, `points must hold ${limit}; got ${points.length}`),
    );
  }
  const maxQ = config.maxQuantityLots;
  // The previous point's values when they passed their own checks (NaN: not to compare with).
  let prevPrice = Number.NaN;
  let prevQuantity = Number.NaN;
  for (let i = 0; i < points.length; i++) {
    const point: unknown = points[i];
    if (point === null || typeof point !== 'object') {
      const limit = 'an object { priceTicks, quantityLots }';
      found = add(
        found,
        reject('INVALID_FIELD', `points[${i}]`, limit, `points[${i}] must be ${limit}; got ${show(point)}`),
      );
      prevPrice = prevQuantity = Number.NaN;
      continue;
    }
    const { priceTicks, quantityLots } = point as Record<string, unknown>;
    // The field's name is only spelled out for a rejection: a curve has up to thousands of points.
    const priceOk = priceInRange(config, priceTicks);
    if (!priceOk) found = add(found, priceRejection(config, priceTicks, `points[${i}].priceTicks`));
    const quantityOk = isInt(quantityLots) && Math.abs(quantityLots) <= maxQ;
    if (!quantityOk) {
      const field = `points[${i}].quantityLots`;
      const limit = `>= ${-maxQ} and <= ${maxQ}`;
      found = add(
        found,
        reject(
          'QUANTITY_INVALID',
          field,
          limit,
          `${field} must be an integer ${limit}; got ${show(quantityLots)}`,
        ),
      );
    }
    if (priceOk && (priceTicks as number) <= prevPrice) {
      const field = `points[${i}].priceTicks`;
      const limit = `> ${prevPrice}`;
      const message = `${field} must be ${limit}: prices strictly increase along a curve; got ${priceTicks}`;
      found = add(found, reject('CURVE_NOT_MONOTONE', field, limit, message));
    }
    if (quantityOk && (quantityLots as number) > prevQuantity) {
      const field = `points[${i}].quantityLots`;
      const limit = `<= ${prevQuantity}`;
      const message = `${field} must be ${limit}: net demand never rises with price; got ${quantityLots}`;
      found = add(found, reject('CURVE_NOT_MONOTONE', field, limit, message));
    }
    prevPrice = priceOk ? (priceTicks as number) : Number.NaN;
    prevQuantity = quantityOk ? (quantityLots as number) : Number.NaN;
  }
  return found;
}

/** The rules a block breaks, each field on its own (last_period after first_period when that passed). */
function blockFaults(
  config: AuctionConfig,
  bid: BlockBid,
  found: AuctionRejection[] | undefined,
  periods: boolean,
): AuctionRejection[] | undefined {
  if (bid.side !== 'buy' && bid.side !== 'sell') {
    const limit = "'buy' or 'sell'";
    found = add(
      found,
      reject('INVALID_FIELD', 'side', limit, `side must be ${limit}; got ${show(bid.side)}`),
    );
  }
  if (periods) {
    const first = periodCheck(config, bid.firstPeriod, 'firstPeriod');
    found = add(found, first);
    found = add(found, periodCheck(config, bid.lastPeriod, 'lastPeriod', first ? 0 : bid.firstPeriod));
  }
  found = add(found, priceCheck(config, bid.priceTicks, 'priceTicks'));
  const q: unknown = bid.quantityLots;
  if (!isInt(q) || q < 1 || q > config.maxQuantityLots) {
    const limit = `>= 1 and <= ${config.maxQuantityLots}`;
    found = add(
      found,
      reject(
        'QUANTITY_INVALID',
        'quantityLots',
        limit,
        `quantityLots must be an integer ${limit}; got ${show(q)}`,
      ),
    );
  }
  return found;
}

/**
 * The rules the bid breaks, or null if it is valid for this config: the first as code, field and
 * limit, the others after it (rejectionOf). Duplicates are the book's business: it passes what it
 * found as `after` (named after the bid's own rules, so that these stay first). `periods: false`
 * leaves the periods out, for a caller that checked them in its own terms (the arena's auction
 * venue: quarter-hours of the day) and adds what it found before these.
 */
export function validateBid(
  config: AuctionConfig,
  bid: AuctionBid,
  options: {
    periods?: boolean;
    before?: readonly AuctionRejection[];
    after?: readonly AuctionRejection[];
  } = {},
): AuctionRejection | null {
  const raw: unknown = bid;
  if (raw === null || typeof raw !== 'object') {
    return reject('INVALID_FIELD', 'kind', "'curve' or 'block'", `a bid must be an object; got ${show(raw)}`);
  }
  const periods = options.periods ?? true;
  let found = options.before === undefined || options.before.length === 0 ? undefined : [...options.before];
  found = add(found, idCheck(bid.bidId, 'bidId'));
  found = add(found, idCheck(bid.agentId, 'agentId'));
  if (bid.kind === 'curve') found = curveFaults(config, bid, found, periods);
  else if (bid.kind === 'block') found = blockFaults(config, bid, found, periods);
  else {
    const limit = "'curve' or 'block'";
    const kind = show((bid as { kind: unknown }).kind);
    found = add(found, reject('INVALID_FIELD', 'kind', limit, `kind must be ${limit}; got ${kind}`));
  }
  for (const r of options.after ?? []) found = add(found, r);
  return rejectionOf(found);
}

function copyBid(bid: AuctionBid): AuctionBid {
  if (bid.kind === 'block') {
    const { bidId, agentId, side, firstPeriod, lastPeriod, priceTicks, quantityLots } = bid;
    return Object.freeze({
      kind: 'block',
      bidId,
      agentId,
      side,
      firstPeriod,
      lastPeriod,
      priceTicks,
      quantityLots,
    });
  }
  const points = Object.freeze(
    bid.points.map((p) => Object.freeze({ priceTicks: p.priceTicks, quantityLots: p.quantityLots })),
  ) as CurveBid['points'];
  const { bidId, agentId, period, interpolation } = bid;
  return Object.freeze({ kind: 'curve', bidId, agentId, period, interpolation, points });
}

/**
 * The bids of one auction until gate closure. The caller (the arena) decides when the gate closes and
 * calls close(); from then on submit and cancel answer GATE_CLOSED.
 *
 * - bidId must be unique among the live bids of the auction (a cancelled id may be reused).
 * - An agent may hold several curves for the same period; they simply add up.
 * - cancel answers UNKNOWN_BID for unknown ids and for other agents' bids alike, so nothing leaks.
 */
export class AuctionBook {
  private readonly config: AuctionConfig;
  private readonly live = new Map<string, AuctionBid>();
  private closed = false;

  constructor(config: AuctionConfig) {
    assertValidAuctionConfig(config);
    this.config = { ...config };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  submit(bid: AuctionBid): AuctionBookResult {
    if (this.closed) return { ok: false, rejection: gateClosed() };
    const rejection = validateBid(this.config, bid, { after: this.duplicateFaults(bid.bidId) });
    if (rejection) return { ok: false, rejection };
    this.live.set(bid.bidId, copyBid(bid));
    return { ok: true };
  }

  /**
   * A bid id already live in this auction, as a rejection (none for a new one): named after a
   * bid's own broken rules, or alone for a bid that breaks none.
   */
  duplicateFaults(bidId: string): AuctionRejection[] {
    if (!this.live.has(bidId)) return [];
    const limit = 'unique among the live bids of this auction';
    return [reject('DUPLICATE_BID_ID', 'bidId', limit, `bidId ${show(bidId)} must be ${limit}`)];
  }

  cancel(bidId: string, agentId: string): AuctionBookResult {
    if (this.closed) return { ok: false, rejection: gateClosed() };
    const bid = this.live.get(bidId);
    if (bid === undefined || bid.agentId !== agentId) {
      const limit = 'a live bid of this agent';
      return {
        ok: false,
        rejection: reject('UNKNOWN_BID', 'bidId', limit, `bidId ${show(bidId)} is not ${limit}`),
      };
    }
    this.live.delete(bidId);
    return { ok: true };
  }

  /** Gate closure: no submit or cancel after this. Idempotent. */
  close(): void {
    this.closed = true;
  }

  /** The live bids in submission order (frozen copies); this order breaks rounding ties in the clearing. */
  bids(): AuctionBid[] {
    return [...this.live.values()];
  }

  /** Live bids of one agent, in submission order. */
  bidsOf(agentId: string): AuctionBid[] {
    return this.bids().filter((b) => b.agentId === agentId);
  }
}

function gateClosed(): AuctionRejection {
  const limit = 'before gate closure';
  return reject(
    'GATE_CLOSED',
    'bidId',
    limit,
    `the auction's gate has closed; bids are accepted only ${limit}`,
  );
}
