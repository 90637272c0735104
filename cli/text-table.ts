// The terminal tables of the CLI: a column is its heading and its alignment, side by side, so
// a table's layout reads as one list instead of two parallel arrays.
import Table from 'cli-table3';

export type Column = readonly [heading: string, align: 'left' | 'right'];

export function textTable(columns: readonly Column[], compact = false): InstanceType<typeof Table> {
  return new Table({
    head: columns.map((c) => c[0]),
    colAligns: columns.map((c) => c[1]),
    ...(compact ? { style: { head: [], border: [], compact: true } } : {}),
  });
}
