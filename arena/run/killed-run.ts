// A run folder left by a run that never closed its files: the arena process was killed outright
// (SIGKILL, the OOM killer, a reboot) — or is still running. Its tape has no tape.sha256 (written
// when the tape is closed, also by a run stopped with Ctrl-C) and no interrupted.json; the files
// hold everything up to a decision point (see TapeFileSink.checkpoint). Readers say so, and where.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { clockStartMs, type RunConfig } from '../../sim/index.js';
import { TapeLines } from '../replay/tape-lines.js';
import { loadRunConfig } from './load-config.js';
import { INTERRUPTED_FILE } from './run-folder.js';
import { LEGACY_TAPE_FILE, readTapeBytes, TAPE_FILE, TAPE_SHA_FILE } from './tape-file.js';
import { readTapeTail } from './tape-tail.js';

/** The folder has a tape that was never closed, and no interrupted.json: killed, or still running. */
export function isUnclosedRun(runDir: string): boolean {
  const tape = existsSync(join(runDir, TAPE_FILE)) || existsSync(join(runDir, LEGACY_TAPE_FILE));
  return tape && !existsSync(join(runDir, TAPE_SHA_FILE)) && !existsSync(join(runDir, INTERRUPTED_FILE));
}

/**
 * The decision point at which an unclosed tape ends: the tape is written up to where a decision
 * point opens (before its answers), so its last record lies after the previous decision point
 * and at or before this one — the first decision time at or after the last record's time.
 */
export function decisionPointAtOrAfter(
  cfg: Pick<RunConfig, 'day' | 'simStartHoursBeforeDay' | 'decisionIntervalMinutes'>,
  timeMs: number,
): number {
  const start = clockStartMs(cfg);
  const interval = cfg.decisionIntervalMinutes * 60_000;
  return start + Math.max(0, Math.ceil((timeMs - start) / interval)) * interval;
}

/** The virtual time of a tape line (its `t`), or undefined when it has none or is not JSON. */
export function lineTimeMs(line: string): number | undefined {
  try {
    const t = (JSON.parse(line) as { t?: unknown }).t;
    return typeof t === 'number' ? t : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a reader says about a run folder whose run never closed its files, given the tape's last
 * whole line: that the run was killed (or still runs), and the decision point its files end at.
 */
export function unclosedRunNote(runDir: string, lastLine: string | undefined, lines?: number): string {
  const head = `${runDir}: the run never closed its files — its arena was killed (or is still running)`;
  const t = lastLine === undefined ? undefined : lineTimeMs(lastLine);
  if (t === undefined) return `${head}; its tape holds no record yet`;
  if (lastLine?.includes('"type":"run-end"'))
    return `${head} after its last record (run-end, virtual time ${iso(t)}): no results.json`;
  let at = t;
  let realtime = false;
  try {
    const cfg = loadRunConfig(join(runDir, 'config.yaml'));
    at = decisionPointAtOrAfter(cfg, t);
    realtime = cfg.mode === 'realtime';
  } catch {
    // No readable config.yaml: the last record's own time is the best there is.
  }
  const count = lines === undefined ? '' : ` (${lines} whole lines)`;
  return (
    `${head}; its tape${count} and settlements.jsonl end at the decision point of ${iso(at)} ` +
    `(before its answers); ${realtime ? REALTIME_NOT_RESUMABLE : '`flexarena run --resume <folder>` continues it'}`
  );
}

// `run --resume` refuses a real-time run (planResume): its batches were applied at wall-clock
// arrival times, which a re-simulation cannot reproduce. Pointing its folder at --resume would
// send the reader to a refusal.
const REALTIME_NOT_RESUMABLE =
  'a real-time run (mode: realtime) cannot be resumed: its actions were applied at wall-clock arrival times';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The note for a run folder whose run never closed its files (reading the end of its tape to find
 * where it ends, tape-tail.ts; the whole tape only when it was written before the tape had full
 * flushes), or undefined for a run that closed them (finished, or stopped by a signal).
 */
export function unclosedRunNoteOf(runDir: string): string | undefined {
  if (!isUnclosedRun(runDir)) return undefined;
  try {
    const tail = readTapeTail(runDir);
    if (tail) return unclosedRunNote(runDir, tail.lastLine, tail.lines);
    const lines = TapeLines.fromBytes(readTapeBytes(runDir).bytes);
    return unclosedRunNote(runDir, lines.at(lines.length - 1), lines.length);
  } catch {
    return unclosedRunNote(runDir, undefined);
  }
}
