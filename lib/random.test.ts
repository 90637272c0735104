import { describe, expect, it } from 'vitest';
import { deriveSeed, NamedRng, RandomStream } from './random.js';

function draws(s: RandomStream, n: number): number[] {
  return Array.from({ length: n }, () => s.next());
}

describe('NamedRng', () => {
  it('gives the same sequence for the same seed and name', () => {
    const a = draws(new NamedRng(42).stream('world.noise'), 50);
    const b = draws(new NamedRng(42).stream('world.noise'), 50);
    expect(a).toEqual(b);
    // And the stream actually varies.
    expect(new Set(a).size).toBe(50);
  });

  it('returns the same stream object for the same name, continuing its sequence', () => {
    const rng = new NamedRng(1);
    const s = rng.stream('x');
    expect(rng.stream('x')).toBe(s);
    const ref = draws(new NamedRng(1).stream('x'), 4);
    expect([s.next(), s.next()]).toEqual(ref.slice(0, 2));
    expect([rng.stream('x').next(), rng.stream('x').next()]).toEqual(ref.slice(2, 4));
  });

  it('gives different sequences for different seeds and different names', () => {
    const base = draws(new NamedRng(42).stream('world.noise'), 20);
    expect(draws(new NamedRng(43).stream('world.noise'), 20)).not.toEqual(base);
    expect(draws(new NamedRng(42).stream('world.wind'), 20)).not.toEqual(base);
    expect(deriveSeed(42, 'a')).not.toBe(deriveSeed(42, 'b'));
    expect(deriveSeed(42, 'a')).not.toBe(deriveSeed(43, 'a'));
  });

  it('refuses a seed the generator would truncate into another seed', () => {
    for (const bad of [1.5, 2 ** 32 + 7, 2 ** 31, -(2 ** 31) - 1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => new RandomStream('x', bad)).toThrow(
        /^random stream x: seed must be an integer in \[-2\^31, 2\^31 - 1\]/,
      );
    expect(draws(new RandomStream('x', -(2 ** 31)), 2)).toHaveLength(2);
    expect(draws(new RandomStream('x', 2 ** 31 - 1), 2)).toHaveLength(2);
  });

  it('keeps streams independent: drawing from one does not shift another', () => {
    const alone = draws(new NamedRng(7).stream('agent.b.latency'), 20);
    const rng = new NamedRng(7);
    const a = rng.stream('agent.a.latency');
    const b = rng.stream('agent.b.latency');
    const got: number[] = [];
    for (let i = 0; i < 20; i++) {
      draws(a, 3);
      got.push(b.next());
    }
    expect(got).toEqual(alone);
  });

  it('does not depend on the order in which streams are created', () => {
    const names = ['world.noise', 'world.wind', 'agent.1.latency', 'agent.2.latency'];
    const forward = new NamedRng(99);
    const backward = new NamedRng(99);
    for (const n of names) forward.stream(n);
    for (const n of [...names].reverse()) backward.stream(n);
    // A consumer added only to the second run does not change anything either.
    backward.stream('extra.consumer').next();
    for (const n of names) expect(draws(backward.stream(n), 10)).toEqual(draws(forward.stream(n), 10));
  });

  it('derives a stable 32-bit seed', () => {
    const s = deriveSeed(1, 'world.noise');
    expect(Number.isInteger(s)).toBe(true);
    expect(s).toBeGreaterThanOrEqual(-(2 ** 31));
    expect(s).toBeLessThan(2 ** 31);
    expect(deriveSeed(1, 'world.noise')).toBe(s);
    // The separator keeps (1, "2x") and (12, "x") apart.
    expect(deriveSeed(1, '2x')).not.toBe(deriveSeed(12, 'x'));
  });
});

describe('RandomStream', () => {
  it('next() stays in [0, 1)', () => {
    const s = new NamedRng(3).stream('u');
    let min = 1;
    let max = 0;
    let outside = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = s.next();
      if (!(x >= 0 && x < 1)) outside++;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(outside).toBe(0);
    expect(min).toBeLessThan(0.01);
    expect(max).toBeGreaterThan(0.99);
  });

  it('int(from, to) includes both bounds and nothing outside', () => {
    const s = new NamedRng(5).stream('dice');
    const seen = new Map<number, number>();
    for (let i = 0; i < 6_000; i++) {
      const v = s.int(1, 6);
      seen.set(v, (seen.get(v) ?? 0) + 1);
    }
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const count of seen.values()) expect(count).toBeGreaterThan(800);
    const neg = new NamedRng(5).stream('neg');
    const vals = new Set(Array.from({ length: 500 }, () => neg.int(-2, 0)));
    expect([...vals].sort((a, b) => a - b)).toEqual([-2, -1, 0]);
    const one = new NamedRng(5).stream('one');
    expect(Array.from({ length: 20 }, () => one.int(4, 4))).toEqual(Array(20).fill(4));
  });

  it('normal() has roughly mean 0 and standard deviation 1 over 20k draws', () => {
    const s = new NamedRng(11).stream('gauss');
    const n = 20_000;
    let sum = 0;
    let sumSq = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const x = s.normal();
      sum += x;
      sumSq += x * x;
      if (Math.abs(x) > 2) beyond2++;
    }
    const mean = sum / n;
    expect(Number.isFinite(sumSq)).toBe(true);
    const sd = Math.sqrt(sumSq / n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(sd).toBeGreaterThan(0.95);
    expect(sd).toBeLessThan(1.05);
    // About 4.55 % of a standard normal lies beyond ±2.
    expect(beyond2 / n).toBeGreaterThan(0.035);
    expect(beyond2 / n).toBeLessThan(0.056);
  });

  it('a stream built directly from a derived seed equals the named one', () => {
    const direct = new RandomStream('x', deriveSeed(8, 'x'));
    expect(draws(direct, 5)).toEqual(draws(new NamedRng(8).stream('x'), 5));
  });
});
