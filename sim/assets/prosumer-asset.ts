// AssetTwin adapter of the renewable + battery prosumer (DESIGN.md §5; seeds 002, 003;
// RenewableBatteryProsumer in prosumer.ts).
//
// Generation: the world's realised solar (or wind) output of each quarter-hour scaled to the
//   plant, gen(t) = worldMw(t) × capacityMw / world capacityMw, clamped to [0, capacityMw].
// Schedule: the grid energy the prosumer takes in the quarter-hour, whole kWh (> 0 import,
//   < 0 export) — the agent's net position. The prosumer's action is the power sold,
//   soldMw = −schedule / 1000 / hours; the battery takes the difference gen − sold.
// Baseline: −generation (whole kWh): the prosumer's own export with an idle battery. An agent
//   that trades nothing asks the prosumer to sell 0, i.e. to put the whole generation into the
//   battery — positions are deviations from zero, not from this baseline.
// Metering: −export, export = generationKwh − batteryKwh (whole kWh, energy conserved: the
//   generation is never curtailed). Illegal actions (import without allowImport, charge or
//   discharge beyond the battery's headroom + toleranceKwh) are counted and metered per
//   illegalPolicy: 'clip' (default here: the battery does what it can) or 'ignore' (the battery
//   is disconnected for the quarter-hour, metered = baseline). clipped iff metered ≠ schedule.
// Preview: RenewableBatteryProsumer.preview (the BatteryTwin headroom), equal to step exactly.
// Periods: in order; a later period first runs the skipped ones at the baseline (idle battery).
// Costs: degradationEur from the battery's throughput; penaltyEur = illegal quarter-hours ×
//   illegalPenaltyEur (default 0).
import {
  type AssetSpec,
  type AssetState,
  GenerationSource,
  IllegalActionPolicy,
} from '../../gen/flexarena/v1/asset.js';
import type { World } from '../world/world.js';
import {
  assertHours,
  assertNotPast,
  assertSchedule,
  costs,
  costTotals,
  metered,
  plusZero,
  ScheduleTracker,
} from './asset-common.js';
import type { AssetCosts, AssetTwin, MeteredPeriod, PeriodInfo } from './asset-twin.js';
import type { BatteryTwinSpec } from './battery.js';
import { batterySpecOf } from './battery-asset.js';
import { type IllegalPolicy, RenewableBatteryProsumer } from './prosumer.js';

export type GenerationKind = 'solar' | 'wind';

/** The plant's generation per world step, MW: the world's output scaled to `capacityMw`. */
export function worldGenerationMw(world: World, source: GenerationKind, capacityMw: number): number[] {
  const worldCapacityMw = world.config.calibration[source].capacityMw;
  const out = new Array<number>(world.steps);
  for (let t = 0; t < world.steps; t++) {
    const r = world.realised(t);
    const mw = source === 'solar' ? r.solarMw : r.windMw;
    out[t] = worldCapacityMw > 0 ? Math.min(capacityMw, Math.max(0, (mw * capacityMw) / worldCapacityMw)) : 0;
  }
  return out;
}

export interface ProsumerAssetOptions {
  battery: BatteryTwinSpec;
  /** Generation per quarter-hour of the run, MW. */
  generationMw: readonly number[];
  stepHours: number;
  source: GenerationKind;
  capacityMw: number;
  allowImport: boolean;
  illegalPolicy: IllegalPolicy;
  toleranceKwh: number;
  illegalPenaltyEur: number;
}

export class ProsumerAsset implements AssetTwin {
  readonly kind = 'prosumer' as const;
  readonly prosumer: RenewableBatteryProsumer;
  private readonly tracker = new ScheduleTracker();

  constructor(
    readonly id: string,
    readonly options: ProsumerAssetOptions,
  ) {
    this.prosumer = new RenewableBatteryProsumer({
      id,
      battery: options.battery,
      generationMw: options.generationMw,
      stepHours: options.stepHours,
      allowImport: options.allowImport,
      illegalPolicy: options.illegalPolicy,
      toleranceKwh: options.toleranceKwh,
    });
  }

  spec(): AssetSpec {
    const o = this.options;
    return {
      assetId: this.id,
      kind: {
        $case: 'prosumer',
        value: {
          battery: batterySpecOf(this.prosumer.battery),
          generationSource:
            o.source === 'solar'
              ? GenerationSource.GENERATION_SOURCE_SOLAR
              : GenerationSource.GENERATION_SOURCE_WIND,
          generationCapacityMw: o.capacityMw,
          allowImport: o.allowImport,
          illegalPolicy:
            o.illegalPolicy === 'clip'
              ? IllegalActionPolicy.ILLEGAL_ACTION_POLICY_CLIP
              : IllegalActionPolicy.ILLEGAL_ACTION_POLICY_IGNORE,
          illegalPenaltyEur: o.illegalPenaltyEur,
        },
      },
    };
  }

  state(): AssetState {
    return {
      assetId: this.id,
      socMwh: this.prosumer.battery.socMwh,
      clippedPeriods: this.tracker.clippedPeriods,
      shortfallMwh: this.tracker.shortfallMwh,
      throughputMwh: this.prosumer.battery.throughputMwh,
      illegalPeriods: this.prosumer.illegalCount,
      costs: costTotals(this.costs()),
      householdSocMwh: [],
    };
  }

  private generationKwh(step: number): number {
    // The same rounding as the prosumer's own meter.
    return Math.round(this.prosumer.generationMw(step) * this.prosumer.stepHours * 1000);
  }

  /** Runs skipped periods at the baseline (idle battery: sold = generation). */
  private catchUp(step: number): void {
    assertNotPast(this.id, step, this.prosumer.stepIndex);
    while (this.prosumer.stepIndex < step)
      this.prosumer.step(this.prosumer.generationMw(this.prosumer.stepIndex));
  }

  private soldMw(scheduleKwh: number): number {
    return -scheduleKwh / 1000 / this.prosumer.stepHours;
  }

  /** −generation of the period, whole kWh; independent of the state, so any step of the run. */
  baselineKwh(period: PeriodInfo): number {
    assertHours(this.id, period, this.prosumer.stepHours);
    return plusZero(-this.generationKwh(period.step));
  }

  preview(scheduleKwh: number, period: PeriodInfo): MeteredPeriod {
    assertSchedule(this.id, scheduleKwh);
    assertHours(this.id, period, this.prosumer.stepHours);
    this.catchUp(period.step);
    return metered(scheduleKwh, -this.prosumer.preview(this.soldMw(scheduleKwh)).exportKwh);
  }

  step(scheduleKwh: number, period: PeriodInfo): MeteredPeriod {
    assertSchedule(this.id, scheduleKwh);
    assertHours(this.id, period, this.prosumer.stepHours);
    this.catchUp(period.step);
    const res = metered(scheduleKwh, -this.prosumer.step(this.soldMw(scheduleKwh)).exportKwh);
    this.tracker.record(scheduleKwh, res);
    return res;
  }

  costs(): AssetCosts {
    return costs({
      degradationEur: this.prosumer.battery.degradationCostEur,
      penaltyEur: this.prosumer.illegalCount * this.options.illegalPenaltyEur,
    });
  }

  finalSocMwh(): number {
    return this.prosumer.battery.socMwh;
  }
}
