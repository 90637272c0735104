// The results table printed at the end of a run; the full detail stays in results.csv/json.
import type { RunResults } from '../sim/index.js';
import { fixed, textTable } from './text-table.js';

export function formatResultsTable(results: RunResults): string {
  const table = textTable(
    [
      ['agent', 'left'],
      ['strategy', 'left'],
      ['CID', 'right'],
      ['auctions', 'right'],
      ['balancing', 'right'],
      ['imbalance', 'right'],
      ['other', 'right'],
      ['profit €', 'right'],
      ['SoC MWh', 'right'],
      ['traded MWh', 'right'],
      ['orders', 'right'],
      ['missed', 'right'],
    ],
    true,
  );
  for (const a of results.agents) {
    table.push([
      a.agentId,
      a.strategy,
      fixed(a.tradingCashEur, 0),
      fixed(a.auctionCashEur, 0),
      fixed(a.capacityCashEur + a.balancingEnergyCashEur, 0),
      fixed(a.imbalanceCashEur, 0),
      // Penalties and the liquidity provider's position value, less the asset's own costs.
      fixed(a.penaltyCashEur + a.positionValueEur - a.assetCostEur, 0),
      fixed(a.profitEur, 2),
      // As results.json has it (to the kWh): rounding its 14.795 again to 2 decimals showed 14.79.
      fixed(a.finalSocMwh, 3),
      fixed(a.tradedMwh, 1),
      a.rejects > 0 ? `${a.orders} (${a.rejects} rej.)` : String(a.orders),
      String(a.missedDeadlines),
    ]);
  }
  return table.toString();
}

/**
 * One line per agent that had faults, for under the results table: the faults went to stderr as
 * they happened, above the table, where an agent that never connected (a table row of zeros) was
 * easy to miss. Empty when no agent had a fault.
 */
export function formatFaultLines(
  faults: readonly { agentId: string; kind: string; total: number }[],
): string[] {
  const byAgent = new Map<string, string[]>();
  for (const f of faults) {
    const kinds = byAgent.get(f.agentId) ?? [];
    kinds.push(`${f.kind} ${f.total}`);
    byAgent.set(f.agentId, kinds);
  }
  return [...byAgent].map(
    ([agent, kinds]) => `agent faults: ${agent} (${kinds.join(', ')}); details in agent-faults.log`,
  );
}
