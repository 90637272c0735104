// How far a battery strategy got, measured from outside: its SoC-neutral profit over the
// SoC-neutral perfect-foresight bound of the same battery on the run's realised prices.
//
// Definitions (used by scripts/zoo-scores.ts and the BENCHMARKS.md zoo table):
//   reference price p_ref   the mean of the run's realised quarter-hour prices (run-start record,
//                           realisedPriceTicks), EUR/MWh: what a MWh left in (or taken out of)
//                           the battery is worth at the end.
//   SoC-neutral profit      Σ profit of the agent's settlement records (all cash minus asset costs,
//                           degradation included) + (SoC after the last settled quarter-hour −
//                           initial SoC) × p_ref. Draining the battery is not profit; filling it is
//                           not a loss.
//   bound                   max over feasible schedules of Σ_t p_t (d_t − c_t) h − deg (c_t + d_t) h
//                           + (s_n − s_0) p_ref on the realised prices p_t, from the initial SoC,
//                           power, efficiencies, SoC limits and degradation of the battery (HiGHS;
//                           continuous power, no market impact). This is the day-ahead perfect-
//                           foresight bound of a price taker valued exactly as the profit above,
//                           so a price taker trading at the realised prices cannot exceed it.
//   PoP                     SoC-neutral profit / bound.

import { solveBatteryLp } from '../../agents/strategies/battery-lp.js';
import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import type { SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import type { LpSolver } from '../../lib/index.js';
import type { AgentConfig } from '../../sim/index.js';

const CASH_UNITS_PER_EUR = 100_000;

export type BatteryParams = Pick<
  BatterySpec,
  'powerMw' | 'etaCharge' | 'etaDischarge' | 'socMinMwh' | 'socMaxMwh' | 'socInitialMwh'
> & { degradationEurPerMwh: number };

/** The battery of an agent's configuration, undefined for any other asset. */
export function batteryOf(agent: Pick<AgentConfig, 'asset'>): BatteryParams | undefined {
  const a = agent.asset;
  if (a?.type !== 'battery') return undefined;
  return {
    powerMw: a.powerMw,
    etaCharge: a.etaCharge,
    etaDischarge: a.etaDischarge,
    socMinMwh: a.socMin * a.energyMwh,
    socMaxMwh: a.socMax * a.energyMwh,
    socInitialMwh: a.socInitial * a.energyMwh,
    degradationEurPerMwh: a.degradationEurPerMwh,
  };
}

export function referencePriceEur(realisedPriceTicks: readonly number[]): number {
  if (realisedPriceTicks.length === 0) throw new RangeError('no realised prices');
  return realisedPriceTicks.reduce((a, p) => a + p, 0) / realisedPriceTicks.length / 100;
}

/** The perfect-foresight bound (see the header), EUR. */
export function perfectForesightBoundEur(
  solver: LpSolver,
  realisedPriceTicks: readonly number[],
  b: BatteryParams,
  refEur = referencePriceEur(realisedPriceTicks),
): number {
  const plan = solveBatteryLp(solver, {
    periods: realisedPriceTicks.map((p) => ({ priceEurPerMwh: p / 100 })),
    hours: 0.25,
    powerMw: b.powerMw,
    etaCharge: b.etaCharge,
    etaDischarge: b.etaDischarge,
    socMinMwh: b.socMinMwh,
    socMaxMwh: b.socMaxMwh,
    soc0Mwh: b.socInitialMwh,
    endSocMinMwh: b.socMinMwh,
    degradationEurPerMwh: b.degradationEurPerMwh,
    terminalValueEurPerMwh: refEur,
  });
  return plan.profitEur + (plan.socMwh[plan.socMwh.length - 1]! - b.socInitialMwh) * refEur;
}

export interface AgentScore {
  cashProfitEur: number;
  finalSocMwh: number;
  socNeutralProfitEur: number;
}

/**
 * SoC-neutral profit of one agent from its settlement records (see the header). Records read from
 * settlements.jsonl are proto3 JSON, which leaves out zero fields: a missing number counts as 0.
 */
export function socNeutralProfit(
  records: readonly Pick<SettlementRecord, 'profitCashUnits' | 'socMwh' | 'deliveryStartMs'>[],
  initialSocMwh: number,
  refEur: number,
): AgentScore {
  if (records.length === 0) throw new RangeError('no settlement records');
  let cash = 0;
  let last = records[0]!;
  for (const r of records) {
    cash += Number(r.profitCashUnits ?? 0);
    if (Number(r.deliveryStartMs) >= Number(last.deliveryStartMs)) last = r;
  }
  const cashProfitEur = cash / CASH_UNITS_PER_EUR;
  return {
    cashProfitEur,
    finalSocMwh: last.socMwh ?? 0,
    socNeutralProfitEur: cashProfitEur + ((last.socMwh ?? 0) - initialSocMwh) * refEur,
  };
}
