// AssetTwin adapter of the EV car-sharing fleet VPP (DESIGN.md §5; seed 004; EvFleet in
// ev-fleet.ts, costs in ev-fleet-costs.ts).
//
// Schedule: the charging energy the agent bought for the market period, whole kWh ≥ 0. It is the
//   fleet's intraday commitment P_h^intr = schedule / 1000 / hours MW for the period (no
//   balancing commitment here: balancing activations reach the twin as part of the schedule).
//   The fleet cannot inject (no V2G): a negative schedule — the agent sold more than it bought —
//   is clipped to a commitment of 0; what it sold is then all shortfall.
// Run: EvFleet.stepMarketPeriod — returns, dispatch of ⌈P/γ⌉ plugged cars, stochastic rentals
//   (refused per rentalPolicy, costing ρ), charging for the commitment, then the industry-tariff
//   fallback for the other plugged cars below fallbackTargetSocShare.
// Metering: the charging delivered for the commitment, whole kWh (≤ the committed kWh; the rest
//   is imbalance; clipped iff metered ≠ schedule). The tariff-fallback charging is NOT metered
//   here: it is bought outside the market at the industry tariff, on the fleet's supply contract
//   (another balance group), so it is neither part of the agent's position nor its imbalance; it
//   shows up as costs.tariffEur instead.
// Baseline: 0 — with no position the fleet buys nothing on the market (its cars still charge at
//   the tariff, which is not metered).
// Preview without advancing the rentals: the period's randomness (rental requests, trips and the
//   plug-in draws of returning cars) comes from a RandomStream whose seed is drawn once per
//   market period from the asset's `rentals` stream, before the first preview or step of that
//   period. preview snapshots the fleet, runs the period on a fresh stream from that seed,
//   and restores the fleet; step runs the period on another fresh stream from the same seed.
//   Same state, same draws, same schedule ⇒ preview(s) = step(s) exactly, and previews with other
//   schedules leave nothing behind.
// Periods: in order; a later period first runs the skipped ones with a schedule of 0 (the
//   baseline), their rentals and tariff charging included. The fleet's clock (hour of day of the
//   rental demand) starts at `startMinuteOfDay` and runs continuously.
// Costs: lostRentalEur = Σ ρ of refused rentals (seed eq. 7; low-charge refusals included, they
//   happen with or without a position); tariffEur = metered tariff-fallback kWh × tariffEurPerMwh.
import { type AssetSpec, type AssetState, EvRentalPolicy } from '../../gen/flexarena/v1/asset.js';
import { drawSeed, RandomStream } from '../../lib/index.js';
import {
  assertHours,
  assertNotPast,
  assertSchedule,
  costs,
  costTotals,
  metered,
  ScheduleTracker,
} from './asset-common.js';
import { type AssetRandom, SwitchableRandom } from './asset-random.js';
import type { AssetCosts, AssetTwin, MeteredPeriod, PeriodInfo } from './asset-twin.js';
import { EvFleet, type EvFleetParams, type EvMarketPeriodReport } from './ev-fleet.js';

export interface EvFleetAssetOptions {
  params: EvFleetParams;
  /** Market period length, hours; must equal controlPeriodMinutes × T / 60. */
  stepHours: number;
  tariffEurPerMwh: number;
  /** Draws the initial state (SoC, plug-in) of every car. */
  fleetRandom: AssetRandom;
  /** One seed per market period for that period's randomness. */
  periodSeeds: AssetRandom;
}

export class EvFleetAsset implements AssetTwin {
  readonly kind = 'ev-fleet' as const;
  readonly fleet: EvFleet;
  private readonly random: SwitchableRandom;
  private readonly tracker = new ScheduleTracker();
  private nextStep = 0;
  private pending: { step: number; seed: number } | null = null;
  private lostRentalTotalEur = 0;
  private tariffKwhTotal = 0;
  private refusedTotal = 0;
  private lastReport: EvMarketPeriodReport | null = null;

  constructor(
    readonly id: string,
    readonly options: EvFleetAssetOptions,
  ) {
    const p = options.params;
    const periodHours = (p.controlPeriodMinutes * p.controlPeriodsPerMarketPeriod) / 60;
    if (!(Math.abs(periodHours - options.stepHours) <= 1e-9))
      throw new RangeError(
        `asset ${id}: ${p.controlPeriodsPerMarketPeriod} control periods of ${p.controlPeriodMinutes} min ` +
          `do not make a market period of ${options.stepHours} h`,
      );
    if (!(Number.isFinite(options.tariffEurPerMwh) && options.tariffEurPerMwh >= 0))
      throw new RangeError(`asset ${id}: tariffEurPerMwh must be >= 0, got ${options.tariffEurPerMwh}`);
    this.random = new SwitchableRandom(options.fleetRandom);
    this.fleet = new EvFleet(this.random, p);
  }

