// One naming convention for the field of every rejection, wherever it was found: the proto field
// path inside the Action message ("submit.price_ticks", "auction_bid.curve.points[2].quantity_lots").
// The market library names fields its own way (camelCase, relative to its command); this maps them.
import type { Action } from '../../gen/flexarena/v1/session.js';
import { snake } from './validate-action.js';

/**
 * Library names that differ from the proto's, beyond camelCase → snake_case. The balancing markets
 * name a bid's price after their market; the proto's SubmitCapacityBid and SubmitEnergyBid both
 * call it price_ticks.
 */
const RENAMED: Record<string, string> = {
  tif: 'time_in_force',
  capacityPriceTicks: 'price_ticks',
  energyPriceTicks: 'price_ticks',
};

function snakePath(field: string): string {
  return field
    .split('.')
    .map((seg) => {
      const m = /^([A-Za-z_]+)(.*)$/.exec(seg);
      if (!m) return seg;
      return (RENAMED[m[1]!] ?? snake(m[1]!)) + m[2];
    })
    .join('.');
}

export function fieldPath(action: Action, field: string): string {
  const kind = action.kind;
  if (!kind) return snakePath(field);
  const prefix = snake(kind.$case);
  // A rejection for the time of arrival (gate closed, market not open) is about the product: a
  // submit names it by product_id, a modify or cancel by the order it is about.
  const path = field === 'time' ? (kind.$case === 'submit' ? 'product_id' : 'order_id') : snakePath(field);
  if (path === prefix || path.startsWith(`${prefix}.`)) return path;
  if (kind.$case === 'auctionBid') {
    const top = path.split('.')[0]!.replace(/\[.*$/, '');
    if (['auction_id', 'bid_id', 'curve', 'block', 'bid'].includes(top)) return `${prefix}.${path}`;
    return `${prefix}.${kind.value.bid?.$case ?? 'bid'}.${path}`;
  }
  return `${prefix}.${path}`;
}

/**
 * The market library's values of the proto's enums (market/types.ts, market/balancing/types.ts,
 * market/auction/types.ts),
 * by the library's name of the field that holds them, with the proto's names: the agent sent the
 * enum's number and can look up only these.
 */
const ENUM_VALUES: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map(
  Object.entries({
    tif: { GTC: 'TIME_IN_FORCE_GTC', IOC: 'TIME_IN_FORCE_IOC', FOK: 'TIME_IN_FORCE_FOK' },
    restriction: { NONE: 'EXECUTION_RESTRICTION_NONE', AON: 'EXECUTION_RESTRICTION_AON' },
    side: { buy: 'SIDE_BUY', sell: 'SIDE_SELL' },
    direction: { up: 'BALANCING_DIRECTION_UP', down: 'BALANCING_DIRECTION_DOWN' },
    interpolation: { step: 'CURVE_INTERPOLATION_STEP', linear: 'CURVE_INTERPOLATION_LINEAR' },
  }).map(([field, values]) => [field, new Map(Object.entries(values))]),
);

/** Every library enum value, whatever its field (no value belongs to two enums). */
const ANY_ENUM_VALUE: ReadonlyMap<string, string> = new Map(
  [...ENUM_VALUES.values()].flatMap((values) => [...values]),
);

/**
 * A word of a message: a string the agent sent (quoted by the library, left as it is), a value the
 * library quotes in its own wording ('GTC') or a name. Library names of fields are camelCase, or
 * renamed (RENAMED): prose words never are.
 */
const WORD = /"(?:[^"\\]|\\.)*"|'[A-Za-z]+'|[A-Za-z_]+/g;

/**
 * The proto's name of a library enum value in a message, or undefined for any other word. The
 * library writes them three ways: in its own quotes in what a field must be ('GTC' for an iceberg
 * order), bare in upper case (IOC AON, FOK) and, as the value it got, JSON-quoted — which is never
 * a string the agent sent (it sent a number), but only for the rejected field's own enum: another
 * quoted value ("IOC" as a product id) is the agent's. Lower case bare words (up, buy) are prose.
 */
function enumName(word: string, field: string): string | undefined {
  if (word.startsWith("'")) return ANY_ENUM_VALUE.get(word.slice(1, -1));
  if (word.startsWith('"')) return ENUM_VALUES.get(field)?.get(word.slice(1, -1));
  return /^[A-Z]+$/.test(word) ? ANY_ENUM_VALUE.get(word) : undefined;
}

/**
 * A venue's rejection message in the protocol's names, as fieldPath gives its field: the market
 * library writes its messages in its own names ("peakLots must be … (the order's quantityLots)",
 * "tif must be 'GTC' …; got \"IOC\""), which an agent written against the proto, in any language,
 * has no way to look up. The rejected field that opens the message, and the fields of the action
 * named in it, become their proto paths ("submit.peak_lots must be … (the order's
 * submit.quantity_lots)"), the enum values their proto names ("submit.time_in_force must be
 * TIME_IN_FORCE_GTC …; got TIME_IN_FORCE_IOC"). `field` is the library's, as passed to fieldPath.
 */
export function protocolMessage(action: Action, field: string, message: string): string {
  // "time" is when the action reached the market, not a field (fieldPath names the product for it).
  const opens =
    field !== 'time' && message.startsWith(field) && /^(?![\w.[])/.test(message.slice(field.length));
  const head = opens ? fieldPath(action, field) : '';
  return head + protocolWords(action, field, opens ? message.slice(field.length) : message);
}

/**
 * A venue's rejection limit in the protocol's names: it states the rule in the library's words
 * too ("'GTC' for an iceberg order"), and the agent reads it beside the message.
 */
export function protocolLimit(action: Action, field: string, limit: string): string {
  return protocolWords(action, field, limit);
}

/** The action's field names and the enum values in `text` as the proto names them. */
function protocolWords(action: Action, field: string, text: string): string {
  const names = fieldNames(action);
  return text.replace(WORD, (w) => (names.has(w) ? fieldPath(action, w) : (enumName(w, field) ?? w)));
}

/** The library names of the action's fields that a message may mention besides the rejected one. */
function fieldNames(action: Action): Set<string> {
  const camel = Object.keys(action.kind?.value ?? {}).filter((n) => /[A-Z]/.test(n));
  return new Set([...camel, ...Object.keys(RENAMED)]);
}
