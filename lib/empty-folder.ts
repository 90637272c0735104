// A working folder left behind empty: a tournament's or a study's `runs/`, where each game or run
// is played and then removed, was kept as an empty folder that nothing documents or reads.
import { rmdirSync } from 'node:fs';

/** Removes `dir` when it is an empty folder; a missing one, a file or a folder with files stays. */
export function removeEmptyFolder(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // ENOENT, ENOTEMPTY, ENOTDIR: nothing to remove.
  }
}
