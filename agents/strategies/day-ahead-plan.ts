// Day-ahead bids of a planned battery schedule, shared by the zoo's battery strategies: for a
// day-ahead auction still open, plan the day on a price profile (the caller's: forecasts,
// yesterday's prices, scenario means…) with the battery LP from the SoC projected to the day's
// start, and bid each period's planned net lots as a step curve — buy up to price + margin, sell
// from price − margin — so the award follows the plan only where the price turns out as expected.

import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import type { AuctionSpec } from '../../gen/flexarena/v1/auction.js';
import type { Action, WakeUp } from '../../gen/flexarena/v1/session.js';
import type { LpSolver } from '../../lib/index.js';
import { auctionCurve } from '../sdk/actions.js';
import { solveBatteryLp } from './battery-lp.js';
import { scheduleToLots, stepCurve } from './lp-battery.js';
import { clampSoc, quarterHourLimits, scheduleLotsOf } from './strategy-utils.js';

export interface DayAheadPlanInput {
  solver: LpSolver;
  battery: BatterySpec;
  degradationEurPerMwh: number;
  auction: AuctionSpec;
  /** Price of each of the auction's periods, ticks (same order as periodProductIds). */
  pricesTicks: number[];
  /** SoC at the start of the auction's first period, MWh. */
  soc0Mwh: number;
  /** Lower bound of the SoC after the last period (default: soc0). */
  endSocMinMwh?: number;
  /** Value of the energy left at the end, EUR/MWh (with or instead of the end bound). */
  terminalValueEurPerMwh?: number;
  marginTicks: number;
  positions: WakeUp['positions'];
  bidPrefix: string;
}

/** Planned net lots per period and the step-curve bids for them (minus what is already held). */
export function dayAheadPlanBids(i: DayAheadPlanInput): { lots: number[]; actions: Action[] } {
  const b = i.battery;
  const soc0 = clampSoc(i.soc0Mwh, b);
  const plan = solveBatteryLp(i.solver, {
    periods: i.pricesTicks.map((p) => ({ priceEurPerMwh: p / 100 })),
    ...quarterHourLimits(b),
    soc0Mwh: soc0,
    endSocMinMwh: clampSoc(i.endSocMinMwh ?? soc0, b),
    degradationEurPerMwh: i.degradationEurPerMwh,
    ...(i.terminalValueEurPerMwh !== undefined ? { terminalValueEurPerMwh: i.terminalValueEurPerMwh } : {}),
  });
  const lots = scheduleToLots(plan, b, soc0, []);
  const actions: Action[] = [];
  const lotsOf = scheduleLotsOf(i.positions);
  i.auction.periodProductIds.forEach((id, k) => {
    const want = lots[k]! - lotsOf(id);
    if (want === 0) return;
    const period = i.auction.firstPeriod + k;
    actions.push(
      auctionCurve(
        i.auction.auctionId,
        `${i.bidPrefix}-${period}`,
        period,
        stepCurve(want, i.pricesTicks[k]!, i.marginTicks, i.auction),
      ),
    );
  });
  return { lots, actions };
}
