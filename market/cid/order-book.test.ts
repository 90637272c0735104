import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BookSide, BUY, OrderBook, OrderNode, SELL } from './order-book.js';

let nextId = 1;
interface NodeOptions {
  agent?: number;
  entryTime?: number;
  aon?: boolean;
  /** Iceberg: [peak, hidden]; `lots` is then the visible clip. */
  iceberg?: [number, number];
}

function node(side: number, priceTicks: number, lots: number, options: NodeOptions = {}): OrderNode {
  const n = new OrderNode();
  n.orderId = nextId++;
  n.agent = options.agent ?? 0;
  n.side = side;
  n.priceTicks = priceTicks;
  n.visible = lots;
  n.originalLots = lots;
  n.entryTime = options.entryTime ?? 0;
  n.aon = options.aon ?? false;
  if (options.iceberg !== undefined) [n.peak, n.hidden] = options.iceberg;
  return n;
}

function prices(side: BookSide): number[] {
  return Array.from({ length: side.levelCount }, (_, i) => side.levelAt(i)!.priceTicks);
}

function queue(side: BookSide, priceTicks: number): number[] {
  const ids: number[] = [];
  for (let n = side.find(priceTicks)?.head ?? null; n !== null; n = n.next) ids.push(n.orderId);
  return ids;
}

describe('BookSide', () => {
  it('keeps levels best first on both sides, whatever the insertion order', () => {
    const book = new OrderBook('p');
    for (const p of [5, 1, 9, 3, 7, 0, -2]) {
      book.add(node(BUY, p, 1));
      book.add(node(SELL, p + 100, 1));
    }
    expect(prices(book.bids)).toStrictEqual([9, 7, 5, 3, 1, 0, -2]);
    expect(prices(book.asks)).toStrictEqual([98, 100, 101, 103, 105, 107, 109]);
    expect(book.bids.levelAt(7)).toBeNull();
    expect(book.bids.levelAt(-1)).toBeNull();
    book.assertConsistent();
  });

  it('finds levels by price and drops them from the middle, the best end and the worst end', () => {
    const book = new OrderBook('p');
    const nodes = [10, 20, 30, 40].map((p) => node(BUY, p, 1));
    for (const n of nodes) book.add(n);
    expect(book.bids.find(30)?.priceTicks).toBe(30);
    expect(book.bids.find(31)).toBeNull();
    book.remove(nodes[2]!);
    book.remove(nodes[3]!);
    book.remove(nodes[0]!);
    expect(prices(book.bids)).toStrictEqual([20]);
    // Dropped levels are reused for new prices.
    book.add(node(BUY, 25, 2));
    expect(prices(book.bids)).toStrictEqual([25, 20]);
    book.assertConsistent();
  });

  it('serves the top 20 levels of a deep book in order', () => {
    const book = new OrderBook('p');
    for (let p = 1; p <= 1000; p++) book.add(node(SELL, 5000 + ((p * 7919) % 1000), 1));
    const top = Array.from({ length: 20 }, (_, i) => book.asks.levelAt(i)!.priceTicks);
    expect(top).toStrictEqual(Array.from({ length: 20 }, (_, i) => 5000 + i));
  });
});

describe('BookSide.release', () => {
  // A closed book's sides held arrays with room for as many levels as they ever had (emptying an
  // array by pops keeps its capacity), for every product of a run: ~50 kB of heap a simulated day.
  it('lets an emptied side keep no room for levels', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const emptied = (release: boolean) => {
      const book = new OrderBook('p');
      const nodes = Array.from({ length: 200 }, (_, p) => [node(BUY, p, 1), node(SELL, 1000 + p, 1)]).flat();
      for (const n of nodes) book.add(n);
      for (const n of nodes) book.remove(n);
      if (release) {
        book.bids.release();
        book.asks.release();
      }
      expect(book.bids.levelCount + book.asks.levelCount).toBe(0);
      return book;
    };
    const heldBy = (release: boolean) => {
      gc();
      const before = process.memoryUsage().heapUsed;
      const books = Array.from({ length: 500 }, () => emptied(release));
      gc();
      const bytes = process.memoryUsage().heapUsed - before;
      expect(books.length).toBe(500);
      return bytes / books.length;
    };
    // Kept: ~4 arrays × 200+ slots × 8 bytes (levels kept for reuse come on top without release).
    expect(heldBy(false)).toBeGreaterThan(5_000);
    expect(heldBy(true)).toBeLessThan(1_000);
  });

  it('keeps the levels of a side that still holds orders', () => {
    const book = new OrderBook('p');
    book.add(node(BUY, 10, 1));
    book.add(node(BUY, 20, 1));
    book.bids.release();
    expect(prices(book.bids)).toStrictEqual([20, 10]);
    book.assertConsistent();
  });
});

