import { describe, expect, it } from 'vitest';
import { deepFreeze } from './deep-freeze.js';

describe('deepFreeze', () => {
  it('freezes every object and array reachable through own properties and elements', () => {
    const shared = { depth: [{ priceTicks: 1, lots: 2 }] };
    const wake = {
      books: [shared, shared],
      orders: [[{ id: 'o1' }], null, 3, 'x'],
      nested: { a: { b: { c: [1, 2, { d: true }] } } },
      none: undefined,
    };
    const out = deepFreeze(wake);
    expect(out).toBe(wake);
    for (const o of [
      wake,
      wake.books,
      shared,
      shared.depth,
      shared.depth[0],
      wake.orders,
      wake.orders[0],
      (wake.orders[0] as object[])[0],
      wake.nested,
      wake.nested.a,
      wake.nested.a.b,
      wake.nested.a.b.c,
      wake.nested.a.b.c[2],
    ])
      expect(Object.isFrozen(o)).toBe(true);
    expect(() => {
      (shared.depth[0] as { lots: number }).lots = 5;
    }).toThrow(TypeError);
  });

  it('returns primitives and null as they are, and leaves inherited properties alone', () => {
    expect(deepFreeze(null)).toBe(null);
    expect(deepFreeze(7)).toBe(7);
    const proto = { inherited: { x: 1 } };
    const o = Object.create(proto) as { own: { y: number }; inherited: { x: number } };
    o.own = { y: 2 };
    deepFreeze(o);
    expect(Object.isFrozen(o.own)).toBe(true);
    expect(Object.isFrozen(proto.inherited)).toBe(false);
  });

  it('skips parts that are already frozen (shared parts cost once)', () => {
    const inner = { v: 1 };
    const frozenOuter = Object.freeze({ inner });
    deepFreeze({ frozenOuter });
    // A frozen object is taken as frozen through and through: its children are not visited.
    expect(Object.isFrozen(inner)).toBe(false);
  });
});
