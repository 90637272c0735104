// The battery twin: the arena's physical truth. The agent's net traded position per
// quarter-hour is the schedule; the twin delivers what power, energy and SoC bounds allow and
// meters it in whole kWh, so settlement stays in integers.
import type { BatteryConfig } from '../config/run-config.js';

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
  readonly socMinMwh: number;
  readonly socMaxMwh: number;

  constructor(
    readonly id: string,
    readonly spec: BatteryConfig,
  ) {
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

  /** Runs one period of `hours` with a grid-side schedule in kWh. */
  step(scheduledKwh: number, hours: number): BatteryStep {
    const before = this.soc;
    const maxGridKwh = this.spec.powerMw * hours * 1000;
    let metered: number;
    if (scheduledKwh >= 0) {
      const roomKwh = ((this.socMaxMwh - this.soc) / this.spec.etaCharge) * 1000;
      metered = Math.floor(Math.max(0, Math.min(scheduledKwh, maxGridKwh, roomKwh)));
      this.soc += (metered / 1000) * this.spec.etaCharge;
    } else {
      const availableKwh = (this.soc - this.socMinMwh) * this.spec.etaDischarge * 1000;
      metered = -Math.floor(Math.max(0, Math.min(-scheduledKwh, maxGridKwh, availableKwh)));
      this.soc += metered / 1000 / this.spec.etaDischarge;
    }
    // Floating error must never push the state outside its bounds.
    this.soc = Math.min(this.socMaxMwh, Math.max(this.socMinMwh, this.soc));
    const clipped = metered !== scheduledKwh;
    if (clipped) {
      this.clippedPeriods++;
      this.shortfallKwh += Math.abs(scheduledKwh - metered);
    }
    return { scheduledKwh, meteredKwh: metered, socBeforeMwh: before, socAfterMwh: this.soc, clipped };
  }
}
