// What `flexarena report <dir>` reads: a study folder (study.json), a tournament folder
// (leaderboard.json) or a run folder (its scores.json when it belongs to the folder's records, else
// settlements.jsonl scored again). A file that is
// not there, not JSON or not of the expected shape, a folder that does not exist, and a tournament
// or study stopped before its end (its results are written when it finishes) are each one line
// saying which file and what to do — not a stack trace.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EVALUATOR_VERSION, type RunScores, scorerFromRunFolder, writeScores } from '../evaluation/index.js';
import { FlexArenaError } from '../lib/index.js';
import type { StudySummary } from '../study/index.js';
import type { Leaderboard } from '../tournament/index.js';

export class ReportFolderError extends FlexArenaError {}

export type ReportInput =
  | { kind: 'study'; summary: StudySummary }
  | { kind: 'tournament'; board: Leaderboard }
  | {
      kind: 'run';
      scores: RunScores;
      /** Set when the folder's scores.json did not belong to its records: why, and that it was scored again. */
      rescored?: string;
    };

/**
 * A JSON file's object: `what` (e.g. "a leaderboard"), whose `field` must be an array (the part the
 * report draws), written by `writer` (the command that writes it again).
 */
function readJson(path: string, what: string, field: string, writer: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ReportFolderError(
      `${path} is not readable as JSON (${(err as Error).message}); ${writer} writes it again`,
      { cause: err },
    );
  }
  const at = (d: unknown, keys: string[]): unknown =>
    keys.reduce<unknown>(
      (x, k) => (typeof x === 'object' && x !== null ? (x as Record<string, unknown>)[k] : undefined),
      d,
    );
  if (!Array.isArray(at(doc, field.split('.'))))
    throw new ReportFolderError(`${path} is not ${what} (no ${field}[]); ${writer} writes it again`);
  return doc as Record<string, unknown>;
}

/**
 * The scores in `path` when they belong to the records with digest `inputsSha256`; otherwise why
 * not ('' when there is no file).
 */
function staleScores(path: string, inputsSha256: string): RunScores | string {
  if (!existsSync(path)) return '';
  let doc: Partial<RunScores> | null;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as Partial<RunScores> | null;
  } catch (err) {
    return `was not readable as JSON (${(err as Error).message})`;
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.agents)) return "was not a run's scores";
  if (doc.evaluatorVersion !== EVALUATOR_VERSION)
    return `was written by ${doc.evaluatorVersion === undefined ? 'an earlier evaluator' : `evaluator version ${doc.evaluatorVersion}`} (this is version ${EVALUATOR_VERSION})`;
  if (doc.inputsSha256 !== inputsSha256)
    return `was computed from other settlement records than the folder's (another run with the id ${doc.runId}, or a copy)`;
  return doc as RunScores;
}

export function readReportFolder(dir: string): ReportInput {
  if (!existsSync(dir)) throw new ReportFolderError(`${dir}: no such folder`);
  if (!statSync(dir).isDirectory())
    throw new ReportFolderError(`${dir} is a file: give the run, tournament or study folder`);
  const file = (name: string) => join(dir, name);
  if (existsSync(file('study.json'))) {
    const doc = readJson(
      file('study.json'),
      "a study's results",
      'summary.variants',
      `flexarena study <file> --out ${dir}`,
    );
    return { kind: 'study', summary: doc.summary as StudySummary };
  }
  if (existsSync(file('leaderboard.json')))
    return {
      kind: 'tournament',
      board: readJson(
        file('leaderboard.json'),
        'a leaderboard',
        'rows',
        `flexarena tournament <file> --out ${dir}`,
      ) as unknown as Leaderboard,
    };
  // A stopped tournament or study keeps its finished games or runs; its tables come at its end.
  if (existsSync(file('tournament.json')))
    throw new ReportFolderError(
      `${dir} holds a tournament that has not finished (no leaderboard.json yet): run flexarena tournament <file> --out ${dir} to play the rest, then report`,
    );
  if (existsSync(file('study-config.json')))
    throw new ReportFolderError(
      `${dir} holds a study that has not finished (no study.json yet): run flexarena study <file> --out ${dir} to play the rest, then report`,
    );
  if (existsSync(file('settlements.jsonl'))) {
    // scores.json is used only when it was computed, by this evaluator version, from exactly the
    // records in the folder; otherwise (a rerun under the same run id whose old scores an evaluator
    // process wrote back, a file copied in, an earlier evaluator) the folder is scored again.
    const scorer = scorerFromRunFolder(dir);
    const stale = staleScores(file('scores.json'), scorer.inputsSha256());
    if (typeof stale !== 'string') return { kind: 'run', scores: stale };
    const scores = scorer.scores();
    writeScores(dir, scores);
    return {
      kind: 'run',
      scores,
      ...(stale ? { rescored: `${file('scores.json')} ${stale}: scored again` } : {}),
    };
  }
  throw new ReportFolderError(
    `${dir} is neither a run folder (settlements.jsonl) nor a tournament folder (leaderboard.json) nor a study folder (study.json)`,
  );
}
