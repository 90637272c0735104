// The terminal tables of the CLI: a column is its heading and its alignment, side by side, so
// a table's layout reads as one list instead of two parallel arrays.
import Table from 'cli-table3';

export type Column = readonly [heading: string, align: 'left' | 'right'];

/**
 * `color`: cli-table3 colours the heading and the borders with terminal escapes whatever the
 * output is; a table piped into a file or another program gets them only when asked, so by
 * default only on a terminal.
 */
export function textTable(
  columns: readonly Column[],
  compact = false,
  color = process.stdout.isTTY === true,
): InstanceType<typeof Table> {
  const plain = compact || !color ? { head: [], border: [] } : {};
  return new Table({
    head: columns.map((c) => c[0]),
    colAligns: columns.map((c) => c[1]),
    style: { ...plain, ...(compact ? { compact: true } : {}) },
  });
}

/**
 * `x.toFixed(digits)` without the sign of a value that shows as zero: `(-0.3).toFixed(0)` is
 * "-0", which reads as a loss where the figure shown is none (the exact value stays in the files).
 */
export function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return /^-[0.]+$/.test(s) ? s.slice(1) : s;
}
