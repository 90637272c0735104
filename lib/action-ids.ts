// The rules for an action's ids that the core's door and the TypeScript SDK's builders share, so an
// agent meets the same limit, in the same words, where it builds an action and where it is checked.

/**
 * The default limit of ids (product_id, auction_id, a cancel's bid_id) and client_ref, in UTF-8
 * bytes as the wire carries them (the door's may be set per run; the SDK checks this one).
 */
export const MAX_ID_BYTES = 64;

// An auction bid's id names the bid in awards and cancellations.

const BID_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** The rule as a limit text (ActionResult.limit, ActionBuildError.limit). */
export const BID_ID_LIMIT = '1-64 characters: letters, digits, "_", "." or "-"';

export function isBidId(value: unknown): value is string {
  return typeof value === 'string' && BID_ID.test(value);
}
