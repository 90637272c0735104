// Renewable + battery prosumer twin (DESIGN.md §5; seeds 002 and 003).
//
// One renewable plant with a generation profile (MW per step) behind one battery. The agent's
// action is the power sold to the grid this step (MW). The battery takes the difference
// gen − sold: it charges the surplus and discharges the deficit, within its power and SoC
// limits (the BatteryTwin does the physics and the whole-kWh metering).
//
// Metering, whole kWh per step, sign "exported to the grid" (> 0 sold, < 0 bought):
//   generationKwh = round(gen × h × 1000)            the plant's meter
//   requestedSoldKwh = round(sold × h × 1000)        the action
//   batteryKwh = what the BatteryTwin metered for the schedule generationKwh − requestedSoldKwh
//   exportKwh = generationKwh − batteryKwh           exact in integers: energy is conserved
// The generation is never curtailed: what the battery cannot take is exported.
//
// Illegal actions (seed 002: "if ... the action indicates that the battery should be charged or
// discharged beyond its capacity, we classify it as an illegal action ... During the evaluation
// phase, we emulate the real-world settings by ignoring the illegal actions, as the inverter is
// disconnected"). An action is illegal when
//   - it is not a finite number ('non-finite'),
//   - it buys (sold < 0) and the prosumer may not import ('import'; seed 002 does not cover
//     buying, so the default forbids it; seed 003 buys, its adapter allows it),
//   - the battery would have to charge more than it can this step ('charge-limit'), or
//   - discharge more than it can ('discharge-limit'),
// where "can" is the BatteryTwin headroom (power and SoC room, whole kWh) plus `toleranceKwh`
// (default 1 kWh, so rounding of a limit-hugging action is not illegal, only clipped).
// Every illegal action is counted. What is metered then depends on `illegalPolicy`:
//   'ignore' (default, seed 002 evaluation): the action is ignored, the inverter disconnects
//            the battery for the step: batteryKwh = 0, SoC unchanged, exportKwh = generationKwh.
//   'clip':  the battery does what it can (clipped to its limits; an illegal import is first
//            raised to sold = 0), exportKwh = generationKwh − batteryKwh.
// A legal action that the battery cannot honour exactly (within the tolerance) is clipped and
// counted as clipped. `shortfallKwh` = |requestedSoldKwh − exportKwh| whatever the cause: it is
// what the settlement sees as imbalance against the action.
import { BatteryTwin, type BatteryTwinSpec } from './battery.js';
import type { RandomSource } from './profiles.js';

export type IllegalPolicy = 'ignore' | 'clip';
export type IllegalReason = 'non-finite' | 'import' | 'charge-limit' | 'discharge-limit';

export interface ProsumerOptions {
  id: string;
  battery: BatteryTwinSpec;
  /** Generation per step, MW, finite and ≥ 0. */
  generationMw: readonly number[];
  /** Step length in hours (default 0.25). */
  stepHours?: number;
  /** May the prosumer buy (sold < 0) to charge the battery? Default false (seed 002). */
  allowImport?: boolean;
  /** What an illegal action meters; default 'ignore' (seed 002 evaluation). */
  illegalPolicy?: IllegalPolicy;
  /** Excess over the battery headroom, kWh, that is clipped rather than illegal (default 1). */
  toleranceKwh?: number;
}

export interface ProsumerStep {
  step: number;
  generationKwh: number;
  /** The action in whole kWh (0 for a non-finite action). */
  requestedSoldKwh: number;
  /** generationKwh − requestedSoldKwh: what the action asked of the battery (charge > 0). */
  batteryRequestedKwh: number;
  /** What the battery metered, grid side (charge > 0, discharge < 0). */
  batteryKwh: number;
  /** Metered export to the grid (> 0 sold, < 0 bought) = generationKwh − batteryKwh. */
  exportKwh: number;
  illegal: boolean;
  illegalReason: IllegalReason | null;
  /** The battery could not take the (legal, or under 'clip' illegal) schedule exactly. */
  clipped: boolean;
  /** |requestedSoldKwh − exportKwh|. */
  shortfallKwh: number;
  socBeforeMwh: number;
  socAfterMwh: number;
}

