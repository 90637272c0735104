// Helpers shared by the AssetTwin adapters: argument checks, the clipped/shortfall bookkeeping
// every kind reports the same way, and the cost record.
import type { AssetCostTotals } from '../../gen/flexarena/v1/asset.js';
import type { AssetCosts, MeteredPeriod, PeriodInfo } from './asset-twin.js';

/** A schedule must be a finite number of kWh (whole kWh by contract; fractions are clipped). */
export function assertSchedule(id: string, scheduleKwh: number): void {
  if (!Number.isFinite(scheduleKwh))
    throw new RangeError(`asset ${id}: schedule must be a finite number of kWh, got ${scheduleKwh}`);
}

/** Twins with a fixed step length (profiles per quarter-hour) only run periods of that length. */
export function assertHours(id: string, period: PeriodInfo, stepHours: number): void {
  if (!(Math.abs(period.hours - stepHours) <= 1e-9))
    throw new RangeError(`asset ${id}: period of ${period.hours} h, the twin runs ${stepHours} h steps`);
}

/** No −0 in metered records. */
export function plusZero(x: number): number {
  return x === 0 ? 0 : x;
}

/** The MeteredPeriod of a schedule and what was metered: clipped iff they differ. */
export function metered(scheduleKwh: number, meteredKwh: number): MeteredPeriod {
  const m = plusZero(meteredKwh);
  return { meteredKwh: m, clipped: m !== scheduleKwh };
}

/** Clipped quarter-hours and shortfall |schedule − metered|, as AssetState reports them. */
export class ScheduleTracker {
  private clipped = 0;
  private shortfallKwh = 0;

  record(scheduleKwh: number, result: MeteredPeriod): void {
    if (result.clipped) {
      this.clipped++;
      this.shortfallKwh += Math.abs(scheduleKwh - result.meteredKwh);
    }
  }

  get clippedPeriods(): number {
    return this.clipped;
  }

  get shortfallMwh(): number {
    return this.shortfallKwh / 1000;
  }
}

export function costs(c: Partial<AssetCosts>): AssetCosts {
  return {
    degradationEur: c.degradationEur ?? 0,
    lostRentalEur: c.lostRentalEur ?? 0,
    tariffEur: c.tariffEur ?? 0,
    penaltyEur: c.penaltyEur ?? 0,
  };
}

export function costTotals(c: AssetCosts): AssetCostTotals {
  return {
    degradationEur: c.degradationEur,
    lostRentalEur: c.lostRentalEur,
    tariffEur: c.tariffEur,
    penaltyEur: c.penaltyEur,
  };
}

/**
 * The stateful twins (prosumer, pool, EV fleet) run their quarter-hours in order. A period after
 * the next one means the periods in between were not settled: they run as if the agent had left
 * the asset alone (its baseline), so the physical state stays continuous. A period before the
 * next one cannot be run again.
 */
export function assertNotPast(id: string, step: number, next: number): void {
  if (!Number.isInteger(step) || step < next)
    throw new RangeError(`asset ${id}: step ${step} is already past (next is ${next}); periods run in order`);
}
