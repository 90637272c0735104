// The worked example of seed 004 (Richter 2019, §1.2.6), number by number.
//
// | seed quantity (§1.2.6)                                   | seed value          | checked here        |
// |----------------------------------------------------------|---------------------|---------------------|
// | EVs predicted connected one week ahead                   | 250                 | input               |
// | charging power per EV γ                                  | 3.6 kW              | input               |
// | P̂_h^fleet week-ahead                                     | 900 kW              | = 250 × 3.6         |
// | p̄_h^c, p̄_h^e, p̄_h^u                                     | 5 €/MW, −10, 10 €/MWh | inputs            |
// | industry tariff p^i                                      | 0.15 €/kWh          | input               |
// | C_h^bal(900 kW)                                          | −6.25 €  (!)        | eq. 2 gives −6.75 € |
// | C_h^intr(900 kW)                                         | 2.25 €              | reproduced          |
// | industry tariff 900 kW × 0.25 h × 0.15 €/kWh             | 33.75 €             | reproduced          |
// | balancing cheapest → bid (eq. 4)                         | yes                 | reproduced          |
// | λ_h^bal, P_h^bal = 900 × (1 − 0.3)                       | 0.3, 630 kW         | reproduced          |
// | C_h^bal(630 kW)                                          | −4.725 €            | reproduced          |
// | P̂_h^fleet 30 min ahead, λ_h^intr                         | 810 kW, 0.05        | inputs              |
// | P_h^intr = (810 − 630) × (1 − 0.05)                      | 171 kW              | reproduced          |
// | C_h^intr(171 kW)                                         | 0.4275 €            | reproduced          |
// | committed charging power P^bal + P^intr                  | 801 kW              | reproduced          |
// | available EVs at delivery                                | 255                 | twin input          |
// | EVs assigned to the VPP                                  | 223                 | reproduced (twin)   |
// | rentals of VPP cars: 1st, 2nd accepted (substituted)     | 2 accepted          | reproduced (twin)   |
// | 3rd refused, ρ_{t,i} accounted                           | 1 refused, ρ once   | reproduced (twin)   |
//
// (!) −6.25 € is not what eq. 2 gives: −(900·10⁻³·5) + (900·0.25/10³·(−10)) = −4.5 − 2.25 = −6.75 €.
// The seed's own C_h^bal(630 kW) = −4.725 € confirms eq. 2 (C^bal is linear in P, and
// −4.725 × 900/630 = −6.75), so −6.25 is a typo in the seed. The test asserts −6.75 and that the
// printed −6.25 is off by exactly 0.5 €; the ordering the seed draws from it (balancing < intraday
// < tariff) holds for both values.
//
// Assumptions for the dispatch part (the seed under-specifies it):
// - With 255 available EVs and 223 assigned there would be 32 substitutes, yet the seed says only
//   two were left for the third rental. We assume 30 of the 32 spare cars were rented out by other
//   customers earlier in the same control period (accepted: they were not assigned), leaving the
//   two substitutes the seed speaks of.
// - All 255 cars are plugged in with 8.8 kWh of Ω = 17.6 kWh, so they stay eligible (eq. 6) for the
//   whole market period; 45 more fleet cars are on trips that outlast the market period.
// - Trips last 30 minutes (6 control periods) and use 1.5 kWh; ρ_{t,i} = 0.29 €/min × 30 min = 8.70 €
//   (ρ has no number in the seed).
// - The three VPP rentals arrive in control period 1 of 3; periods 2 and 3 have no rentals.
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../lib/random.js';
import { EvFleet, type EvFleetState } from './ev-fleet.js';
import {
  balancingBidQuantityKw,
  balancingCostEur,
  fleetMarketPeriodCostEur,
  industryTariffCostForPowerEur,
  intradayBidQuantityKw,
  intradayCostEur,
  predictedMarketPeriodPowerKw,
  vppCarsNeeded,
} from './ev-fleet-costs.js';
import { type RentalContext, type RentalRequest, ScriptedRentals } from './ev-fleet-rentals.js';

const SEED = {
  evsWeekAhead: 250,
  chargerKw: 3.6,
  capacityPriceEurPerMw: 5,
  energyPriceEurPerMwh: -10,
  intradayPriceEurPerMwh: 10,
  industryTariffEurPerKwh: 0.15,
  dhHours: 0.25,
  riskBalancing: 0.3,
  predictedIntradayKw: 810,
  riskIntraday: 0.05,
  availableEvsAtDelivery: 255,
  // Stated results:
  predictedWeekAheadKw: 900,
  cBal900PrintedEur: -6.25,
  cIntr900Eur: 2.25,
  tariff900Eur: 33.75,
  pBalKw: 630,
  cBal630Eur: -4.725,
  pIntrKw: 171,
  cIntr171Eur: 0.4275,
  committedKw: 801,
  assignedEvs: 223,
  vppRentals: 3,
  vppRentalsAccepted: 2,
  vppRentalsRefused: 1,
} as const;

