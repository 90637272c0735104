// Per-agent results of a run: computed from the ledgers, printed as a table, written as files.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import type { AgentResult } from '../../gen/flexarena/v1/session.js';
import { CASH_UNITS_PER_EUR } from '../../market/index.js';
import type { RunSummary } from '../core/run-engine.js';

export interface RunResults {
  runId: string;
  name: string;
  seed: number;
  day: string;
  tapeSha256: string;
  stats: { wakeUps: number; actions: number; trades: number; tapeEvents: number };
  agents: AgentResult[];
}

const eur = (units: number) => Math.round((units / CASH_UNITS_PER_EUR) * 100) / 100;

export function agentResults(summary: RunSummary): AgentResult[] {
  return summary.ledgers.map((l) => {
    const trading = eur(l.tradingCashUnits);
    const imbalance = eur(l.imbalanceCashUnits);
    const positionValue = eur(l.positionValueCashUnits);
    return {
      agentId: l.agentId,
      strategy: l.strategy,
      tradingCashEur: trading,
      imbalanceCashEur: imbalance,
      positionValueEur: positionValue,
      profitEur: eur(l.tradingCashUnits + l.imbalanceCashUnits + l.positionValueCashUnits),
      finalSocMwh: Math.round((summary.batteries.get(l.agentId)?.socMwh ?? 0) * 1000) / 1000,
      tradedMwh: l.tradedLots * 0.1 * 0.25,
      imbalanceMwh: l.imbalanceKwhAbs / 1000,
      missedDeadlines: l.missedDeadlines,
      orders: l.orders,
      rejects: l.rejects,
    };
  });
}

export function formatResultsTable(results: RunResults): string {
  const table = new Table({
    head: [
      'agent',
      'strategy',
      'trading €',
      'imbalance €',
      'position value €',
      'profit €',
      'final SoC MWh',
      'traded MWh',
      '|imbalance| MWh',
      'orders',
      'rejects',
      'missed',
    ],
    style: { head: [], border: [] },
  });
  for (const a of results.agents) {
    table.push([
      a.agentId,
      a.strategy,
      a.tradingCashEur.toFixed(2),
      a.imbalanceCashEur.toFixed(2),
      a.positionValueEur.toFixed(2),
      a.profitEur.toFixed(2),
      a.finalSocMwh.toFixed(3),
      a.tradedMwh.toFixed(1),
      a.imbalanceMwh.toFixed(3),
      String(a.orders),
      String(a.rejects),
      String(a.missedDeadlines),
    ]);
  }
  return table.toString();
}

export function writeResults(dir: string, results: RunResults): void {
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const cols = [
    'agentId',
    'strategy',
    'tradingCashEur',
    'imbalanceCashEur',
    'positionValueEur',
    'profitEur',
    'finalSocMwh',
    'tradedMwh',
    'imbalanceMwh',
    'orders',
    'rejects',
    'missedDeadlines',
  ] as const;
  const rows = results.agents.map((a) => cols.map((c) => String(a[c])).join(','));
  writeFileSync(join(dir, 'results.csv'), `${[cols.join(','), ...rows].join('\n')}\n`);
  writeFileSync(join(dir, 'tape.sha256'), `${results.tapeSha256}  tape.jsonl\n`);
}
