// Every temporary file of a vitest run — of the tests and of the processes they start (run folders,
// nats-server stores, browser profiles) — goes below one folder: TMPDIR is pointed at it before
// any test file runs (workers and their child processes inherit it). It is removed when every test
// passed and named when one failed, for a look. `npm test` did this alone before; a direct
// `vitest run <file>` left its dozens of folders in the system's temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'flexarena-tests-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    const state = project.vitest.state;
    // A file that failed to load fails no test but counts as a failure all the same.
    const failed =
      state.getCountOfFailedTests() + state.getFailedFilepaths().length + state.getUnhandledErrors().length;
    if (failed === 0) rmSync(dir, { recursive: true, force: true });
    else process.stdout.write(`\nthe tests' temporary files are kept in ${dir}\n`);
  };
}
