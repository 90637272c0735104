// The EV-fleet virtual power plant twin (seed 004, Richter 2019, §1.2): |F| car-sharing EVs with
// 3.6 kW chargers and battery capacity Ω, stochastic rentals by hour of day, three 5-minute
// control periods inside each 15-minute market period. The agent commits charging power on the
// markets (a balancing commitment and an intraday position); the twin dispatches plugged-in cars
// to it every control period, resolves rental requests and meters what physically happened:
// delivered energy, imbalance (committed − delivered, whole kWh), industry-tariff energy, refused
// rentals and their opportunity costs ρ_{t,i}. Prices are not the twin's business: the arena feeds
// the metered quantities into ev-fleet-costs.ts (eqs. 2–7).
//
// Rental policy, as the seed implies (§1.2.4, §1.2.6): commitments come first. "If a customer wants
// to rent out an EV that is assigned to the VPP, the controller only has to refuse the rental if
// no other EV is available to charge instead. When no replacement EV is available, the controller
// has to account for lost rental profits ρ_{t,i}." Imbalance β_h arises only "when the fleet can not
// charge the committed amount of energy at all, even with refusing rentals". Hence the default
// 'protect-commitments': a rental of an assigned car is accepted if an unassigned VPP-eligible car
// takes its place, otherwise refused (ρ). A rental is also refused (ρ) when the car lacks charge
// for the trip (§1.2.3 case (b)). The alternative 'protect-mobility' (accept, and the commitment
// takes the shortfall as imbalance) is offered for experiments; it is not the seed's policy.
//
// Deterministic: all randomness is drawn from the injected stream, in a fixed order.
import {
  EV_CHARGER_KW,
  isVppEligible,
  type LostRentalPricing,
  lostRentalCostEur,
  vppCarsNeeded,
} from './ev-fleet-costs.js';
import {
  DEFAULT_RENTAL_PROFILE,
  type EvRandom,
  type RentalContext,
  type RentalProfile,
  type RentalSource,
  StochasticRentals,
} from './ev-fleet-rentals.js';

export type { EvRandom, RentalRequest, RentalSource } from './ev-fleet-rentals.js';

export type RentalPolicy = 'protect-commitments' | 'protect-mobility';

export interface EvFleetParams {
  /** |F|, number of EVs. */
  fleetSize: number;
  /** γ (δ in Table 1), charger power per EV, kW. Seed: 3.6 kW. */
  chargerKw: number;
  /**
   * Ω, battery capacity per EV, kWh. The seed gives no number; assumption 17.6 kWh, the Smart ED
   * of the car2go fleets studied by Kahlen et al. (2018), which the seed builds on.
   */
  capacityKwh: number;
  /** Δt in minutes. Seed: 5. */
  controlPeriodMinutes: number;
  /** T, control periods per market period. Seed: 3 (Δh = 15 min). */
  controlPeriodsPerMarketPeriod: number;
  /** Minute of the day at which control period 0 starts (sets the hour of day of the rentals). */
  startMinuteOfDay: number;
  /** Initial stored energy drawn uniformly in [min, max]·Ω (assumption: 0.3–0.9). */
  initialSocShareMin: number;
  initialSocShareMax: number;
  /**
   * Probability that a parked car is connected to a charger. The brief: returning cars plug in
   * again, so default 1; a car that is not plugged stays unplugged until its next rental.
   */
  plugInProbability: number;
  /**
   * Industry-tariff fallback: plugged, parked cars that are not dispatched for the commitments
   * charge at the industry tariff up to this share of Ω (keeps the fleet rentable; assumption 0.5).
   * 0 disables fallback charging; energy charged this way is metered as tariff energy.
   */
  fallbackTargetSocShare: number;
  /** Energy a car must keep on top of the trip energy to be rented out, kWh (assumption: 0). */
  rentalReserveKwh: number;
  rentalPolicy: RentalPolicy;
  /** ρ_{t,i} pricing (assumption: 0 € + 0.29 €/min of trip). */
  lostRental: LostRentalPricing;
  /** Rental demand profile used by the default stochastic rental source. */
  rentals: RentalProfile;
}