export class RenewableBatteryProsumer {
  readonly battery: BatteryTwin;
  readonly stepHours: number;
  readonly allowImport: boolean;
  readonly illegalPolicy: IllegalPolicy;
  readonly toleranceKwh: number;
  private readonly generation: readonly number[];
  private cursor = 0;
  private illegalSteps = 0;
  private clippedSteps = 0;
  private shortfallKwhTotal = 0;
  private exportKwhTotal = 0;
  private generationKwhTotal = 0;

  constructor(readonly options: ProsumerOptions) {
    this.stepHours = options.stepHours ?? 0.25;
    if (!(this.stepHours > 0 && Number.isFinite(this.stepHours)))
      throw new RangeError(`stepHours must be > 0, got ${this.stepHours}`);
    options.generationMw.forEach((g, t) => {
      if (!(Number.isFinite(g) && g >= 0))
        throw new RangeError(`generationMw[${t}] must be finite and >= 0, got ${g}`);
    });
    this.generation = [...options.generationMw];
    this.allowImport = options.allowImport ?? false;
    this.illegalPolicy = options.illegalPolicy ?? 'ignore';
    this.toleranceKwh = options.toleranceKwh ?? 1;
    this.battery = new BatteryTwin(options.id, options.battery);
  }

  /** Index of the next step to run. */
  get stepIndex(): number {
    return this.cursor;
  }

  get steps(): number {
    return this.generation.length;
  }

  get done(): boolean {
    return this.cursor >= this.generation.length;
  }

  get illegalCount(): number {
    return this.illegalSteps;
  }

  get clippedCount(): number {
    return this.clippedSteps;
  }

  get shortfallMwh(): number {
    return this.shortfallKwhTotal / 1000;
  }

  /** Net metered export so far, kWh (> 0: more sold than bought). */
  get exportedKwh(): number {
    return this.exportKwhTotal;
  }

  get generatedKwh(): number {
    return this.generationKwhTotal;
  }

  generationMw(step: number): number {
    const g = this.generation[step];
    if (g === undefined)
      throw new RangeError(`step ${step} outside the generation profile (0..${this.steps - 1})`);
    return g;
  }

  private generationKwh(step: number): number {
    return Math.round(this.generationMw(step) * this.stepHours * 1000);
  }

  /** The range of `soldMw` that is legal at the current step and state (within the tolerance). */
  legalRangeMw(): { minSoldMw: number; maxSoldMw: number } {
    const gen = this.generationKwh(this.cursor);
    const head = this.battery.headroomKwh(this.stepHours);
    const toMw = 1 / (this.stepHours * 1000);
    const min = gen - head.maxChargeKwh;
    return {
      minSoldMw: (this.allowImport ? min : Math.max(0, min)) * toMw,
      maxSoldMw: (gen + head.maxDischargeKwh) * toMw,
    };
  }

  /** Why `soldMw` would be illegal at the current step and state; null when it is legal. */
  check(soldMw: number): IllegalReason | null {
    if (!Number.isFinite(soldMw)) return 'non-finite';
    const soldKwh = Math.round(soldMw * this.stepHours * 1000);
    if (soldKwh < 0 && !this.allowImport) return 'import';
    const battReq = this.generationKwh(this.cursor) - soldKwh;
    const head = this.battery.headroomKwh(this.stepHours);
    if (battReq > head.maxChargeKwh + this.toleranceKwh) return 'charge-limit';
    if (-battReq > head.maxDischargeKwh + this.toleranceKwh) return 'discharge-limit';
    return null;
  }

