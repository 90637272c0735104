// BENCHMARKS.md holds one section per benchmark between markers, so each bench script rewrites
// only its own section.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = join(import.meta.dirname, '..', 'BENCHMARKS.md');
const HEADER =
  '# Benchmarks\n\nWritten by the `npm run bench…` scripts; each section says how to reproduce it.\n';

export function writeBenchmarkSection(id: string, body: string): void {
  const text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const begin = `<!-- bench:${id}:begin -->`;
  const end = `<!-- bench:${id}:end -->`;
  const section = `${begin}\n${body.trim()}\n${end}`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  const next =
    i >= 0 && j > i
      ? text.slice(0, i) + section + text.slice(j + end.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(FILE, next);
}
