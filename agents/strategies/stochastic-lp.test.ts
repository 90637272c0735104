import { beforeAll, describe, expect, it } from 'vitest';
import { type LpSolver, loadHighs } from '../../lib/highs.js';
import { RandomStream } from '../../lib/random.js';
import { solveBatteryLp } from './battery-lp.js';
import { type StochasticProblem, sampleScenarios, solveStochasticLp } from './stochastic-lp.js';
import { mulberry32 } from './strategy-utils.js';

let solver: LpSolver;
beforeAll(async () => {
  solver = await loadHighs();
});

const BAT = {
  hours: 0.25,
  powerMw: 10,
  etaCharge: 0.95,
  etaDischarge: 0.95,
  socMinMwh: 1,
  socMaxMwh: 19,
  soc0Mwh: 10,
  degradationEurPerMwh: 2,
};

describe('sampleScenarios', () => {
  it('spreads wider with lead time and moves consecutive quarter-hours together', () => {
    const rnd = RandomStream.fromSeed(1);
    const leads = Array.from({ length: 96 }, (_, t) => t / 4);
    const sc = sampleScenarios(
      Array(96).fill(50),
      leads,
      2000,
      { sd24hEur: 10, shortLeadShare: 0.2, stepRho: 0.95 },
      () => rnd.normal(),
    );
    const sd = (t: number) => Math.sqrt(sc.reduce((a, s) => a + (s[t]! - 50) ** 2, 0) / sc.length);
    expect(sd(0)).toBeGreaterThan(1.6);
    expect(sd(0)).toBeLessThan(2.4); // 20 % of 10 at lead 0
    expect(sd(95)).toBeGreaterThan(8.5);
    expect(sd(95)).toBeLessThan(11); // ≈ 10 at 24 h
    const corr = sc.reduce((a, s) => a + (s[50]! - 50) * (s[51]! - 50), 0) / sc.length / (sd(50) * sd(51));
    expect(corr).toBeGreaterThan(0.9);
  });
});

describe('stochastic LP', () => {
  it('with one scenario and no recourse, its day-ahead stage is the deterministic optimum', () => {
    const rnd = mulberry32(5);
    const prices = Array.from({ length: 96 }, () => Math.round(rnd() * 15_000) / 100);
    const p: StochasticProblem = {
      ...BAT,
      periods: prices.map(() => ({ heldMw: 0, dayAhead: true, recourse: false })),
      scenarios: [prices],
      terminalValueEurPerMwh: 60,
      recourseCostEurPerMwh: 2,
    };
    const st = solveStochasticLp(solver, p);
    const det = solveBatteryLp(solver, {
      ...BAT,
      periods: prices.map((priceEurPerMwh) => ({ priceEurPerMwh })),
      endSocMinMwh: 1,
      terminalValueEurPerMwh: 60,
    });
    const detObjective = det.profitEur + 60 * det.socMwh[96]!;
    expect(st.objectiveEur).toBeCloseTo(detObjective, 3);
  });

  it('takes from the book now only what beats trading later', () => {
    const plan = solveStochasticLp(solver, {
      ...BAT,
      periods: [
        // Now: the book sells cheap at 40 (2 MW); later the scenarios say 90.
        {
          heldMw: 0,
          recourse: false,
          bookBuy: [
            { priceEur: 40, maxMw: 2, now: true },
            { priceEur: 95, maxMw: 20, now: true },
          ],
          bookSell: [],
        },
        { heldMw: 0, recourse: true },
      ],
      scenarios: [
        [60, 90],
        [60, 95],
      ],
      terminalValueEurPerMwh: 60,
      recourseCostEurPerMwh: 1,
    });
    expect(plan.boughtMw[0]![0]).toBeCloseTo(2, 6);
    expect(plan.boughtMw[0]![1]).toBeCloseTo(0, 6);
  });

  // The first stage relied on recourse: with a cheap deep book it bought beyond the battery's
  // power to sell the rest again later at the scenarios' price; where that later trade never came
  // (a thin book before the gate) the twin clipped the schedule. What is committed now must be
  // feasible on its own.
  it('takes from the book now no more than the battery can hold, however cheap', () => {
    const plan = solveStochasticLp(solver, {
      ...BAT,
      periods: [
        { heldMw: 3, recourse: true, bookBuy: [{ priceEur: 40, maxMw: 30, now: true }], bookSell: [] },
        { heldMw: 0, recourse: true },
      ],
      scenarios: [
        [90, 90],
        [95, 95],
      ],
      terminalValueEurPerMwh: 60,
      recourseCostEurPerMwh: 1,
    });
    expect(plan.boughtMw[0]![0]).toBeCloseTo(7, 6); // up to the 10 MW power with the 3 MW held
  });

  it('names the field of a malformed problem', () => {
    expect(() =>
      solveStochasticLp(solver, {
        ...BAT,
        periods: [{ heldMw: 0, recourse: true }],
        scenarios: [[1, 2]],
        terminalValueEurPerMwh: 0,
        recourseCostEurPerMwh: 1,
      }),
    ).toThrow(/scenarios\[0\] must have 1 prices/);
  });
});
