// The public view of a wake-up — the books and forecasts every agent sees alike — and an agent's
// open orders and positions, each as a delta against an earlier wake-up, and the rebuild of the
// full lists from it. The arena computes the deltas (`diffWakeView`, `diffOpenOrders`,
// `diffPositions`), the SDKs apply them (`applyWakeViewDelta`, `applyOpenOrdersDelta`,
// `applyPositionsDelta`); both sides share this one rule, so what a strategy sees is exactly the
// list the arena had. The rule for each list keyed by product id (an order: by order id): drop the
// removed ids, replace changed entries where they stand, append new entries in the order given. When that rule cannot give the new list (a product opening in the
// middle of the list), the diff says so and the arena sends a full snapshot instead.

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

/** An agent's resting order as the wake-up carries it (the generated Order). */
export interface OrderKeyed {
  readonly orderId: number;
}

/** What changed in an agent's open orders (WakeUp's open_orders and closed_order_ids in a delta). */
export interface OpenOrdersDelta<O extends OrderKeyed> {
  openOrders: readonly O[];
  closedOrderIds: readonly number[];
}

const byProduct = (e: Keyed): string => e.productId;
const byOrder = (o: OrderKeyed): number => o.orderId;
const NO_IDS: ReadonlySet<string> = new Set();

/** The rebuild rule for one list: removed ids dropped, changed entries in place, new ones appended. */
export function applyListDelta<T, K>(
  base: readonly T[],
  removed: ReadonlySet<K>,
  upserts: readonly T[],
  key: (e: T) => K,
): T[] {
  const pending = new Map<K, T>();
  for (const u of upserts) pending.set(key(u), u);
  const out: T[] = [];
  // Indexed: an agent's open orders run to ~1 200 entries at every decision point.
  for (let i = 0; i < base.length; i++) {
    const b = base[i]!;
    const k = key(b);
    if (removed.has(k)) continue;
    const u = pending.get(k);
    if (u) pending.delete(k);
    out.push(u ?? b);
  }
  for (const u of upserts) if (pending.get(key(u)) === u) out.push(u);
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
    books: applyListDelta(base.books, closed, delta.books, byProduct),
    priceForecasts: applyListDelta(base.priceForecasts, expired, delta.priceForecasts, byProduct),
    fundamentalsForecasts: applyListDelta(
      base.fundamentalsForecasts,
      expired,
      delta.fundamentalsForecasts,
      byProduct,
    ),
  };
}

/**
 * The complete open orders from the base wake-up's list and a delta against it (the list rule).
 * A market maker's list runs to ~1 000 orders at every decision point, so the usual case — every
 * list strictly ascending by order id, as the arena sends them — is one merge walk without a hash
 * lookup; anything else falls back to the rule as written (applyListDelta), which gives the same
 * list for sorted input.
 */
export function applyOpenOrdersDelta<O extends OrderKeyed>(
  base: readonly O[],
  delta: OpenOrdersDelta<O>,
): O[] {
  return (
    mergeSortedOrders(base, delta) ??
    applyListDelta(base, new Set(delta.closedOrderIds), delta.openOrders, byOrder)
  );
}

/** The list rule by a merge walk; undefined when a list is not strictly ascending by order id. */
function mergeSortedOrders<O extends OrderKeyed>(
  base: readonly O[],
  delta: OpenOrdersDelta<O>,
): O[] | undefined {
  const ups = delta.openOrders;
  const closed = delta.closedOrderIds;
  for (let k = 1; k < ups.length; k++) if (!(ups[k]!.orderId > ups[k - 1]!.orderId)) return undefined;
  for (let k = 1; k < closed.length; k++) if (!(closed[k]! > closed[k - 1]!)) return undefined;
  const out: O[] = [];
  // Upserts without a base order of their id left in the list: appended, in the order given.
  const appended: O[] = [];
  let u = 0;
  let c = 0;
  let prev = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < base.length; i++) {
    const b = base[i]!;
    const id = b.orderId;
    if (!(id > prev)) return undefined;
    prev = id;
    while (u < ups.length && ups[u]!.orderId < id) appended.push(ups[u++]!);
    while (c < closed.length && closed[c]! < id) c++;
    const replacement = u < ups.length && ups[u]!.orderId === id ? ups[u++] : undefined;
    if (c < closed.length && closed[c] === id) {
      // Closed and sent again: the rule drops the base order and appends the upsert.
      if (replacement) appended.push(replacement);
      continue;
    }
    out.push(replacement ?? b);
  }
  while (u < ups.length) appended.push(ups[u++]!);
  for (let k = 0; k < appended.length; k++) out.push(appended[k]!);
  return out;
}