/** The arena's market period, a quarter-hour (run-context.ts builds every twin with stepHours 0.25). */
export const EV_MARKET_PERIOD_SECONDS = 900;

/**
 * The values of T (controlPeriodsPerMarketPeriod, at most 60) that split the market period into
 * control periods of whole seconds. The seed's Δt is 5 minutes and it "generalizes to other period
 * lengths", but a control period must start on the clock: the twin places control period t at
 * t·Δt and takes its hour of day (the rental rate) from there, and with 15 min / 7 = 128.571… s or
 * 15 min / 11 = 81.818… s no charger dispatch interval is meant, and periods at whole hours were
 * put in the hour before.
 */
export const EV_CONTROL_PERIOD_COUNTS: readonly number[] = Object.freeze(
  Array.from({ length: 60 }, (_, i) => i + 1).filter((n) => EV_MARKET_PERIOD_SECONDS % n === 0),
);

export const DEFAULT_EV_FLEET_PARAMS: EvFleetParams = Object.freeze({
  fleetSize: 500,
  chargerKw: EV_CHARGER_KW,
  capacityKwh: 17.6,
  controlPeriodMinutes: 5,
  controlPeriodsPerMarketPeriod: 3,
  startMinuteOfDay: 0,
  initialSocShareMin: 0.3,
  initialSocShareMax: 0.9,
  plugInProbability: 1,
  fallbackTargetSocShare: 0.5,
  rentalReserveKwh: 0,
  rentalPolicy: 'protect-commitments' as RentalPolicy,
  lostRental: Object.freeze({ baseEur: 0, perMinuteEur: 0.29 }),
  rentals: DEFAULT_RENTAL_PROFILE,
});

/** One car's state. `returnAt` is the control period at whose start the car is back; −1 = parked. */
export interface EvCarState {
  socKwh: number;
  plugged: boolean;
  returnAt: number;
}

export interface EvFleetState {
  /** Index of the next control period to run. */
  controlPeriod: number;
  cars: EvCarState[];
}

export interface EvCarView extends EvCarState {
  id: number;
  onTrip: boolean;
}

/** The market position of one 15-minute market period, MW of charging (≥ 0; no V2G in the seed). */
export interface EvMarketCommitment {
  /** P_h^bal, balancing capacity committed, MW. */
  balancingMw: number;
  /** Share of the balancing capacity activated, [0, 1]; the seed's eq. 2 assumes 1 (default). */
  balancingActivation?: number;
  /** P_h^intr, charging power bought on the intraday market, MW. */
  intradayMw: number;
}

export type RentalOutcome =
  | 'accepted'
  | 'accepted-substituted'
  | 'accepted-at-commitment-expense'
  | 'refused-reserved'
  | 'refused-low-charge';

export interface RentalDecision {
  controlPeriod: number;
  carId: number;
  outcome: RentalOutcome;
  /** The unassigned car that took over the charging, for 'accepted-substituted'. */
  substituteCarId?: number;
  /** ρ_{t,i} for refusals, else 0. */
  lostRentalCostEur: number;
}

export interface EvControlPeriodReport {
  controlPeriod: number;
  hourOfDay: number;
  /** Commitment to charge in this control period, kW. */
  commitmentKw: number;
  /** |VPP| of eq. 6 at dispatch (after returns, before rentals). */
  vppSize: number;
  /** Cars assigned at dispatch, min(⌈P/γ⌉, |VPP|) (eq. 9). */
  assignedAtDispatch: number;
  /** Cars actually charging for the commitments after rentals. */
  assignedCharging: number;
  /** Power charged for the commitments, kW (≤ commitment, ≤ γ·assigned). */
  dispatchedKw: number;
  /** Power charged at the industry tariff (fallback), kW. */
  tariffKw: number;
  pluggedParked: number;
  deliveredKwh: number;
  committedKwh: number;
  tariffKwh: number;
  returns: number;
  rentalRequests: number;
  accepted: number;
  substitutions: number;
  acceptedAtCommitmentExpense: number;
  refusedReserved: number;
  refusedLowCharge: number;
  lostRentalCostEur: number;
  decisions: RentalDecision[];
}

