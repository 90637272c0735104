// The battery twin: the arena's physical truth. The agent's net traded position per
// quarter-hour is the schedule; the twin delivers what power, energy and SoC bounds allow and
// meters it in whole kWh, so settlement stays in integers.
//
// Degradation (DESIGN.md §5): an optional cost per MWh of throughput. Throughput is the metered
// grid-side energy moved through the battery in either direction, |charge| + |discharge|, in
// whole kWh (so it is exact, with no floating drift over a long run); the energy inside the cell
// (after the efficiency losses) is not what is counted. A full cycle therefore counts twice.

/**
 * The battery's spec: the fields of a battery config block (the run config's `asset:` and
 * asset-config.ts's battery both fit) plus the optional degradation cost. SoC bounds and the
 * initial SoC are fractions of energyMwh.
 */
export interface BatteryTwinSpec {
  type?: 'battery' | undefined;
  powerMw: number;
  energyMwh: number;
  etaCharge: number;
  etaDischarge: number;
  socMin: number;
  socMax: number;
  socInitial: number;
  /** € per MWh of grid-side throughput (charge + discharge); 0 or absent: no degradation cost. */
  degradationEurPerMwh?: number | undefined;
}

/**
 * Floating noise allowed on the room and energy left before they are floored to whole kWh: a
 * bound reached exactly (0.45 MWh of room at η 0.9 is 500 kWh) computes as 499.9999999999992, and
 * flooring that cost a schedule that hugs the bound a whole kWh, clipped. 1e-6 kWh is far below
 * the meter's step; the state is clamped to its bounds after each period anyway.
 */
const FLOAT_SLACK_KWH = 1e-6;

/** What the battery can still take or give this period, grid side, whole kWh (both ≥ 0). */
export interface BatteryHeadroom {
  maxChargeKwh: number;
  maxDischargeKwh: number;
}

export interface BatteryStep {
  /** Energy the schedule asked for from the grid, kWh (charge > 0, discharge < 0). */
  scheduledKwh: number;
  /** What was physically drawn (> 0) or injected (< 0), kWh. */
  meteredKwh: number;
  socBeforeMwh: number;
  socAfterMwh: number;
  clipped: boolean;
}

export class BatteryTwin {
  private soc: number;
  private clippedPeriods = 0;
  private shortfallKwh = 0;
  private throughputKwh = 0;
  readonly socMinMwh: number;
  readonly socMaxMwh: number;

  constructor(
    readonly id: string,
    readonly spec: BatteryTwinSpec,
  ) {
    const deg = spec.degradationEurPerMwh;
    if (deg !== undefined && !(Number.isFinite(deg) && deg >= 0))
      throw new RangeError(`degradationEurPerMwh must be a finite number >= 0, got ${deg}`);
    this.socMinMwh = spec.socMin * spec.energyMwh;
    this.socMaxMwh = spec.socMax * spec.energyMwh;
    this.soc = spec.socInitial * spec.energyMwh;
  }

  get socMwh(): number {
    return this.soc;
  }

  get clippedCount(): number {
    return this.clippedPeriods;
  }

  get shortfallMwh(): number {
    return this.shortfallKwh / 1000;
  }

  /** Grid-side energy moved through the battery so far, charge + discharge, MWh (whole kWh). */
  get throughputMwh(): number {
    return this.throughputKwh / 1000;
  }

  /** € per MWh of throughput (0 without a degradation cost in the spec). */
  get degradationEurPerMwh(): number {
    return this.spec.degradationEurPerMwh ?? 0;
  }

  /** Accumulated degradation cost, € = throughputMwh × degradationEurPerMwh. */
  get degradationCostEur(): number {
    return (this.throughputKwh * this.degradationEurPerMwh) / 1000;
  }

  /**
   * What `step` would let through this period without clipping: the same power, room and
   * availability limits, already floored to whole kWh. Does not change the state.
   */
  headroomKwh(hours: number): BatteryHeadroom {
    const maxGridKwh = this.spec.powerMw * hours * 1000;
    const roomKwh = ((this.socMaxMwh - this.soc) / this.spec.etaCharge) * 1000 + FLOAT_SLACK_KWH;
    const availableKwh = (this.soc - this.socMinMwh) * this.spec.etaDischarge * 1000 + FLOAT_SLACK_KWH;
    return {
      maxChargeKwh: Math.floor(Math.max(0, Math.min(maxGridKwh, roomKwh))),
      maxDischargeKwh: Math.floor(Math.max(0, Math.min(maxGridKwh, availableKwh))),
    };
  }

  /**
   * What `step(scheduledKwh, hours)` would meter, from `headroomKwh` and without changing the
   * state. Exactly step's result: floor commutes with min and max, so
   * ⌊max(0, min(s, limit))⌋ = max(0, min(⌊s⌋, ⌊max(0, limit)⌋)) for either direction.
   */
  preview(scheduledKwh: number, hours: number): { meteredKwh: number; clipped: boolean } {
    const head = this.headroomKwh(hours);
    const metered =
      scheduledKwh >= 0
        ? Math.max(0, Math.min(Math.floor(scheduledKwh), head.maxChargeKwh))
        : -Math.max(0, Math.min(Math.floor(-scheduledKwh), head.maxDischargeKwh));
    return { meteredKwh: metered, clipped: metered !== scheduledKwh };
  }

  /** Runs one period of `hours` with a grid-side schedule in kWh. */
  step(scheduledKwh: number, hours: number): BatteryStep {
    const before = this.soc;
    const maxGridKwh = this.spec.powerMw * hours * 1000;
    let metered: number;
    if (scheduledKwh >= 0) {
      const roomKwh = ((this.socMaxMwh - this.soc) / this.spec.etaCharge) * 1000 + FLOAT_SLACK_KWH;
      metered = Math.floor(Math.max(0, Math.min(scheduledKwh, maxGridKwh, roomKwh)));
      this.soc += (metered / 1000) * this.spec.etaCharge;
    } else {
      const availableKwh = (this.soc - this.socMinMwh) * this.spec.etaDischarge * 1000 + FLOAT_SLACK_KWH;
      metered = -Math.floor(Math.max(0, Math.min(-scheduledKwh, maxGridKwh, availableKwh)));
      this.soc += metered / 1000 / this.spec.etaDischarge;
    }
    // Floating error must never push the state outside its bounds.
    this.soc = Math.min(this.socMaxMwh, Math.max(this.socMinMwh, this.soc));
    this.throughputKwh += Math.abs(metered);
    const clipped = metered !== scheduledKwh;
    if (clipped) {
      this.clippedPeriods++;
      this.shortfallKwh += Math.abs(scheduledKwh - metered);
    }
    return { scheduledKwh, meteredKwh: metered, socBeforeMwh: before, socAfterMwh: this.soc, clipped };
  }
}
