// One naming convention for the field of every rejection, wherever it was found: the proto field
// path inside the Action message ("submit.price_ticks", "auction_bid.curve.points[2].quantity_lots").
// The market library names fields its own way (camelCase, relative to its command); this maps them.
import type { Action } from '../../gen/flexarena/v1/session.js';
import { snake } from './validate-action.js';

/** Library names that differ from the proto's, beyond camelCase → snake_case. */
const RENAMED: Record<string, string> = { tif: 'time_in_force' };

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
  // A rejection for the time of arrival (gate closed, market not open) is about the product.
  const path = field === 'time' ? 'product_id' : snakePath(field);
  if (path === prefix || path.startsWith(`${prefix}.`)) return path;
  if (kind.$case === 'auctionBid') {
    const top = path.split('.')[0]!.replace(/\[.*$/, '');
    if (['auction_id', 'bid_id', 'curve', 'block', 'bid'].includes(top)) return `${prefix}.${path}`;
    return `${prefix}.${kind.value.bid?.$case ?? 'bid'}.${path}`;
  }
  return `${prefix}.${path}`;
}
