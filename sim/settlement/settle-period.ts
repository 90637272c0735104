// Settlement of one quarter-hour after its delivery. In order:
//  1. each agent's net position (quarter-hour product + its hourly product + auction awards) is
//     its asset's schedule; the twins preview what they would meter;
//  2. the system imbalance = the world's untraded forecast error − the agents' own imbalances;
//  3. balancing energy is activated in merit order to net it (if balancing is on);
//  4. activated providers' schedules change by their activation; the twins meter for real;
//  5. imbalance = schedule − metered (> 0 long), settled at the single (or dual) imbalance price;
//     activated energy a provider did not deliver is penalised (the quarter-hour's net activation
//     against what the asset would have metered without it).
// Every cash flow has a counterparty (the TSO or the world), so the period sums to zero.
// Energies are kWh taken from the grid: > 0 consumption, < 0 injection; 1 lot for 15 min = 25 kWh.
import type { PeriodSettlement } from '../../gen/flexarena/v1/balancing.js';
import {
  type ActivationResult,
  imbalancePrices,
  nonDeliveryPenalty,
  settleImbalance,
} from '../../market/index.js';
import type { PeriodInfo } from '../assets/asset-twin.js';
import type { RunContext } from '../core/run-context.js';
import type { BalancingVenue } from '../venues/balancing-venue.js';

export const KWH_PER_LOT_QH = 25;
/** MW over a quarter-hour → kWh. */
const KWH_PER_MW_QH = 250;

export interface AgentSettlement {
  agent: string;
  productId: string;
  positionKwh: number;
  activatedUpKwh: number;
  activatedDownKwh: number;
  scheduleKwh: number;
  meteredKwh: number;
  imbalanceKwh: number;
  imbalancePriceTicks: number;
  imbalanceCashUnits: number;
  penaltyCashUnits: number;
  positionValueCashUnits: number;
  clipped: boolean;
}

export interface PeriodOutcome {
  step: number;
  productId: string;
  referencePriceTicks: number;
  systemImbalanceKwh: number;
  activation: ActivationResult | null;
  longPriceTicks: number;
  shortPriceTicks: number;
  regulationState: number;
  agents: AgentSettlement[];
}