export interface EvMarketPeriodReport {
  /** Market period index (control period of its start ÷ T). */
  marketPeriod: number;
  startControlPeriod: number;
  hourOfDay: number;
  commitment: Required<EvMarketCommitment>;
  /** Total committed charging power, kW (balancing × activation + intraday). */
  commitmentKw: number;
  /** Metered whole kWh (floor, as the battery twin meters). */
  committedKwh: number;
  deliveredKwh: number;
  /** committedKwh − deliveredKwh, ≥ 0: committed charging energy that was not charged. */
  imbalanceKwh: number;
  /** Split of committedKwh: intraday = ⌊intraday kW × Δh⌋, balancing = the rest. */
  committedBalancingKwh: number;
  committedIntradayKwh: number;
  /** Split of the imbalance; the balancing activation is served first, so intraday is short first. */
  imbalanceBalancingKwh: number;
  imbalanceIntradayKwh: number;
  tariffKwh: number;
  committedKwhExact: number;
  deliveredKwhExact: number;
  tariffKwhExact: number;
  minVppSize: number;
  rentalRequests: number;
  acceptedRentals: number;
  refusedRentals: number;
  refusedReserved: number;
  refusedLowCharge: number;
  substitutions: number;
  acceptedAtCommitmentExpense: number;
  /** ρ_{t,i} of each refused rental (Σ_t Σ_i of eq. 7). */
  lostRentalCostsEur: number[];
  lostRentalCostEur: number;
  controlPeriods: EvControlPeriodReport[];
}

export interface EvFleetOptions {
  /** Start from this state instead of drawing one (fleetSize is then the state's car count). */
  initialState?: EvFleetState;
  /** Rental demand; defaults to StochasticRentals on the same injected stream. */
  rentalSource?: RentalSource;
}

const EPS = 1e-9;

/** Whole-kWh metering: floor with a tolerance for float noise (200.25 → 200, 199.9999999999 → 200). */
export function meterWholeKwh(kwh: number): number {
  return Math.floor(kwh + 1e-6);
}

function validateParams(p: EvFleetParams): void {
  const positive: (keyof EvFleetParams)[] = [
    'chargerKw',
    'capacityKwh',
    'controlPeriodMinutes',
    'controlPeriodsPerMarketPeriod',
  ];
  for (const k of positive) {
    const v = p[k] as number;
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${k} must be > 0, got ${v}`);
  }
  if (!Number.isInteger(p.fleetSize) || p.fleetSize < 0) throw new RangeError(`bad fleetSize ${p.fleetSize}`);
  if (!Number.isInteger(p.controlPeriodsPerMarketPeriod)) throw new RangeError('T must be an integer');
  // Whole seconds keep t·Δt on the clock: hourAt's float minutes then never fall a hair short of
  // a whole hour (they did for 15/11 min).
  const seconds = p.controlPeriodMinutes * 60;
  if (Math.abs(seconds - Math.round(seconds)) > 1e-6)
    throw new RangeError(`controlPeriodMinutes must be whole seconds, got ${p.controlPeriodMinutes} min`);
  const shares: (keyof EvFleetParams)[] = [
    'initialSocShareMin',
    'initialSocShareMax',
    'plugInProbability',
    'fallbackTargetSocShare',
  ];
  for (const k of shares) {
    const v = p[k] as number;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${k} must lie in [0, 1], got ${v}`);
  }
  if (p.initialSocShareMin > p.initialSocShareMax) throw new RangeError('initialSocShareMin > max');
  if (!(p.rentalReserveKwh >= 0)) throw new RangeError('rentalReserveKwh must be >= 0');
}

export class EvFleet {
  readonly params: EvFleetParams;
  readonly fleetSize: number;
  private t: number;
  private readonly soc: Float64Array;
  private readonly plugged: Uint8Array;
  private readonly returnAt: Int32Array;
  /** Position of the car in `assignedList`, or −1. Valid during a control period. */
  private readonly assignedPos: Int32Array;
  private assignedList: number[] = [];
  private readonly source: RentalSource;
  private readonly dtHours: number;

