// Scores from and into a run folder: settlements.jsonl, run-manifest.json and run-end.json in,
// scores.json (every figure and the per-quarter-hour series) and scores.csv (one row per agent) out.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RunEnd, RunManifest, SettlementRecord } from '../gen/flexarena/v1/evaluation.js';
import { FlexArenaError } from '../lib/index.js';
import type { BoundSolver } from './bound/pop.js';
import { EvaluationInputError, RunScorer } from './run-scorer.js';
import type { RunScores } from './scores.js';

/** A run folder that cannot be scored: a file missing, not JSON, or records of another run. */
export class RunFolderError extends FlexArenaError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RunFolderError(path, `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** A RunScorer fed from the run folder's files. */
export function scorerFromRunFolder(dir: string): RunScorer {
  if (!existsSync(dir)) throw new RunFolderError(dir, `${dir}: no such folder`);
  const settlements = join(dir, 'settlements.jsonl');
  if (!existsSync(settlements))
    throw new RunFolderError(settlements, `${dir} is not a run folder: it has no settlements.jsonl`);
  const manifestPath = join(dir, 'run-manifest.json');
  const manifest = existsSync(manifestPath) ? RunManifest.fromJSON(readJson(manifestPath)) : undefined;
  const records: { line: number; record: SettlementRecord }[] = [];
  const lines = readFileSync(settlements, 'utf8').split('\n');
  // A run killed outright may have left the last line unfinished (no newline after it: a folder
  // written before settlements.jsonl was written whole lines at a time): not a record yet.
  const endPath = join(dir, 'run-end.json');
  if (!existsSync(endPath)) lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch (err) {
      throw new RunFolderError(settlements, `${settlements}:${i + 1}: not JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
      throw new RunFolderError(settlements, `${settlements}:${i + 1}: not a SettlementRecord object`);
    records.push({ line: i + 1, record: SettlementRecord.fromJSON(doc) });
  });
  // The run id is the manifest's; without one the records say it (a copied or renamed folder
  // keeps its records' run id), and only an empty folder falls back to the folder's name.
  const scorer = new RunScorer(manifest?.runId ?? (records[0]?.record.runId || basename(dir)));
  // A record or end message of another run is named with its file and line.
  const add = (path: string, feed: () => void) => {
    try {
      feed();
    } catch (err) {
      if (err instanceof EvaluationInputError)
        throw new RunFolderError(path, `${path}: ${err.message}`, { cause: err });
      throw err;
    }
  };
  if (manifest) add(manifestPath, () => scorer.addManifest(manifest));
  for (const { line, record } of records) add(`${settlements}:${line}`, () => scorer.add(record));
  if (existsSync(endPath)) {
    const end = RunEnd.fromJSON(readJson(endPath));
    add(endPath, () => scorer.addEnd(end));
  }
  return scorer;
}

export function scoreRunFolder(dir: string, solver?: BoundSolver): RunScores {
  return scorerFromRunFolder(dir).scores(solver ? { solver } : {});
}

const CSV_COLUMNS = [
  'agentId',
  'strategy',
  'asset',
  'profitEur',
  'socNeutralProfitEur',
  'profitPerMwEur',
  'profitPerMwhEur',
  'storedEnergyChangeMwh',
  'tradedMwh',
  'imbalanceMwh',
  'fullCycles',
  'clippedPeriods',
  'missedDeadlines',
  'lostRentals',
  'popDayAhead',
  'popMultiMarket',
  'popSocNeutralDayAhead',
  'popSocNeutralMultiMarket',
  'profitCashUnits',
] as const;

export function scoresCsv(scores: RunScores): string {
  const rows = scores.agents.map((a) => {
    const cell: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      ...a,
      popDayAhead: a.pop?.dayAhead.pop,
      popMultiMarket: a.pop?.multiMarket.pop,
      popSocNeutralDayAhead: a.pop?.socNeutralDayAhead.pop,
      popSocNeutralMultiMarket: a.pop?.socNeutralMultiMarket.pop,
    };
    return CSV_COLUMNS.map((c) => (cell[c] === null || cell[c] === undefined ? '' : String(cell[c]))).join(
      ',',
    );
  });
  return `${[CSV_COLUMNS.join(','), ...rows].join('\n')}\n`;
}

/**
 * Writes scores.json and scores.csv atomically (a reader never sees half a file). A folder they
 * cannot be written into (read-only, not one's own) is a RunFolderError naming it: it was a stack
 * trace of the file system's error.
 */
export function writeScores(dir: string, scores: RunScores): void {
  const write = (name: string, text: string) => {
    const tmp = join(dir, `.${name}.tmp`);
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, join(dir, name));
    } catch (err) {
      throw new RunFolderError(
        join(dir, name),
        `cannot write ${join(dir, name)}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  };
  write('scores.json', `${JSON.stringify(scores, null, 2)}\n`);
  write('scores.csv', scoresCsv(scores));
}
