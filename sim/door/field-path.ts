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
 * A word of a message: a string the agent sent (quoted by the library, left as it is) or a name.
 * Library names of fields are camelCase, or renamed (RENAMED): prose words never are.
 */
const WORD = /"(?:[^"\\]|\\.)*"|[A-Za-z_]+/g;

/**
 * A venue's rejection message in the protocol's names, as fieldPath gives its field: the market
 * library writes its messages in its own names ("peakLots must be … (the order's quantityLots)"),
 * which an agent written against the proto, in any language, has no way to look up. The rejected
 * field that opens the message, and the fields of the action named in it, become their proto paths
 * ("submit.peak_lots must be … (the order's submit.quantity_lots)"). `field` is the library's, as
 * passed to fieldPath.
 */
export function protocolMessage(action: Action, field: string, message: string): string {
  // "time" is when the action reached the market, not a field (fieldPath names the product for it).
  const opens =
    field !== 'time' && message.startsWith(field) && /^(?![\w.[])/.test(message.slice(field.length));
  const head = opens ? fieldPath(action, field) : '';
  const names = fieldNames(action);
  const rest = (opens ? message.slice(field.length) : message).replace(WORD, (w) =>
    names.has(w) ? fieldPath(action, w) : w,
  );
  return head + rest;
}

/** The library names of the action's fields that a message may mention besides the rejected one. */
function fieldNames(action: Action): Set<string> {
  const camel = Object.keys(action.kind?.value ?? {}).filter((n) => /[A-Z]/.test(n));
  return new Set([...camel, ...Object.keys(RENAMED)]);
}
