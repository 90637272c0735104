// Why a strategy's batch could not be put on the wire, as a typed error naming the action and its
// field. The generated encoder fails deep inside protobuf with "The number 1.5 cannot be converted to
// a BigInt" or "invalid int64: 1e+22" and no hint of which action or field: a strategy that builds
// actions by hand (not through priceTicks/quantityLots) gets that instead of a line it can act on.
// Only called once the encoding failed, so a batch that encodes costs nothing more.
import { Action } from '../../gen/flexarena/v1/session.js';
import { UTF8_STRING_LIMIT } from '../../lib/index.js';
import { ActionBuildError } from './errors.js';
import { isWellFormed } from './well-formed-writer.js';

/** The first string under `value` with a lone surrogate (well-formed-writer.ts), with its path. */
function firstIllFormed(value: unknown, path: string): { path: string; value: string } | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? undefined : { path, value };
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const bad = firstIllFormed(v, `${path}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  const o = value as Record<string, unknown>;
  if (typeof o.$case === 'string' && 'value' in o) return firstIllFormed(o.value, `${path}.${o.$case}`);
  for (const [k, v] of Object.entries(o)) {
    const bad = firstIllFormed(v, path ? `${path}.${k}` : k);
    if (bad) return bad;
  }
  return undefined;
}

/** The Action's string fields, by their TypeScript names (every other leaf is an integer, an enum or a bool). */
const STRING_FIELDS: ReadonlySet<string> = new Set(['clientRef', 'productId', 'auctionId', 'bidId']);

/**
 * The first leaf under `value` the wire cannot hold as it is, with its path: a string field that is
 * not a string (a product id of 42), or any other field that is neither a safe integer nor a bool
 * (1.5 ticks, a side of 'buy'). Every number of an Action is an integer on the wire. An absent
 * (undefined) leaf is not named: the generated encoder takes some as their default.
 */
function firstBadLeaf(
  value: unknown,
  path: string,
  key = '',
): { path: string; value: unknown; string: boolean } | undefined {
  if (STRING_FIELDS.has(key)) return typeof value === 'string' ? undefined : { path, value, string: true };
  if (value === undefined || typeof value === 'boolean') return undefined;
  if (typeof value === 'number')
    return Number.isSafeInteger(value) ? undefined : { path, value, string: false };
  if (value === null || typeof value !== 'object') return { path, value, string: false };
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const bad = firstBadLeaf(v, `${path}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  const o = value as Record<string, unknown>;
  // A oneof is { $case, value }: the path names the case, not "value".
  if (typeof o.$case === 'string' && 'value' in o) return firstBadLeaf(o.value, `${path}.${o.$case}`);
  for (const [k, v] of Object.entries(o)) {
    const bad = firstBadLeaf(v, path ? `${path}.${k}` : k, k);
    if (bad) return bad;
  }
  return undefined;
}

function shown(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** The error for a batch of `actions` whose encoding failed with `cause`. */
export function unencodableAction(actions: readonly Action[], cause: unknown): ActionBuildError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  for (const [i, action] of actions.entries()) {
    const text =
      firstIllFormed(action.clientRef, `actions[${i}].clientRef`) ??
      firstIllFormed(action.kind, `actions[${i}]`);
    if (text)
      return new ActionBuildError(
        text.path,
        UTF8_STRING_LIMIT,
        `${JSON.stringify(text.value)} cannot be sent: it holds a lone surrogate, which no UTF-8 can carry`,
        { cause },
      );
    const bad =
      firstBadLeaf(action.clientRef, `actions[${i}].clientRef`, 'clientRef') ??
      firstBadLeaf(action.kind, `actions[${i}]`);
    if (bad)
      return new ActionBuildError(
        bad.path,
        bad.string ? 'a string' : `an integer within ±${Number.MAX_SAFE_INTEGER} (ticks, lots, ids, periods)`,
        `${shown(bad.value)} cannot be sent`,
        { cause },
      );
    try {
      Action.encode(action);
    } catch (err) {
      return new ActionBuildError(
        `actions[${i}]`,
        'a well-formed Action (its enums and integer fields set)',
        `cannot be sent: ${(err as Error).message}`,
        { cause },
      );
    }
  }
  return new ActionBuildError('actions', 'a well-formed ActionBatch', `cannot be sent: ${reason}`, {
    cause,
  });
}
