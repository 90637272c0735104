// The agents' table (position, SoC, cumulative profit from the settlement records) and the
// auction and balancing results as they clear.
import { eur, eurPerMwh, mw, mwh } from '../model/format.js';
import type { DashboardStore } from '../model/store.js';
import { byId, rowsHtml } from './dom.js';

const BALANCING_ROWS = 12;

export function renderAgents(store: DashboardStore): void {
  const rows = store.agentOrder.map((id) => store.agents.get(id) ?? { id, strategy: '', records: 0 });
  byId('agents-body').innerHTML = rowsHtml(
    rows,
    (a) =>
      'profitCashUnits' in a
        ? [
            a.id,
            a.strategy,
            a.lastProductId,
            mwh(a.positionKwh),
            a.socMwh.toFixed(2),
            eur(a.profitCashUnits),
            a.records,
          ]
        : [a.id, '', '', '', '', '', 0],
    (a) => ({
      'data-agent-id': a.id,
      'data-profit-cash-units': 'profitCashUnits' in a ? a.profitCashUnits : 0,
    }),
  );
}

export function renderResults(store: DashboardStore): void {
  byId('auctions-body').innerHTML = rowsHtml(
    store.auctions,
    (a) => [
      a.auctionId,
      a.periods,
      eurPerMwh(a.avgPriceTicks),
      `${eurPerMwh(a.minPriceTicks)} … ${eurPerMwh(a.maxPriceTicks)}`,
      mwh(a.energyKwh),
      a.acceptedBlocks,
    ],
    (a) => ({ 'data-auction-id': a.auctionId }),
  );
  byId('capacity-body').innerHTML = rowsHtml(store.capacity, (c) => [
    c.productId,
    c.direction,
    mw(c.demandLots),
    mw(c.awardedLots),
    c.clearingPriceTicks === undefined ? '—' : eurPerMwh(c.clearingPriceTicks),
  ]);
  byId('balancing-body').innerHTML = rowsHtml(
    store.balancing.slice(-BALANCING_ROWS).reverse(),
    (b) => [
      b.productId,
      mwh(b.systemImbalanceKwh),
      mwh(b.activatedUpKwh),
      mwh(b.activatedDownKwh),
      eurPerMwh(b.imbalanceShortPriceTicks),
      eurPerMwh(b.imbalanceLongPriceTicks),
    ],
    (b) => ({ 'data-product-id': b.productId }),
  );
}
