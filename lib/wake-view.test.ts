// The delta rule of the public wake-up view: whatever diffWakeView returns rebuilds the new view
// exactly, and where the rule cannot express a change (a product opening in the middle of the
// list) it returns undefined, so the arena sends a snapshot instead.
import { describe, expect, it } from 'vitest';
import { RandomStream } from './random.js';
import {
  applyListDelta,
  applyOpenOrdersDelta,
  applyPositionsDelta,
  applyWakeViewDelta,
  diffOpenOrders,
  diffPositions,
  diffWakeView,
  sameValue,
  type WakeView,
} from './wake-view.js';

interface Book {
  productId: string;
  bids: { priceTicks: number; quantityLots: number }[];
}
interface Price {
  productId: string;
  priceTicks: number;
}
type View = WakeView<Book, Price, Price>;

const book = (id: string, p: number): Book => ({ productId: id, bids: [{ priceTicks: p, quantityLots: 1 }] });
const price = (id: string, p: number): Price => ({ productId: id, priceTicks: p });

function view(books: Book[], prices: Price[]): View {
  return { books, priceForecasts: prices, fundamentalsForecasts: prices.map((p) => ({ ...p })) };
}

describe('diffWakeView / applyWakeViewDelta', () => {
  it('sends only changed, opened and closed entries, and rebuilds the new view', () => {
    const base = view([book('a', 1), book('b', 2), book('c', 3)], [price('q1', 10), price('q2', 20)]);
    const next = view([book('b', 2), book('c', 4), book('d', 5)], [price('q2', 20), price('q3', 30)]);
    const d = diffWakeView(base, next)!;
    expect(d.books.map((b) => b.productId)).toEqual(['c', 'd']);
    expect(d.closedProductIds).toEqual(['a']);
    expect(d.priceForecasts).toEqual([price('q3', 30)]);
    expect(d.expiredForecastProductIds).toEqual(['q1']);
    expect(applyWakeViewDelta(base, d)).toEqual(next);
  });

  it('an unchanged view gives an empty delta', () => {
    const base = view([book('a', 1)], [price('q1', 10)]);
    const d = diffWakeView(base, structuredClone(base))!;
    expect([d.books, d.priceForecasts, d.fundamentalsForecasts, d.closedProductIds]).toEqual([
      [],
      [],
      [],
      [],
    ]);
  });

  it('refuses a change the rule cannot rebuild: an entry new in the middle, duplicate ids', () => {
    const base = view([book('a', 1), book('c', 3)], []);
    expect(diffWakeView(base, view([book('a', 1), book('b', 2), book('c', 3)], []))).toBeUndefined();
    expect(diffWakeView(base, view([book('a', 1), book('c', 3), book('c', 4)], []))).toBeUndefined();
    // A reorder of kept entries cannot be expressed either.
    expect(diffWakeView(base, view([book('c', 3), book('a', 1)], []))).toBeUndefined();
  });

  it('rebuilds 2 000 random evolutions exactly whenever it gives a delta', () => {
    const rng = new RandomStream('wake-view-test', 7);
    let deltas = 0;
    for (let trial = 0; trial < 2_000; trial++) {
      const ids = Array.from({ length: rng.int(0, 8) }, (_, i) => `p${i}`);
      const base = view(
        ids.map((id) => book(id, rng.int(0, 3))),
        ids.map((id) => price(id, rng.int(0, 3))),
      );
      const keep = (xs: string[]) => xs.filter(() => rng.next() < 0.8);
      const grow = (xs: string[]) => {
        const out = [...xs];
        for (let k = rng.int(0, 2); k > 0; k--) out.splice(rng.int(0, out.length), 0, `n${trial}-${k}`);
        return out;
      };
      const nextIds = grow(keep(ids));
      const next = view(
        nextIds.map((id) => book(id, rng.int(0, 3))),
        keep(nextIds).map((id) => price(id, rng.int(0, 3))),
      );
      const d = diffWakeView(base, next);
      if (!d) continue;
      deltas++;
      expect(sameValue(applyWakeViewDelta(base, d), next)).toBe(true);
    }
    expect(deltas).toBeGreaterThan(500);
  });
});

/**
 * The general rule as written (a hash of each list, the rebuild compared by ids): the reference the
 * one-walk diff must agree with wherever it gives a delta.
 */
