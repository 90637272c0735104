import { describe, expect, it } from 'vitest';
import { firstAbove, firstAtLeast } from './sorted-search.js';

/** The same questions answered by a walk from the start. */
const walkAbove = (v: number[], x: number) => {
  const i = v.findIndex((y) => y > x);
  return i < 0 ? v.length : i;
};
const walkAtLeast = (v: number[], x: number) => {
  const i = v.findIndex((y) => y >= x);
  return i < 0 ? v.length : i;
};

describe('sorted search', () => {
  it('answers as a walk would, with repeats, ends and empty lists', () => {
    const lists = [
      [],
      [5],
      [1, 1, 1],
      [1, 2, 2, 2, 3, 7, 7, 9],
      Array.from({ length: 100 }, (_, i) => i * 3),
    ];
    for (const v of lists)
      for (let x = -2; x <= 310; x++) {
        expect(firstAbove(v, x)).toBe(walkAbove(v, x));
        expect(firstAtLeast(v, x)).toBe(walkAtLeast(v, x));
      }
  });

  it('finds nothing for NaN, in a typed array too', () => {
    const v = Float64Array.from([1, 2, 3]);
    expect(firstAbove(v, Number.NaN)).toBe(3);
    expect(firstAtLeast(v, Number.NaN)).toBe(3);
    expect(firstAtLeast(v, 2)).toBe(1);
  });
});
