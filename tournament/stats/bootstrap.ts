// Paired bootstrap confidence intervals: the duplicate cells (same world, every entrant) are
// resampled with replacement, and every entrant's mean is taken over the same resampled cells,
// so the world's luck moves all entrants together. Percentile intervals, seeded.
import { RandomStream } from '../../lib/index.js';

export interface Interval {
  mean: number | null;
  lo: number | null;
  hi: number | null;
  /** Cells with a value. */
  n: number;
}

/** The q-quantile of sorted values (linear between order statistics, R's type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  const h = (sorted.length - 1) * q;
  const i = Math.floor(h);
  const j = Math.min(i + 1, sorted.length - 1);
  return sorted[i]! + (h - i) * (sorted[j]! - sorted[i]!);
}

function meanOf(values: readonly (number | null)[]): number | null {
  let s = 0;
  let n = 0;
  for (const v of values)
    if (v !== null) {
      s += v;
      n++;
    }
  return n === 0 ? null : s / n;
}

/**
 * `matrix[c][e]`: entrant e's value in cell c (null: it did not play there). Returns one interval
 * per entrant: the mean over cells and the `level` percentile interval of `resamples` paired
 * bootstrap means.
 */
export function pairedBootstrap(
  matrix: readonly (readonly (number | null)[])[],
  entrants: number,
  opts: { resamples: number; seed: number; level?: number },
): Interval[] {
  const cells = matrix.length;
  const level = opts.level ?? 0.95;
  const rng = new RandomStream('tournament.bootstrap', opts.seed);
  const draws: number[][] = Array.from({ length: entrants }, () => []);
  const idx = new Int32Array(cells);
  for (let b = 0; b < opts.resamples && cells > 0; b++) {
    for (let c = 0; c < cells; c++) idx[c] = Math.floor(rng.next() * cells);
    for (let e = 0; e < entrants; e++) {
      let s = 0;
      let n = 0;
      for (let c = 0; c < cells; c++) {
        const v = matrix[idx[c]!]![e];
        if (v !== null && v !== undefined) {
          s += v;
          n++;
        }
      }
      if (n > 0) draws[e]!.push(s / n);
    }
  }
  return Array.from({ length: entrants }, (_, e) => {
    const column = matrix.map((row) => row[e] ?? null);
    const n = column.filter((v) => v !== null).length;
    const sorted = draws[e]!.sort((a, b) => a - b);
    const alpha = (1 - level) / 2;
    return {
      mean: meanOf(column),
      lo: sorted.length > 0 ? quantile(sorted, alpha) : null,
      hi: sorted.length > 0 ? quantile(sorted, 1 - alpha) : null,
      n,
    };
  });
}
