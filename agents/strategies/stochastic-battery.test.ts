import { beforeAll, describe, expect, it } from 'vitest';
import { type LpSolver, loadHighs } from '../../lib/highs.js';
import { RandomStream } from '../../lib/random.js';
import { dayAheadLots } from './stochastic-battery.js';
import { sampleScenarios, solveStochasticLp } from './stochastic-lp.js';

let solver: LpSolver;
beforeAll(async () => {
  solver = await loadHighs();
});

const B = { powerMw: 10, etaCharge: 0.95, etaDischarge: 0.95, socMinMwh: 1, socMaxMwh: 6 };

/** The SoC path of a full award of `lots` from `soc0`, as the battery twin would follow it. */
function worstExcessMwh(lots: number[], soc0: number): number {
  let soc = soc0;
  let worst = 0;
  for (const l of lots) {
    const mwh = l * 0.025;
    soc += mwh >= 0 ? mwh * B.etaCharge : mwh / B.etaDischarge;
    worst = Math.max(worst, B.socMinMwh - soc, soc - B.socMaxMwh, Math.abs(l) / 10 - B.powerMw);
  }
  return worst;
}

describe('stochastic-battery day-ahead lots', () => {
  // A day-ahead plan of the two-stage LP on a small battery whose schedule hugs its SoC bounds.
  // Each period truncated on its own, a full award took the SoC 0.25 MWh past a bound.
  it('are a schedule the battery can follow when awarded in full', () => {
    const rnd = RandomStream.fromSeed(14);
    const forecast = Array.from({ length: 16 }, (_, t) => 60 + 30 * Math.sin(t / 2));
    const scenarios = sampleScenarios(
      forecast,
      forecast.map((_, t) => 12 + t / 4),
      10,
      { sd24hEur: 15, shortLeadShare: 0.2, stepRho: 0.9 },
      () => rnd.normal(),
    );
    const plan = solveStochasticLp(solver, {
      ...B,
      hours: 0.25,
      soc0Mwh: 3,
      periods: forecast.map(() => ({ heldMw: 0, dayAhead: true, recourse: true })),
      scenarios,
      terminalValueEurPerMwh: 60,
      recourseCostEurPerMwh: 2,
      degradationEurPerMwh: 2,
    });
    const lots = dayAheadLots(plan.dayAheadMw, B, 3, Array(16).fill(0));
    expect(lots.some((l) => l !== 0)).toBe(true);
    expect(worstExcessMwh(lots, 3)).toBeLessThanOrEqual(1e-9);
  });
});