  /** The step's plan for `soldMw`: what is requested of the battery. No state change. */
  private plan(soldMw: number): {
    step: number;
    generationKwh: number;
    reason: IllegalReason | null;
    requestedSoldKwh: number;
    batteryRequestedKwh: number;
    schedule: number;
  } {
    const step = this.cursor;
    const generationKwh = this.generationKwh(step);
    const reason = this.check(soldMw);
    const requestedSoldKwh = Number.isFinite(soldMw) ? Math.round(soldMw * this.stepHours * 1000) : 0;
    const batteryRequestedKwh = generationKwh - requestedSoldKwh;
    let schedule: number;
    if (reason === null) schedule = batteryRequestedKwh;
    else if (this.illegalPolicy === 'ignore' || reason === 'non-finite') schedule = 0;
    else if (reason === 'import')
      schedule = generationKwh; // raised to sold = 0, then clipped
    else schedule = batteryRequestedKwh;
    return { step, generationKwh, reason, requestedSoldKwh, batteryRequestedKwh, schedule };
  }

  /**
   * What `step(soldMw)` would meter at the current step, without changing any state (the battery
   * part from BatteryTwin.preview, i.e. its headroom). Equal to step's fields of the same names.
   */
  preview(
    soldMw: number,
  ): Pick<
    ProsumerStep,
    'generationKwh' | 'batteryKwh' | 'exportKwh' | 'illegal' | 'illegalReason' | 'clipped' | 'shortfallKwh'
  > {
    const p = this.plan(soldMw);
    const b = this.battery.preview(p.schedule, this.stepHours);
    const batteryKwh = b.meteredKwh === 0 ? 0 : b.meteredKwh;
    const exportKwh = p.generationKwh - batteryKwh;
    return {
      generationKwh: p.generationKwh,
      batteryKwh,
      exportKwh,
      illegal: p.reason !== null,
      illegalReason: p.reason,
      clipped: b.clipped,
      shortfallKwh: Math.abs(p.requestedSoldKwh - exportKwh),
    };
  }

