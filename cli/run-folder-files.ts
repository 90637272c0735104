// The files a finished run leaves in its folder, for the line that ends `flexarena run`. Only what
// is there: agent-faults.log exists only once an agent had a fault, undelivered-settlements.jsonl
// only after a NATS outage at the end, and agents/ holds logs only of launched agent processes
// (an in-process run has none) — naming a file that is not there sends the reader looking for it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The files the line names when they are there (the folder holds more: README's table). */
const FILES = [
  'results.json',
  'results.csv',
  'settlements.jsonl',
  'tape.jsonl.gz',
  'undelivered-settlements.jsonl',
  'agent-faults.log',
];

export function runFolderFiles(runDir: string): string[] {
  const files = FILES.filter((f) => existsSync(join(runDir, f)));
  const agents = join(runDir, 'agents');
  return existsSync(agents) && readdirSync(agents).length > 0 ? [...files, 'agents/'] : files;
}