  /** The report of the last market period run by `step` (null before the first). */
  get lastPeriod(): EvMarketPeriodReport | null {
    return this.lastReport;
  }

  get refusedRentals(): number {
    return this.refusedTotal;
  }

  get tariffKwh(): number {
    return this.tariffKwhTotal;
  }

  spec(): AssetSpec {
    const p = this.fleet.params;
    return {
      assetId: this.id,
      kind: {
        $case: 'evFleet',
        value: {
          cars: this.fleet.fleetSize,
          chargerKw: p.chargerKw,
          capacityKwh: p.capacityKwh,
          controlPeriodMinutes: p.controlPeriodMinutes,
          controlPeriodsPerMarketPeriod: p.controlPeriodsPerMarketPeriod,
          rentalPolicy:
            p.rentalPolicy === 'protect-commitments'
              ? EvRentalPolicy.EV_RENTAL_POLICY_PROTECT_COMMITMENTS
              : EvRentalPolicy.EV_RENTAL_POLICY_PROTECT_MOBILITY,
          lostRentalBaseEur: p.lostRental.baseEur,
          lostRentalEurPerMin: p.lostRental.perMinuteEur,
          tariffEurPerMwh: this.options.tariffEurPerMwh,
          fallbackTargetSocShare: p.fallbackTargetSocShare,
          maxChargingMw: (this.fleet.fleetSize * p.chargerKw) / 1000,
        },
      },
    };
  }

  private socTotalMwh(): number {
    let s = 0;
    for (const c of this.fleet.snapshot().cars) s += c.socKwh;
    return s / 1000;
  }

  state(): AssetState {
    return {
      assetId: this.id,
      socMwh: this.socTotalMwh(),
      clippedPeriods: this.tracker.clippedPeriods,
      shortfallMwh: this.tracker.shortfallMwh,
      carsOnTrip: this.fleet.onTripCount(),
      carsPluggedParked: this.fleet.pluggedParkedCount(),
      vppCars: this.fleet.vppSize(),
      refusedRentals: this.refusedTotal,
      tariffEnergyMwh: this.tariffKwhTotal / 1000,
      costs: costTotals(this.costs()),
      householdSocMwh: [],
    };
  }

  /** The seed of the next market period's randomness, drawn once. */
  private seedOf(step: number): number {
    if (this.pending?.step !== step) this.pending = { step, seed: drawSeed(this.options.periodSeeds) };
    return this.pending.seed;
  }

  /** Runs the next market period (step `nextStep`) for a schedule, on the period's stream. */
  private run(scheduleKwh: number): EvMarketPeriodReport {
    this.random.current = RandomStream.fromSeed(this.seedOf(this.nextStep));
    const intradayMw = Math.max(0, scheduleKwh) / 1000 / this.options.stepHours;
    return this.fleet.stepMarketPeriod({ balancingMw: 0, intradayMw });
  }

  /** Books a period that was run for good. */
  private commit(report: EvMarketPeriodReport): void {
    this.lostRentalTotalEur += report.lostRentalCostEur;
    this.tariffKwhTotal += report.tariffKwh;
    this.refusedTotal += report.refusedRentals;
    this.lastReport = report;
    this.pending = null;
    this.nextStep++;
  }

  private catchUp(step: number): void {
    assertNotPast(this.id, step, this.nextStep);
    while (this.nextStep < step) this.commit(this.run(0));
  }

  baselineKwh(period: PeriodInfo): number {
    assertHours(this.id, period, this.options.stepHours);
    return 0;
  }

  preview(scheduleKwh: number, period: PeriodInfo): MeteredPeriod {
    assertSchedule(this.id, scheduleKwh);
    assertHours(this.id, period, this.options.stepHours);
    this.catchUp(period.step);
    const snapshot = this.fleet.snapshot();
    try {
      return metered(scheduleKwh, this.run(scheduleKwh).deliveredKwh);
    } finally {
      this.fleet.restore(snapshot);
    }
  }

  step(scheduleKwh: number, period: PeriodInfo): MeteredPeriod {
    assertSchedule(this.id, scheduleKwh);
    assertHours(this.id, period, this.options.stepHours);
    this.catchUp(period.step);
    const report = this.run(scheduleKwh);
    this.commit(report);
    const res = metered(scheduleKwh, report.deliveredKwh);
    this.tracker.record(scheduleKwh, res);
    return res;
  }

  costs(): AssetCosts {
    return costs({
      lostRentalEur: this.lostRentalTotalEur,
      tariffEur: (this.tariffKwhTotal * this.options.tariffEurPerMwh) / 1000,
    });
  }

  finalSocMwh(): number {
    return this.socTotalMwh();
  }
}
