// The source files that went into a bundle, stamped with their sizes and modification times, and
// the check that they still are what was bundled: how the command's bundle (bin/cli-bundle.mjs) and
// the agent program (arena/launcher/agent-bundle.ts) skip esbuild while no source changed. A check
// stats each file (a few milliseconds for a few hundred); bundling takes 0.1–0.5 s. Like make, it
// trusts sizes and times: a file swapped for another of the same size and modification time (a copy
// that keeps times) goes unseen until it is touched. Plain JavaScript: bin/cli-bundle.mjs runs
// before anything could transpile TypeScript.
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** [path relative to root, size, mtimeMs] of a file; undefined when it is gone. */
export function stampFile(root, path) {
  try {
    const s = statSync(join(root, path));
    return [path, s.size, s.mtimeMs];
  } catch {
    return undefined;
  }
}

/**
 * The stamp of a file that may be missing (a project without a lock file): [path, -1, 0] then, so
 * that the file appearing later counts as a change.
 */
export function stampFileOrAbsence(root, path) {
  return stampFile(root, path) ?? [path, -1, 0];
}

/** Whether every stamped file is still there with the same size and modification time (or still absent). */
export function stampsUnchanged(root, stamps) {
  return stamps.every(([path, size, mtimeMs]) => {
    const now = stampFile(root, path);
    if (size === -1) return now === undefined;
    return now !== undefined && now[1] === size && now[2] === mtimeMs;
  });
}

/**
 * Whether a bundle made from these stamps, started at `startedMs`, may be pointed at by later
 * starts: every file was there and unmodified since before the bundling began (a file changed
 * while it was bundled may be in the bundle in either version — use it once, do not keep it).
 */
export function stampedBefore(stamps, startedMs) {
  return stamps.every((s) => s !== undefined && s[2] < startedMs);
}

/** The parsed JSON file, or undefined when it is missing or unreadable. */
export function readJsonFile(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes `value` as JSON to `path` at once (a temporary file renamed): readers see all or nothing. */
export function writeJsonAtomically(path, value) {
  writeFileAtomically(path, JSON.stringify(value));
}

/**
 * Writes `text` to `path` at once: a temporary file beside it, renamed over it. A process killed
 * while writing leaves the file as it was (or absent), never half of it; a failed write removes
 * its temporary file and throws.
 */
export function writeFileAtomically(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true, recursive: false });
    throw err;
  }
}
