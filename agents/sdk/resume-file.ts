// The resume file (`flexarena agent … --resume-file`, resumeOptions): the last processed report_seq
// and, for a strategy that keeps state of its own (Strategy.saveState), that state, in one file.
//
// Both go in one write, replaced atomically (write a temporary file, rename): a process killed at any
// moment leaves a number and a strategy state that belong together. Kept apart, a kill between two
// writes would leave the strategy with the reports of a message the SDK has not stored as processed
// (the arena sends them again after the restart: each fill twice), or the other way round (lost).
//
// With the state goes the answer to the last decided wake-up: a wake-up is stored as processed before
// its answer leaves, so a process killed in between comes back to the same wake-up, sent again, with a
// state that already holds its decision (an auction marked as bid). Deciding again on that state would
// answer differently (no bids); the stored answer is sent instead, as the process would have.
//
// The file holds the number alone ("42") for a strategy without saveState — the older format, still
// read — else a JSON object {"report_seq": 42, "strategy": …, "answer": {"wakeId": 7, "actions": […]}},
// the format of the Python SDK's state file (report_seq and strategy).
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Action } from '../../gen/flexarena/v1/session.js';
import { ResumeFileError, StrategyStateError } from './errors.js';
import type { Strategy } from './strategy.js';

/** The batch sent for a decided wake-up. */
export interface StoredAnswer {
  wakeId: number;
  actions: Action[];
}

export interface ResumePoint {
  reportSeq: number;
  /** What Strategy.saveState returned (undefined: the file holds none). */
  strategyState?: unknown;
  answer?: StoredAnswer;
}

/** What went wrong with a file operation, as the user reads it (EISDIR, ENOENT…). */
function why(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/**
 * The resume point kept at `path` ({reportSeq: 0} when there is no file yet). `label` names the
 * file in errors (the CLI's "--resume-file <path>").
 */
export function readResumeFile(path: string, label = `resume file ${path}`): ResumePoint {
  if (!existsSync(path)) {
    // Checked now, not at the first wake-up: a resume file that cannot be written would end the
    // agent in the middle of the run, after its first decision.
    const folder = dirname(resolve(path));
    if (!existsSync(folder) || !statSync(folder).isDirectory())
      throw new ResumeFileError(path, `${label}: its folder ${folder} does not exist`);
    return { reportSeq: 0 };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new ResumeFileError(path, `${label} cannot be read (${why(err)})`, { cause: err });
  }
  if (!text.startsWith('{')) {
    const seq = Number(text);
    if (text === '' || !Number.isSafeInteger(seq) || seq < 0)
      throw new ResumeFileError(
        path,
        `${label} holds no report sequence number (it holds ${JSON.stringify(text.slice(0, 40))})`,
      );
    return { reportSeq: seq };
  }
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ResumeFileError(path, `${label} is not a resume file of the SDK (${(err as Error).message})`, {
      cause: err,
    });
  }
  return resumePointOf(doc, path, label);
}

function resumePointOf(doc: Record<string, unknown>, path: string, label: string): ResumePoint {
  const seq = doc.report_seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0)
    throw new ResumeFileError(
      path,
      `${label}: report_seq must be a whole number ≥ 0, got ${JSON.stringify(seq)}`,
    );
  const point: ResumePoint = { reportSeq: seq };
  if (doc.strategy !== undefined) point.strategyState = doc.strategy;
  const answer = doc.answer as StoredAnswer | undefined;
  if (answer !== undefined) {
    if (
      answer === null ||
      typeof answer !== 'object' ||
      !Number.isSafeInteger(answer.wakeId) ||
      !Array.isArray(answer.actions)
    )
      throw new ResumeFileError(path, `${label}: answer must be {"wakeId": n, "actions": […]}`);
    point.answer = answer;
  }
  return point;
}

/**
 * Where in `value` JSON cannot hold what is there (undefined: nowhere): JSON.stringify would drop it
 * (undefined, a function), turn it into null (NaN, Infinity) or into {} (a Map, a Set, a class
 * instance), and the strategy would get something else back after a restart.
 */
export function unstorableAt(value: unknown, at = '$'): { at: string; reason: string } | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number')
    return Number.isFinite(value) ? undefined : { at, reason: `${value} (not a finite number)` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = unstorableAt(value[i], `${at}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null)
      return {
        at,
        reason: `a ${proto?.constructor?.name ?? 'class instance'} (not a plain object or array)`,
      };
    for (const [k, v] of Object.entries(value)) {
      const bad = unstorableAt(v, `${at}.${k}`);
      if (bad) return bad;
    }
    return undefined;
  }
  return { at, reason: `a ${typeof value}` };
}

/** The file's text for a resume point (the bare number when there is no strategy state). */
export function resumeFileText(point: ResumePoint, strategyName: string): string {
  if (point.strategyState === undefined) return `${point.reportSeq}\n`;
  const bad = unstorableAt(point.strategyState);
  if (bad) throw new StrategyStateError(strategyName, bad.at, bad.reason);
  const doc: Record<string, unknown> = { report_seq: point.reportSeq, strategy: point.strategyState };
  if (point.answer) doc.answer = point.answer;
  return `${JSON.stringify(doc)}\n`;
}

/** Keeps `point` at `path`, atomically: a crash leaves the previous point, never half of one. */
export function writeResumeFile(
  path: string,
  point: ResumePoint,
  strategyName: string,
  label = `resume file ${path}`,
): void {
  // A state JSON cannot hold fails here, before anything is written: the file keeps the last good point.
  const text = resumeFileText(point, strategyName);
  try {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  } catch (err) {
    throw new ResumeFileError(
      path,
      `${label} cannot be written (${why(err)}); the agent stops so as not to lose its resume point`,
      { cause: err },
    );
  }
}

/**
 * The options of runAgent that keep a strategy's resume point in `path` and start from it: the last
 * processed report_seq, the strategy's state handed to loadState (before it connects), and the
 * answer to send again if the arena sends the last decided wake-up again. Spread with an onProcessed
 * of your own, one replaces the other; call this one from yours instead, after your own write
 * (ConnectOptions.onProcessed: a kill between the two then repeats a message, never loses it).
 */
export function resumeOptions(
  strategy: Strategy,
  path: string,
  label = `resume file ${path}`,
): {
  lastReportSeq: number;
  lastAnswer?: StoredAnswer;
  onProcessed(seq: number, lastAnswer?: StoredAnswer): void;
} {
  const point = readResumeFile(path, label);
  if (point.strategyState !== undefined) {
    if (!strategy.loadState)
      throw new ResumeFileError(
        path,
        `${label} holds a strategy state, but strategy ${strategy.name} has no loadState (a file of another strategy?)`,
      );
    strategy.loadState(point.strategyState);
  }
  // A stateless strategy decides a wake-up sent again as it did: no answer kept.
  const keepsState = strategy.saveState !== undefined;
  return {
    lastReportSeq: point.reportSeq,
    ...(keepsState && point.answer ? { lastAnswer: point.answer } : {}),
    onProcessed(seq, lastAnswer) {
      const next: ResumePoint = { reportSeq: seq };
      if (keepsState) {
        next.strategyState = strategy.saveState!() ?? null;
        if (lastAnswer) next.answer = lastAnswer;
      }
      writeResumeFile(path, next, strategy.name, label);
    },
  };
}
