// What a battery strategy built on MarketView takes from its welcome (price-maker-battery,
// stochastic-battery, rolling-intrinsic, yesterday-prices): the view of the market, its battery
// and the battery's asset id, set together so a strategy checks one field before it decides.

import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import type { WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { MarketView } from '../sdk/market-view.js';

export interface BatterySeat {
  view: MarketView;
  battery: BatterySpec;
  assetId: string;
}

/** The seat of `strategy`'s battery; throws (naming the strategy) when the welcome has none. */
export function batterySeat(welcome: Welcome, strategy: string): BatterySeat {
  const view = MarketView.fromWelcome(welcome);
  const a = view.requireAsset('battery', strategy);
  return { view, battery: a.spec, assetId: a.assetId };
}

/** The SoC the wake-up reports for the battery; its initial SoC before any report. */
export function seatSoc(seat: BatterySeat, wake: WakeUp): number {
  return MarketView.assetState(wake, seat.assetId)?.socMwh ?? seat.battery.socInitialMwh;
}