  constructor(
    private readonly rng: EvRandom,
    params: Partial<EvFleetParams> = {},
    options: EvFleetOptions = {},
  ) {
    const merged: EvFleetParams = { ...DEFAULT_EV_FLEET_PARAMS, ...params };
    if (options.initialState) merged.fleetSize = options.initialState.cars.length;
    validateParams(merged);
    this.params = Object.freeze(merged);
    const n = merged.fleetSize;
    this.fleetSize = n;
    this.dtHours = merged.controlPeriodMinutes / 60;
    this.soc = new Float64Array(n);
    this.plugged = new Uint8Array(n);
    this.returnAt = new Int32Array(n).fill(-1);
    this.assignedPos = new Int32Array(n).fill(-1);
    const init = options.initialState;
    if (init) {
      if (!Number.isInteger(init.controlPeriod) || init.controlPeriod < 0) {
        throw new RangeError(`bad controlPeriod ${init.controlPeriod}`);
      }
      this.t = init.controlPeriod;
      init.cars.forEach((c, i) => {
        if (!(c.socKwh >= 0 && c.socKwh <= merged.capacityKwh)) {
          throw new RangeError(`car ${i}: socKwh ${c.socKwh} outside [0, ${merged.capacityKwh}]`);
        }
        this.soc[i] = c.socKwh;
        this.plugged[i] = c.plugged ? 1 : 0;
        this.returnAt[i] = c.returnAt;
      });
    } else {
      this.t = 0;
      const span = merged.initialSocShareMax - merged.initialSocShareMin;
      for (let i = 0; i < n; i++) {
        this.soc[i] = (merged.initialSocShareMin + span * rng.next()) * merged.capacityKwh;
        this.plugged[i] = this.drawPlugIn() ? 1 : 0;
      }
    }
    this.source =
      options.rentalSource ?? new StochasticRentals(rng, n, merged.controlPeriodMinutes, merged.rentals);
  }

  /** Index of the next control period to run. */
  get controlPeriod(): number {
    return this.t;
  }

  /** Hour of day (0..23) of the next control period. */
  get hourOfDay(): number {
    return this.hourAt(this.t);
  }

  private hourAt(t: number): number {
    const minute = (this.params.startMinuteOfDay + t * this.params.controlPeriodMinutes) % 1440;
    return Math.floor(minute / 60);
  }

  private drawPlugIn(): boolean {
    const p = this.params.plugInProbability;
    if (p >= 1) return true;
    if (p <= 0) return false;
    return this.rng.next() < p;
  }

  private eligible(i: number): boolean {
    return (
      this.returnAt[i] === -1 &&
      isVppEligible(
        this.plugged[i] === 1,
        this.soc[i]!,
        this.params.capacityKwh,
        this.params.chargerKw,
        this.dtHours,
      )
    );
  }

  /** Copy of the state, enough to rebuild an identical twin (with a stream in the same state). */
  snapshot(): EvFleetState {
    const cars: EvCarState[] = [];
    for (let i = 0; i < this.fleetSize; i++) {
      cars.push({ socKwh: this.soc[i]!, plugged: this.plugged[i] === 1, returnAt: this.returnAt[i]! });
    }
    return { controlPeriod: this.t, cars };
  }

  /**
   * Puts the fleet back into a state taken with `snapshot()` from this fleet (same car count).
   * The stream is not part of the state: a caller that wants to replay draws must supply a
   * stream in the same state itself. Used to preview a market period without keeping it.
   */
  restore(state: EvFleetState): void {
    if (state.cars.length !== this.fleetSize) {
      throw new RangeError(`state has ${state.cars.length} cars, the fleet ${this.fleetSize}`);
    }
    this.t = state.controlPeriod;
    state.cars.forEach((c, i) => {
      this.soc[i] = c.socKwh;
      this.plugged[i] = c.plugged ? 1 : 0;
      this.returnAt[i] = c.returnAt;
    });
    for (const i of this.assignedList) this.assignedPos[i] = -1;
    this.assignedList = [];
  }

