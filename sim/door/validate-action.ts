// Validation at the core's door. Every action from every driver — decoded from gRPC, built by an
// in-process strategy, produced by a learning agent — passes here before it may enter the event
// queue. Whatever the action holds (a missing oneof, an unknown enum value, NaN, a float, a string
// where a number belongs, 2^62, a lone surrogate no UTF-8 can carry), the answer is a typed
// rejection naming the proto field path and the limit of the first bad field, its message the
// others; it never throws and never stores a default in place of a bad value. Business rules
// that need market state (gate closures, unknown orders, curve monotonicity, obligations) stay
// with the venues and come back in the same shape.
import { CurveInterpolation } from '../../gen/flexarena/v1/auction.js';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import { ExecutionRestriction, RejectCode, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import { Action } from '../../gen/flexarena/v1/session.js';
import {
  BID_ID_LIMIT,
  isBidId,
  loneSurrogateAt,
  UTF8_STRING_LIMIT,
  utf8LengthOver,
  withAlso,
} from '../../lib/index.js';
import { wireRefusal } from './wire-refused.js';

export type ActionKind = NonNullable<Action['kind']>['$case'];

export const ACTION_KINDS: readonly ActionKind[] = [
  'submit',
  'cancel',
  'modify',
  'auctionBid',
  'cancelAuctionBid',
  'capacityBid',
  'energyBid',
];

export interface DoorLimits {
  /** Action kinds some venue of this run accepts. */
  enabledKinds: ReadonlySet<ActionKind>;
  priceMinTicks: number;
  priceMaxTicks: number;
  maxQuantityLots: number;
  /** Auction quantities and prices (the auction venue applies the exact limits). */
  maxAuctionLots: number;
  /** Balancing bids: the balancing markets' own limits, so a rejection states the rule they apply. */
  capacityBid: BalancingBidLimits;
  energyBid: BalancingBidLimits;
  maxCurvePoints: number;
  maxClientRefLength: number;
  maxIdLength: number;
}

export interface BalancingBidLimits {
  maxQuantityLots: number;
  priceMinTicks: number;
  priceMaxTicks: number;
}

export interface DoorRejection {
  code: RejectCode;
  /** Proto field path inside the action, e.g. "submit.price_ticks". */
  field: string;
  limit: string;
  message: string;
  /**
   * The action's other bad fields, in the order they are checked (`code`, `field` and `limit` are
   * the first's, as always); `message` names them after the first ("…; also: …"). Absent when there
   * is one.
   */
  also?: readonly DoorRejection[];
}

/** A validated action, normalised exactly as the wire would deliver it (proto3 defaults filled). */
export type Admitted =
  | { ok: true; action: Action; kind: ActionKind }
  | { ok: false; rejection: DoorRejection };

export function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function show(v: unknown): string {
  if (typeof v === 'string') {
    if (v.length <= 40) return JSON.stringify(v);
    // Not between the two halves of a pair: the message would show a lone surrogate of its own.
    const cut = (v.charCodeAt(39) & 0xfc00) === 0xd800 ? 39 : 40;
    return JSON.stringify(`${v.slice(0, cut)}…`);
  }
  if (typeof v === 'number' && Number.isNaN(v)) return 'a value outside the 64-bit safe range';
  try {
    return typeof v === 'bigint' ? `${v}n` : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
}

function reject(code: RejectCode, field: string, limit: string, got: unknown): DoorRejection {
  return { code, field, limit, message: `${field} must be ${limit}; got ${show(got)}` };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function intIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
}

type Check = DoorRejection | undefined;

/**
 * The first bad field of the checks given, in order, with the others as its `also`. Every check of
 * an action is total (it never throws, whatever it gets) and the checks of one message independent,
 * so all of them run: on a valid action each returns undefined, as in a chain that stops at the
 * first — the same work, and fixed arguments allocate nothing.
 */
function firstOf(a: Check, b?: Check, c?: Check, d?: Check, e?: Check, f?: Check, g?: Check): Check {
  const none = a === undefined && b === undefined && c === undefined && d === undefined && e === undefined;
  if (none && f === undefined && g === undefined) return undefined;
  const bad: DoorRejection[] = [];
  for (const x of [a, b, c, d, e, f, g]) {
    if (x === undefined) continue;
    bad.push(x);
    if (x.also !== undefined) bad.push(...x.also);
  }
  const [first, ...also] = bad;
  return also.length === 0 ? first : { ...first!, also: also.map(({ also: _, ...one }) => one) };
}

// The gateway refuses a string whose bytes are not UTF-8 with UTF8_STRING_LIMIT
// (arena/gateway/session-wire-check.ts); the door a JavaScript string no UTF-8 can encode (a lone
// surrogate, from an in-process strategy) with the same limit, so both drivers get one rule.
export { UTF8_STRING_LIMIT };

/**
 * A string field: its length is counted in UTF-8 bytes, the unit the wire carries it in (an agent in
 * any language can count them, and the gRPC and in-process paths agree); a lone surrogate is refused
 * before it could be counted, as the gRPC path could never have carried it.
 */
function text(v: unknown, field: string, maxBytes: number, required: boolean): Check {
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string') return reject(RejectCode.REJECT_CODE_INVALID_FIELD, field, 'a string', v);
  if (required && v.length === 0)
    return reject(
      RejectCode.REJECT_CODE_INVALID_FIELD,
      field,
      `a non-empty string of at most ${maxBytes} bytes of UTF-8`,
      v,
    );
  const lone = loneSurrogateAt(v);
  if (lone >= 0)
    return {
      code: RejectCode.REJECT_CODE_INVALID_FIELD,
      field,
      limit: UTF8_STRING_LIMIT,
      message: `${field} (string) must be valid UTF-8; got ${show(v)}, whose lone surrogate U+${v.charCodeAt(lone).toString(16).toUpperCase()} (UTF-16 index ${lone}) no UTF-8 can carry`,
    };
  if (utf8LengthOver(v, maxBytes)) {
    const limit = `at most ${maxBytes} bytes of UTF-8`;
    const bytes = Buffer.byteLength(v, 'utf8');
    return {
      code: RejectCode.REJECT_CODE_INVALID_FIELD,
      field,
      limit,
      message: `${field} must be ${limit}; got ${show(v)} (${bytes} bytes)`,
    };
  }
  return undefined;
}

function enumValue(
  v: unknown,
  field: string,
  allowed: readonly number[],
  names: string,
  code: RejectCode,
): Check {
  return typeof v === 'number' && allowed.includes(v) ? undefined : reject(code, field, `one of ${names}`, v);
}

function int(v: unknown, field: string, min: number, max: number, code: RejectCode, unit = ''): Check {
  return intIn(v, min, max) ? undefined : reject(code, field, `an integer within [${min}, ${max}]${unit}`, v);
}

/** Optional proto3 scalar: absent means the proto default (0), as on the wire. */
function optionalInt(v: unknown, field: string, min: number, max: number, code: RejectCode): Check {
  return v === undefined ? undefined : int(v, field, min, max, code);
}

const PRICE = RejectCode.REJECT_CODE_PRICE_OUT_OF_RANGE;
const QUANTITY = RejectCode.REJECT_CODE_QUANTITY_INVALID;

function orderId(v: unknown, field: string): Check {
  // An id the arena never issued is simply an order the agent does not have.
  return intIn(v, 1, Number.MAX_SAFE_INTEGER)
    ? undefined
    : reject(
        RejectCode.REJECT_CODE_UNKNOWN_ORDER,
        field,
        'an order id the arena issued to you (1 … 2^53−1)',
        v,
      );
}

// Submits are most of the actions a run sees (~55 k in a pace run): their field names and allowed
// values are built once here, not at every check.
const SIDES = [Side.SIDE_BUY, Side.SIDE_SELL];
const TIFS = [0, TimeInForce.TIME_IN_FORCE_GTC, TimeInForce.TIME_IN_FORCE_IOC, TimeInForce.TIME_IN_FORCE_FOK];
const RESTRICTIONS = [
  0,
  ExecutionRestriction.EXECUTION_RESTRICTION_NONE,
  ExecutionRestriction.EXECUTION_RESTRICTION_AON,
];

function checkSubmit(s: Record<string, unknown>, l: DoorLimits): Check {
  return firstOf(
    text(s.productId, 'submit.product_id', l.maxIdLength, true),
    enumValue(
      s.side,
      'submit.side',
      SIDES,
      'SIDE_BUY (1), SIDE_SELL (2)',
      RejectCode.REJECT_CODE_INVALID_SIDE,
    ),
    s.timeInForce === undefined
      ? undefined
      : enumValue(
          s.timeInForce,
          'submit.time_in_force',
          TIFS,
          'TIME_IN_FORCE_UNSPECIFIED (0, taken as TIME_IN_FORCE_GTC), TIME_IN_FORCE_GTC (1), TIME_IN_FORCE_IOC (2), TIME_IN_FORCE_FOK (3)',
          RejectCode.REJECT_CODE_INVALID_TIME_IN_FORCE,
        ),
    s.restriction === undefined
      ? undefined
      : enumValue(
          s.restriction,
          'submit.restriction',
          RESTRICTIONS,
          'EXECUTION_RESTRICTION_UNSPECIFIED (0, taken as EXECUTION_RESTRICTION_NONE), EXECUTION_RESTRICTION_NONE (1), EXECUTION_RESTRICTION_AON (2)',
          RejectCode.REJECT_CODE_INVALID_RESTRICTION,
        ),
    int(
      s.priceTicks,
      'submit.price_ticks',
      l.priceMinTicks,
      l.priceMaxTicks,
      PRICE,
      ' ticks of 0.01 EUR/MWh',
    ),
    int(s.quantityLots, 'submit.quantity_lots', 1, l.maxQuantityLots, QUANTITY, ' lots of 0.1 MW'),
    optionalInt(s.peakLots, 'submit.peak_lots', 0, l.maxQuantityLots, RejectCode.REJECT_CODE_PEAK_INVALID),
  );
}

function checkModify(m: Record<string, unknown>, l: DoorLimits): Check {
  return firstOf(
    orderId(m.orderId, 'modify.order_id'),
    int(
      m.priceTicks,
      'modify.price_ticks',
      l.priceMinTicks,
      l.priceMaxTicks,
      PRICE,
      ' ticks of 0.01 EUR/MWh',
    ),
    int(m.quantityLots, 'modify.quantity_lots', 1, l.maxQuantityLots, QUANTITY, ' lots of 0.1 MW'),
  );
}

/** A curve's points: each bad point field, unless the list itself is bad (then only that). */
function checkPoints(points: unknown, l: DoorLimits): Check {
  if (!Array.isArray(points))
    return reject(
      RejectCode.REJECT_CODE_INVALID_FIELD,
      'auction_bid.curve.points',
      'a list of points',
      points,
    );
  if (points.length > l.maxCurvePoints)
    return reject(
      RejectCode.REJECT_CODE_TOO_MANY_POINTS,
      'auction_bid.curve.points',
      `at most ${l.maxCurvePoints} points`,
      points.length,
    );
  let bad: Check;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const at = `auction_bid.curve.points[${i}]`;
    const point = isObject(p)
      ? firstOf(
          int(p.priceTicks, `${at}.price_ticks`, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, PRICE),
          int(p.quantityLots, `${at}.quantity_lots`, -l.maxAuctionLots, l.maxAuctionLots, QUANTITY),
        )
      : reject(RejectCode.REJECT_CODE_INVALID_FIELD, at, 'a curve point', p);
    if (point !== undefined) bad = firstOf(bad, point);
  }
  return bad;
}

function checkCurve(c: Record<string, unknown>, l: DoorLimits): Check {
  const f = (n: string) => `auction_bid.curve.${n}`;
  return firstOf(
    optionalInt(c.period, f('period'), 0, 95, RejectCode.REJECT_CODE_PERIOD_OUT_OF_RANGE),
    c.interpolation === undefined
      ? undefined
      : enumValue(
          c.interpolation,
          f('interpolation'),
          [0, CurveInterpolation.CURVE_INTERPOLATION_STEP, CurveInterpolation.CURVE_INTERPOLATION_LINEAR],
          'CURVE_INTERPOLATION_UNSPECIFIED (0, taken as CURVE_INTERPOLATION_STEP), CURVE_INTERPOLATION_STEP (1), CURVE_INTERPOLATION_LINEAR (2)',
          RejectCode.REJECT_CODE_INVALID_FIELD,
        ),
    checkPoints(c.points ?? [], l),
  );
}

function checkBlock(b: Record<string, unknown>, l: DoorLimits): Check {
  const f = (n: string) => `auction_bid.block.${n}`;
  return firstOf(
    enumValue(
      b.side,
      f('side'),
      [Side.SIDE_BUY, Side.SIDE_SELL],
      'SIDE_BUY (1), SIDE_SELL (2)',
      RejectCode.REJECT_CODE_INVALID_SIDE,
    ),
    optionalInt(b.firstPeriod, f('first_period'), 0, 95, RejectCode.REJECT_CODE_PERIOD_OUT_OF_RANGE),
    optionalInt(b.lastPeriod, f('last_period'), 0, 95, RejectCode.REJECT_CODE_PERIOD_OUT_OF_RANGE),
    int(b.priceTicks, f('price_ticks'), -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, PRICE),
    int(b.quantityLots, f('quantity_lots'), 1, l.maxAuctionLots, QUANTITY),
  );
}

function checkBid(bid: unknown, l: DoorLimits): Check {
  if (!isObject(bid) || !isObject(bid.value) || (bid.$case !== 'curve' && bid.$case !== 'block'))
    return reject(RejectCode.REJECT_CODE_INVALID_FIELD, 'auction_bid.bid', 'one of curve, block', bid);
  return bid.$case === 'curve' ? checkCurve(bid.value, l) : checkBlock(bid.value, l);
}

function checkAuctionBid(a: Record<string, unknown>, l: DoorLimits): Check {
  return firstOf(
    text(a.auctionId, 'auction_bid.auction_id', l.maxIdLength, true),
    isBidId(a.bidId)
      ? undefined
      : reject(RejectCode.REJECT_CODE_BID_ID_INVALID, 'auction_bid.bid_id', BID_ID_LIMIT, a.bidId),
    checkBid(a.bid, l),
  );
}

function checkBalancing(
  name: 'capacity_bid' | 'energy_bid',
  b: Record<string, unknown>,
  l: DoorLimits,
): Check {
  const f = (n: string) => `${name}.${n}`;
  const capacity = name === 'capacity_bid';
  const m = capacity ? l.capacityBid : l.energyBid;
  return firstOf(
    text(b.productId, f('product_id'), l.maxIdLength, true),
    enumValue(
      b.direction,
      f('direction'),
      [BalancingDirection.BALANCING_DIRECTION_UP, BalancingDirection.BALANCING_DIRECTION_DOWN],
      'BALANCING_DIRECTION_UP (1), BALANCING_DIRECTION_DOWN (2)',
      RejectCode.REJECT_CODE_DIRECTION_INVALID,
    ),
    int(b.quantityLots, f('quantity_lots'), 1, m.maxQuantityLots, QUANTITY, ' lots of 0.1 MW'),
    int(
      b.priceTicks,
      f('price_ticks'),
      m.priceMinTicks,
      m.priceMaxTicks,
      PRICE,
      capacity ? ' ticks of 0.01 EUR/MW per hour' : ' ticks of 0.01 EUR/MWh',
    ),
    capacity && b.indivisible !== undefined && typeof b.indivisible !== 'boolean'
      ? reject(RejectCode.REJECT_CODE_DIVISIBLE_INVALID, f('indivisible'), 'true or false', b.indivisible)
      : undefined,
  );
}

function checkKind(kind: ActionKind, v: Record<string, unknown>, l: DoorLimits): Check {
  switch (kind) {
    case 'submit':
      return checkSubmit(v, l);
    case 'cancel':
      return orderId(v.orderId, 'cancel.order_id');
    case 'modify':
      return checkModify(v, l);
    case 'auctionBid':
      return checkAuctionBid(v, l);
    case 'cancelAuctionBid':
      return firstOf(
        text(v.auctionId, 'cancel_auction_bid.auction_id', l.maxIdLength, true),
        text(v.bidId, 'cancel_auction_bid.bid_id', l.maxIdLength, true),
      );
    case 'capacityBid':
      return checkBalancing('capacity_bid', v, l);
    case 'energyBid':
      return checkBalancing('energy_bid', v, l);
  }
}

/** The rejection of an action, its message naming the other bad fields after the first. */
function no(rejection: DoorRejection): Admitted {
  const also = rejection.also;
  if (also === undefined) return { ok: false, rejection };
  return {
    ok: false,
    rejection: {
      ...rejection,
      message: withAlso(
        rejection.message,
        also.map((r) => r.message),
      ),
    },
  };
}

/** Checks one action; on success returns it normalised as the wire would deliver it. */
export function admitAction(raw: unknown, l: DoorLimits): Admitted {
  // Not an Action at all (an in-process strategy's null): the Action has no field to name, so the
  // rejection names the batch's list it stands in, as for an entry beyond the batch's limit.
  if (!isObject(raw))
    return no({
      code: RejectCode.REJECT_CODE_INVALID_FIELD,
      field: 'actions',
      limit: 'an Action message',
      message: `actions: each entry must be an Action message; got ${show(raw)}`,
    });
  const ref = text(raw.clientRef, 'client_ref', l.maxClientRefLength, false);
  // A field the gateway found sent with the wrong wire type, or a string not UTF-8: the decoded
  // action would hold the proto default or U+FFFD in its place, so only a stand-in reached the door
  // (wire-refused.ts).
  if (raw.wireRefused !== undefined) return no(firstOf(ref, wireRefusal(raw))!);
  const k = raw.kind;
  if (!isObject(k) || !ACTION_KINDS.includes(k.$case as ActionKind) || !isObject(k.value))
    return no(
      firstOf(
        ref,
        reject(
          RejectCode.REJECT_CODE_INVALID_FIELD,
          'kind',
          `one of ${ACTION_KINDS.map(snake).join(', ')}`,
          isObject(k) ? k.$case : k,
        ),
      )!,
    );
  const kind = k.$case as ActionKind;
  if (!l.enabledKinds.has(kind))
    return no(
      firstOf(ref, {
        code: RejectCode.REJECT_CODE_MARKET_NOT_IN_RUN,
        field: snake(kind),
        limit: `one of ${[...l.enabledKinds].map(snake).join(', ')}`,
        message: `${snake(kind)}: this run has no venue for it (its market is switched off)`,
      })!,
    );
  const bad = firstOf(ref, checkKind(kind, k.value, l));
  if (bad) return no(bad);
  // Validated: fromPartial fills proto3 defaults and drops unknown properties, exactly what a
  // decode of the same message from the wire gives, so in-process and gRPC runs see equal actions.
  return { ok: true, action: Action.fromPartial(raw as unknown as Action), kind };
}
