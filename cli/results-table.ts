// The results table printed at the end of a run; the full detail stays in results.csv/json.
import type { RunResults } from '../sim/index.js';
import { textTable } from './text-table.js';

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
