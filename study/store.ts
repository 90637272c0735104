// A study's folder: study-config.json (the validated file and its hash: a folder holds one study)
// and runs.jsonl, one finished run per line, appended as runs finish. A restarted study reads it
// back and runs only what is missing.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlexArenaError } from '../lib/index.js';
import type { StudyConfig } from './config.js';
import type { StudyRun } from './run-variant.js';

export class StudyFolderError extends FlexArenaError {
  constructor(message: string) {
    super(message);
    this.name = 'StudyFolderError';
  }
}

export function studyHash(s: StudyConfig): string {
  return createHash('sha256').update(JSON.stringify(s)).digest('hex').slice(0, 16);
}

export class StudyStore {
  readonly runsFile: string;

  constructor(
    readonly dir: string,
    s: StudyConfig,
  ) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new StudyFolderError(`cannot make the study folder ${dir} (--out): ${(err as Error).message}`);
    }
    this.runsFile = join(dir, 'runs.jsonl');
    const meta = join(dir, 'study-config.json');
    const hash = studyHash(s);
    if (existsSync(meta)) {
      const prev = JSON.parse(readFileSync(meta, 'utf8')) as { hash?: string };
      if (prev.hash !== hash)
        throw new StudyFolderError(
          `${dir} holds another study (config hash ${prev.hash}, this one ${hash}): use another --out or delete it`,
        );
    } else writeFileSync(meta, `${JSON.stringify({ hash, config: s }, null, 2)}\n`);
  }

  /** Finished runs by key; a torn last line (killed while writing) is ignored. */
  runs(): Map<string, StudyRun> {
    const byKey = new Map<string, StudyRun>();
    if (!existsSync(this.runsFile)) return byKey;
    for (const line of readFileSync(this.runsFile, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const r = JSON.parse(line) as StudyRun;
        // A run stored before the per-period day-ahead prices were kept lacks figures the
        // summary needs: it is run again rather than summarised with a hole.
        if (!Array.isArray(r.market?.daPricesEur)) continue;
        if (!byKey.has(r.key)) byKey.set(r.key, r);
      } catch {
        // torn line
      }
    }
    return byKey;
  }

  append(r: StudyRun): void {
    appendFileSync(this.runsFile, `${JSON.stringify(r)}\n`);
  }
}
