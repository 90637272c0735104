// The tournament's statistics against values known from elsewhere: R's wilcox.test and p.adjust,
// the Weng-Lin Plackett-Luce update computed by hand, Power TAC z-scores by hand, and the
// properties a paired percentile bootstrap must have.

import wilcoxon from '@stdlib/stats-wilcoxon';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../lib/index.js';
import { pairedBootstrap, quantile } from './bootstrap.js';
import { holm, pairwiseTests, signedRank } from './pairwise.js';
import { ranksOf, rateGames } from './ratings.js';
import { exactSignedRank, midranks } from './signed-rank-exact.js';
import { zScoresBySize } from './zscores.js';

describe('Wilcoxon signed-rank and Holm', () => {
  it('match R: wilcox.test(x, y, paired = TRUE) gives V = 40, p = 0.03906 (exact)', () => {
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const r = signedRank(x, y);
    expect(r.statistic).toBe(40);
    expect(r.pValue).toBeCloseTo(0.0390625, 10);
  });

  // With tied differences @stdlib falls back to the normal approximation, far too small at a few
  // cells (5 equal differences: 0.037 "significant" against 0.0625 for 5 different ones).
  it('is exact with tied differences: all 2^n sign flips counted by brute force agree', () => {
    expect(signedRank([3, 3, 3, 3, 3], [0, 0, 0, 0, 0]).pValue).toBeCloseTo(2 / 32, 12);
    // Two equal differences: both signs + in 1 of 4 patterns, so 2 × ¼ (the approximation said 0.35).
    expect(signedRank([5, 5], [0, 0]).pValue).toBe(0.5);
    // |d| = 1, 2, 2, 3, 4 (the zero dropped): midranks 1, 2.5, 2.5, 4, 5; W+ = 12.5; 4 of 32 sign
    // patterns reach it or beyond on each side.
    expect(signedRank([1, -2, 2, 3, 0, 4], [0, 0, 0, 0, 0, 0])).toEqual({ statistic: 12.5, pValue: 0.25 });
    const rng = new RandomStream('signed-rank-ties', 3);
    for (let trial = 0; trial < 200; trial++) {
      const n = rng.int(1, 12);
      const d = Array.from({ length: n }, () => rng.int(-3, 3)); // few values: many ties and zeros
      const nz = d.filter((v) => v !== 0);
      const ranks = midranks(nz.map(Math.abs));
      const w = nz.reduce((s, v, i) => (v > 0 ? s + ranks[i]! : s), 0);
      let below = 0;
      let above = 0;
      for (let mask = 0; mask < 2 ** nz.length; mask++) {
        let s = 0;
        for (let i = 0; i < nz.length; i++) if (mask & (1 << i)) s += ranks[i]!;
        if (s <= w + 1e-9) below++;
        if (s >= w - 1e-9) above++;
      }
      const p = Math.min(1, (2 * Math.min(below, above)) / 2 ** nz.length);
      const got = exactSignedRank(d);
      expect(got.statistic).toBe(w);
      expect(got.pValue).toBeCloseTo(p, 12);
    }
  });

  // (@stdlib's two-sided exact p is 2 × a tail with the observed value in both, so it can exceed 1:
  // 1.125 was reported as it was.)
  it("equals @stdlib's exact test where there are no ties, at most 1", () => {
    const rng = new RandomStream('signed-rank-no-ties', 5);
    for (let trial = 0; trial < 50; trial++) {
      const n = rng.int(2, 30);
      const x = Array.from({ length: n }, () => rng.next() * 10 - 5);
      const y = new Array<number>(n).fill(0);
      const ref = wilcoxon(Float64Array.from(x), Float64Array.from(y), { alternative: 'two-sided' });
      const got = signedRank(x, y);
      expect(got.statistic).toBeCloseTo(ref.statistic, 9);
      expect(got.pValue).toBeCloseTo(Math.min(1, ref.pValue), 9);
      expect(got.pValue).toBeLessThanOrEqual(1);
    }
  });

  it('match R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm")', () => {
    expect(holm([0.01, 0.04, 0.03, 0.005])).toEqual([0.03, 0.06, 0.06, 0.02]);
  });

  it('gives p = 1 for identical entrants and a matrix over every pair', () => {
    expect(signedRank([1, 2], [1, 2]).pValue).toBe(1);
    const rows = Array.from({ length: 9 }, (_, i) => [i, i + 1 + i * 0.01, i]);
    const tests = pairwiseTests(['a', 'b', 'c'], rows);
    expect(tests.map((t) => `${t.a}-${t.b}`)).toEqual(['a-b', 'a-c', 'b-c']);
    expect(tests.find((t) => t.a === 'a' && t.b === 'c')!.pValue).toBe(1);
    // b beats a in all 9 cells: exact two-sided p = 2 / 2^9.
    expect(tests[0]!.pValue).toBeCloseTo(2 / 512, 10);
    // Holm over three tests: p(a,b) = p(b,c) = 2/512 (c equals a), p(a,c) = 1 → 3 × 2/512 for both.
    expect(tests[0]!.pHolm).toBeCloseTo(3 * (2 / 512), 10);
    expect(tests[2]!.pHolm).toBeCloseTo(3 * (2 / 512), 10);
  });
});

