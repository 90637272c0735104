// What `flexarena report <dir>` reads: a study folder (study.json), a tournament folder
// (leaderboard.json) or a run folder (scores.json, or settlements.jsonl to score). A file that is
// not there, not JSON or not of the expected shape, a folder that does not exist, and a tournament
// or study stopped before its end (its results are written when it finishes) are each one line
// saying which file and what to do — not a stack trace.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type RunScores, scoreRunFolder, writeScores } from '../evaluation/index.js';
import { FlexArenaError } from '../lib/index.js';
import type { StudySummary } from '../study/index.js';
import type { Leaderboard } from '../tournament/index.js';

export class ReportFolderError extends FlexArenaError {}

export type ReportInput =
  | { kind: 'study'; summary: StudySummary }
  | { kind: 'tournament'; board: Leaderboard }
  | { kind: 'run'; scores: RunScores };

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
    if (existsSync(file('scores.json')))
      return {
        kind: 'run',
        scores: readJson(
          file('scores.json'),
          "a run's scores",
          'agents',
          `flexarena evaluate --run-dir ${dir}`,
        ) as unknown as RunScores,
      };
    const scores = scoreRunFolder(dir);
    writeScores(dir, scores);
    return { kind: 'run', scores };
  }
  throw new ReportFolderError(
    `${dir} is neither a run folder (settlements.jsonl) nor a tournament folder (leaderboard.json) nor a study folder (study.json)`,
  );
}
