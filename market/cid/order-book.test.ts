import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Side } from '../types.js';
import { type BookSide, OrderBook, OrderNode } from './order-book.js';

let nextId = 1;
function node(side: Side, priceTicks: number, lots: number, agentId = 'a', entryTime = 0): OrderNode {
  return new OrderNode(nextId++, agentId, 'p', side, priceTicks, lots, lots, 'GTC', entryTime, undefined);
}

function prices(side: BookSide): number[] {
  return Array.from({ length: side.levelCount }, (_, i) => side.levelAt(i)!.priceTicks);
}

function queue(side: BookSide, priceTicks: number): number[] {
  const ids: number[] = [];
  for (let i = 0; i < side.levelCount; i++) {
    const level = side.levelAt(i)!;
    if (level.priceTicks !== priceTicks) continue;
    for (let n = level.head; n !== null; n = n.next) ids.push(n.orderId);
  }
  return ids;
}

describe('OrderBook', () => {
  it('keeps levels best first on both sides, whatever the insertion order', () => {
    const book = new OrderBook('p');
    for (const p of [5, 1, 9, 3, 7, 0, -2]) {
      book.add(node('buy', p, 1));
      book.add(node('sell', p + 100, 1));
    }
    expect(prices(book.bids)).toStrictEqual([9, 7, 5, 3, 1, 0, -2]);
    expect(prices(book.asks)).toStrictEqual([98, 100, 101, 103, 105, 107, 109]);
    book.assertConsistent();
  });

  it('queues orders at one price first in, first out and removes any of them in place', () => {
    const book = new OrderBook('p');
    const [a, b, c] = [node('buy', 5, 1), node('buy', 5, 2), node('buy', 5, 3)];
    for (const n of [a, b, c]) book.add(n!);
    expect(queue(book.bids, 5)).toStrictEqual([a!.orderId, b!.orderId, c!.orderId]);
    expect(book.removeById(b!.orderId)).toBe(b);
    expect(queue(book.bids, 5)).toStrictEqual([a!.orderId, c!.orderId]);
    expect(book.bids.best()).toMatchObject({ totalLots: 4, orderCount: 2 });
    expect(book.removeById(12345)).toBeUndefined();
    book.assertConsistent();
  });

  it('drops a level once its last order leaves, by fill or removal', () => {
    const book = new OrderBook('p');
    const best = node('sell', 10, 3);
    const other = node('sell', 11, 1);
    book.add(best);
    book.add(other);
    expect(book.reduce(best, 2)).toBe(false);
    expect(book.asks.best()).toMatchObject({ priceTicks: 10, totalLots: 1 });
    expect(book.reduce(best, 1)).toBe(true);
    expect(prices(book.asks)).toStrictEqual([11]);
    book.remove(other);
    expect(book.asks.levelCount).toBe(0);
    expect(book.orderCount).toBe(0);
    book.assertConsistent();
  });

  it('refuses to take more than an order has, or to add an order twice', () => {
    const book = new OrderBook('p');
    const n = node('buy', 1, 2);
    book.add(n);
    expect(() => book.reduce(n, 3)).toThrow();
    expect(() => book.add(n)).toThrow(/already/);
  });

  it('counts fillable lots up to the limit price and stops at the first own order', () => {
    const book = new OrderBook('p');
    book.add(node('sell', 10, 2, 'x'));
    book.add(node('sell', 11, 3, 'y'));
    book.add(node('sell', 11, 4, 'me'));
    book.add(node('sell', 11, 5, 'z'));
    book.add(node('sell', 12, 6, 'z'));
    expect(book.fillable('buy', 9, 'me', 100)).toBe(0);
    expect(book.fillable('buy', 10, 'me', 100)).toBe(2);
    expect(book.fillable('buy', 12, 'me', 100)).toBe(5);
    expect(book.fillable('buy', 12, 'other', 100)).toBe(20);
    expect(book.fillable('buy', 12, 'other', 4)).toBe(4);
  });

  it('detects a crossed book and corrupted level totals', () => {
    const crossed = new OrderBook('p');
    crossed.add(node('buy', 10, 1));
    crossed.add(node('sell', 10, 1));
    expect(() => crossed.assertConsistent()).toThrow(/crossed/);

    const corrupt = new OrderBook('p');
    corrupt.add(node('buy', 10, 1));
    corrupt.bids.best()!.totalLots = 7;
    expect(() => corrupt.assertConsistent()).toThrow(/totalLots/);
  });

  it('detects an order queued behind a later one', () => {
    const book = new OrderBook('p');
    book.add(node('buy', 10, 1, 'a', 5));
    book.add(node('buy', 10, 1, 'a', 4));
    expect(() => book.assertConsistent()).toThrow(/queued behind/);
  });

  it('matches a naive model under random adds and removals', () => {
    const op = fc.record({
      add: fc.boolean(),
      side: fc.constantFrom<Side>('buy', 'sell'),
      price: fc.integer({ min: -20, max: 20 }),
      pick: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const book = new OrderBook('p');
        const model: OrderNode[] = [];
        for (const { add, side, price, pick } of ops) {
          if (add || model.length === 0) {
            // Keep the book uncrossed the way the market does: bids below 0, asks above.
            const n = node(side, side === 'buy' ? -Math.abs(price) - 1 : Math.abs(price) + 1, 1 + (pick % 5));
            book.add(n);
            model.push(n);
          } else {
            const [gone] = model.splice(pick % model.length, 1);
            book.removeById(gone!.orderId);
          }
          book.assertConsistent();
        }
        for (const side of ['buy', 'sell'] as const) {
          const mine = model.filter((n) => n.side === side);
          const expected = [...new Set(mine.map((n) => n.priceTicks))].sort((a, b) =>
            side === 'buy' ? b - a : a - b,
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
