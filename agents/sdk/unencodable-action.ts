// Why a strategy's batch could not be put on the wire, as a typed error naming the action (its
// index in the batch, ActionBuildError.actionIndex) and its field by its proto path inside the
// Action, as the door names it (`submit.product_id`; docs/protocol.md "Field naming"). The generated encoder fails deep inside protobuf with "The number 1.5 cannot be converted to
// a BigInt" or "invalid int64: 1e+22" and no hint of which action or field: a strategy that builds
// actions by hand (not through priceTicks/quantityLots) gets that instead of a line it can act on.
// Only called once the encoding failed, so a batch that encodes costs nothing more.
import { Action } from '../../gen/flexarena/v1/session.js';
import { UTF8_STRING_LIMIT } from '../../lib/index.js';
import { ActionBuildError, type FieldFault } from './errors.js';
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

/** Every string under `value` with a lone surrogate (well-formed-writer.ts), with its path, in order. */
function illFormed(value: unknown, path: string, out: { path: string; value: string }[]): void {
  if (typeof value === 'string') {
    if (!isWellFormed(value)) out.push({ path, value });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) illFormed(v, `${path}[${i}]`, out);
    return;
  }
  const oneof = oneofOf(value);
  if (oneof) {
    illFormed(oneof.value, under(path, oneof.$case), out);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const inner = oneofOf(v);
    if (inner) illFormed(inner.value, under(path, inner.$case), out);
    else illFormed(v, under(path, k), out);
  }
}

/** The Action's string fields, by their TypeScript names (every other leaf is an integer, an enum or a bool). */
const STRING_FIELDS: ReadonlySet<string> = new Set(['clientRef', 'productId', 'auctionId', 'bidId']);

/**
 * Every leaf under `value` the wire cannot hold as it is, with its path, in order: a string field
 * that is not a string (a product id of 42), or any other field that is neither a safe integer nor a
 * bool (1.5 ticks, a side of 'buy'). Every number of an Action is an integer on the wire. An absent
 * (undefined) leaf is not named: the generated encoder takes some as their default.
 */
function badLeaves(
  value: unknown,
  path: string,
  out: { path: string; value: unknown; string: boolean }[],
  key = '',
): void {
  if (STRING_FIELDS.has(key)) {
    if (typeof value !== 'string') out.push({ path, value, string: true });
    return;
  }
  if (value === undefined || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) out.push({ path, value, string: false });
    return;
  }
  if (value === null || typeof value !== 'object') {
    out.push({ path, value, string: false });
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) badLeaves(v, `${path}[${i}]`, out);
    return;
  }
  const oneof = oneofOf(value);
  if (oneof) {
    badLeaves(oneof.value, under(path, oneof.$case), out);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const inner = oneofOf(v);
    if (inner) badLeaves(inner.value, under(path, inner.$case), out);
    else badLeaves(v, under(path, k), out, k);
  }
}

/**
 * The faults of one action, in the order of its fields: strings no UTF-8 can carry, then values of
 * the wrong type (a field named by the first is not named again).
 */
function faultsOf(action: Action): FieldFault[] {
  const texts: { path: string; value: string }[] = [];
  illFormed(action.clientRef, 'client_ref', texts);
  illFormed(action.kind, '', texts);
  const leaves: { path: string; value: unknown; string: boolean }[] = [];
  badLeaves(action.clientRef, 'client_ref', leaves, 'clientRef');
  badLeaves(action.kind, '', leaves);
  const named = new Set(texts.map((t) => t.path));
  return [
    ...texts.map((t) => ({
      field: t.path,
      limit: UTF8_STRING_LIMIT,
      reason: `${JSON.stringify(t.value)} cannot be sent: it holds a lone surrogate, which no UTF-8 can carry`,
    })),
    ...leaves
      .filter((b) => !named.has(b.path))
      .map((b) => ({
        field: b.path,
        limit: b.string
          ? 'a string'
          : `an integer within ±${Number.MAX_SAFE_INTEGER} (ticks, lots, ids, periods)`,
        reason: `${shown(b.value)} cannot be sent`,
      })),
  ];
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
 * by its index (`actionIndex`) and the proto path of its field (every other bad field of that action
 * in `also`, as the door and the builders name them); `actions` (the ActionBatch's field,
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
    const [first, ...also] = faultsOf(action);
    if (first) return new ActionBuildError(first.field, first.limit, first.reason, { ...at, also });
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