function referenceDiff<T extends { productId: string }>(
  base: readonly T[],
  next: readonly T[],
): { upserts: T[]; removed: string[] } | undefined {
  const before = new Map(base.map((b) => [b.productId, b]));
  const ids = new Set(next.map((n) => n.productId));
  if (before.size !== base.length || ids.size !== next.length) return undefined;
  const upserts = next.filter((n) => {
    const b = before.get(n.productId);
    return b === undefined || !sameValue(b, n);
  });
  const removed = base.filter((b) => !ids.has(b.productId)).map((b) => b.productId);
  const rebuilt = applyListDelta(base, new Set(removed), upserts, (e) => e.productId);
  return rebuilt.map((e) => e.productId).join() === next.map((e) => e.productId).join()
    ? { upserts, removed }
    : undefined;
}

describe('the one-walk diffs against the general rule', () => {
  /** A list evolved as the core does, and now and then otherwise: a move, a duplicate, a new entry in the middle. */
  function evolve(rng: RandomStream, base: Price[], trial: number, removals: boolean): Price[] {
    const next = base
      .filter(() => !removals || rng.next() < 0.85)
      .map((p) => (rng.next() < 0.3 ? price(p.productId, rng.int(0, 3)) : rng.next() < 0.5 ? p : { ...p }));
    for (let k = rng.int(0, 2); k > 0; k--) next.push(price(`n${trial}-${k}`, rng.int(0, 3)));
    const odd = rng.next();
    if (odd < 0.05 && next.length > 1) next.push({ ...next[rng.int(0, next.length - 1)]! });
    else if (odd < 0.1 && next.length > 1) next.splice(rng.int(0, next.length - 1), 0, price(`m${trial}`, 1));
    else if (odd < 0.15 && next.length > 1) next.reverse();
    return next;
  }

  it("give the general rule's delta wherever it has one, and otherwise only exact ones (views)", () => {
    const rng = new RandomStream('wake-view-walk', 3);
    let same = 0;
    for (let trial = 0; trial < 3_000; trial++) {
      const ids = Array.from({ length: rng.int(0, 10) }, (_, i) => `p${i}`);
      const prices = ids.map((id) => price(id, rng.int(0, 3)));
      // Now and then a base with an id twice (the rule cannot have that).
      if (rng.next() < 0.05 && prices.length > 0) prices.push({ ...prices[0]! });
      const base = view([], prices);
      const next = view([], evolve(rng, prices, trial, true));
      const d = diffWakeView(base, next);
      const ref = referenceDiff(base.priceForecasts, next.priceForecasts);
      const refF = referenceDiff(base.fundamentalsForecasts, next.fundamentalsForecasts);
      if (ref && refF) {
        expect(d?.priceForecasts).toEqual(ref.upserts);
        expect(d?.expiredForecastProductIds).toEqual([...new Set([...ref.removed, ...refF.removed])]);
        same++;
      }
      if (d) expect(sameValue(applyWakeViewDelta(base, d), next)).toBe(true);
    }
    expect(same).toBeGreaterThan(2_000);
  });

  it("give the general rule's delta wherever it has one, and otherwise only exact ones (positions)", () => {
    const rng = new RandomStream('positions-walk', 5);
    let same = 0;
    for (let trial = 0; trial < 3_000; trial++) {
      const base = Array.from({ length: rng.int(0, 10) }, (_, i) => price(`p${i}`, rng.int(0, 3)));
      if (rng.next() < 0.05 && base.length > 0) base.push({ ...base[0]! });
      // The core removes positions once a day only (delivered products); now and then a list that lost one.
      const next = evolve(rng, base, trial, rng.next() < 0.1);
      const d = diffPositions(base, next);
      const ref = referenceDiff(base, next);
      if (ref && ref.removed.length === 0) {
        expect(d).toEqual(ref.upserts);
        same++;
      }
      if (d) expect(sameValue(applyPositionsDelta(base, d), next)).toBe(true);
    }
    expect(same).toBeGreaterThan(1_500);
  });
});

