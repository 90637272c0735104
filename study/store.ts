// A study's folder: study-config.json (the validated file and its hash: a folder holds one study)
// and runs.jsonl, one finished run per line, appended as runs finish. A restarted study reads it
// back and runs only what is missing.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { claimFolder, FlexArenaError, readWholeLines } from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';
import { NAMED_FILES, namedFileDigests } from '../tournament/index.js';
import type { StudyConfig } from './config.js';
import type { StudyRun } from './run-variant.js';

export class StudyFolderError extends FlexArenaError {
  constructor(message: string) {
    super(message);
    this.name = 'StudyFolderError';
  }
}

/** The scenario, with the named files' digests when there are any (else as folders kept it before). */
function studyInputs(scenario: RunConfig): { what: string; value: unknown } {
  const files = namedFileDigests([scenario]);
  return files
    ? { what: `scenario file ${NAMED_FILES}`, value: { scenario, files } }
    : { what: 'scenario file', value: scenario };
}

export class StudyStore {
  readonly runsFile: string;

  /** `scenario`: the scenario file as loaded, so that an edited one is noticed. */
  constructor(
    readonly dir: string,
    s: StudyConfig,
    scenario?: RunConfig,
  ) {
    claimFolder({
      dir,
      metaFile: 'study-config.json',
      kind: 'study',
      // Raising `seeds` extends the folder: a run's world seed depends on its seed index alone.
      grows: 'seeds',
      config: s,
      ...(scenario ? { inputs: studyInputs(scenario) } : {}),
      fail: (m) => new StudyFolderError(m),
    });
    this.runsFile = join(dir, 'runs.jsonl');
  }

  /**
   * Finished runs by key. A torn last line (killed while writing) is not a run, and is cut off the
   * file so that the run appended next is a line of its own.
   */
  runs(): Map<string, StudyRun> {
    const byKey = new Map<string, StudyRun>();
    for (const line of readWholeLines(this.runsFile)) {
      if (line.trim() === '') continue;
      try {
        const r = JSON.parse(line) as StudyRun;
        // A run stored before the per-period day-ahead prices were kept lacks figures the
        // summary needs: it is run again rather than summarised with a hole.
        if (!Array.isArray(r.market?.daPricesEur)) continue;
        if (!byKey.has(r.key)) byKey.set(r.key, r);
      } catch {
        // a damaged line: its run is run again
      }
    }
    return byKey;
  }

  append(r: StudyRun): void {
    appendFileSync(this.runsFile, `${JSON.stringify(r)}\n`);
  }
}
