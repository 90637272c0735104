import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  availableFleetPowerKw,
  balancingBidQuantityKw,
  balancingCostEur,
  fleetMarketPeriodCostEur,
  fleetTotalCostEur,
  imbalanceCostEur,
  industryTariffCostEur,
  intradayBidQuantityKw,
  intradayCostEur,
  isVppEligible,
  lostRentalCostEur,
  predictedMarketPeriodPowerKw,
  stepCostFromAccumulatedEur,
  vppCarsNeeded,
} from './ev-fleet-costs.js';

const bidBase = {
  capacityPriceEurPerMw: 5,
  energyPriceEurPerMwh: -10,
  intradayPriceEurPerMwh: 10,
  industryTariffEurPerKwh: 0.15,
};

describe('ev-fleet costs (seed 004 eqs. 1–7)', () => {
  it('eq. 1 takes the minimum over the control periods; no prediction means 0 kW', () => {
    expect(predictedMarketPeriodPowerKw([900, 810, 864])).toBe(810);
    expect(predictedMarketPeriodPowerKw([])).toBe(0);
    expect(() => predictedMarketPeriodPowerKw([1, Number.NaN])).toThrow(RangeError);
  });

  it('eq. 2 pays capacity and charges activated energy; partial activation scales only the energy', () => {
    // 1 MW, 5 €/MW capacity, 40 €/MWh energy, 0.25 h: −5 + 10 = 5 €.
    expect(balancingCostEur(1000, 5, 40)).toBeCloseTo(5, 12);
    expect(balancingCostEur(1000, 5, 40, 0.25, 0.5)).toBeCloseTo(0, 12);
    expect(balancingCostEur(1000, 5, 40, 0.25, 0)).toBeCloseTo(-5, 12);
    expect(() => balancingCostEur(1000, 5, 40, 0.25, 1.5)).toThrow(RangeError);
  });

  it('eq. 3 and the tariff are linear in energy', () => {
    expect(intradayCostEur(2000, -20)).toBeCloseTo(-10, 12);
    expect(industryTariffCostEur(100, 0.15)).toBeCloseTo(15, 12);
  });

  it('eq. 4 bids nothing when the industry tariff or the intraday market is cheaper', () => {
    const q = (o: Partial<typeof bidBase>) =>
      balancingBidQuantityKw({ predictedFleetKw: 900, riskBalancing: 0.3, ...bidBase, ...o });
    expect(q({})).toBeCloseTo(630, 9);
    // Intraday at −30 €/MWh: C_intr(900) = −6.75 ≤ C_bal(900) = −6.75 → no balancing bid (≥).
    expect(q({ intradayPriceEurPerMwh: -30 })).toBe(0);
    // Tariff at 0 €/kWh and positive balancing cost: tariff cheaper → 0.
    expect(q({ capacityPriceEurPerMw: 0, energyPriceEurPerMwh: 50, industryTariffEurPerKwh: 0.01 })).toBe(0);
    expect(balancingBidQuantityKw({ predictedFleetKw: 0, riskBalancing: 0, ...bidBase })).toBe(0);
    expect(() => balancingBidQuantityKw({ predictedFleetKw: 900, riskBalancing: 1.1, ...bidBase })).toThrow();
  });

  it('eq. 5 bids the discounted remainder, nothing when the tariff is cheaper or no remainder', () => {
    const base = { intradayPriceEurPerMwh: 10, industryTariffEurPerKwh: 0.15, riskIntraday: 0.05 };
    expect(intradayBidQuantityKw({ predictedFleetKw: 810, balancingCommittedKw: 630, ...base })).toBeCloseTo(
      171,
      9,
    );
    expect(
      intradayBidQuantityKw({
        predictedFleetKw: 810,
        balancingCommittedKw: 630,
        ...base,
        intradayPriceEurPerMwh: 150,
      }),
    ).toBe(0);
    expect(intradayBidQuantityKw({ predictedFleetKw: 500, balancingCommittedKw: 630, ...base })).toBe(0);
  });

  it('eq. 6 needs a plugged car with room for one control period (γΔt = 0.3 kWh)', () => {
    expect(isVppEligible(true, 17.3, 17.6)).toBe(true);
    expect(isVppEligible(true, 17.31, 17.6)).toBe(false);
    expect(isVppEligible(false, 0, 17.6)).toBe(false);
    expect(availableFleetPowerKw(250)).toBeCloseTo(900, 9);
  });

  it('eq. 9 counts cars with ⌈P/γ⌉, robust to float noise', () => {
    expect(vppCarsNeeded(801)).toBe(223);
    expect(vppCarsNeeded(900)).toBe(250);
    expect(vppCarsNeeded(0)).toBe(0);
    expect(vppCarsNeeded(0.001)).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (cars) => {
        expect(vppCarsNeeded(cars * 3.6)).toBe(cars);
      }),
    );
  });

  it('β_h, ρ_{t,i}, eq. 7 and eq. 12 add up', () => {
    expect(imbalanceCostEur(250, 200)).toBeCloseTo(50, 12);
    expect(lostRentalCostEur(30, { baseEur: 1, perMinuteEur: 0.29 })).toBeCloseTo(9.7, 12);
    const h1 = {
      balancingCostEur: -4.725,
      intradayCostEur: 0.4275,
      imbalanceCostEur: 0,
      lostRentalCostsEur: [8.7],
    };
    const h2 = { ...h1, imbalanceCostEur: 2, lostRentalCostsEur: [], tariffCostEur: 3 };
    expect(fleetMarketPeriodCostEur(h1)).toBeCloseTo(4.4025, 12);
    expect(fleetMarketPeriodCostEur(h2)).toBeCloseTo(0.7025, 12);
    expect(fleetTotalCostEur([h1, h2])).toBeCloseTo(5.105, 12);
    expect(stepCostFromAccumulatedEur(fleetTotalCostEur([h1, h2]), fleetTotalCostEur([h1]))).toBeCloseTo(
      0.7025,
      12,
    );
  });

  it('property: bid quantities stay within [0, P̂] and [0, P̂ − P_bal]', () => {
    const price = fc.double({ min: -500, max: 500, noNaN: true });
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        price,
        price,
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (pWeek, pShort, lb, li, pc, pe, pu, tariff) => {
          const pBal = balancingBidQuantityKw({
            predictedFleetKw: pWeek,
            riskBalancing: lb,
            capacityPriceEurPerMw: pc,
            energyPriceEurPerMwh: pe,
            intradayPriceEurPerMwh: pu,
            industryTariffEurPerKwh: tariff,
          });
          expect(pBal).toBeGreaterThanOrEqual(0);
          expect(pBal).toBeLessThanOrEqual(pWeek);
          const pIntr = intradayBidQuantityKw({
            predictedFleetKw: pShort,
            balancingCommittedKw: pBal,
            riskIntraday: li,
            intradayPriceEurPerMwh: pu,
            industryTariffEurPerKwh: tariff,
          });
          expect(pIntr).toBeGreaterThanOrEqual(0);
          expect(pIntr).toBeLessThanOrEqual(Math.max(0, pShort - pBal) + 1e-9);
          // A positive bid is only placed when it beats the tariff.
          if (pBal > 0) expect(balancingCostEur(pWeek, pc, pe)).toBeLessThan(pWeek * 0.25 * tariff);
        },
      ),
    );
  });
});