describe('OrderBook', () => {
  it('queues orders at one price first in, first out and removes any of them in place', () => {
    const book = new OrderBook('p');
    const [a, b, c] = [node(BUY, 5, 1), node(BUY, 5, 2), node(BUY, 5, 3)];
    for (const n of [a, b, c]) book.add(n!);
    expect(queue(book.bids, 5)).toStrictEqual([a!.orderId, b!.orderId, c!.orderId]);
    book.remove(b!);
    expect(queue(book.bids, 5)).toStrictEqual([a!.orderId, c!.orderId]);
    expect(book.bids.best()).toMatchObject({ visibleLots: 4, orderCount: 2 });
    book.moveToBack(a!);
    expect(queue(book.bids, 5)).toStrictEqual([c!.orderId, a!.orderId]);
    expect(book.orderCount).toBe(2);
    book.assertConsistent();
  });

  it('counts only visible lots of an iceberg in its level, and reduces hidden lots first', () => {
    const book = new OrderBook('p');
    const ice = node(SELL, 10, 2, { iceberg: [2, 5] });
    book.add(ice);
    expect(book.asks.best()).toMatchObject({ visibleLots: 2, orderCount: 1 });
    book.reduce(ice, 4);
    expect([ice.visible, ice.hidden]).toStrictEqual([2, 1]);
    book.reduce(ice, 2);
    expect([ice.visible, ice.hidden]).toStrictEqual([1, 0]);
    expect(book.asks.best()!.visibleLots).toBe(1);
    book.assertConsistent();
  });

  it('refuses to add an order twice, remove one twice, or reduce one by all it has', () => {
    const book = new OrderBook('p');
    const n = node(BUY, 1, 2);
    book.add(n);
    expect(() => book.add(n)).toThrow(/already in a book/);
    expect(() => book.reduce(n, 2)).toThrow(/reduction/);
    expect(() => book.reduce(n, 0)).toThrow(/reduction/);
    book.remove(n);
    expect(() => book.remove(n)).toThrow(/not in a book/);
  });

  it('counts fillable lots up to the limit price and stops at the first own order', () => {
    const book = new OrderBook('p');
    book.add(node(SELL, 10, 2, { agent: 1 }));
    book.add(node(SELL, 11, 3, { agent: 2 }));
    book.add(node(SELL, 11, 4, { agent: 9 }));
    book.add(node(SELL, 11, 5, { agent: 3 }));
    book.add(node(SELL, 12, 6, { agent: 3 }));
    expect(book.fillable(BUY, 9, 9, 100)).toBe(0);
    expect(book.fillable(BUY, 10, 9, 100)).toBe(2);
    expect(book.fillable(BUY, 12, 9, 100)).toBe(5);
    expect(book.fillable(BUY, 12, 7, 100)).toBe(20);
    expect(book.fillable(BUY, 12, 7, 4)).toBe(4);
  });

  it('passes over AON orders larger than what is still wanted, also when they are own orders', () => {
    const book = new OrderBook('p');
    book.add(node(BUY, 20, 5, { agent: 1, aon: true }));
    book.add(node(BUY, 20, 2, { agent: 2 }));
    book.add(node(BUY, 19, 3, { agent: 9, aon: true }));
    book.add(node(BUY, 19, 4, { agent: 3 }));
    // Wanting 4: the AON 5 is passed over, the 2 taken; the own AON 3 is more than the 2 still
    // wanted, so it is passed over too (it would not trade), then 2 of the 4.
    expect(book.fillable(SELL, 19, 9, 4)).toBe(4);
    // Wanting 6: AON 5 taken whole, then 1 of the 2.
    expect(book.fillable(SELL, 19, 9, 6)).toBe(6);
    // Wanting 9: AON 5, the 2, the own AON 3 passed over (3 > 2 left), then 2 of the 4.
    expect(book.fillable(SELL, 19, 9, 9)).toBe(9);
    // Wanting 11: 5 + 2, then the own AON 3 fits the 4 left: self-trade prevention stops here.
    expect(book.fillable(SELL, 19, 9, 11)).toBe(7);
  });

  it("counts an iceberg's hidden lots after the rest of its level, and stops at an own order first", () => {
    const book = new OrderBook('p');
    book.add(node(SELL, 10, 2, { agent: 1, iceberg: [2, 6] }));
    book.add(node(SELL, 10, 3, { agent: 2 }));
    book.add(node(SELL, 11, 4, { agent: 3 }));
    expect(book.fillable(BUY, 10, 9, 100)).toBe(11);
    expect(book.fillable(BUY, 11, 9, 100)).toBe(15);
    expect(book.fillable(BUY, 11, 9, 12)).toBe(12);
    book.add(node(SELL, 10, 1, { agent: 9 }));
    // Clip 2 and the 3 are taken, the own order stops the taker before the iceberg's next clip.
    expect(book.fillable(BUY, 11, 9, 100)).toBe(5);
  });

  it('detects a crossed book among non-AON orders only', () => {
    const crossed = new OrderBook('p');
    crossed.add(node(BUY, 10, 1));
    crossed.add(node(SELL, 10, 1));
    expect(() => crossed.assertConsistent()).toThrow(/crossed/);

    const aon = new OrderBook('p');
    aon.add(node(BUY, 12, 5, { aon: true }));
    aon.add(node(BUY, 9, 1));
    aon.add(node(SELL, 10, 1));
    expect(() => aon.assertConsistent()).not.toThrow();
    aon.add(node(BUY, 12, 1));
    expect(() => aon.assertConsistent()).toThrow(/best non-AON bid 12 >= best non-AON ask 10/);
  });

  it('detects corrupted level totals, queue order and iceberg state', () => {
    const corrupt = new OrderBook('p');
    corrupt.add(node(BUY, 10, 1));
    corrupt.bids.best()!.visibleLots = 7;
    expect(() => corrupt.assertConsistent()).toThrow(/visibleLots/);

    const late = new OrderBook('p');
    late.add(node(BUY, 10, 1, { entryTime: 5 }));
    late.add(node(BUY, 10, 1, { entryTime: 4 }));
    expect(() => late.assertConsistent()).toThrow(/queued behind/);

    const ice = new OrderBook('p');
    ice.add(node(BUY, 10, 3, { iceberg: [2, 1] }));
    expect(() => ice.assertConsistent()).toThrow(/iceberg/);

    const hiddenOnly = new OrderBook('p');
    hiddenOnly.add(node(BUY, 10, 1, { iceberg: [0, 4] }));
    expect(() => hiddenOnly.assertConsistent()).toThrow(/iceberg/);
  });

  it('matches a naive model under random adds, removals and moves to the back', () => {
    const op = fc.record({
      kind: fc.constantFrom('add', 'add', 'remove', 'back'),
      side: fc.constantFrom(BUY, SELL),
      price: fc.integer({ min: -20, max: 20 }),
      pick: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const book = new OrderBook('p');
        let model: OrderNode[] = [];
        for (const { kind, side, price, pick } of ops) {
          if (kind === 'add' || model.length === 0) {
            // Keep the book uncrossed the way the market does: bids below 0, asks above.
            const p = side === BUY ? -Math.abs(price) - 1 : Math.abs(price) + 1;
            const n = node(side, p, 1 + (pick % 5));
            book.add(n);
            model.push(n);
          } else if (kind === 'remove') {
            const [gone] = model.splice(pick % model.length, 1);
            book.remove(gone!);
          } else {
            const moved = model[pick % model.length]!;
            book.moveToBack(moved);
            model = [...model.filter((n) => n !== moved), moved];
          }
          book.assertConsistent();
        }
        for (const side of [BUY, SELL]) {
          const mine = model.filter((n) => n.side === side);
          const expected = [...new Set(mine.map((n) => n.priceTicks))].sort((a, b) =>
            side === BUY ? b - a : a - b,
          );
          expect(prices(book.sideOf(side))).toStrictEqual(expected);
          for (const p of expected) {
            expect(queue(book.sideOf(side), p)).toStrictEqual(
              mine.filter((n) => n.priceTicks === p).map((n) => n.orderId),
            );
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
