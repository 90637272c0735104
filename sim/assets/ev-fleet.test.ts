import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../lib/random.js';
import { EvFleet, type EvFleetState, type EvMarketPeriodReport, meterWholeKwh } from './ev-fleet.js';
import {
  DEFAULT_RENTAL_PROFILE,
  NO_RENTALS,
  poisson,
  ScriptedRentals,
  StochasticRentals,
  sampleTrip,
} from './ev-fleet-rentals.js';

const stream = (seed: number) => new RandomStream('assets.ev-fleet', seed);

function runDay(seed: number, commitmentMw: (h: number) => number, periods = 96): EvMarketPeriodReport[] {
  const fleet = new EvFleet(stream(seed), { fleetSize: 200 });
  const out: EvMarketPeriodReport[] = [];
  for (let h = 0; h < periods; h++)
    out.push(fleet.stepMarketPeriod({ balancingMw: 0, intradayMw: commitmentMw(h) }));
  return out;
}

describe('EvFleet twin', () => {
  it('is deterministic: same seed → same rentals and meter readings; another seed → different', () => {
    const a = runDay(11, () => 0.2);
    const b = runDay(11, () => 0.2);
    expect(b).toEqual(a);
    const rentalsA = a.flatMap((r) => r.controlPeriods.flatMap((c) => c.decisions));
    expect(rentalsA.length).toBeGreaterThan(50);
    const c = runDay(12, () => 0.2);
    expect(c.flatMap((r) => r.controlPeriods.flatMap((x) => x.decisions))).not.toEqual(rentalsA);
  });

  it('refuses a control period that is not whole seconds (its hours fell a hair short of the clock)', () => {
    // 15/11 min: control period 44 started at 60 min but counted in hour 0.
    expect(
      () => new EvFleet(stream(1), { controlPeriodMinutes: 15 / 11, controlPeriodsPerMarketPeriod: 11 }),
    ).toThrow(/controlPeriodMinutes must be whole seconds/);
    const f = new EvFleet(stream(1), {
      fleetSize: 1,
      controlPeriodMinutes: 15 / 9,
      controlPeriodsPerMarketPeriod: 9,
    });
    expect(f.hourOfDay).toBe(0);
  });

  it('rebuilds an identical twin from a snapshot and a stream in the same state', () => {
    const s1 = stream(5);
    const f1 = new EvFleet(s1, { fleetSize: 100 });
    for (let h = 0; h < 10; h++) f1.stepMarketPeriod({ balancingMw: 0.1, intradayMw: 0.05 });
    const snap = f1.snapshot();
    const s2 = stream(5);
    const f2 = new EvFleet(s2, { fleetSize: 100 });
    for (let h = 0; h < 10; h++) f2.stepMarketPeriod({ balancingMw: 0.1, intradayMw: 0.05 });
    // f3 shares f2's stream position and f1's state.
    const f3 = new EvFleet(s2, { fleetSize: 100 }, { initialState: snap });
    expect(f3.stepMarketPeriod({ balancingMw: 0.1, intradayMw: 0 })).toEqual(
      f1.stepMarketPeriod({ balancingMw: 0.1, intradayMw: 0 }),
    );
  });

  it('runs T = 3 control periods per market period and tracks the hour of day', () => {
    const fleet = new EvFleet(stream(1), { fleetSize: 10, startMinuteOfDay: 8 * 60 + 45 });
    const r = fleet.stepMarketPeriod({ balancingMw: 0, intradayMw: 0 });
    expect(r.controlPeriods.map((c) => c.controlPeriod)).toEqual([0, 1, 2]);
    expect(r.hourOfDay).toBe(8);
    expect(fleet.hourOfDay).toBe(9);
    expect(fleet.stepMarketPeriod({ balancingMw: 0, intradayMw: 0 }).marketPeriod).toBe(1);
  });

  it('meets a feasible commitment exactly with no rentals; shortfall beyond |VPP|·γ is imbalance', () => {
    const cars = Array.from({ length: 100 }, () => ({ socKwh: 5, plugged: true, returnAt: -1 }));
    const state: EvFleetState = { controlPeriod: 0, cars };
    const ok = new EvFleet(stream(1), {}, { initialState: state, rentalSource: NO_RENTALS });
    const r1 = ok.stepMarketPeriod({ balancingMw: 0.2, intradayMw: 0.1 });
    expect(r1.deliveredKwhExact).toBeCloseTo(75, 9);
    expect(r1.imbalanceKwh).toBe(0);
    // 0.5 MW against 100 × 3.6 = 360 kW: 140 kW × 0.25 h = 35 kWh short, all of it intraday first.
    const short = new EvFleet(stream(1), {}, { initialState: state, rentalSource: NO_RENTALS });
    const r2 = short.stepMarketPeriod({ balancingMw: 0.3, intradayMw: 0.2 });
    expect(r2.committedKwh).toBe(125);
    expect(r2.deliveredKwh).toBe(90);
    expect(r2.imbalanceKwh).toBe(35);
    expect(r2.imbalanceIntradayKwh).toBe(35);
    expect(r2.imbalanceBalancingKwh).toBe(0);
    // Only 0.05 MW intraday: 15 kWh of the shortfall land on the balancing activation.
    const r3 = new EvFleet(stream(1), {}, { initialState: state, rentalSource: NO_RENTALS }).stepMarketPeriod(
      {
        balancingMw: 0.45,
        intradayMw: 0.05,
      },
    );
    expect(r3.imbalanceKwh).toBe(35);
    expect(r3.imbalanceIntradayKwh).toBe(12);
    expect(r3.imbalanceBalancingKwh).toBe(23);
    // Partial activation: 0.5 MW capacity activated at 40 % = 200 kW, feasible.
    const r4 = new EvFleet(stream(1), {}, { initialState: state, rentalSource: NO_RENTALS }).stepMarketPeriod(
      {
        balancingMw: 0.5,
        balancingActivation: 0.4,
        intradayMw: 0,
      },
    );
    expect(r4.commitmentKw).toBeCloseTo(200, 9);
    expect(r4.imbalanceKwh).toBe(0);
  });

  it('full cars drop out of the VPP (eq. 6) and cannot deliver', () => {
    const cars = Array.from({ length: 10 }, (_, i) => ({
      socKwh: i < 5 ? 17.5 : 10,
      plugged: true,
      returnAt: -1,
    }));
    const fleet = new EvFleet(
      stream(1),
      {},
      { initialState: { controlPeriod: 0, cars }, rentalSource: NO_RENTALS },
    );
    expect(fleet.vppSize()).toBe(5);
    expect(fleet.availableChargingPowerKw()).toBeCloseTo(18, 9);
    const r = fleet.stepMarketPeriod({ balancingMw: 0, intradayMw: 0.036 });
    expect(r.controlPeriods[0]!.dispatchedKw).toBeCloseTo(18, 9);
    expect(r.imbalanceKwh).toBe(meterWholeKwh(9) - meterWholeKwh(4.5));
  });

  it('refuses rentals of cars lacking charge, counts and costs them (ρ = 0.29 €/min)', () => {
    const cars = [
      { socKwh: 0.5, plugged: true, returnAt: -1 },
      { socKwh: 10, plugged: true, returnAt: -1 },
    ];
    const trip = { tripMinutes: 40, tripControlPeriods: 8, tripEnergyKwh: 2 };
    const src = new ScriptedRentals((ctx) =>
      ctx.controlPeriod === 0 ? ctx.parkedCarIds.map((carId) => ({ carId, ...trip })) : [],
    );
    const fleet = new EvFleet(stream(1), {}, { initialState: { controlPeriod: 0, cars }, rentalSource: src });
    const r = fleet.stepMarketPeriod({ balancingMw: 0, intradayMw: 0 });
    expect(r.rentalRequests).toBe(2);
    expect(r.refusedLowCharge).toBe(1);
    expect(r.refusedRentals).toBe(1);
    expect(r.acceptedRentals).toBe(1);
    expect(r.lostRentalCostsEur).toEqual([expect.closeTo(11.6, 9)]);
    expect(r.lostRentalCostEur).toBeCloseTo(11.6, 9);
    // The accepted car left with 2 kWh less and is unplugged; the refused one stayed.
    const [c0, c1] = fleet.cars();
    expect(c1).toMatchObject({ onTrip: true, plugged: false, socKwh: 8, returnAt: 8 });
    expect(c0!.onTrip).toBe(false);
  });

  it('returning cars plug in again after their trip', () => {
    const cars = [{ socKwh: 10, plugged: true, returnAt: -1 }];
    const src = new ScriptedRentals((ctx) =>
      ctx.controlPeriod === 0 ? [{ carId: 0, tripMinutes: 10, tripControlPeriods: 2, tripEnergyKwh: 1 }] : [],
    );
    const fleet = new EvFleet(
      stream(1),
      { fallbackTargetSocShare: 0 },
      { initialState: { controlPeriod: 0, cars }, rentalSource: src },
    );
    fleet.stepControlPeriod(0);
    expect(fleet.onTripCount()).toBe(1);
    fleet.stepControlPeriod(0);
    expect(fleet.onTripCount()).toBe(1);
    const back = fleet.stepControlPeriod(3.6);
    expect(back.returns).toBe(1);
    expect(back.dispatchedKw).toBeCloseTo(3.6, 9);
    expect(fleet.cars()[0]).toMatchObject({ plugged: true, onTrip: false });
    expect(fleet.cars()[0]!.socKwh).toBeCloseTo(9.3, 9);
  });

  it('charges undispatched plugged cars at the industry tariff up to the fallback target only', () => {
    const cars = [
      { socKwh: 2, plugged: true, returnAt: -1 },
      { socKwh: 8.7, plugged: true, returnAt: -1 },
      { socKwh: 12, plugged: true, returnAt: -1 },
      { socKwh: 1, plugged: false, returnAt: -1 },
    ];
    const mk = (share: number) =>
      new EvFleet(
        stream(1),
        { fallbackTargetSocShare: share },
        { initialState: { controlPeriod: 0, cars }, rentalSource: NO_RENTALS },
      );
    const r = mk(0.5).stepControlPeriod(0);
    // Car 0: 0.3 kWh (full γΔt), car 1: 8.8 − 8.7 = 0.1 kWh, car 2 above target, car 3 unplugged.
    expect(r.tariffKwh).toBeCloseTo(0.4, 9);
    expect(mk(0).stepControlPeriod(0).tariffKwh).toBe(0);
    // A dispatched car charges for the commitment, not at the tariff: lowest SoC (car 0) goes first.
    const d = mk(0.5).stepControlPeriod(3.6);
    expect(d.deliveredKwh).toBeCloseTo(0.3, 9);
    expect(d.tariffKwh).toBeCloseTo(0.1, 9);
  });

  it('rejects negative or non-finite commitments (the fleet only charges) and bad scripted rentals', () => {
    const fleet = new EvFleet(stream(1), { fleetSize: 3 });
    expect(() => fleet.stepMarketPeriod({ balancingMw: -0.1, intradayMw: 0 })).toThrow(RangeError);
    expect(() => fleet.stepMarketPeriod({ balancingMw: 0, intradayMw: Number.NaN })).toThrow(RangeError);
    expect(() => fleet.stepMarketPeriod({ balancingMw: 0.1, balancingActivation: 2, intradayMw: 0 })).toThrow(
      RangeError,
    );
    const bad = new EvFleet(
      stream(1),
      { fleetSize: 2 },
      {
        rentalSource: new ScriptedRentals(() => [
          { carId: 7, tripMinutes: 10, tripControlPeriods: 2, tripEnergyKwh: 1 },
        ]),
      },
    );
    expect(() => bad.stepControlPeriod(0)).toThrow(RangeError);
  });

  it('rents more in the evening peak than at night (hourly profile)', () => {
    const count = (startHour: number) => {
      const fleet = new EvFleet(stream(3), { fleetSize: 500, startMinuteOfDay: startHour * 60 });
      let n = 0;
      for (let h = 0; h < 4; h++)
        n += fleet.stepMarketPeriod({ balancingMw: 0, intradayMw: 0 }).rentalRequests;
      return n;
    };
    // Expected: 3 am 0.01 × 500 = 5 per hour; 6 pm 0.12 × 500 = 60 per hour.
    expect(count(18)).toBeGreaterThan(3 * count(3));
    expect(count(18)).toBeGreaterThan(35);
  });
});