export function settlePeriod(
  ctx: RunContext,
  step: number,
  balancing: BalancingVenue | undefined,
): PeriodOutcome {
  const qh = ctx.products.quarterHours[step]!;
  const hour = ctx.products.hourOf(step);
  const period: PeriodInfo = { step, deliveryStartMs: qh.deliveryStartMs, hours: 0.25 };
  const ref = ctx.world.realised(step).priceTicks;

  const rows = ctx.cfg.agents.map((a) => {
    const ledger = ctx.ledger(a.id);
    const positionKwh = (ledger.netLots(qh.id) + (hour ? ledger.netLots(hour.id) : 0)) * KWH_PER_LOT_QH;
    const asset = ctx.assets.get(a.id);
    const liquidity = a.role === 'liquidity';
    const previewKwh = liquidity ? positionKwh : asset ? asset.preview(positionKwh, period).meteredKwh : 0;
    return { agent: a.id, ledger, asset, liquidity, positionKwh, previewKwh };
  });

  const agentImbalancesMw = rows
    .filter((r) => !r.liquidity)
    .map((r) => (r.positionKwh - r.previewKwh) / KWH_PER_MW_QH);
  const systemImbalanceKwh = Math.round(ctx.world.systemImbalanceMw(step, agentImbalancesMw) * KWH_PER_MW_QH);
  const activation = balancing ? balancing.activate(step, systemImbalanceKwh) : null;
  const prices = imbalancePrices({
    mode: ctx.cfg.market.imbalance.pricing,
    systemImbalanceKwh,
    upPriceTicks: activation?.upPriceTicks ?? null,
    downPriceTicks: activation?.downPriceTicks ?? null,
    referencePriceTicks: ref,
  });
  const balancingPrices = {
    upPriceTicks: activation?.upPriceTicks ?? null,
    downPriceTicks: activation?.downPriceTicks ?? null,
  };

  const agents: AgentSettlement[] = rows.map((r) => {
    let up = 0;
    let down = 0;
    for (const act of activation?.activations ?? []) {
      if (act.agentId !== r.agent) continue;
      if (act.direction === 'up') up += act.activatedKwh;
      else down += act.activatedKwh;
    }
    // Upward energy means taking less from (or giving more to) the grid.
    const scheduleKwh = r.positionKwh - up + down;
    let meteredKwh = 0;
    let clipped = false;
    if (r.liquidity) meteredKwh = r.positionKwh;
    else if (r.asset) ({ meteredKwh, clipped } = r.asset.step(scheduleKwh, period));
    const imbalanceKwh = r.liquidity ? 0 : scheduleKwh - meteredKwh;
    const imbalanceCashUnits = settleImbalance(imbalanceKwh, prices);
    // What the activation changed at the meter, against what the asset would have done without it.
    // The meter sees the quarter-hour's net: with sub-period activation (subPeriods 5) a provider
    // can be activated up and down in one quarter-hour, and what the two ask of it cancels, so
    // only the net activation can be delivered or missed (in the net's direction, at its price).
    const netUpKwh = up - down;
    let penaltyCashUnits = 0;
    if (netUpKwh !== 0) {
      const direction = netUpKwh > 0 ? 'up' : 'down';
      const sign = netUpKwh > 0 ? 1 : -1;
      penaltyCashUnits = nonDeliveryPenalty(
        {
          agentId: r.agent,
          direction,
          activatedKwh: sign * netUpKwh,
          deliveredKwh: sign * (r.previewKwh - meteredKwh),
        },
        balancingPrices,
      ).penaltyCashUnits;
    }
    const positionValueCashUnits = r.liquidity ? r.positionKwh * ref : 0;

    r.ledger.addCash('imbalance', imbalanceCashUnits, qh.id);
    r.ledger.addCash('penalty', -penaltyCashUnits, qh.id);
    r.ledger.addCash('positionValue', positionValueCashUnits, qh.id);
    r.ledger.imbalanceKwhAbs += Math.abs(imbalanceKwh);
    ctx.tso.addCash('imbalance', -imbalanceCashUnits, qh.id);
    ctx.tso.addCash('penalty', penaltyCashUnits, qh.id);
    // The liquidity provider's position is delivered by the rest of the system at the reference price.
    ctx.world_.addCash('positionValue', -positionValueCashUnits, qh.id);

    return {
      agent: r.agent,
      productId: qh.id,
      positionKwh: r.positionKwh,
      activatedUpKwh: up,
      activatedDownKwh: down,
      scheduleKwh,
      meteredKwh,
      imbalanceKwh,
      imbalancePriceTicks: imbalanceKwh >= 0 ? prices.longPriceTicks : prices.shortPriceTicks,
      imbalanceCashUnits,
      penaltyCashUnits,
      positionValueCashUnits,
      clipped,
    };
  });

  return {
    step,
    productId: qh.id,
    referencePriceTicks: ref,
    systemImbalanceKwh,
    activation,
    longPriceTicks: prices.longPriceTicks,
    shortPriceTicks: prices.shortPriceTicks,
    regulationState: prices.regulationState,
    agents,
  };
}

export function periodSettlementMessage(s: AgentSettlement): PeriodSettlement {
  return {
    productId: s.productId,
    positionKwh: s.positionKwh,
    meteredKwh: s.meteredKwh,
    imbalanceKwh: s.imbalanceKwh,
    imbalancePriceTicks: s.imbalancePriceTicks,
    imbalanceCashUnits: s.imbalanceCashUnits,
    activatedKwh: s.activatedUpKwh - s.activatedDownKwh,
    penaltyCashUnits: s.penaltyCashUnits,
  };
}
