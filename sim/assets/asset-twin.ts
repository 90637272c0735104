// What the settlement needs from any physical asset, whatever it is. The agent's net market
// position for a quarter-hour, plus any balancing energy it was activated for, is the asset's
// grid-side schedule; the twin meters what physically happened. Energies are whole kWh taken
// from the grid: > 0 consumption (charging), < 0 injection.
import type { AssetSpec, AssetState } from '../../gen/flexarena/v1/asset.js';

export interface PeriodInfo {
  /** Index of the quarter-hour in the run (0 = first quarter-hour of the first day). */
  step: number;
  deliveryStartMs: number;
  hours: number;
}

export interface MeteredPeriod {
  meteredKwh: number;
  /** True when the twin could not follow the schedule in full. */
  clipped: boolean;
}

export interface AssetCosts {
  /** Costs the twin itself incurs, in EUR, e.g. battery degradation, refused EV rentals. */
  degradationEur: number;
  lostRentalEur: number;
  /** Energy the twin drew outside the market at a tariff (EV industry-tariff fallback), EUR. */
  tariffEur: number;
  /** Penalties for illegal actions / SoC violations, EUR. */
  penaltyEur: number;
}

export interface AssetTwin {
  readonly id: string;
  readonly kind: 'battery' | 'prosumer' | 'residential-pool' | 'ev-fleet';
  /** For the agent's Welcome. */
  spec(): AssetSpec;
  /** For the agent's wake-ups. */
  state(): AssetState;
  /**
   * The schedule the asset follows with no market position at all (e.g. a PV prosumer's own
   * export, a battery pool's self-consumption baseline), kWh. Positions are deviations from zero,
   * not from this baseline: an agent that trades nothing is imbalanced by exactly this much.
   */
  baselineKwh(period: PeriodInfo): number;
  /** What `step` would meter for `scheduleKwh`, without changing any state. */
  preview(scheduleKwh: number, period: PeriodInfo): MeteredPeriod;
  /** Runs the period: follows the schedule as far as physics allow and advances the state. */
  step(scheduleKwh: number, period: PeriodInfo): MeteredPeriod;
  costs(): AssetCosts;
  /** Headline figure for the results table, e.g. final SoC in MWh. */
  finalSocMwh(): number;
}
