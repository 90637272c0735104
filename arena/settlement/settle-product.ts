// Settlement of one delivery period. The agent's net traded position is the asset's schedule;
// the twin meters what it physically did; the difference is imbalance.
//
// Placeholder imbalance price (until the balancing market exists): an agent that is long
// (delivered more or took less than its position says) is paid reference − spread; one that is
// short pays reference + spread. So imbalance never pays better than trading at the reference.
//
// Sign convention: position and metering are both "energy taken from the grid", kWh.
// imbalance = position − metered: > 0 long, < 0 short.
// Background liquidity stands for the rest of the market: its position is delivered in full and
// valued at the reference price instead of being an imbalance.
import type { ProductDef } from '../../market/index.js';
import type { BatteryTwin } from '../assets/battery.js';
import type { AgentConfig } from '../config/run-config.js';
import type { AgentLedger } from '../core/agent-ledger.js';

/** kWh per lot for a period of `minutes` (0.1 MW × minutes/60 h × 1000). */
export function kwhPerLot(minutes: number): number {
  return (100 * minutes) / 60;
}

export interface SettlementInput {
  product: ProductDef;
  referencePriceTicks: number;
  spreadTicks: number;
  agents: { config: AgentConfig; ledger: AgentLedger; battery: BatteryTwin | undefined }[];
}

export interface SettlementRecord {
  agent: string;
  productId: string;
  positionKwh: number;
  meteredKwh: number;
  imbalanceKwh: number;
  imbalancePriceTicks: number;
  imbalanceCashUnits: number;
  positionValueCashUnits: number;
  referencePriceTicks: number;
  socMwh: number | null;
  clipped: boolean;
}

export function isLiquidityAgent(config: AgentConfig): boolean {
  return config.role === 'liquidity';
}

export function settleProduct(input: SettlementInput): SettlementRecord[] {
  const { product, referencePriceTicks, spreadTicks } = input;
  const minutes = (product.deliveryEndMs - product.deliveryStartMs) / 60_000;
  const hours = minutes / 60;
  const out: SettlementRecord[] = [];
  for (const { config, ledger, battery } of input.agents) {
    const positionKwh = ledger.netLots(product.id) * kwhPerLot(minutes);
    let meteredKwh = 0;
    let clipped = false;
    if (battery) {
      const step = battery.step(positionKwh, hours);
      meteredKwh = step.meteredKwh;
      clipped = step.clipped;
    } else if (isLiquidityAgent(config)) {
      meteredKwh = positionKwh;
    }
    const imbalanceKwh = positionKwh - meteredKwh;
    const imbalancePriceTicks =
      imbalanceKwh >= 0 ? referencePriceTicks - spreadTicks : referencePriceTicks + spreadTicks;
    // kWh × ticks = 0.001 MWh × 0.01 EUR/MWh = 0.00001 EUR = one cash unit.
    const imbalanceCashUnits = imbalanceKwh * imbalancePriceTicks;
    const positionValueCashUnits = isLiquidityAgent(config) ? positionKwh * referencePriceTicks : 0;
    ledger.imbalanceCashUnits += imbalanceCashUnits;
    ledger.positionValueCashUnits += positionValueCashUnits;
    ledger.imbalanceKwhAbs += Math.abs(imbalanceKwh);
    if (positionKwh === 0 && meteredKwh === 0 && !battery) continue;
    out.push({
      agent: config.id,
      productId: product.id,
      positionKwh,
      meteredKwh,
      imbalanceKwh,
      imbalancePriceTicks,
      imbalanceCashUnits,
      positionValueCashUnits,
      referencePriceTicks,
      socMwh: battery ? battery.socMwh : null,
      clipped,
    });
  }
  return out;
}