describe('ev-fleet rental process', () => {
  it('Poisson counts have the requested mean', () => {
    const s = stream(9);
    for (const mean of [0.4, 5, 50]) {
      let sum = 0;
      const n = 20_000;
      for (let k = 0; k < n; k++) sum += poisson(mean, s);
      expect(sum / n).toBeGreaterThan(mean * 0.95);
      expect(sum / n).toBeLessThan(mean * 1.05);
    }
    expect(poisson(0, s)).toBe(0);
  });

  it('trips stay within their bounds, energy ∝ duration', () => {
    const s = stream(10);
    for (let k = 0; k < 2000; k++) {
      const t = sampleTrip(DEFAULT_RENTAL_PROFILE, s, 5);
      expect(t.tripMinutes).toBeGreaterThanOrEqual(5);
      expect(t.tripMinutes).toBeLessThanOrEqual(240);
      expect(t.tripControlPeriods).toBe(Math.ceil(t.tripMinutes / 5 - 1e-9));
      expect(t.tripEnergyKwh).toBeGreaterThan(0);
    }
  });

  it('the stochastic source only asks for parked cars, each at most once per period', () => {
    const src = new StochasticRentals(stream(2), 1000, 5);
    const parked = Array.from({ length: 50 }, (_, i) => i * 2);
    const ctx = {
      controlPeriod: 0,
      hourOfDay: 18,
      parkedCarIds: parked,
      isAssigned: () => false,
      isEligible: () => true,
    };
    for (let k = 0; k < 50; k++) {
      const reqs = src.requests(ctx);
      const ids = reqs.map((r) => r.carId);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(parked).toContain(id);
    }
    expect(src.requests({ ...ctx, parkedCarIds: [] })).toEqual([]);
  });
});