describe('paired bootstrap', () => {
  it('is exact for constant data, shifts with a paired shift, and is reproducible from its seed', () => {
    const rng = new RandomStream('bootstrap-test', 1);
    const rows = Array.from({ length: 30 }, () => {
      const luck = 10 * rng.normal();
      return [7, luck, luck + 5];
    });
    const [c, a, b] = pairedBootstrap(rows, 3, { resamples: 2_000, seed: 42 });
    expect(c).toMatchObject({ mean: 7, lo: 7, hi: 7, n: 30 });
    // The same resampled cells for every entrant: b = a + 5 in every cell, so its interval is a's + 5.
    expect(b!.lo! - a!.lo!).toBeCloseTo(5, 9);
    expect(b!.hi! - a!.hi!).toBeCloseTo(5, 9);
    expect(pairedBootstrap(rows, 3, { resamples: 2_000, seed: 42 })).toEqual([c, a, b]);
  });

  it('covers like the normal interval for a large sample: mean ± 1.96 sd/√n', () => {
    const rng = new RandomStream('bootstrap-normal', 9);
    const n = 400;
    const values = Array.from({ length: n }, () => {
      // Irwin-Hall: a sum of 12 uniforms minus 6 is close to N(0, 1).
      let s = -6;
      for (let i = 0; i < 12; i++) s += rng.next();
      return 10 + 3 * s;
    });
    const mean = values.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
    const [ci] = pairedBootstrap(
      values.map((v) => [v]),
      1,
      { resamples: 4_000, seed: 3 },
    );
    const half = (1.96 * sd) / Math.sqrt(n);
    expect(ci!.lo!).toBeCloseTo(mean - half, 1);
    expect(ci!.hi!).toBeCloseTo(mean + half, 1);
  });

  it('skips cells an entrant did not play, and quantiles interpolate like R type 7', () => {
    const [a] = pairedBootstrap([[1], [null], [3]], 1, { resamples: 2_000, seed: 1 });
    expect(a).toMatchObject({ mean: 2, n: 2 });
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
  });
});

describe('OpenSkill ratings', () => {
  it('follow the Weng-Lin Plackett-Luce update for one game of two (μ 25, σ 25/3, β 25/6, τ 25/300)', () => {
    const r = rateGames(
      ['a', 'b'],
      [
        {
          seats: [
            { entrant: 'a', value: 10 },
            { entrant: 'b', value: 3 },
          ],
        },
      ],
    );
    const sigma2 = (25 / 3) ** 2 + (25 / 300) ** 2;
    const c2 = 2 * sigma2 + 2 * (25 / 6) ** 2;
    const c = Math.sqrt(c2);
    const omega = (sigma2 / c) * 0.5;
    const delta = (Math.sqrt(sigma2) / c) * (sigma2 / c2) * 0.25;
    expect(r.a!.mu).toBeCloseTo(25 + omega, 9);
    expect(r.b!.mu).toBeCloseTo(25 - omega, 9);
    expect(r.a!.sigma).toBeCloseTo(Math.sqrt(sigma2 * (1 - delta)), 9);
    expect(r.a!.ordinal).toBeCloseTo(r.a!.mu - 3 * r.a!.sigma, 9);
  });

  it('ranks ties equally and orders a dominant entrant first', () => {
    expect(ranksOf([5, 9, 5, 1])).toEqual([2, 1, 2, 4]);
    const games = Array.from({ length: 10 }, () => ({
      seats: [
        { entrant: 'strong', value: 3 },
        { entrant: 'weak', value: 1 },
        { entrant: 'middle', value: 2 },
      ],
    }));
    const r = rateGames(['weak', 'middle', 'strong'], games);
    expect(r.strong!.ordinal).toBeGreaterThan(r.middle!.ordinal);
    expect(r.middle!.ordinal).toBeGreaterThan(r.weak!.ordinal);
  });
});

describe('per-game-size z-scores', () => {
  it('standardise by the size’s mean and population standard deviation', () => {
    // Size 2: values 10, 0, 10, 20 → mean 10, sd √50. Size 3: all equal → z 0.
    const z = zScoresBySize([
      { size: 2, entrant: 'a', value: 10 },
      { size: 2, entrant: 'b', value: 0 },
      { size: 2, entrant: 'a', value: 10 },
      { size: 2, entrant: 'c', value: 20 },
      { size: 3, entrant: 'a', value: 4 },
      { size: 3, entrant: 'b', value: 4 },
      { size: 3, entrant: 'c', value: 4 },
    ]);
    expect(z.bySize.a).toEqual({ '2': 0, '3': 0 });
    expect(z.bySize.b!['2']).toBeCloseTo(-10 / Math.sqrt(50), 12);
    expect(z.bySize.c!['2']).toBeCloseTo(10 / Math.sqrt(50), 12);
    expect(z.overall.c).toBeCloseTo(10 / Math.sqrt(50) / 2, 12);
  });
});
