// A working folder left behind empty: a tournament's or a study's `runs/`, where each game or run
// is played and then removed, was kept as an empty folder that nothing documents or reads.
//
// Such a folder may be shared: two `flexarena worker`s with one `--out` play games of one
// tournament in `<out>/<tid>/runs/`, and each removes that folder when it is empty after a game.
// The other may have just made it and be about to make its run folder in it. Removing only empty
// folders (rmdir, never rm -r) leaves a folder that holds a run folder alone; making the run
// folder with makeFolderAmongRemovers makes a parent removed in between again.
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Removes `dir` when it is an empty folder; a missing one, a file or a folder with files stays. */
export function removeEmptyFolder(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // ENOENT, ENOTEMPTY, ENOTDIR: nothing to remove.
  }
}

/** Tries before giving up: each failure needs another process to remove the parent just made. */
const MAX_TRIES = 100;

/**
 * Makes the folder `dir` and its missing parents where another process may remove empty folders
 * (removeEmptyFolder) at any moment: a parent removed after it was made and before `dir` was made
 * in it (ENOENT) is made again. Once `dir` exists its parents are not empty, so no remover takes
 * them. (Node's recursive mkdir retries so by itself today — measured: no failure in 1 700 runs
 * against a process removing the parents in a loop — but its documentation does not say so.) An
 * existing folder is fine; a file there is refused as mkdir refuses it.
 * `onParentMade` is for tests: it runs where another remover could strike.
 */
export function makeFolderAmongRemovers(dir: string, onParentMade?: () => void): void {
  for (let tries = 1; ; tries++) {
    try {
      mkdirSync(dirname(dir), { recursive: true });
    } catch (err) {
      // A file in the parent's place: mkdir of `dir` says so as mkdir -p would (ENOTDIR).
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    onParentMade?.();
    try {
      mkdirSync(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(dir).isDirectory()) return;
      if (code !== 'ENOENT' || tries >= MAX_TRIES) throw err;
    }
  }
}