describe('EvFleet properties (fast-check, random commitments)', () => {
  const commitmentArb = fc.record({
    balancingMw: fc.double({ min: 0, max: 1.2, noNaN: true }),
    balancingActivation: fc.double({ min: 0, max: 1, noNaN: true }),
    intradayMw: fc.double({ min: 0, max: 0.8, noNaN: true }),
  });
  const scenario = fc.record({
    seed: fc.integer(),
    startHour: fc.integer({ min: 0, max: 23 }),
    plugIn: fc.constantFrom(1, 0.7),
    policy: fc.constantFrom('protect-commitments' as const, 'protect-mobility' as const),
    commitments: fc.array(commitmentArb, { minLength: 1, maxLength: 12 }),
  });

  it('dispatch ≤ γ × plugged cars, SoC ∈ [0, Ω], imbalance = committed − delivered ≥ 0, rentals add up', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const fleet = new EvFleet(stream(sc.seed), {
          fleetSize: 150,
          startMinuteOfDay: sc.startHour * 60,
          plugInProbability: sc.plugIn,
          rentalPolicy: sc.policy,
        });
        const cap = fleet.params.capacityKwh;
        for (const c of sc.commitments) {
          const r = fleet.stepMarketPeriod(c);
          for (const cp of r.controlPeriods) {
            expect(cp.dispatchedKw).toBeLessThanOrEqual(cp.commitmentKw + 1e-9);
            expect(cp.dispatchedKw + cp.tariffKw).toBeLessThanOrEqual(3.6 * cp.pluggedParked + 1e-9);
            expect(cp.dispatchedKw).toBeLessThanOrEqual(3.6 * cp.assignedCharging + 1e-9);
            expect(cp.assignedAtDispatch).toBeLessThanOrEqual(cp.vppSize);
            expect(cp.rentalRequests).toBe(cp.accepted + cp.refusedReserved + cp.refusedLowCharge);
            if (sc.policy === 'protect-mobility') {
              expect(cp.refusedReserved).toBe(0);
              expect(cp.assignedCharging).toBe(cp.assignedAtDispatch - cp.acceptedAtCommitmentExpense);
            } else {
              // The seed's policy: rentals never take a car from the commitments (substitute or refuse).
              expect(cp.acceptedAtCommitmentExpense).toBe(0);
              expect(cp.assignedCharging).toBe(cp.assignedAtDispatch);
            }
          }
          expect(r.imbalanceKwh).toBe(r.committedKwh - r.deliveredKwh);
          expect(r.imbalanceKwh).toBeGreaterThanOrEqual(0);
          expect(r.imbalanceBalancingKwh + r.imbalanceIntradayKwh).toBe(r.imbalanceKwh);
          expect(r.committedBalancingKwh + r.committedIntradayKwh).toBe(r.committedKwh);
          expect(r.imbalanceBalancingKwh).toBeGreaterThanOrEqual(0);
          expect(r.imbalanceIntradayKwh).toBeGreaterThanOrEqual(0);
          expect(r.imbalanceBalancingKwh).toBeLessThanOrEqual(r.committedBalancingKwh);
          expect(r.imbalanceIntradayKwh).toBeLessThanOrEqual(r.committedIntradayKwh);
          expect(Number.isInteger(r.deliveredKwh) && Number.isInteger(r.committedKwh)).toBe(true);
          expect(r.deliveredKwhExact).toBeLessThanOrEqual(r.committedKwhExact + 1e-9);
          expect(r.committedKwhExact).toBeCloseTo(r.commitmentKw * 0.25, 6);
          expect(r.lostRentalCostsEur).toHaveLength(r.refusedRentals);
          expect(r.lostRentalCostEur).toBeCloseTo(
            r.lostRentalCostsEur.reduce((s, x) => s + x, 0),
            9,
          );
          for (const x of r.lostRentalCostsEur) expect(x).toBeGreaterThan(0);
          for (const car of fleet.cars()) {
            expect(car.socKwh).toBeGreaterThanOrEqual(0);
            expect(car.socKwh).toBeLessThanOrEqual(cap);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('with no rentals and a commitment within |VPP|·γ the full commitment is delivered', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 12, noNaN: true }), { minLength: 1, maxLength: 80 }),
        (nCars, share, socs) => {
          const cars = Array.from({ length: nCars }, (_, i) => ({
            socKwh: socs[i % socs.length]!,
            plugged: true,
            returnAt: -1,
          }));
          const fleet = new EvFleet(
            stream(1),
            { fallbackTargetSocShare: 0 },
            { initialState: { controlPeriod: 0, cars }, rentalSource: NO_RENTALS },
          );
          // SoC ≤ 12 kWh: everyone stays eligible for three control periods (12 + 0.9 ≤ 17.3).
          const kw = share * fleet.vppSize() * 3.6;
          const r = fleet.stepMarketPeriod({ balancingMw: 0, intradayMw: kw / 1000 });
          expect(r.deliveredKwhExact).toBeCloseTo(kw * 0.25, 6);
          expect(r.imbalanceKwh).toBe(0);
        },
      ),
    );
  });
});
