// Binary searches over ascending numbers: the one place the project's "first index past x" lives
// (the SDK's market view, the strategies' product lists, the world's difficulty windows).

/** The first index of ascending `values` holding more than `x` (values.length if none or x is NaN). */
export function firstAbove(values: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The first index of ascending `values` holding `x` or more (values.length if none or x is NaN). */
export function firstAtLeast(values: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
