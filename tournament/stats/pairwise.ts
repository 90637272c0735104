// Pairwise paired tests: for every two entrants, the Wilcoxon signed-rank test on their
// differences cell by cell (the same worlds), two-sided — exact with tied ranks up to 50 non-zero
// differences (signed-rank-exact.ts), @stdlib's normal approximation beyond; the p-values of all
// pairs corrected together by Holm's step-down method (@stdlib/stats-padjust).
import padjust from '@stdlib/stats-padjust';
import wilcoxon from '@stdlib/stats-wilcoxon';
import { EXACT_SIGNED_RANK_MAX_N, exactSignedRank } from './signed-rank-exact.js';

export interface PairTest {
  a: string;
  b: string;
  /** Cells where both played, and where their values differ. */
  n: number;
  nonZero: number;
  /** Mean of a − b over those cells. */
  meanDifference: number | null;
  statistic: number | null;
  pValue: number;
  /** Holm-adjusted over all pairs. */
  pHolm: number;
}

/**
 * Wilcoxon signed-rank on paired values. With no non-zero difference, or a single pair, nothing
 * can be told apart: p = 1 (the exact two-sided p of one pair is 1 as well).
 */
export function signedRank(
  x: readonly number[],
  y: readonly number[],
): { statistic: number | null; pValue: number } {
  const d = x.map((v, i) => v - y[i]!);
  if (d.every((v) => v === 0) || d.length < 2) return { statistic: null, pValue: 1 };
  if (d.filter((v) => v !== 0).length <= EXACT_SIGNED_RANK_MAX_N) return exactSignedRank(d);
  const r = wilcoxon(Float64Array.from(x), Float64Array.from(y), { alternative: 'two-sided' });
  return { statistic: r.statistic, pValue: r.pValue };
}

/** Holm's adjustment (monotone, capped at 1). */
export function holm(pValues: readonly number[]): number[] {
  if (pValues.length === 0) return [];
  return padjust([...pValues], 'holm');
}

export function pairwiseTests(
  names: readonly string[],
  matrix: readonly (readonly (number | null)[])[],
): PairTest[] {
  const tests: Omit<PairTest, 'pHolm'>[] = [];
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++) {
      const x: number[] = [];
      const y: number[] = [];
      for (const row of matrix) {
        const a = row[i];
        const b = row[j];
        if (a !== null && a !== undefined && b !== null && b !== undefined) {
          x.push(a);
          y.push(b);
        }
      }
      const { statistic, pValue } = x.length > 0 ? signedRank(x, y) : { statistic: null, pValue: 1 };
      tests.push({
        a: names[i]!,
        b: names[j]!,
        n: x.length,
        nonZero: x.filter((v, k) => v !== y[k]).length,
        meanDifference: x.length > 0 ? x.reduce((s, v, k) => s + v - y[k]!, 0) / x.length : null,
        statistic,
        pValue,
      });
    }
  const adjusted = holm(tests.map((t) => t.pValue));
  return tests.map((t, k) => ({ ...t, pHolm: adjusted[k]! }));
}
