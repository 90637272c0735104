// The evaluator's own durable memory: every message it has taken from JetStream, appended to a
// per-run file before the message is acknowledged. After a restart the journals are read back
// (records keyed by seq, so a message journalled twice counts once) and JetStream redelivers
// only what was never acknowledged: nothing is lost and nothing is counted twice.
import { appendFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FlexArenaError, readWholeLines } from '../../lib/index.js';

/** The journal's folder cannot be made (a file in the way, no permission). */
export class JournalDirError extends FlexArenaError {}

/** A journal line other than a torn last one cannot be read. */
export class JournalCorruptError extends FlexArenaError {}

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

  /**
   * The run's entries. A torn last line (no newline: the process died while writing it) is
   * dropped: its message was not acknowledged, so JetStream delivers it again. Any other line that
   * cannot be read is an error: its message was acknowledged, and skipping it would lose it
   * without a word.
   */
  read(runId: string): JournalEntry[] {
    const path = this.path(runId);
    // The torn line is also cut off the file: the next append would otherwise continue it, and
    // the message appended then (acknowledged) would be lost inside a line that cannot be read.
    const lines = readWholeLines(path);
    const out: JournalEntry[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let doc: { k?: string; d?: unknown } | null = null;
      try {
        doc = JSON.parse(line);
      } catch {
        // handled below: every line here ended with a newline, so none is torn
      }
      if (doc?.k === 'manifest' || doc?.k === 'record' || doc?.k === 'end')
        out.push({ kind: doc.k, data: doc.d });
      else
        throw new JournalCorruptError(
          `${path}:${i + 1}: not a journal entry ({"k": "manifest" | "record" | "end", "d": …}); the evaluator cannot tell which acknowledged message it held`,
        );
    });
    return out;
  }
}