  cars(): EvCarView[] {
    return this.snapshot().cars.map((c, id) => ({ ...c, id, onTrip: c.returnAt !== -1 }));
  }

  /** |VPP| of eq. 6 right now: parked, plugged cars with room for one control period of charging. */
  vppSize(): number {
    let n = 0;
    for (let i = 0; i < this.fleetSize; i++) if (this.eligible(i)) n++;
    return n;
  }

  /** P_t^fleet = |VPP|·γ, kW. (Cars due back at the next control period are not counted yet.) */
  availableChargingPowerKw(): number {
    return this.vppSize() * this.params.chargerKw;
  }

  pluggedParkedCount(): number {
    let n = 0;
    for (let i = 0; i < this.fleetSize; i++) if (this.returnAt[i] === -1 && this.plugged[i] === 1) n++;
    return n;
  }

  onTripCount(): number {
    let n = 0;
    for (let i = 0; i < this.fleetSize; i++) if (this.returnAt[i] !== -1) n++;
    return n;
  }

  /**
   * Runs one control period with `commitmentKw` of committed charging power:
   * returns → eq. 6 VPP → dispatch ⌈P/γ⌉ cars (lowest SoC first) → rentals (with substitution) →
   * charging (commitment, then the industry-tariff fallback).
   */
  stepControlPeriod(commitmentKw: number): EvControlPeriodReport {
    if (!(Number.isFinite(commitmentKw) && commitmentKw >= 0)) {
      throw new RangeError(`commitment must be a finite charging power >= 0 kW, got ${commitmentKw}`);
    }
    const { chargerKw, capacityKwh } = this.params;
    const dt = this.dtHours;
    const t = this.t;
    const n = this.fleetSize;
    const hourOfDay = this.hourAt(t);

    // 1. Cars whose trip ends now are back and plug in again.
    let returns = 0;
    for (let i = 0; i < n; i++) {
      const r = this.returnAt[i]!;
      if (r !== -1 && r <= t) {
        this.returnAt[i] = -1;
        this.plugged[i] = this.drawPlugIn() ? 1 : 0;
        returns++;
      }
    }

    // 2. The VPP (eq. 6), lowest SoC first: those cars need the charge most and are the least
    // useful for rentals, so they are dispatched first; the fuller ones stay free for customers.
    const eligible: number[] = [];
    for (let i = 0; i < n; i++) if (this.eligible(i)) eligible.push(i);
    const soc = this.soc;
    eligible.sort((a, b) => soc[a]! - soc[b]! || a - b);
    const nAssign = Math.min(vppCarsNeeded(commitmentKw, chargerKw), eligible.length);
    for (const i of this.assignedList) this.assignedPos[i] = -1;
    this.assignedList = eligible.slice(0, nAssign);
    this.assignedList.forEach((i, k) => {
      this.assignedPos[i] = k;
    });
    let spareCursor = nAssign;

    // 3. Rentals, in arrival order.
    const parkedCarIds: number[] = [];
    for (let i = 0; i < n; i++) if (this.returnAt[i] === -1) parkedCarIds.push(i);
    const ctx: RentalContext = {
      controlPeriod: t,
      hourOfDay,
      parkedCarIds,
      isAssigned: (id) => this.assignedPos[id] !== undefined && this.assignedPos[id] !== -1,
      isEligible: (id) => id >= 0 && id < n && this.eligible(id),
    };
    const requests = this.source.requests(ctx);
    const decisions: RentalDecision[] = [];
    let accepted = 0;
    let substitutions = 0;
    let atExpense = 0;
    let refusedReserved = 0;
    let refusedLowCharge = 0;
    let lostCost = 0;
    for (const req of requests) {
      const car = req.carId;
      if (!(Number.isInteger(car) && car >= 0 && car < n) || this.returnAt[car] !== -1) {
        throw new RangeError(`rental request for car ${car}, which is not parked in control period ${t}`);
      }
      if (!(req.tripEnergyKwh >= 0 && req.tripControlPeriods >= 1 && req.tripMinutes >= 0)) {
        throw new RangeError(`bad rental request ${JSON.stringify(req)}`);
      }
      const refuse = (outcome: RentalOutcome): void => {
        const rho = lostRentalCostEur(req.tripMinutes, this.params.lostRental);
        lostCost += rho;
        decisions.push({ controlPeriod: t, carId: car, outcome, lostRentalCostEur: rho });
      };
      if (this.soc[car]! + EPS < req.tripEnergyKwh + this.params.rentalReserveKwh) {
        refusedLowCharge++;
        refuse('refused-low-charge');
        continue;
      }
      const pos = this.assignedPos[car]!;
      let outcome: RentalOutcome = 'accepted';
      let substituteCarId: number | undefined;
      if (pos !== -1) {
        // The car is charging for the commitments: find an unassigned VPP car to take over.
        let sub = -1;
        while (spareCursor < eligible.length) {
          const cand = eligible[spareCursor++]!;
          if (this.assignedPos[cand] === -1 && this.returnAt[cand] === -1) {
            sub = cand;
            break;
          }
        }
        if (sub !== -1) {
          this.assignedList[pos] = sub;
          this.assignedPos[sub] = pos;
          this.assignedPos[car] = -1;
          substitutions++;
          substituteCarId = sub;
          outcome = 'accepted-substituted';
        } else if (this.params.rentalPolicy === 'protect-commitments') {
          refusedReserved++;
          refuse('refused-reserved');
          continue;
        } else {
          const last = this.assignedList.pop()!;
          if (last !== car) {
            this.assignedList[pos] = last;
            this.assignedPos[last] = pos;
          }
          this.assignedPos[car] = -1;
          atExpense++;
          outcome = 'accepted-at-commitment-expense';
        }
      }
      accepted++;
      this.returnAt[car] = t + req.tripControlPeriods;
      this.plugged[car] = 0;
      this.soc[car] = Math.max(0, this.soc[car]! - req.tripEnergyKwh);
      decisions.push({
        controlPeriod: t,
        carId: car,
        outcome,
        lostRentalCostEur: 0,
        ...(substituteCarId === undefined ? {} : { substituteCarId }),
      });
    }

    // 4. Charging for the commitments: every assigned car at γ, the last one at the residual
    // (chargers modulate their current), so exactly min(P, γ·assigned) is drawn.
    const assignedCharging = this.assignedList.length;
    const dispatchedKw = Math.min(commitmentKw, assignedCharging * chargerKw);
    let remainingKw = dispatchedKw;
    let deliveredKwh = 0;
    for (const i of this.assignedList) {
      const p = Math.min(chargerKw, remainingKw);
      remainingKw -= p;
      const e = Math.min(p * dt, capacityKwh - soc[i]!);
      soc[i] = Math.min(capacityKwh, soc[i]! + e);
      deliveredKwh += e;
    }

    // 5. Industry-tariff fallback for the other plugged, parked cars below the target SoC.
    const target = this.params.fallbackTargetSocShare * capacityKwh;
    let tariffKwh = 0;
    let pluggedParked = 0;
    for (let i = 0; i < n; i++) {
      if (this.returnAt[i] !== -1 || this.plugged[i] !== 1) continue;
      pluggedParked++;
      if (this.assignedPos[i] !== -1 || soc[i]! >= target) continue;
      const e = Math.max(0, Math.min(chargerKw * dt, target - soc[i]!, capacityKwh - soc[i]!));
      soc[i] = soc[i]! + e;
      tariffKwh += e;
    }

    this.t = t + 1;
    return {
      controlPeriod: t,
      hourOfDay,
      commitmentKw,
      vppSize: eligible.length,
      assignedAtDispatch: nAssign,
      assignedCharging,
      dispatchedKw,
      tariffKw: tariffKwh / dt,
      pluggedParked,
      deliveredKwh,
      committedKwh: commitmentKw * dt,
      tariffKwh,
      returns,
      rentalRequests: requests.length,
      accepted,
      substitutions,
      acceptedAtCommitmentExpense: atExpense,
      refusedReserved,
      refusedLowCharge,
      lostRentalCostEur: lostCost,
      decisions,
    };
  }

