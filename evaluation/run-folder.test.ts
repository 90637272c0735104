// A run folder the scores or the report cannot be written into (read-only, not one's own, a
// file in the way) is one line naming the file: it was the file system's error with a stack trace.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportWriteError, writeReport } from './report/write-report.js';
import { RunFolderError, writeScores } from './run-folder.js';
import { RunScorer } from './run-scorer.js';

const root = mkdtempSync(join(tmpdir(), 'flexarena-run-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('writing into a run folder', () => {
  it('names scores.json when it cannot be written', () => {
    const dir = join(root, 'scores');
    mkdirSync(join(dir, '.scores.json.tmp'), { recursive: true });
    const write = () => writeScores(dir, new RunScorer('r').scores());
    expect(write).toThrow(RunFolderError);
    expect(write).toThrow(new RegExp(`^cannot write ${join(dir, 'scores.json')}: EISDIR`));
  });

  it('names report.html when the report folder cannot be made', async () => {
    const dir = join(root, 'report');
    mkdirSync(dir);
    writeFileSync(join(dir, 'report'), '');
    const failed = await writeReport(join(dir, 'report'), { title: 't', charts: [] }, { png: false }).catch(
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(ReportWriteError);
    expect((failed as Error).message).toMatch(
      new RegExp(`^cannot write ${join(dir, 'report', 'report.html')}: EEXIST`),
    );
  });
});