describe('diffOpenOrders / applyOpenOrdersDelta', () => {
  const order = (orderId: number, remainingLots = 10) => ({ orderId, productId: 'p', remainingLots });

  it('carries only new and changed orders and the ids of the closed ones', () => {
    const kept = order(2);
    const base = [order(1), kept, order(3), order(4)];
    // 1 closed, 2 the same message, 3 equal content in a new message, 4 partly filled, 7 and 9 new.
    const next = [kept, order(3), order(4, 6), order(7), order(9)];
    const d = diffOpenOrders(base, next)!;
    expect(d.openOrders.map((o) => o.orderId)).toEqual([4, 7, 9]);
    expect(d.closedOrderIds).toEqual([1]);
    expect(applyOpenOrdersDelta(base, d)).toEqual(next);
  });

  it('refuses what the rule cannot rebuild: a new order before an older one, an id twice', () => {
    expect(diffOpenOrders([order(5)], [order(3), order(5)])).toBeUndefined();
    expect(diffOpenOrders([order(5)], [order(5), order(5, 3)])).toBeUndefined();
    expect(diffOpenOrders([order(5), order(5)], [order(5)])).toBeUndefined();
  });

  it('rebuilds 2 000 random evolutions exactly whenever it gives a delta', () => {
    const rng = new RandomStream('open-orders-test', 11);
    let deltas = 0;
    let nextId = 1;
    for (let trial = 0; trial < 2_000; trial++) {
      const base = Array.from({ length: rng.int(0, 12) }, () => order(nextId++, rng.int(1, 4)));
      const next = base
        .filter(() => rng.next() < 0.8)
        .map((o) => (rng.next() < 0.3 ? order(o.orderId, rng.int(1, 4)) : o));
      for (let k = rng.int(0, 3); k > 0; k--) {
        // Mostly appended (ids only grow), now and then out of order: the diff must notice.
        const o = order(rng.next() < 0.1 ? rng.int(0, nextId) : nextId++, 1);
        next.splice(rng.next() < 0.9 ? next.length : rng.int(0, next.length), 0, o);
      }
      // Now and then the base itself out of order (only the general diff can say).
      if (rng.next() < 0.05) base.reverse();
      const d = diffOpenOrders(base, next);
      if (!d) continue;
      deltas++;
      expect(sameValue(applyOpenOrdersDelta(base, d), next)).toBe(true);
      // Nothing the rebuild does not need: each sent order is new or changed, each closed id gone.
      for (const o of d.openOrders)
        expect(
          sameValue(
            base.find((b) => b.orderId === o.orderId),
            o,
          ),
        ).toBe(false);
      for (const id of d.closedOrderIds) expect(next.some((o) => o.orderId === id)).toBe(false);
    }
    expect(deltas).toBeGreaterThan(1_000);
  });
});

describe('diffPositions / applyPositionsDelta', () => {
  const position = (productId: string, netLots = 0) => ({ productId, netLots });

  it('carries the changed and new positions; a position that left or came in the middle is not a delta', () => {
    const kept = position('a');
    const base = [kept, position('b'), position('c', 1)];
    const next = [kept, position('b'), position('c', 2), position('d')];
    const d = diffPositions(base, next)!;
    expect(d.map((x) => x.productId)).toEqual(['c', 'd']);
    expect(applyPositionsDelta(base, d)).toEqual(next);
    expect(applyPositionsDelta(base, [])).toEqual(base);
    expect(diffPositions(base, [kept, position('b')])).toBeUndefined();
    expect(diffPositions(base, [kept, position('x'), position('b'), position('c', 1)])).toBeUndefined();
    expect(diffPositions(base, [...base, position('a', 5)])).toBeUndefined();
  });
});

describe('applyOpenOrdersDelta', () => {
  it('gives what the list rule gives, for sorted lists (merged) and any others (the rule itself)', () => {
    const rng = new RandomStream('open-orders-merge', 5);
    const ids = (n: number, max: number) => Array.from({ length: n }, () => rng.int(1, max));
    let merged = 0;
    for (let trial = 0; trial < 3_000; trial++) {
      // Small id ranges, so that closed and sent ids meet base ids (and sometimes each other).
      const sorted = rng.next() < 0.8;
      const list = (n: number) => {
        const xs = ids(n, 30);
        return sorted ? [...new Set(xs)].sort((a, b) => a - b) : xs;
      };
      const base = list(rng.int(0, 12)).map((orderId) => ({ orderId, v: rng.int(0, 3) }));
      const openOrders = list(rng.int(0, 5)).map((orderId) => ({ orderId, v: 10 + rng.int(0, 3) }));
      const closedOrderIds = list(rng.int(0, 4));
      const rule = applyListDelta(base, new Set(closedOrderIds), openOrders, (o) => o.orderId);
      const got = applyOpenOrdersDelta(base, { openOrders, closedOrderIds });
      expect(got).toEqual(rule);
      // The very entries, not copies: a strategy's frozen orders stay the ones it had.
      for (let i = 0; i < got.length; i++) expect(got[i]).toBe(rule[i]);
      if (sorted) merged++;
    }
    expect(merged).toBeGreaterThan(2_000);
  });
});

describe('sameValue', () => {
  it('compares decoded messages structurally', () => {
    expect(sameValue({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true);
    expect(sameValue({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] })).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameValue([1], { 0: 1 })).toBe(false);
    expect(sameValue(Number.NaN, Number.NaN)).toBe(false);
  });
});
