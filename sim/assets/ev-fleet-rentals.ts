// Rental demand of the EV-fleet twin (seed 004, Richter 2019). The seed describes a free-floating
// car-sharing fleet whose rentals depend on the time of day ("Both bidding risk dependent on
// daytime in hours", state h(t) ∈ [0, 23]) and which refuses rentals when an EV is needed by the
// VPP or lacks charge for the planned trip, but it gives no demand numbers. Everything numeric here
// is an assumption, chosen to be plausible for a city car-sharing fleet, and stated as such.
//
// Randomness comes only from the injected stream; the same stream state gives the same requests.

/** The injected random stream (the arena passes a named, seeded stream). */
export interface EvRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal. */
  normal(): number;
  /** Uniform integer in [from, to], both included. */
  int(from: number, to: number): number;
}

/** One customer's request to rent a specific parked EV now. */
export interface RentalRequest {
  carId: number;
  /** Trip length in minutes (drives ρ_{t,i}). */
  tripMinutes: number;
  /** Trip length in whole control periods (at least 1); the car is back after this many. */
  tripControlPeriods: number;
  /** Energy the trip consumes, kWh; a car with less stored energy cannot serve it. */
  tripEnergyKwh: number;
}

/** What a rental source may see when it draws the requests of one control period. */
export interface RentalContext {
  controlPeriod: number;
  hourOfDay: number;
  /** Ids of cars that are parked (not on a trip), ascending. Customers can only ask for these. */
  parkedCarIds: readonly number[];
  /** Whether the car is currently assigned to the VPP (dispatched for the commitments). */
  isAssigned(carId: number): boolean;
  /** Whether the car is in the VPP set of eq. 6 (plugged, with room for one control period). */
  isEligible(carId: number): boolean;
}

/** Produces the rental requests of a control period, in arrival order. */
export interface RentalSource {
  requests(ctx: RentalContext): RentalRequest[];
}

export interface RentalProfile {
  /**
   * Rental requests per fleet car per hour, by hour of day 0..23. Assumption: a two-peak
   * commuter profile (morning 8–9 h, evening 17–19 h), quiet nights; averages ≈ 0.06 requests
   * per car and hour, i.e. ≈ 1.4 trips per car and day, typical of free-floating car sharing.
   */
  requestsPerCarHour: readonly number[];
  /** Median trip length, minutes (assumption: 30 min). */
  tripMedianMinutes: number;
  /** σ of ln(trip minutes) (assumption: 0.6 → 90 % of trips within ≈ 11–80 min). */
  tripSigmaLog: number;
  tripMinMinutes: number;
  tripMaxMinutes: number;
  /**
   * Energy per hour of trip, kWh/h (assumption: ≈ 20 km/h urban average × 0.15 kWh/km
   * ≈ 3 kWh per hour rented).
   */
  kwhPerTripHour: number;
  /** σ of the log-normal factor (median 1) on the trip energy (assumption: 0.25). */
  energySigmaLog: number;
}

export const DEFAULT_RENTAL_PROFILE: RentalProfile = Object.freeze({
  requestsPerCarHour: Object.freeze([
    0.02, 0.015, 0.01, 0.01, 0.01, 0.02, 0.04, 0.08, 0.1, 0.08, 0.06, 0.06, 0.07, 0.07, 0.07, 0.08, 0.09,
    0.11, 0.12, 0.1, 0.08, 0.06, 0.05, 0.03,
  ]),
  tripMedianMinutes: 30,
  tripSigmaLog: 0.6,
  tripMinMinutes: 5,
  tripMaxMinutes: 240,
  kwhPerTripHour: 3,
  energySigmaLog: 0.25,
});

/**
 * Poisson-distributed count with the given mean: Knuth's product method for small means
 * (exact), a rounded normal approximation above 30 (the relative error there is negligible).
 */
export function poisson(mean: number, rng: EvRandom): number {
  if (!(mean > 0)) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Draws one trip: log-normal minutes (clamped), energy ∝ minutes with a log-normal factor. */
export function sampleTrip(
  profile: RentalProfile,
  rng: EvRandom,
  controlPeriodMinutes: number,
): Omit<RentalRequest, 'carId'> {
  const raw = Math.exp(Math.log(profile.tripMedianMinutes) + profile.tripSigmaLog * rng.normal());
  const tripMinutes = Math.min(profile.tripMaxMinutes, Math.max(profile.tripMinMinutes, raw));
  const factor = Math.exp(profile.energySigmaLog * rng.normal());
  return {
    tripMinutes,
    tripControlPeriods: Math.max(1, Math.ceil(tripMinutes / controlPeriodMinutes - 1e-9)),
    tripEnergyKwh: (tripMinutes / 60) * profile.kwhPerTripHour * factor,
  };
}

/**
 * The default stochastic demand: the number of requests in a control period is
 * Poisson(rate[hour] × |F| × Δt); each request asks for a uniformly chosen parked car (a customer
 * walks to the nearest car, which is effectively random with respect to the VPP assignment).
 * Requests are drawn against the parked cars at the start of the control period; a car asked for
 * twice in one period keeps only the first request (the second customer finds it gone).
 */
export class StochasticRentals implements RentalSource {
  constructor(
    private readonly rng: EvRandom,
    readonly fleetSize: number,
    readonly controlPeriodMinutes: number,
    readonly profile: RentalProfile = DEFAULT_RENTAL_PROFILE,
  ) {
    if (profile.requestsPerCarHour.length !== 24) {
      throw new RangeError(`requestsPerCarHour needs 24 entries, got ${profile.requestsPerCarHour.length}`);
    }
  }

  /** Expected requests in one control period starting in the given hour of day. */
  expectedRequests(hourOfDay: number): number {
    const rate = this.profile.requestsPerCarHour[hourOfDay] ?? 0;
    return rate * this.fleetSize * (this.controlPeriodMinutes / 60);
  }

  requests(ctx: RentalContext): RentalRequest[] {
    const n = poisson(this.expectedRequests(ctx.hourOfDay), this.rng);
    const parked = ctx.parkedCarIds;
    const out: RentalRequest[] = [];
    if (n === 0 || parked.length === 0) return out;
    const taken = new Set<number>();
    for (let k = 0; k < n; k++) {
      const carId = parked[this.rng.int(0, parked.length - 1)]!;
      const trip = sampleTrip(this.profile, this.rng, this.controlPeriodMinutes);
      if (taken.has(carId)) continue;
      taken.add(carId);
      out.push({ carId, ...trip });
    }
    return out;
  }
}

/** A fixed script of requests, for tests and replayed scenarios. */
export class ScriptedRentals implements RentalSource {
  constructor(private readonly script: (ctx: RentalContext) => RentalRequest[]) {}

  requests(ctx: RentalContext): RentalRequest[] {
    return this.script(ctx);
  }
}

/** No rentals at all (a fleet parked for the whole horizon). */
export const NO_RENTALS: RentalSource = Object.freeze({ requests: () => [] });
