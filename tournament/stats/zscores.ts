// Power TAC-style z-scores per game size: every result of a game of size k is standardised by the
// mean and standard deviation of all results in games of size k; an entrant's score for that size
// is the mean of its standardised results, and its overall score the mean over sizes.

export interface SizedResult {
  size: number;
  entrant: string;
  value: number;
}

export interface ZScores {
  /** entrant → size → mean z (absent where the entrant played no game of that size). */
  bySize: Record<string, Record<string, number>>;
  /** entrant → mean over the sizes it played. */
  overall: Record<string, number>;
}

export function zScoresBySize(results: readonly SizedResult[]): ZScores {
  const bySize: Record<string, Record<string, number>> = {};
  const sizes = [...new Set(results.map((r) => r.size))].sort((a, b) => a - b);
  for (const k of sizes) {
    const rs = results.filter((r) => r.size === k);
    const mean = rs.reduce((s, r) => s + r.value, 0) / rs.length;
    // Population standard deviation over the size's results; 0 spread gives z = 0 for all.
    const sd = Math.sqrt(rs.reduce((s, r) => s + (r.value - mean) ** 2, 0) / rs.length);
    const sums = new Map<string, { s: number; n: number }>();
    for (const r of rs) {
      const z = sd > 0 ? (r.value - mean) / sd : 0;
      const acc = sums.get(r.entrant) ?? { s: 0, n: 0 };
      acc.s += z;
      acc.n++;
      sums.set(r.entrant, acc);
    }
    for (const [e, { s, n }] of sums) {
      bySize[e] ??= {};
      bySize[e][String(k)] = s / n;
    }
  }
  const overall: Record<string, number> = {};
  for (const [e, m] of Object.entries(bySize)) {
    const v = Object.values(m);
    overall[e] = v.reduce((s, x) => s + x, 0) / v.length;
  }
  return { bySize, overall };
}
