// The lines of an append-only JSON-lines file that a process killed while appending may have left
// with a torn last line (no newline after it). The torn line is also cut off the file: the next
// append would otherwise continue it, and the line appended then would be lost inside a line that
// cannot be read.
import { existsSync, readFileSync, truncateSync } from 'node:fs';

/** The file's complete lines (those ending with a newline); [] when there is no file. */
export function readWholeLines(path: string): string[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) truncateSync(path, Buffer.byteLength(text.slice(0, end)));
  return text.slice(0, end).split('\n');
}
