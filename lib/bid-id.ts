// An auction bid's id names the bid in awards and cancellations: the core's door and the TypeScript
// SDK's builders hold it to one rule, in the same words.

const BID_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** The rule as a limit text (ActionResult.limit, ActionBuildError.limit). */
export const BID_ID_LIMIT = '1-64 characters: letters, digits, "_", "." or "-"';

export function isBidId(value: unknown): value is string {
  return typeof value === 'string' && BID_ID.test(value);
}