const TRIP: Omit<RentalRequest, 'carId'> = { tripMinutes: 30, tripControlPeriods: 6, tripEnergyKwh: 1.5 };
const RHO = 0.29 * 30;

describe('seed 004 §1.2.6 worked example: bidding phases (eqs. 1–5)', () => {
  const pc = SEED.capacityPriceEurPerMw;
  const pe = SEED.energyPriceEurPerMwh;
  const pu = SEED.intradayPriceEurPerMwh;
  const pi = SEED.industryTariffEurPerKwh;

  it('250 EVs × 3.6 kW = 900 kW predicted fleet power (eq. 1 over three equal control periods)', () => {
    const perEv = SEED.evsWeekAhead * SEED.chargerKw;
    expect(predictedMarketPeriodPowerKw([perEv, perEv, perEv])).toBeCloseTo(SEED.predictedWeekAheadKw, 9);
    expect(vppCarsNeeded(SEED.predictedWeekAheadKw, SEED.chargerKw)).toBe(SEED.evsWeekAhead);
  });

  it('C_bal(900 kW) by eq. 2 is −6.75 €; the seed prints −6.25 € (typo, see header)', () => {
    const c = balancingCostEur(900, pc, pe, SEED.dhHours);
    expect(c).toBeCloseTo(-6.75, 9);
    expect(c - SEED.cBal900PrintedEur).toBeCloseTo(-0.5, 9);
    // Linear in P: the seed's own −4.725 € at 630 kW scales to −6.75 € at 900 kW.
    expect((SEED.cBal630Eur * 900) / 630).toBeCloseTo(c, 9);
  });

  it('C_intr(900 kW) = 2.25 € and the industry tariff 900 kW × 0.25 h × 0.15 €/kWh = 33.75 €', () => {
    expect(intradayCostEur(900, pu, SEED.dhHours)).toBeCloseTo(SEED.cIntr900Eur, 9);
    expect(industryTariffCostForPowerEur(900, pi, SEED.dhHours)).toBeCloseTo(SEED.tariff900Eur, 9);
  });

  it('the balancing market is the cheapest option (also with the printed −6.25 €), fleet gets paid', () => {
    const cBal = balancingCostEur(900, pc, pe);
    for (const c of [cBal, SEED.cBal900PrintedEur]) {
      expect(c).toBeLessThan(SEED.cIntr900Eur);
      expect(c).toBeLessThan(SEED.tariff900Eur);
      expect(c).toBeLessThan(0);
    }
  });

  it('eq. 4: P_bal = 900 × (1 − 0.3) = 630 kW, and C_bal(630 kW) = −4.725 €', () => {
    const pBal = balancingBidQuantityKw({
      predictedFleetKw: SEED.predictedWeekAheadKw,
      riskBalancing: SEED.riskBalancing,
      capacityPriceEurPerMw: pc,
      energyPriceEurPerMwh: pe,
      intradayPriceEurPerMwh: pu,
      industryTariffEurPerKwh: pi,
    });
    expect(pBal).toBeCloseTo(SEED.pBalKw, 9);
    expect(balancingCostEur(pBal, pc, pe)).toBeCloseTo(SEED.cBal630Eur, 9);
  });

  it('eq. 5: P_intr = (810 − 630) × (1 − 0.05) = 171 kW, and C_intr(171 kW) = 0.4275 €', () => {
    const pIntr = intradayBidQuantityKw({
      predictedFleetKw: SEED.predictedIntradayKw,
      balancingCommittedKw: SEED.pBalKw,
      riskIntraday: SEED.riskIntraday,
      intradayPriceEurPerMwh: pu,
      industryTariffEurPerKwh: pi,
    });
    expect(pIntr).toBeCloseTo(SEED.pIntrKw, 9);
    expect(intradayCostEur(pIntr, pu)).toBeCloseTo(SEED.cIntr171Eur, 9);
    expect(SEED.pBalKw + pIntr).toBeCloseTo(SEED.committedKw, 9);
  });
});

/** 255 plugged EVs at 8.8 kWh, then 45 cars on long trips (|F| = 300). */
function exampleState(): EvFleetState {
  const cars: EvFleetState['cars'] = [];
  for (let i = 0; i < SEED.availableEvsAtDelivery; i++)
    cars.push({ socKwh: 8.8, plugged: true, returnAt: -1 });
  for (let i = 0; i < 45; i++) cars.push({ socKwh: 5, plugged: false, returnAt: 1000 });
  return { controlPeriod: 0, cars };
}

