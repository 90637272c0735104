import { beforeAll, describe, expect, it } from 'vitest';
import { type BatteryPlan, solveBatteryPlan } from '../../lib/battery-plan.js';
import { type LpSolver, loadHighs } from '../../lib/highs.js';
import { type BatteryLpProblem, buildBatteryLp, solveBatteryLp } from './battery-lp.js';
import { mulberry32 } from './strategy-utils.js';

let solver: LpSolver;
beforeAll(async () => {
  solver = await loadHighs();
});

const FOUR: BatteryLpProblem = {
  periods: [10, 50, 20, 80].map((priceEurPerMwh) => ({ priceEurPerMwh })),
  hours: 1,
  powerMw: 1,
  etaCharge: 1,
  etaDischarge: 1,
  socMinMwh: 0,
  socMaxMwh: 1,
  soc0Mwh: 0,
  endSocMinMwh: 0,
};

/** Recomputes the SoC path from the schedule and checks every constraint of the LP. */
function checkFeasible(p: BatteryLpProblem, s: ReturnType<typeof solveBatteryLp>, tol = 1e-6): void {
  let soc = p.soc0Mwh;
  expect(s.socMwh[0]).toBeCloseTo(p.soc0Mwh, 9);
  p.periods.forEach((per, t) => {
    const c = s.chargeMw[t]!;
    const d = s.dischargeMw[t]!;
    expect(c).toBeGreaterThanOrEqual(-tol);
    expect(d).toBeGreaterThanOrEqual(-tol);
    expect(c).toBeLessThanOrEqual(p.powerMw + tol);
    expect(d).toBeLessThanOrEqual(p.powerMw + tol);
    if (per.fixedNetMw !== undefined) expect(c - d).toBeCloseTo(per.fixedNetMw, 6);
    soc += p.etaCharge * c * p.hours - (d * p.hours) / p.etaDischarge;
    expect(s.socMwh[t + 1]!).toBeCloseTo(soc, 6);
    expect(soc).toBeGreaterThanOrEqual(p.socMinMwh - tol);
    expect(soc).toBeLessThanOrEqual(p.socMaxMwh + tol);
  });
  expect(soc).toBeGreaterThanOrEqual(p.endSocMinMwh - tol);
}

describe('buildBatteryLp', () => {
  it('writes a CPLEX LP with one balance row per period, SoC bounds and the end constraint', () => {
    const lp = buildBatteryLp(FOUR);
    expect(lp.startsWith('Maximize\n obj: 10 d0 - 10 c0 + 50 d1 - 50 c1')).toBe(true);
    expect(lp).toContain(' bal0: 1 s1 - 1 c0 + 1 d0 = 0');
    expect(lp).toContain(' bal3: 1 s4 - 1 s3 - 1 c3 + 1 d3 = 0');
    expect(lp).toContain(' end: s4 + e >= 0');
    expect(lp).toContain(' 0 <= c2 <= 1');
    expect(lp).not.toMatch(/\de[-+]?\d/); // no exponent notation
  });

  it('fixes the net power of fixed periods and prices degradation on both directions', () => {
    const lp = buildBatteryLp({
      ...FOUR,
      hours: 0.25,
      degradationEurPerMwh: 4,
      periods: [{ priceEurPerMwh: 10, fixedNetMw: -0.5 }, { priceEurPerMwh: 20 }],
    });
    expect(lp).toContain(' c0 = 0');
    expect(lp).toContain(' d0 = 0.5');
    // (10 − 4) × 0.25 for d0, (−10 − 4) × 0.25 for c0.
    expect(lp).toContain('obj: 1.5 d0 - 3.5 c0');
  });

  it('refuses malformed problems naming the field', () => {
    expect(() => buildBatteryLp({ ...FOUR, periods: [] })).toThrow(/periods/);
    expect(() => buildBatteryLp({ ...FOUR, etaCharge: 0 })).toThrow(/etaCharge/);
    expect(() => buildBatteryLp({ ...FOUR, socMinMwh: 2 })).toThrow(/socMinMwh/);
    expect(() => buildBatteryLp({ ...FOUR, periods: [{ priceEurPerMwh: Number.NaN }] })).toThrow(
      /priceEurPerMwh/,
    );
  });
});

