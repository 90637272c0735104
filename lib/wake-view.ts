// The public view of a wake-up — the books and forecasts every agent sees alike — as a delta
// against an earlier view, and the rebuild of the full view from it. The arena computes the
// delta (`diffWakeView`), the SDKs apply it (`applyWakeViewDelta`); both sides share this one
// rule, so what a strategy sees is exactly the list the arena had. The rule for each list keyed
// by product id: drop the removed ids, replace changed entries where they stand, append new
// entries in the order given. When that rule cannot give the new list (a product opening in the
// middle of the list), `diffWakeView` says so and the arena sends a full snapshot instead.

export interface Keyed {
  readonly productId: string;
}

/** The shared part of a wake-up; the fields have the names of the generated WakeUp. */
export interface WakeView<B extends Keyed, P extends Keyed, F extends Keyed> {
  books: readonly B[];
  priceForecasts: readonly P[];
  fundamentalsForecasts: readonly F[];
}

/** What changed between two views (WakeUp's delta fields). */
export interface WakeViewDelta<B extends Keyed, P extends Keyed, F extends Keyed> extends WakeView<B, P, F> {
  closedProductIds: readonly string[];
  expiredForecastProductIds: readonly string[];
}

/** Structural equality of decoded proto messages: numbers, strings, booleans, arrays, objects. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  // for-in without Object.keys: no arrays allocated (this runs over every book at every decision point).
  let keys = 0;
  for (const k in a) {
    keys++;
    if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  for (const _ in b) keys--;
  return keys === 0;
}

/** The rebuild rule for one list: removed ids dropped, changed entries in place, new ones appended. */
export function applyListDelta<T extends Keyed>(
  base: readonly T[],
  removed: ReadonlySet<string>,
  upserts: readonly T[],
): T[] {
  const pending = new Map<string, T>();
  for (const u of upserts) pending.set(u.productId, u);
  const out: T[] = [];
  for (const b of base) {
    if (removed.has(b.productId)) continue;
    const u = pending.get(b.productId);
    if (u) pending.delete(b.productId);
    out.push(u ?? b);
  }
  for (const u of upserts) if (pending.get(u.productId) === u) out.push(u);
  return out;
}

/** The full view from the base view and a delta against it. */
export function applyWakeViewDelta<B extends Keyed, P extends Keyed, F extends Keyed>(
  base: WakeView<B, P, F>,
  delta: WakeViewDelta<B, P, F>,
): WakeView<B, P, F> {
  const closed = new Set(delta.closedProductIds);
  const expired = new Set(delta.expiredForecastProductIds);
  return {
    books: applyListDelta(base.books, closed, delta.books),
    priceForecasts: applyListDelta(base.priceForecasts, expired, delta.priceForecasts),
    fundamentalsForecasts: applyListDelta(base.fundamentalsForecasts, expired, delta.fundamentalsForecasts),
  };
}

/** Changed or new entries and removed ids; undefined when a list repeats a product id. */
function diffList<T extends Keyed>(
  base: readonly T[],
  next: readonly T[],
): { upserts: T[]; removed: string[] } | undefined {
  const before = new Map<string, T>();
  for (const b of base) before.set(b.productId, b);
  const ids = new Set<string>();
  for (const n of next) ids.add(n.productId);
  if (before.size !== base.length || ids.size !== next.length) return undefined;
  const upserts: T[] = [];
  for (const n of next) {
    const b = before.get(n.productId);
    if (b === undefined || !sameValue(b, n)) upserts.push(n);
  }
  const removed = base.filter((b) => !ids.has(b.productId)).map((b) => b.productId);
  return { upserts, removed };
}

/**
 * The rebuilt list is the wanted one: the same ids in the same order. With ids unique on both
 * sides that is enough: an entry the rebuild kept from the base was found equal to the new entry
 * of its id by diffList, every other entry is the new one itself.
 */
function sameList(rebuilt: readonly Keyed[], next: readonly Keyed[]): boolean {
  if (rebuilt.length !== next.length) return false;
  for (let i = 0; i < rebuilt.length; i++) if (rebuilt[i]!.productId !== next[i]!.productId) return false;
  return true;
}

/**
 * The delta that rebuilds `next` from `base`, or undefined when the rebuild rule cannot give
 * `next` exactly (an entry new in the middle of a list, a duplicate product id): then only a
 * snapshot is safe. The rebuild is checked here against `next`: an entry the rebuild keeps from
 * the base is structurally equal to `next`'s, so it decodes to the same message.
 */
export function diffWakeView<B extends Keyed, P extends Keyed, F extends Keyed>(
  base: WakeView<B, P, F>,
  next: WakeView<B, P, F>,
): WakeViewDelta<B, P, F> | undefined {
  const books = diffList(base.books, next.books);
  const prices = diffList(base.priceForecasts, next.priceForecasts);
  const fundamentals = diffList(base.fundamentalsForecasts, next.fundamentalsForecasts);
  if (!books || !prices || !fundamentals) return undefined;
  const expired = [...new Set([...prices.removed, ...fundamentals.removed])];
  const delta: WakeViewDelta<B, P, F> = {
    books: books.upserts,
    priceForecasts: prices.upserts,
    fundamentalsForecasts: fundamentals.upserts,
    closedProductIds: books.removed,
    expiredForecastProductIds: expired,
  };
  const rebuilt = applyWakeViewDelta(base, delta);
  const exact =
    sameList(rebuilt.books, next.books) &&
    sameList(rebuilt.priceForecasts, next.priceForecasts) &&
    sameList(rebuilt.fundamentalsForecasts, next.fundamentalsForecasts);
  return exact ? delta : undefined;
}