/**
 * Changed or new entries and removed ids by one walk over both lists, for lists evolved the way the
 * core evolves them: the entries of `base` that stay keep their order, the others are removed, and
 * new ones follow every kept one. Undefined when `next` is not like that (an entry moved, one new
 * before a kept one): a removed id that comes back. The caller checks the rebuild (sameEntries):
 * ids repeated within a list are not ruled out here.
 */
function walkDiff<T, K>(
  base: readonly T[],
  next: readonly T[],
  key: (e: T) => K,
): { upserts: T[]; removed: K[] } | undefined {
  const upserts: T[] = [];
  const removed: K[] = [];
  let gone: Set<K> | undefined;
  let i = 0;
  for (let j = 0; j < next.length; j++) {
    const n = next[j]!;
    const k = key(n);
    while (i < base.length && key(base[i]!) !== k) {
      const r = key(base[i++]!);
      removed.push(r);
      gone ??= new Set();
      gone.add(r);
    }
    if (gone?.has(k)) return undefined;
    if (i < base.length) {
      const b = base[i++]!;
      // The venue hands out the same message while an entry is unchanged: identity settles most.
      if (b !== n && !sameValue(b, n)) upserts.push(n);
    } else upserts.push(n);
  }
  for (; i < base.length; i++) removed.push(key(base[i]!));
  return { upserts, removed };
}

/** The rebuilt list is `next`: the same entries, or equal ones, in the same order. */
function sameEntries<T>(rebuilt: readonly T[], next: readonly T[]): boolean {
  if (rebuilt.length !== next.length) return false;
  for (let i = 0; i < rebuilt.length; i++)
    if (rebuilt[i] !== next[i] && !sameValue(rebuilt[i], next[i])) return false;
  return true;
}

/** Changed or new entries and removed ids; undefined when a list repeats an id. */
function diffList<T, K>(
  base: readonly T[],
  next: readonly T[],
  key: (e: T) => K,
): { upserts: T[]; removed: K[] } | undefined {
  const before = new Map<K, T>();
  for (let i = 0; i < base.length; i++) before.set(key(base[i]!), base[i]!);
  const ids = new Set<K>();
  for (let i = 0; i < next.length; i++) ids.add(key(next[i]!));
  if (before.size !== base.length || ids.size !== next.length) return undefined;
  const upserts: T[] = [];
  for (let i = 0; i < next.length; i++) {
    const n = next[i]!;
    const b = before.get(key(n));
    // The venue hands out the same message while an order is unchanged: identity settles most.
    if (b === undefined || (b !== n && !sameValue(b, n))) upserts.push(n);
  }
  const removed: K[] = [];
  for (let i = 0; i < base.length; i++) {
    const k = key(base[i]!);
    if (!ids.has(k)) removed.push(k);
  }
  return { upserts, removed };
}

/**
 * The rebuilt list is the wanted one: the same ids in the same order. With ids unique on both
 * sides that is enough: an entry the rebuild kept from the base was found equal to the new entry
 * of its id by diffList, every other entry is the new one itself.
 */
function sameList<T, K>(rebuilt: readonly T[], next: readonly T[], key: (e: T) => K): boolean {
  if (rebuilt.length !== next.length) return false;
  for (let i = 0; i < rebuilt.length; i++) if (key(rebuilt[i]!) !== key(next[i]!)) return false;
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
  // The lists as the core evolves them (entries kept in place, a few closed, new ones at the end)
  // take one walk each; the rebuild is then checked entry by entry, duplicates and all.
  const walked = viewDelta(
    walkDiff(base.books, next.books, byProduct),
    walkDiff(base.priceForecasts, next.priceForecasts, byProduct),
    walkDiff(base.fundamentalsForecasts, next.fundamentalsForecasts, byProduct),
  );
  if (walked) {
    const rebuilt = applyWakeViewDelta(base, walked);
    if (
      sameEntries(rebuilt.books, next.books) &&
      sameEntries(rebuilt.priceForecasts, next.priceForecasts) &&
      sameEntries(rebuilt.fundamentalsForecasts, next.fundamentalsForecasts)
    )
      return walked;
  }
  const delta = viewDelta(
    diffList(base.books, next.books, byProduct),
    diffList(base.priceForecasts, next.priceForecasts, byProduct),
    diffList(base.fundamentalsForecasts, next.fundamentalsForecasts, byProduct),
  );
  if (!delta) return undefined;
  const rebuilt = applyWakeViewDelta(base, delta);
  const exact =
    sameList(rebuilt.books, next.books, byProduct) &&
    sameList(rebuilt.priceForecasts, next.priceForecasts, byProduct) &&
    sameList(rebuilt.fundamentalsForecasts, next.fundamentalsForecasts, byProduct);
  return exact ? delta : undefined;
}

