// The files of a run folder that are written once, at the end: results.json (every figure, exact
// integer units beside the EUR columns), results.csv (one row per agent) and the tape's hash.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResults } from '../../sim/index.js';

export function writeResults(dir: string, results: RunResults): void {
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
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
  writeFileSync(join(dir, 'results.csv'), `${[cols.join(','), ...rows].join('\n')}\n`);
  writeTapeHash(dir, results.tapeSha256);
}

/**
 * tape.sha256, over the uncompressed tape: `zcat tape.jsonl.gz > tape.jsonl; sha256sum -c tape.sha256`
 * (or `flexarena tape <dir> --verify`). Also written for a run that stopped early, over its tape so far.
 */
export function writeTapeHash(dir: string, sha256: string): void {
  writeFileSync(join(dir, 'tape.sha256'), `${sha256}  tape.jsonl\n`);
}
