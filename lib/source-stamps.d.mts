// Types of source-stamps.mjs (plain JavaScript: bin/cli-bundle.mjs uses it before anything could
// transpile TypeScript).

/** A file's path relative to the project, its size and its modification time (ms). */
export type SourceStamp = [path: string, size: number, mtimeMs: number];

/** [path relative to root, size, mtimeMs] of a file; undefined when it is gone. */
export function stampFile(root: string, path: string): SourceStamp | undefined;

/** The stamp of a file that may be missing: [path, -1, 0] then (its appearing counts as a change). */
export function stampFileOrAbsence(root: string, path: string): SourceStamp;

/** Whether every stamped file is still there with the same size and modification time (or still absent). */
export function stampsUnchanged(root: string, stamps: readonly SourceStamp[]): boolean;

/** Whether a bundle made from these stamps, started at `startedMs`, may be pointed at by later starts. */
export function stampedBefore(
  stamps: readonly (SourceStamp | undefined)[],
  startedMs: number,
): stamps is readonly SourceStamp[];

/** The parsed JSON file, or undefined when it is missing or unreadable. */
export function readJsonFile(path: string): unknown;

/** Writes `value` as JSON to `path` at once (a temporary file renamed): readers see all or nothing. */
export function writeJsonAtomically(path: string, value: unknown): void;

/** Writes `text` to `path` at once (a temporary file renamed): a kill leaves the old file or none, never half. */
export function writeFileAtomically(path: string, text: string): void;
