// The files of a run folder that are written once, at the end: results.json (every figure, exact
// integer units beside the EUR columns), results.csv (one row per agent) and the tape's hash — or,
// for a run stopped by a signal, the tape's hash and interrupted.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlexArenaError, writeFileAtomically } from '../../lib/index.js';
import type { RunResults } from '../../sim/index.js';

/** A file of a run folder that is not what it should be. */
export class RunFolderError extends FlexArenaError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

// Each file whole or absent (a temporary file renamed): results.json says that the run finished —
// a resume refuses such a folder — so a run killed while writing it must not leave half of it.
export function writeResults(dir: string, results: RunResults): void {
  writeFileAtomically(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const cols = [
    'agentId',
    'strategy',
    'tradingCashEur',
    'auctionCashEur',
    'capacityCashEur',
    'balancingEnergyCashEur',
    'imbalanceCashEur',
    'penaltyCashEur',
    'positionValueEur',
    'assetCostEur',
    'profitEur',
    'finalSocMwh',
    'tradedMwh',
    'imbalanceMwh',
    'orders',
    'rejects',
    'missedDeadlines',
    'profitCashUnits',
    'tradedKwh',
    'clippedPeriods',
  ] as const;
  const rows = results.agents.map((a) => cols.map((c) => String(a[c])).join(','));
  writeFileAtomically(join(dir, 'results.csv'), `${[cols.join(','), ...rows].join('\n')}\n`);
  writeTapeHash(dir, results.tapeSha256);
}

/**
 * tape.sha256, over the uncompressed tape: `zcat tape.jsonl.gz > tape.jsonl; sha256sum -c tape.sha256`
 * (or `flexarena tape <dir> --verify`). Also written for a run that stopped early, over its tape so far.
 */
export function writeTapeHash(dir: string, sha256: string): void {
  writeFileAtomically(join(dir, 'tape.sha256'), `${sha256}  tape.jsonl\n`);
}

/** interrupted.json: a run stopped by a signal, and the virtual time of its last decision point. */
export const INTERRUPTED_FILE = 'interrupted.json';

export interface Interruption {
  signal: string;
  /** The last decision point the run played (its answers are not on the tape); 0: none. */
  lastDecisionMs: number;
}

export function writeInterruption(dir: string, i: Interruption): void {
  writeFileAtomically(join(dir, INTERRUPTED_FILE), `${JSON.stringify(i, null, 2)}\n`);
}

/** The run folder's interruption, if it was interrupted (undefined otherwise). */
export function readInterruption(dir: string): Interruption | undefined {
  const path = join(dir, INTERRUPTED_FILE);
  if (!existsSync(path)) return undefined;
  let doc: Partial<Interruption> | null;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as Partial<Interruption> | null;
  } catch (cause) {
    throw new RunFolderError(path, `not JSON (${(cause as Error).message})`);
  }
  if (typeof doc?.signal !== 'string' || typeof doc.lastDecisionMs !== 'number')
    throw new RunFolderError(path, 'not an interruption record ({ signal, lastDecisionMs })');
  return { signal: doc.signal, lastDecisionMs: doc.lastDecisionMs };
}
