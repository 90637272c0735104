// AssetTwin adapter of the battery (DESIGN.md §5; BatteryTwin in battery.ts).
//
// Schedule: the grid-side energy of the quarter-hour, whole kWh, > 0 charge, < 0 discharge.
// Baseline: 0 — a battery left alone does nothing.
// Metering: what the BatteryTwin let through: the schedule floored to whole kWh and clipped to
//   the power limit (powerMw × hours) and to the SoC room (charge: (socMax − soc)/ηc; discharge:
//   (soc − socMin)·ηd), grid side. clipped iff metered ≠ schedule; the shortfall is imbalance.
// Preview: BatteryTwin.preview, from `headroomKwh` — equal to `step`'s metering exactly (floor
//   commutes with min/max), no state change. Periods may come in any order and length: the
//   battery has no exogenous profile, only its SoC.
// Costs: degradationEur = grid-side throughput (|charge| + |discharge|, MWh) × degradationEurPerMwh.
//   No rentals, tariff or penalties.
import type { AssetSpec, AssetState, BatterySpec } from '../../gen/flexarena/v1/asset.js';
import { assertSchedule, costs, costTotals, metered } from './asset-common.js';
import type { BatteryBodyConfig } from './asset-config.js';
import type { AssetCosts, AssetTwin, MeteredPeriod, PeriodInfo } from './asset-twin.js';
import { BatteryTwin, type BatteryTwinSpec } from './battery.js';

/** The proto BatterySpec of a battery twin (SoC in MWh). */
export function batterySpecOf(b: BatteryTwin): BatterySpec {
  const s = b.spec;
  return {
    powerMw: s.powerMw,
    energyMwh: s.energyMwh,
    etaCharge: s.etaCharge,
    etaDischarge: s.etaDischarge,
    socMinMwh: b.socMinMwh,
    socMaxMwh: b.socMaxMwh,
    socInitialMwh: s.socInitial * s.energyMwh,
    degradationEurPerMwh: b.degradationEurPerMwh,
  };
}

export class BatteryAsset implements AssetTwin {
  readonly kind = 'battery' as const;
  readonly battery: BatteryTwin;

  constructor(
    readonly id: string,
    spec: BatteryBodyConfig | BatteryTwinSpec,
  ) {
    this.battery = new BatteryTwin(id, spec);
  }

  spec(): AssetSpec {
    return { assetId: this.id, kind: { $case: 'battery', value: batterySpecOf(this.battery) } };
  }

  state(): AssetState {
    return {
      assetId: this.id,
      socMwh: this.battery.socMwh,
      clippedPeriods: this.battery.clippedCount,
      shortfallMwh: this.battery.shortfallMwh,
      throughputMwh: this.battery.throughputMwh,
      costs: costTotals(this.costs()),
      householdSocMwh: [],
    };
  }

  baselineKwh(_period: PeriodInfo): number {
    return 0;
  }

  preview(scheduleKwh: number, period: PeriodInfo): MeteredPeriod {
    assertSchedule(this.id, scheduleKwh);
    return metered(scheduleKwh, this.battery.preview(scheduleKwh, period.hours).meteredKwh);
  }

  step(scheduleKwh: number, period: PeriodInfo): MeteredPeriod {
    assertSchedule(this.id, scheduleKwh);
    return metered(scheduleKwh, this.battery.step(scheduleKwh, period.hours).meteredKwh);
  }

  costs(): AssetCosts {
    return costs({ degradationEur: this.battery.degradationCostEur });
  }

  finalSocMwh(): number {
    return this.battery.socMwh;
  }
}
