import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

function drain<T>(q: EventQueue<T>): { time: number; seq: number; item: T }[] {
  const out: { time: number; seq: number; item: T }[] = [];
  for (let e = q.pop(); e; e = q.pop()) out.push(e);
  return out;
}

describe('EventQueue', () => {
  it('is empty at first', () => {
    const q = new EventQueue<string>();
    expect(q.size).toBe(0);
    expect(q.peek()).toBeUndefined();
    expect(q.pop()).toBeUndefined();
  });

  it('pops in time order regardless of insertion order', () => {
    const q = new EventQueue<string>();
    q.push(30, 'c');
    q.push(10, 'a');
    q.push(20, 'b');
    q.push(-5, 'neg');
    expect(q.size).toBe(4);
    expect(q.peek()!.item).toBe('neg');
    expect(drain(q).map((e) => e.item)).toEqual(['neg', 'a', 'b', 'c']);
    expect(q.size).toBe(0);
  });

  it('keeps insertion order (FIFO) for equal times, with increasing sequence numbers', () => {
    const q = new EventQueue<string>();
    q.push(5, 'first');
    q.push(1, 'early');
    q.push(5, 'second');
    q.push(5, 'third');
    q.push(1, 'early2');
    const out = drain(q);
    expect(out.map((e) => e.item)).toEqual(['early', 'early2', 'first', 'second', 'third']);
    expect(out.map((e) => e.seq)).toEqual([1, 4, 0, 2, 3]);
  });

  it('orders items pushed after some pops behind earlier items of the same time', () => {
    const q = new EventQueue<string>();
    q.push(1, 'x');
    q.push(2, 'y');
    expect(q.pop()!.item).toBe('x');
    q.push(2, 'z');
    q.push(1.5, 'w');
    expect(drain(q).map((e) => e.item)).toEqual(['w', 'y', 'z']);
  });

  it('peek does not remove', () => {
    const q = new EventQueue<number>();
    q.push(3, 3);
    q.push(1, 1);
    expect(q.peek()).toEqual({ time: 1, seq: 1, item: 1 });
    expect(q.peek()).toEqual({ time: 1, seq: 1, item: 1 });
    expect(q.size).toBe(2);
  });

  it('refuses non-finite times', () => {
    const q = new EventQueue<number>();
    expect(() => q.push(Number.NaN, 1)).toThrow(/finite/);
    expect(() => q.push(Number.POSITIVE_INFINITY, 1)).toThrow(/finite/);
    expect(q.size).toBe(0);
  });

  it('property: interleaved pushes and pops match a stable-sorted reference', () => {
    // A push carries a time from a small range (many ties); null is a pop.
    const opArb = fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 20 }) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const q = new EventQueue<number>();
        let reference: { time: number; id: number }[] = [];
        let id = 0;
        for (const op of ops) {
          if (op === null) {
            // Reference: smallest time, then smallest insertion id.
            reference.sort((a, b) => a.time - b.time || a.id - b.id);
            const want = reference.shift();
            const got = q.pop();
            expect(got?.item).toBe(want?.id);
            expect(got?.time).toBe(want?.time);
          } else {
            q.push(op, id);
            reference.push({ time: op, id });
            id++;
          }
          expect(q.size).toBe(reference.length);
        }
        reference = reference.sort((a, b) => a.time - b.time || a.id - b.id);
        expect(drain(q).map((e) => e.item)).toEqual(reference.map((r) => r.id));
      }),
      { numRuns: 300 },
    );
  });
});