  /** Runs the T control periods of one market period against the market commitments. */
  stepMarketPeriod(commitment: EvMarketCommitment): EvMarketPeriodReport {
    const activation = commitment.balancingActivation ?? 1;
    for (const [k, v] of [
      ['balancingMw', commitment.balancingMw],
      ['intradayMw', commitment.intradayMw],
    ] as const) {
      if (!(Number.isFinite(v) && v >= 0)) {
        throw new RangeError(`${k} must be a finite charging power >= 0 MW (the fleet has no V2G), got ${v}`);
      }
    }
    if (!(activation >= 0 && activation <= 1)) {
      throw new RangeError(`balancingActivation must lie in [0, 1], got ${activation}`);
    }
    const balancingKw = commitment.balancingMw * 1000 * activation;
    const intradayKw = commitment.intradayMw * 1000;
    const commitmentKw = balancingKw + intradayKw;
    const startControlPeriod = this.t;
    const hourOfDay = this.hourAt(startControlPeriod);
    const cps: EvControlPeriodReport[] = [];
    for (let k = 0; k < this.params.controlPeriodsPerMarketPeriod; k++) {
      cps.push(this.stepControlPeriod(commitmentKw));
    }
    let committedExact = 0;
    let deliveredExact = 0;
    let tariffExact = 0;
    let minVpp = Number.POSITIVE_INFINITY;
    const lost: number[] = [];
    const sum = (f: (r: EvControlPeriodReport) => number): number => cps.reduce((s, r) => s + f(r), 0);
    for (const r of cps) {
      committedExact += r.committedKwh;
      deliveredExact += r.deliveredKwh;
      tariffExact += r.tariffKwh;
      minVpp = Math.min(minVpp, r.vppSize);
      for (const d of r.decisions) if (d.outcome.startsWith('refused')) lost.push(d.lostRentalCostEur);
    }
    const committedKwh = meterWholeKwh(committedExact);
    const deliveredKwh = Math.min(committedKwh, meterWholeKwh(deliveredExact));
    const imbalanceKwh = committedKwh - deliveredKwh;
    // Balancing is served first: metered delivery goes to the balancing activation until it is
    // covered, so the intraday position is short first. Intraday commitment metered floor-wise.
    const committedIntradayKwh = Math.min(
      committedKwh,
      meterWholeKwh(intradayKw * this.dtHours * this.params.controlPeriodsPerMarketPeriod),
    );
    const committedBalancingKwh = committedKwh - committedIntradayKwh;
    const deliveredBalancingKwh = Math.min(committedBalancingKwh, deliveredKwh);
    const imbalanceBalancingKwh = committedBalancingKwh - deliveredBalancingKwh;
    const refusedReserved = sum((r) => r.refusedReserved);
    const refusedLowCharge = sum((r) => r.refusedLowCharge);
    return {
      marketPeriod: Math.floor(startControlPeriod / this.params.controlPeriodsPerMarketPeriod),
      startControlPeriod,
      hourOfDay,
      commitment: {
        balancingMw: commitment.balancingMw,
        balancingActivation: activation,
        intradayMw: commitment.intradayMw,
      },
      commitmentKw,
      committedKwh,
      deliveredKwh,
      imbalanceKwh,
      committedBalancingKwh,
      committedIntradayKwh,
      imbalanceBalancingKwh,
      imbalanceIntradayKwh: imbalanceKwh - imbalanceBalancingKwh,
      tariffKwh: meterWholeKwh(tariffExact),
      committedKwhExact: committedExact,
      deliveredKwhExact: deliveredExact,
      tariffKwhExact: tariffExact,
      minVppSize: minVpp,
      rentalRequests: sum((r) => r.rentalRequests),
      acceptedRentals: sum((r) => r.accepted),
      refusedRentals: refusedReserved + refusedLowCharge,
      refusedReserved,
      refusedLowCharge,
      substitutions: sum((r) => r.substitutions),
      acceptedAtCommitmentExpense: sum((r) => r.acceptedAtCommitmentExpense),
      lostRentalCostsEur: lost,
      lostRentalCostEur: lost.reduce((s, x) => s + x, 0),
      controlPeriods: cps,
    };
  }
}
