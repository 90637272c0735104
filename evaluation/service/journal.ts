// The evaluator's own durable memory: every message it has taken from JetStream, appended to a
// per-run file before the message is acknowledged. After a restart the journals are read back
// (records keyed by seq, so a message journalled twice counts once) and JetStream redelivers
// only what was never acknowledged: nothing is lost and nothing is counted twice.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlexArenaError } from '../../lib/index.js';

/** The journal's folder cannot be made (a file in the way, no permission). */
export class JournalDirError extends FlexArenaError {}

export type JournalKind = 'manifest' | 'record' | 'end';

export interface JournalEntry {
  kind: JournalKind;
  /** The message's proto3 JSON. */
  data: unknown;
}

export class Journal {
  constructor(readonly dir: string) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new JournalDirError(
        `cannot keep the evaluator's journal in ${dir} (--state-dir, default <runs-dir>/.evaluator): ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  private path(runId: string): string {
    return join(this.dir, `${runId}.jsonl`);
  }

  append(runId: string, entry: JournalEntry): void {
    appendFileSync(this.path(runId), `${JSON.stringify({ k: entry.kind, d: entry.data })}\n`);
  }

  runs(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => f.slice(0, -'.jsonl'.length))
      .sort();
  }

  /** The run's entries; a torn last line (the process died while writing it) is skipped. */
  read(runId: string): JournalEntry[] {
    const text = readFileSync(this.path(runId), 'utf8');
    const out: JournalEntry[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let doc: { k?: string; d?: unknown };
      try {
        doc = JSON.parse(line);
      } catch {
        continue;
      }
      if (doc.k === 'manifest' || doc.k === 'record' || doc.k === 'end')
        out.push({ kind: doc.k, data: doc.d });
    }
    return out;
  }
}