describe('solveBatteryLp', () => {
  it('prices 10, 50, 20, 80: charges in the cheap periods, discharges in the dear ones (profit 100)', () => {
    const s = solveBatteryLp(solver, FOUR);
    expect(s.netMw.map((x) => Math.round(x * 1e6) / 1e6 + 0)).toEqual([1, -1, 1, -1]);
    expect(s.socMwh.map((x) => Math.round(x * 1e6) / 1e6 + 0)).toEqual([0, 1, 0, 1, 0]);
    expect(s.profitEur).toBeCloseTo(-10 + 50 - 20 + 80, 6);
    expect(s.slackMwh).toBeCloseTo(0, 9);
    checkFeasible(FOUR, s);
  });

  it('with efficiencies 0.9 / 0.9 and 0.9 MWh storage: discharges 0.81 MW (profit 75.30)', () => {
    const p = { ...FOUR, etaCharge: 0.9, etaDischarge: 0.9, socMaxMwh: 0.9 };
    const s = solveBatteryLp(solver, p);
    expect(s.chargeMw[0]).toBeCloseTo(1, 6);
    expect(s.dischargeMw[1]).toBeCloseTo(0.81, 6);
    expect(s.chargeMw[2]).toBeCloseTo(1, 6);
    expect(s.dischargeMw[3]).toBeCloseTo(0.81, 6);
    expect(s.profitEur).toBeCloseTo(-10 + 0.81 * 50 - 20 + 0.81 * 80, 6);
    checkFeasible(p, s);
  });

  it('keeps the end SoC at least at the start SoC, and degradation can make cycling unprofitable', () => {
    // Starting half full, the dear last period must not drain the battery below its start.
    const p = { ...FOUR, soc0Mwh: 0.5, endSocMinMwh: 0.5 };
    const s = solveBatteryLp(solver, p);
    expect(s.socMwh[4]!).toBeGreaterThanOrEqual(0.5 - 1e-9);
    checkFeasible(p, s);
    // Throughput cost per 1 MWh cycle = 2 × deg. Spreads: 10→50: 40, 20→80: 60, 10→80: 70.
    const costly = solveBatteryLp(solver, { ...FOUR, degradationEurPerMwh: 36 }); // 72 per cycle
    expect(costly.netMw.every((x) => Math.abs(x) < 1e-9)).toBe(true);
    const cheapDeg = solveBatteryLp(solver, { ...FOUR, degradationEurPerMwh: 25 }); // 50 per cycle
    // Only 10→80 (+20) beats 20→80 (+10); 10→50 loses 10.
    expect(cheapDeg.netMw.map((x) => Math.round(x * 1e6) / 1e6 + 0)).toEqual([1, 0, 0, -1]);
    expect(cheapDeg.profitEur).toBeCloseTo(20, 6);
  });

  it('stays solvable when fixed periods break a bound, reporting the slack', () => {
    const p: BatteryLpProblem = {
      ...FOUR,
      soc0Mwh: 0.9,
      periods: [{ priceEurPerMwh: 0, fixedNetMw: 1 }, { priceEurPerMwh: 50 }],
      endSocMinMwh: 0,
    };
    const s = solveBatteryLp(solver, p);
    expect(s.slackMwh).toBeCloseTo(0.9, 6); // 1.9 MWh stored against a 1 MWh maximum
    expect(s.dischargeMw[1]).toBeCloseTo(1, 6);
  });

  it('is feasible and no worse than idling on random inputs', () => {
    const rnd = mulberry32(20261122);
    for (let k = 0; k < 40; k++) {
      const n = 4 + Math.floor(rnd() * 93);
      const socMin = rnd() * 2;
      const socMax = socMin + 0.5 + rnd() * 20;
      const soc0 = socMin + rnd() * (socMax - socMin);
      const p: BatteryLpProblem = {
        periods: Array.from({ length: n }, () => ({ priceEurPerMwh: -100 + rnd() * 400 })),
        hours: 0.25,
        powerMw: 0.1 + rnd() * 20,
        etaCharge: 0.7 + rnd() * 0.3,
        etaDischarge: 0.7 + rnd() * 0.3,
        socMinMwh: socMin,
        socMaxMwh: socMax,
        soc0Mwh: soc0,
        endSocMinMwh: soc0,
        degradationEurPerMwh: rnd() < 0.5 ? 0 : rnd() * 20,
      };
      const s = solveBatteryLp(solver, p);
      checkFeasible(p, s);
      expect(s.slackMwh).toBeLessThan(1e-6);
      expect(s.profitEur).toBeGreaterThanOrEqual(-1e-6);
    }
  });
});