  /** Runs the current step with `soldMw` sold to the grid and moves to the next one. */
  step(soldMw: number): ProsumerStep {
    const { step, generationKwh, reason, requestedSoldKwh, batteryRequestedKwh, schedule } =
      this.plan(soldMw);
    const b = this.battery.step(schedule, this.stepHours);
    const batteryKwh = b.meteredKwh === 0 ? 0 : b.meteredKwh; // no −0 in records
    const exportKwh = generationKwh - batteryKwh;
    const shortfallKwh = Math.abs(requestedSoldKwh - exportKwh);
    if (reason !== null) this.illegalSteps++;
    if (b.clipped) this.clippedSteps++;
    this.shortfallKwhTotal += shortfallKwh;
    this.exportKwhTotal += exportKwh;
    this.generationKwhTotal += generationKwh;
    this.cursor++;
    return {
      step,
      generationKwh,
      requestedSoldKwh,
      batteryRequestedKwh,
      batteryKwh,
      exportKwh,
      illegal: reason !== null,
      illegalReason: reason,
      clipped: b.clipped,
      shortfallKwh,
      socBeforeMwh: b.socBeforeMwh,
      socAfterMwh: b.socAfterMwh,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Seed 003 discrete-action adapter.
//
// Actions A = {−1, −0.5, 0, 0.5, 1} are (p⁺ − p⁻)/P̄: the battery charges with a × P̄ (a > 0) or
// discharges with |a| × P̄ (a < 0); the grid takes the rest, so sold = gen − a × P̄ (buying when
// negative, eq. 1b without demand; net the demand into the generation profile if there is one).
// Stored energy follows eq. (1f) e_t − e_{t−1} = η⁺ p⁺ − p⁻ / η⁻ (the BatteryTwin's update) and
// must stay within (1g) E_min ≤ e_t ≤ E_max. Seed 003: "actions that violate this constraint
// should be avoided ... another action is used to avoid this violation and if all actions cause
// violating this constraint the total cost is penalized by a relatively large number"; its
// Algorithm 1 picks the replacement at random from the remaining actions and penalizes the
// reward of each violating one. Here:
//   - an action violates when the prosumer would find it illegal (SoC room, power, or import),
//   - a violating request is counted and costs `violationPenaltyEur` once,
//   - it is replaced by a feasible action: uniformly at random among the feasible remaining ones
//     when an rng is given (Algorithm 1), else deterministically the feasible action closest to
//     the request (ties: the smaller |a|),
//   - if no action is feasible (impossible with a = 0 in the set) the battery stays idle, the
//     generation is sold, and `infeasibleCount` counts the step (same penalty, once).
// ---------------------------------------------------------------------------------------------

export const SEED003_ACTIONS: readonly number[] = [-1, -0.5, 0, 0.5, 1];

export interface DiscreteProsumerOptions {
  /** €; charged once per violating request (default 1000). */
  violationPenaltyEur?: number;
  /** P̄, MW (default: the battery's powerMw; seed 003 uses 10). */
  pBarMw?: number;
  /** Replacement choice as in seed 003 Algorithm 1; without it the nearest feasible action. */
  rng?: RandomSource;
  actions?: readonly number[];
}

export interface DiscreteProsumerStep extends ProsumerStep {
  requestedAction: number;
  executedAction: number | null;
  violation: boolean;
  penaltyEur: number;
}

export class DiscreteActionProsumer {
  readonly actions: readonly number[];
  readonly pBarMw: number;
  readonly violationPenaltyEur: number;
  private violations = 0;
  private infeasible = 0;
  private penaltyTotal = 0;

  constructor(
    readonly prosumer: RenewableBatteryProsumer,
    private readonly opts: DiscreteProsumerOptions = {},
  ) {
    this.actions = opts.actions ?? SEED003_ACTIONS;
    this.pBarMw = opts.pBarMw ?? prosumer.battery.spec.powerMw;
    this.violationPenaltyEur = opts.violationPenaltyEur ?? 1000;
  }

  get violationCount(): number {
    return this.violations;
  }

  get infeasibleCount(): number {
    return this.infeasible;
  }

  get penaltyEur(): number {
    return this.penaltyTotal;
  }

  /** sold = gen − a × P̄, MW, at the current step. */
  soldMwFor(action: number): number {
    return this.prosumer.generationMw(this.prosumer.stepIndex) - action * this.pBarMw;
  }

  /** The actions that keep (1g) and the power limit at the current step, in `actions` order. */
  feasibleActions(): number[] {
    return this.actions.filter((a) => this.prosumer.check(this.soldMwFor(a)) === null);
  }

  /** Runs the current step with action index `index` into `actions` (seed 003: 0..4). */
  stepIndex(index: number): DiscreteProsumerStep {
    const a = this.actions[index];
    if (a === undefined) throw new RangeError(`action index ${index} outside 0..${this.actions.length - 1}`);
    return this.step(a);
  }

  /** Runs the current step with action value `action` (a member of `actions`). */
  step(action: number): DiscreteProsumerStep {
    if (!this.actions.includes(action))
      throw new RangeError(`action ${action} is not one of ${this.actions.join(', ')}`);
    const feasible = this.feasibleActions();
    let executed: number | null = action;
    let violation = false;
    if (!feasible.includes(action)) {
      violation = true;
      this.violations++;
      if (feasible.length === 0) {
        executed = null;
        this.infeasible++;
      } else if (this.opts.rng) {
        executed =
          feasible[Math.min(feasible.length - 1, Math.floor(this.opts.rng.next() * feasible.length))]!;
      } else {
        executed = [...feasible].sort(
          (x, y) => Math.abs(x - action) - Math.abs(y - action) || Math.abs(x) - Math.abs(y),
        )[0]!;
      }
    }
    const penaltyEur = violation ? this.violationPenaltyEur : 0;
    this.penaltyTotal += penaltyEur;
    // No feasible action (only possible with a custom action set without 0): battery idle,
    // the generation is sold. `requestedSoldKwh` in the result is what was executed.
    const sold =
      executed === null ? this.prosumer.generationMw(this.prosumer.stepIndex) : this.soldMwFor(executed);
    const res = this.prosumer.step(sold);
    // Object.assign, not a spread: the spread of the 12-field record costs ~10 µs under tsx.
    return Object.assign(res, { requestedAction: action, executedAction: executed, violation, penaltyEur });
  }
}
