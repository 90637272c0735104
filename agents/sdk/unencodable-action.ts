// Why a strategy's batch could not be put on the wire, as a typed error naming the action (its
// index in the batch, ActionBuildError.actionIndex) and its field by its proto path inside the
// Action, as the door names it (`submit.product_id`; docs/protocol.md "Field naming"). The generated encoder fails deep inside protobuf with "The number 1.5 cannot be converted to
// a BigInt" or "invalid int64: 1e+22" and no hint of which action or field: a strategy that builds
// actions by hand (not through priceTicks/quantityLots) gets that instead of a line it can act on.
// Only called once the encoding failed, so a batch that encodes costs nothing more.
import { Action } from '../../gen/flexarena/v1/session.js';
import { UTF8_STRING_LIMIT } from '../../lib/index.js';
import { ActionBuildError } from './errors.js';
import { isWellFormed } from './well-formed-writer.js';

/** TypeScript's name of a generated field or oneof case → the proto's ("priceTicks" → "price_ticks"). */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `path` + `.name`, the proto's name of the field (no leading dot at the Action's top). */
function under(path: string, name: string): string {
  return path ? `${path}.${snake(name)}` : snake(name);
}

/** A generated oneof: { $case, value }. Its path names the case, not the oneof ("curve", not "bid.curve"). */
function oneofOf(value: unknown): { $case: string; value: unknown } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const o = value as Record<string, unknown>;
  return typeof o.$case === 'string' && 'value' in o ? (o as { $case: string; value: unknown }) : undefined;
}

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
  const oneof = oneofOf(value);
  if (oneof) return firstIllFormed(oneof.value, under(path, oneof.$case));
  for (const [k, v] of Object.entries(value)) {
    const inner = oneofOf(v);
    const bad = inner
      ? firstIllFormed(inner.value, under(path, inner.$case))
      : firstIllFormed(v, under(path, k));
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
  const oneof = oneofOf(value);
  if (oneof) return firstBadLeaf(oneof.value, under(path, oneof.$case));
  for (const [k, v] of Object.entries(value)) {
    const inner = oneofOf(v);
    const bad = inner
      ? firstBadLeaf(inner.value, under(path, inner.$case))
      : firstBadLeaf(v, under(path, k), k);
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

/**
 * The error for a batch of `actions` whose encoding failed with `cause`: the first action at fault,
 * by its index (`actionIndex`) and the proto path of its field; `actions` (the ActionBatch's field,
 * as the door names an entry that is no Action) when no single field is to blame.
 */
export function unencodableAction(actions: readonly Action[], cause: unknown): ActionBuildError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (!Array.isArray(actions))
    return new ActionBuildError('actions', 'an array of Actions', `${shown(actions)} cannot be sent`, {
      cause,
    });
  for (const [i, action] of actions.entries()) {
    const at = { cause, actionIndex: i };
    if (action === null || typeof action !== 'object' || Array.isArray(action))
      return new ActionBuildError(
        'actions',
        'an Action (built by submit, cancel, …)',
        `${shown(action)} cannot be sent`,
        at,
      );
    const text = firstIllFormed(action.clientRef, 'client_ref') ?? firstIllFormed(action.kind, '');
    if (text)
      return new ActionBuildError(
        text.path,
        UTF8_STRING_LIMIT,
        `${JSON.stringify(text.value)} cannot be sent: it holds a lone surrogate, which no UTF-8 can carry`,
        at,
      );
    const bad = firstBadLeaf(action.clientRef, 'client_ref', 'clientRef') ?? firstBadLeaf(action.kind, '');
    if (bad)
      return new ActionBuildError(
        bad.path,
        bad.string ? 'a string' : `an integer within ±${Number.MAX_SAFE_INTEGER} (ticks, lots, ids, periods)`,
        `${shown(bad.value)} cannot be sent`,
        at,
      );
    try {
      Action.encode(action);
    } catch (err) {
      return new ActionBuildError(
        'actions',
        'a well-formed Action (its enums and integer fields set)',
        `cannot be sent: ${(err as Error).message}`,
        at,
      );
    }
  }
  return new ActionBuildError('actions', 'a well-formed ActionBatch', `cannot be sent: ${reason}`, {
    cause,
  });
}