/** Control period 0: 30 rentals of unassigned cars, then three of cars assigned to the VPP. */
function exampleScript(extraVppRentals = 0) {
  return new ScriptedRentals((ctx: RentalContext) => {
    if (ctx.controlPeriod !== 0) return [];
    const spare = ctx.parkedCarIds.filter((id) => ctx.isEligible(id) && !ctx.isAssigned(id));
    const vpp = ctx.parkedCarIds.filter((id) => ctx.isAssigned(id));
    expect(spare).toHaveLength(SEED.availableEvsAtDelivery - SEED.assignedEvs);
    return [
      ...spare.slice(0, 30).map((carId) => ({ carId, ...TRIP })),
      ...vpp.slice(0, SEED.vppRentals + extraVppRentals).map((carId) => ({ carId, ...TRIP })),
    ];
  });
}

describe('seed 004 §1.2.6 worked example: dispatch at delivery (eqs. 6, 7, 9)', () => {
  const rng = () => new RandomStream('example', 4);
  const commitment = { balancingMw: SEED.pBalKw / 1000, intradayMw: SEED.pIntrKw / 1000 };

  it('255 available EVs, 223 assigned to 801 kW; rentals 1–2 substituted, rental 3 refused (ρ once)', () => {
    const fleet = new EvFleet(rng(), {}, { initialState: exampleState(), rentalSource: exampleScript() });
    expect(fleet.vppSize()).toBe(SEED.availableEvsAtDelivery);
    const rep = fleet.stepMarketPeriod(commitment);
    expect(rep.commitmentKw).toBeCloseTo(SEED.committedKw, 9);
    const [cp0, cp1, cp2] = rep.controlPeriods;
    expect(cp0!.vppSize).toBe(SEED.availableEvsAtDelivery);
    expect(cp0!.assignedAtDispatch).toBe(SEED.assignedEvs);
    const vppDecisions = cp0!.decisions.slice(30);
    expect(vppDecisions.map((d) => d.outcome)).toEqual([
      'accepted-substituted',
      'accepted-substituted',
      'refused-reserved',
    ]);
    expect(cp0!.substitutions).toBe(SEED.vppRentalsAccepted);
    expect(rep.refusedReserved).toBe(SEED.vppRentalsRefused);
    expect(rep.refusedRentals).toBe(1);
    expect(rep.acceptedRentals).toBe(30 + SEED.vppRentalsAccepted);
    expect(rep.lostRentalCostsEur).toHaveLength(1);
    expect(rep.lostRentalCostEur).toBeCloseTo(RHO, 9);
    // The commitment is met in all three control periods: the refusal kept the 223rd car.
    for (const cp of [cp0!, cp1!, cp2!]) {
      expect(cp.assignedCharging).toBe(SEED.assignedEvs);
      expect(cp.dispatchedKw).toBeCloseTo(SEED.committedKw, 9);
    }
    expect(cp1!.vppSize).toBe(SEED.assignedEvs);
    // 801 kW × 0.25 h = 200.25 kWh committed and delivered, metered 200 kWh each: no imbalance.
    expect(rep.committedKwhExact).toBeCloseTo(200.25, 9);
    expect(rep.deliveredKwhExact).toBeCloseTo(200.25, 9);
    expect(rep.committedKwh).toBe(200);
    expect(rep.deliveredKwh).toBe(200);
    expect(rep.imbalanceKwh).toBe(0);
    // Eq. 7 for this market period: C_bal(630) + C_intr(171) + β_h (0) + Σρ.
    const total = fleetMarketPeriodCostEur({
      balancingCostEur: SEED.cBal630Eur,
      intradayCostEur: SEED.cIntr171Eur,
      imbalanceCostEur: 0,
      lostRentalCostsEur: rep.lostRentalCostsEur,
    });
    expect(total).toBeCloseTo(-4.725 + 0.4275 + RHO, 9);
  });

  it('a fourth VPP rental is refused as well (no substitutes left)', () => {
    const fleet = new EvFleet(rng(), {}, { initialState: exampleState(), rentalSource: exampleScript(1) });
    const rep = fleet.stepMarketPeriod(commitment);
    expect(rep.refusedReserved).toBe(2);
    expect(rep.lostRentalCostEur).toBeCloseTo(2 * RHO, 9);
    expect(rep.imbalanceKwh).toBe(0);
  });

  it("counterfactual 'protect-mobility' (not the seed's policy): rental 3 accepted, shortfall is imbalance", () => {
    const fleet = new EvFleet(
      rng(),
      { rentalPolicy: 'protect-mobility' },
      { initialState: exampleState(), rentalSource: exampleScript() },
    );
    const rep = fleet.stepMarketPeriod(commitment);
    expect(rep.refusedRentals).toBe(0);
    expect(rep.acceptedAtCommitmentExpense).toBe(1);
    // 222 cars × 3.6 kW = 799.2 kW in all three control periods: 1.8 kW × 0.25 h = 0.45 kWh short.
    expect(rep.deliveredKwhExact).toBeCloseTo(199.8, 9);
    expect(rep.deliveredKwh).toBe(199);
    expect(rep.imbalanceKwh).toBe(1);
    expect(rep.imbalanceIntradayKwh).toBe(1);
    expect(rep.imbalanceBalancingKwh).toBe(0);
  });
});
