import { describe, expect, it } from 'vitest';
import { SelectionMemo, selectionKey } from './block-selection-memo.js';
import { seededInts } from './test-helpers.js';

describe('selectionKey', () => {
  it('tells every two selections of the same blocks apart, across 16-block words', () => {
    for (const n of [1, 15, 16, 17, 33, 50]) {
      const rnd = seededInts(n);
      const seen = new Map<string, string>();
      for (let s = 0; s < 400; s++) {
        const selection = Array.from({ length: n }, () => rnd(0, 1) === 1);
        const plain = selection.map((a) => (a ? '1' : '0')).join('');
        const key = selectionKey(selection);
        expect(key.length).toBe(Math.ceil(n / 16));
        const before = seen.get(key);
        if (before !== undefined) expect(before).toBe(plain);
        seen.set(key, plain);
      }
      // The last block alone, and the first alone, differ from none.
      const none = selectionKey(Array.from({ length: n }, () => false));
      expect(selectionKey(Array.from({ length: n }, (_, i) => i === n - 1))).not.toBe(none);
      expect(selectionKey(Array.from({ length: n }, (_, i) => i === 0))).not.toBe(none);
    }
  });
});

describe('SelectionMemo', () => {
  it('keeps one record per selection, and adds none past its bound (known ones stay)', () => {
    // 10 blocks, room for 3 entries.
    const memo = new SelectionMemo(10, 35);
    const sel = (bits: number) => Array.from({ length: 10 }, (_, i) => ((bits >> i) & 1) === 1);
    const a = memo.facts(sel(1));
    expect(a).toEqual({});
    a!.repaired = null;
    expect(memo.facts(sel(1))).toBe(a);
    expect(memo.known(sel(2))).toBeUndefined();
    expect(memo.size).toBe(1);
    memo.facts(sel(2));
    memo.facts(sel(3));
    expect(memo.size).toBe(3);
    expect(memo.facts(sel(4))).toBeUndefined();
    expect(memo.known(sel(4))).toBeUndefined();
    expect(memo.size).toBe(3);
    expect(memo.facts(sel(1))!.repaired).toBeNull();
  });
});
