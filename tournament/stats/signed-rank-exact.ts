// The exact null distribution of Wilcoxon's signed-rank statistic with tied ranks. @stdlib's test
// is exact only when the non-zero differences have no ties; with ties it falls back to the normal
// approximation, which at a few cells is far too small (5 equal differences: 0.037, against the
// exact 0.0625). Ties are common here: in a price-taker scenario an entrant's value is often the
// same in every cell of a seed. Under H0 every difference's sign is + or − with probability ½, so
// W+ is a sum over a random subset of the midranks; doubled, the midranks are integers and the
// distribution is a subset-sum table — n(n+1) + 1 entries, n² steps, for the n ≤ 50 it is used for.

/** Largest count of non-zero differences the exact table is built for (@stdlib's own limit). */
export const EXACT_SIGNED_RANK_MAX_N = 50;

/** Midranks of |d| for the non-zero differences (ties share the mean of their ranks). */
export function midranks(absDiffs: readonly number[]): number[] {
  const order = absDiffs.map((_, i) => i).sort((a, b) => absDiffs[a]! - absDiffs[b]!);
  const ranks = new Array<number>(absDiffs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && absDiffs[order[j + 1]!] === absDiffs[order[i]!]) j++;
    const rank = (i + 1 + (j + 1)) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]!] = rank;
    i = j + 1;
  }
  return ranks;
}

/**
 * Two-sided exact p-value of W+ = Σ midranks of the positive differences, zeros dropped
 * (Wilcoxon's method, as @stdlib): 2 × min(P(W ≤ w), P(W ≥ w)), at most 1. `diffs` are x − y.
 */
export function exactSignedRank(diffs: readonly number[]): { statistic: number; pValue: number } {
  const d = diffs.filter((v) => v !== 0);
  if (d.length === 0) return { statistic: 0, pValue: 1 };
  if (d.length > EXACT_SIGNED_RANK_MAX_N)
    throw new RangeError(
      `exact signed-rank: at most ${EXACT_SIGNED_RANK_MAX_N} non-zero differences, got ${d.length}`,
    );
  const ranks = midranks(d.map(Math.abs));
  // Doubled midranks are whole numbers (a midrank is a whole or a half).
  const doubled = ranks.map((r) => Math.round(2 * r));
  const total = doubled.reduce((s, r) => s + r, 0);
  // prob[s]: probability that the doubled W+ is s, built one difference at a time.
  let prob = new Float64Array(total + 1);
  prob[0] = 1;
  let reach = 0;
  for (const r of doubled) {
    const next = new Float64Array(total + 1);
    for (let s = 0; s <= reach; s++) {
      const p = prob[s]!;
      if (p === 0) continue;
      next[s] = next[s]! + p / 2;
      next[s + r] = next[s + r]! + p / 2;
    }
    reach += r;
    prob = next;
  }
  const w2 = d.reduce((s, v, i) => (v > 0 ? s + doubled[i]! : s), 0);
  let below = 0;
  let above = 0;
  for (let s = 0; s <= total; s++) {
    if (s <= w2) below += prob[s]!;
    if (s >= w2) above += prob[s]!;
  }
  return { statistic: w2 / 2, pValue: Math.min(1, 2 * Math.min(below, above)) };
}
