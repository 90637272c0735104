// Per-agent results of a run: computed from the ledgers, printed as a table, written as files.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import type { AgentResult } from '../../gen/flexarena/v1/session.js';
import { CASH_UNITS_PER_EUR } from '../../market/index.js';
import type { AgentLedger } from '../core/agent-ledger.js';
import type { RunContext } from '../core/run-context.js';

export interface RunResults {
  runId: string;
  name: string;
  seed: number;
  day: string;
  tapeSha256: string;
  stats: { wakeUps: number; actions: number; trades: number; tapeEvents: number };
  agents: AgentResult[];
  /** Cash of every party by category, the arena's own counterparties (world, tso) included: sums to zero. */
  parties: { party: string; cashUnits: Record<string, number>; totalCashUnits: number }[];
}

const eur = (units: number) => Math.round((units / CASH_UNITS_PER_EUR) * 100) / 100;
const round2 = (x: number) => Math.round(x * 100) / 100;

export function agentResults(ctx: RunContext, ledgers: readonly AgentLedger[]): AgentResult[] {
  return ledgers.map((l) => {
    const asset = ctx.assets.get(l.agentId);
    const costs = asset?.costs();
    const assetCostEur = costs
      ? costs.degradationEur + costs.lostRentalEur + costs.tariffEur + costs.penaltyEur
      : 0;
    return {
      agentId: l.agentId,
      strategy: l.strategy,
      tradingCashEur: eur(l.cash.cid),
      auctionCashEur: eur(l.cash.auction),
      capacityCashEur: eur(l.cash.capacity),
      balancingEnergyCashEur: eur(l.cash.balancingEnergy),
      imbalanceCashEur: eur(l.cash.imbalance),
      penaltyCashEur: eur(l.cash.penalty),
      positionValueEur: eur(l.cash.positionValue),
      assetCostEur: round2(assetCostEur),
      profitEur: round2(l.totalCashUnits / CASH_UNITS_PER_EUR - assetCostEur),
      finalSocMwh: Math.round((asset?.finalSocMwh() ?? 0) * 1000) / 1000,
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
      'CID',
      'auctions',
      'balancing',
      'imbalance',
      'other',
      'profit €',
      'SoC MWh',
      'traded MWh',
      'orders',
      'missed',
    ],
    colAligns: [
      'left',
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
    ],
    style: { head: [], border: [], compact: true },
  });
  for (const a of results.agents) {
    table.push([
      a.agentId,
      a.strategy,
      a.tradingCashEur.toFixed(0),
      a.auctionCashEur.toFixed(0),
      (a.capacityCashEur + a.balancingEnergyCashEur).toFixed(0),
      a.imbalanceCashEur.toFixed(0),
      // Penalties and the liquidity provider's position value, less the asset's own costs.
      (a.penaltyCashEur + a.positionValueEur - a.assetCostEur).toFixed(0),
      a.profitEur.toFixed(2),
      a.finalSocMwh.toFixed(2),
      a.tradedMwh.toFixed(1),
      a.rejects > 0 ? `${a.orders} (${a.rejects} rej.)` : String(a.orders),
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
  ] as const;
  const rows = results.agents.map((a) => cols.map((c) => String(a[c])).join(','));
  writeFileSync(join(dir, 'results.csv'), `${[cols.join(','), ...rows].join('\n')}\n`);
  writeFileSync(join(dir, 'tape.sha256'), `${results.tapeSha256}  tape.jsonl\n`);
}