/** The view delta of three list diffs (undefined if any is). */
function viewDelta<B extends Keyed, P extends Keyed, F extends Keyed>(
  books: { upserts: B[]; removed: string[] } | undefined,
  prices: { upserts: P[]; removed: string[] } | undefined,
  fundamentals: { upserts: F[]; removed: string[] } | undefined,
): WakeViewDelta<B, P, F> | undefined {
  if (!books || !prices || !fundamentals) return undefined;
  const expired = [...new Set([...prices.removed, ...fundamentals.removed])];
  const delta: WakeViewDelta<B, P, F> = {
    books: books.upserts,
    priceForecasts: prices.upserts,
    fundamentalsForecasts: fundamentals.upserts,
    closedProductIds: books.removed,
    expiredForecastProductIds: expired,
  };
  return delta;
}

/**
 * The delta that rebuilds the open orders `next` from `base`, or undefined when the rebuild rule
 * cannot give `next` exactly (an order id twice, a new order before an older one): then only the
 * complete list is safe. Lists ascending by order id (the venue's) take one merge walk, whose
 * delta rebuilds `next` by construction; others go through the general diff, whose rebuild is
 * checked against `next` as in diffWakeView.
 */
export function diffOpenOrders<O extends OrderKeyed>(
  base: readonly O[],
  next: readonly O[],
): OpenOrdersDelta<O> | undefined {
  if (base === next) return { openOrders: [], closedOrderIds: [] };
  const merged = diffSortedOrders(base, next);
  if (merged) return merged;
  const d = diffList(base, next, byOrder);
  if (!d) return undefined;
  const delta: OpenOrdersDelta<O> = { openOrders: d.upserts, closedOrderIds: d.removed };
  return sameList(applyOpenOrdersDelta(base, delta), next, byOrder) ? delta : undefined;
}

/**
 * The delta of two strictly ascending lists by one merge walk; undefined when a list is not
 * ascending or a new order comes before a base order (the general diff decides those).
 */
function diffSortedOrders<O extends OrderKeyed>(
  base: readonly O[],
  next: readonly O[],
): OpenOrdersDelta<O> | undefined {
  const openOrders: O[] = [];
  const closedOrderIds: number[] = [];
  let i = 0;
  let prevBase = Number.NEGATIVE_INFINITY;
  let prevNext = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < next.length; j++) {
    const n = next[j]!;
    const id = n.orderId;
    if (!(id > prevNext)) return undefined;
    prevNext = id;
    while (i < base.length && base[i]!.orderId < id) {
      const gone = base[i++]!.orderId;
      if (!(gone > prevBase)) return undefined;
      prevBase = gone;
      closedOrderIds.push(gone);
    }
    if (i < base.length && base[i]!.orderId === id) {
      const b = base[i++]!;
      if (!(id > prevBase)) return undefined;
      prevBase = id;
      // The venue hands out the same message while an order is unchanged: identity settles most.
      if (b !== n && !sameValue(b, n)) openOrders.push(n);
    } else if (i < base.length)
      return undefined; // new, yet before a base order: not appendable
    else openOrders.push(n);
  }
  for (; i < base.length; i++) {
    const gone = base[i]!.orderId;
    if (!(gone > prevBase)) return undefined;
    prevBase = gone;
    closedOrderIds.push(gone);
  }
  return { openOrders, closedOrderIds };
}

/**
 * The delta that rebuilds the positions `next` from `base` (the changed or new ones), or undefined
 * when the rule cannot give `next` exactly: a position that left the list, an id twice, a new one
 * before an older one. Within a day an agent's positions only grow (one per product it traded),
 * in the order the products entered; at a day's first wake-up the delivered ones leave (a snapshot).
 */
export function diffPositions<P extends Keyed>(base: readonly P[], next: readonly P[]): P[] | undefined {
  // The core hands out the same list while no position changed (most wake-ups of most agents):
  // nothing to send, and the rebuild (the base again) is the list itself.
  if (base === next) return [];
  // The core keeps a position at its index and appends new products: one walk, checked by rebuild.
  const walked = walkDiff(base, next, byProduct);
  if (walked && walked.removed.length === 0 && sameEntries(applyPositionsDelta(base, walked.upserts), next))
    return walked.upserts;
  const d = diffList(base, next, byProduct);
  if (!d || d.removed.length > 0) return undefined;
  return sameList(applyPositionsDelta(base, d.upserts), next, byProduct) ? d.upserts : undefined;
}

/** The complete positions from the base wake-up's list and the changed or new ones. */
export function applyPositionsDelta<P extends Keyed>(base: readonly P[], upserts: readonly P[]): P[] {
  return upserts.length === 0 ? base.slice() : applyListDelta(base, NO_IDS, upserts, byProduct);
}
