import { describe, expect, it } from 'vitest';
import { BatteryPlanInputError, type BatteryPlanProblem, solveBatteryPlan } from './battery-plan.js';
import { RandomStream } from './random.js';

// Equality with HiGHS on random instances is in agents/strategies/battery-lp.test.ts (the LP's
// text builder lives there).

const FOUR: BatteryPlanProblem = {
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

const round = (xs: number[]) => xs.map((x) => Math.round(x * 1e9) / 1e9 + 0);

describe('solveBatteryPlan', () => {
  it('prices 10, 50, 20, 80: charges cheap, discharges dear (profit 100)', () => {
    const s = solveBatteryPlan(FOUR);
    expect(round(s.netMw)).toEqual([1, -1, 1, -1]);
    expect(round(s.socMwh)).toEqual([0, 1, 0, 1, 0]);
    expect(s.profitEur).toBeCloseTo(100, 9);
    expect(s.objectiveEur).toBeCloseTo(100, 9);
    expect(s.slackMwh).toBe(0);
  });

  it('among equally good schedules keeps idle as long as it can (deterministic ties)', () => {
    // Flat prices then one dear period: charging in any of the first three is optimal; the plan
    // charges in the last of them, the move closest to idle at each step.
    const s = solveBatteryPlan({
      ...FOUR,
      periods: [10, 10, 10, 80].map((priceEurPerMwh) => ({ priceEurPerMwh })),
    });
    expect(round(s.netMw)).toEqual([0, 0, 1, -1]);
    expect(s.profitEur).toBeCloseTo(70, 9);
  });

  it('charges and discharges at once only where that pays: to be paid for charging while full', () => {
    const p: BatteryPlanProblem = {
      periods: [{ priceEurPerMwh: -50 }],
      hours: 1,
      powerMw: 1,
      etaCharge: 0.5,
      etaDischarge: 0.5,
      socMinMwh: 0,
      socMaxMwh: 1,
      soc0Mwh: 1,
      endSocMinMwh: 0,
    };
    // Full: charging 1 MW stores 0.5 MWh, discharging 0.25 MW takes it out again; paid 37.5.
    const s = solveBatteryPlan(p);
    expect(s.chargeMw[0]).toBeCloseTo(1, 9);
    expect(s.dischargeMw[0]).toBeCloseTo(0.25, 9);
    expect(s.objectiveEur).toBeCloseTo(37.5, 9);
    // At a price of 0, making room for the paid charge costs nothing either way (discharging
    // 0.25 MW, or charging and discharging at once): it discharges only.
    const shed = solveBatteryPlan({ ...p, periods: [{ priceEurPerMwh: 0 }, { priceEurPerMwh: -100 }] });
    expect(shed.chargeMw[0]).toBe(0);
    expect(shed.dischargeMw[0]).toBeCloseTo(0.25, 9);
    expect(shed.chargeMw[1]).toBeCloseTo(1, 9);
    expect(shed.objectiveEur).toBeCloseTo(100, 9);
  });

  it('pays the slack when fixed periods break a bound, and values the energy left at the end', () => {
    const s = solveBatteryPlan({
      ...FOUR,
      soc0Mwh: 0.9,
      periods: [{ priceEurPerMwh: 0, fixedNetMw: 1 }, { priceEurPerMwh: 50 }],
    });
    expect(s.slackMwh).toBeCloseTo(0.9, 9);
    expect(s.dischargeMw[1]).toBeCloseTo(1, 9);
    const kept = solveBatteryPlan({ ...FOUR, terminalValueEurPerMwh: 90 });
    // Buy at 10, sell at 50, buy at 20 and keep it (worth 90): 40 + 70.
    expect(round(kept.netMw)).toEqual([1, -1, 1, 0]);
    expect(kept.objectiveEur).toBeCloseTo(110, 9);
  });

  it('a battery without power only follows its fixed periods', () => {
    const s = solveBatteryPlan({ ...FOUR, powerMw: 0 });
    expect(round(s.netMw)).toEqual([0, 0, 0, 0]);
  });

  it('refuses malformed problems with a typed error naming the field and the limit', () => {
    const bad = (p: Partial<BatteryPlanProblem>, field: string) => {
      const run = () => solveBatteryPlan({ ...FOUR, ...p });
      expect(run).toThrow(BatteryPlanInputError);
      expect(run).toThrow(new RegExp(`${field.replace(/[[\]]/g, '\\$&')} must be`));
    };
    bad({ periods: [] }, 'periods');
    bad({ etaCharge: 0 }, 'etaCharge');
    bad({ socMinMwh: 2 }, 'socMinMwh');
    bad({ hours: 0 }, 'hours');
    bad({ slackPenaltyEurPerMwh: -1 }, 'slackPenaltyEurPerMwh');
    bad({ periods: [{ priceEurPerMwh: Number.NaN }] }, 'periods[0].priceEurPerMwh');
    bad({ periods: [{ priceEurPerMwh: 1, fixedNetMw: Number.POSITIVE_INFINITY }] }, 'periods[0].fixedNetMw');
  });
});

describe('solveBatteryPlan: value functions cut to the SoC region', () => {
  it('gives the plans of the functions built on every reachable SoC (random instances)', () => {
    const rnd = RandomStream.fromSeed(2026);
    let cut = 0;
    for (let k = 0; k < 400; k++) {
      const n = 1 + Math.floor(rnd.next() * 192);
      const socMin = rnd.next() < 0.3 ? 0 : rnd.next() * 2;
      const socMax = socMin + rnd.next() * 20;
      const powerMw = rnd.next() < 0.05 ? 0 : rnd.next() * 20;
      const levels = rnd.next() < 0.25;
      const p: BatteryPlanProblem = {
        periods: Array.from({ length: n }, (_, t) => {
          const price = levels ? 10 * Math.floor(rnd.next() * 5) - 10 : -200 + rnd.next() * 500;
          // Fixed periods first, as a strategy's plan has them (delivered or closed quarter-hours),
          // and a few anywhere; some push far past the bounds.
          const fixed = t < 3 ? rnd.next() < 0.7 : rnd.next() < 0.05;
          return fixed
            ? { priceEurPerMwh: price, fixedNetMw: (rnd.next() - 0.5) * 2 * powerMw * (1 + rnd.next()) }
            : { priceEurPerMwh: price };
        }),
        hours: rnd.next() < 0.8 ? 0.25 : 1,
        powerMw,
        etaCharge: 0.6 + rnd.next() * 0.4,
        etaDischarge: rnd.next() < 0.3 ? 1 : 0.6 + rnd.next() * 0.4,
        socMinMwh: socMin,
        socMaxMwh: socMax,
        soc0Mwh: socMin - 1 + rnd.next() * (socMax - socMin + 2),
        endSocMinMwh: socMin + rnd.next() * (socMax - socMin) * 1.2,
        degradationEurPerMwh: rnd.next() < 0.3 ? 0 : rnd.next() * 30,
        ...(rnd.next() < 0.5 ? { terminalValueEurPerMwh: rnd.next() * 200 - 50 } : {}),
        // Some penalties too small for the region (the functions are then built everywhere).
        ...(rnd.next() < 0.2 ? { slackPenaltyEurPerMwh: 50 + rnd.next() * 5000 } : {}),
      };
      const full = solveBatteryPlan(p, { socRegion: false });
      const plan = solveBatteryPlan(p);
      // The same moves: breakpoints summed from another start differ in the last bits only.
      const close = (xs: number[], ys: number[]) => {
        expect(xs.length).toBe(ys.length);
        for (let i = 0; i < xs.length; i++) expect(Math.abs(xs[i]! - ys[i]!)).toBeLessThan(1e-9);
      };
      close(plan.netMw, full.netMw);
      close(plan.chargeMw, full.chargeMw);
      close(plan.socMwh, full.socMwh);
      expect(Math.abs(plan.objectiveEur - full.objectiveEur)).toBeLessThan(
        1e-9 * Math.max(1, Math.abs(full.objectiveEur)),
      );
      if ((p.slackPenaltyEurPerMwh ?? 1e5) > 1e4) cut++;
    }
    expect(cut).toBeGreaterThan(250);
  });
});