/** Checks the plan against the LP's constraints and recomputes its objective from the schedule. */
function objectiveOf(p: BatteryLpProblem, s: BatteryPlan): number {
  const m = p.slackPenaltyEurPerMwh ?? 100_000;
  const deg = p.degradationEurPerMwh ?? 0;
  let soc = p.soc0Mwh;
  let value = 0;
  p.periods.forEach((per, t) => {
    const c = s.chargeMw[t]!;
    const d = s.dischargeMw[t]!;
    expect(Math.min(c, d)).toBeGreaterThanOrEqual(-1e-9);
    if (per.fixedNetMw !== undefined) expect(c - d).toBeCloseTo(per.fixedNetMw, 9);
    else expect(Math.max(c, d)).toBeLessThanOrEqual(p.powerMw + 1e-9);
    expect(s.netMw[t]).toBeCloseTo(c - d, 12);
    soc += p.etaCharge * c * p.hours - (d * p.hours) / p.etaDischarge;
    expect(s.socMwh[t + 1]!).toBeCloseTo(soc, 9);
    value += per.priceEurPerMwh * (d - c) * p.hours - deg * (c + d) * p.hours;
    value -= m * (Math.max(0, p.socMinMwh - soc) + Math.max(0, soc - p.socMaxMwh));
  });
  return value - m * Math.max(0, p.endSocMinMwh - soc) + (p.terminalValueEurPerMwh ?? 0) * soc;
}

describe('solveBatteryPlan (lib/battery-plan.ts) against HiGHS', () => {
  it('reaches the optimum HiGHS finds for the same LP on random instances (fixed periods, slack, ties, negative prices)', () => {
    const rnd = mulberry32(4711);
    let withSlack = 0;
    let tied = 0;
    for (let k = 0; k < 100; k++) {
      const n = 1 + Math.floor(rnd() * 192);
      const socMin = rnd() < 0.3 ? 0 : rnd() * 2;
      const socMax = socMin + rnd() * 20;
      const soc0 = socMin - 1 + rnd() * (socMax - socMin + 2);
      // A quarter of the instances draw prices from a few levels: many equally good schedules.
      const levels = rnd() < 0.25;
      if (levels) tied++;
      const p: BatteryLpProblem = {
        periods: Array.from({ length: n }, () => {
          const price = levels ? 10 * Math.floor(rnd() * 5) - 10 : -200 + rnd() * 500;
          return rnd() < 0.1
            ? { priceEurPerMwh: price, fixedNetMw: (rnd() - 0.5) * 30 }
            : { priceEurPerMwh: price };
        }),
        hours: rnd() < 0.8 ? 0.25 : 1,
        powerMw: rnd() < 0.05 ? 0 : rnd() * 20,
        etaCharge: 0.6 + rnd() * 0.4,
        etaDischarge: rnd() < 0.3 ? 1 : 0.6 + rnd() * 0.4,
        socMinMwh: socMin,
        socMaxMwh: socMax,
        soc0Mwh: soc0,
        endSocMinMwh: socMin + rnd() * (socMax - socMin) * 1.2,
        degradationEurPerMwh: rnd() < 0.3 ? 0 : rnd() * 30,
        ...(rnd() < 0.5 ? { terminalValueEurPerMwh: rnd() * 200 - 50 } : {}),
        ...(rnd() < 0.2 ? { slackPenaltyEurPerMwh: 50 + rnd() * 1000 } : {}),
      };
      const highs = solver.solve(buildBatteryLp(p), { output_flag: false, presolve: 'off', threads: 1 });
      expect(highs.Status).toBe('Optimal');
      const plan = solveBatteryPlan(p);
      const scale = Math.max(1, Math.abs(highs.ObjectiveValue));
      expect(Math.abs(plan.objectiveEur - highs.ObjectiveValue) / scale).toBeLessThan(1e-8);
      expect(Math.abs(objectiveOf(p, plan) - plan.objectiveEur) / scale).toBeLessThan(1e-9);
      if (plan.slackMwh > 1e-6) withSlack++;
    }
    // The random instances do reach the cases the slacks and the tie-breaking exist for.
    expect(withSlack).toBeGreaterThan(10);
    expect(tied).toBeGreaterThan(10);
  });

  it('gives the same schedule as solveBatteryLp where the optimum is unique', () => {
    const lp = solveBatteryLp(solver, { ...FOUR, etaCharge: 0.9, etaDischarge: 0.9, socMaxMwh: 0.9 });
    const dp = solveBatteryPlan({ ...FOUR, etaCharge: 0.9, etaDischarge: 0.9, socMaxMwh: 0.9 });
    for (const [t, x] of dp.netMw.entries()) expect(x).toBeCloseTo(lp.netMw[t]!, 9);
    expect(dp.profitEur).toBeCloseTo(lp.profitEur, 9);
  });
});
