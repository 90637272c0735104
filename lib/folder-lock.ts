// One process at a time in a tournament's or a study's folder. Two started on the same folder
// played the same games under the same run ids at once: one removed the other's run folder
// mid-game, which then failed with an ENOENT on its tape.sha256 and was reported as a failed game.
// The lock is a file holding the process id; one left by a process that no longer runs (killed
// outright) is taken over.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolder } from './claim-folder.js';

export const LOCK_FILE = '.lock';

/** Whether a process with this id runs (one of another user counts as running). */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process id a pid file holds; undefined for a missing or damaged file. */
export function readPidFile(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Locks `dir` (made if need be) for this process and returns the release; `fail` makes the error
 * when another running process holds it, or the folder cannot be made. This process holding it
 * already is not refused. Take it before claiming the folder (claimFolder): two runners claiming
 * a new folder at once each wrote their own configuration into it.
 */
export function lockFolder(dir: string, kind: string, fail: (message: string) => Error): () => void {
  makeFolder(dir, kind, fail);
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0)
        throw fail(`cannot lock the ${kind} folder ${dir} (--out): ${(err as Error).message}`);
    }
    const pid = readPidFile(path);
    if (pid === process.pid) return () => undefined;
    if (pid !== undefined && processRunning(pid))
      throw fail(
        `${dir} is in use by another ${kind} process (pid ${pid}): wait for it to end or stop it (if no such process runs, delete ${path})`,
      );
    // Left by a process that ended without releasing it (killed outright).
    unlinkSync(path);
  }
  return () => {
    if (readPidFile(path) === process.pid) unlinkSync(path);
  };
}
