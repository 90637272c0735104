// The perfect-foresight bound: hand-computed optima, the exact DP against HiGHS (LP where the
// problem is concave, MIP with a binary per quarter-hour where it is not) on random problems, and
// plans that respect the battery's physics (one flow direction per quarter-hour, SoC bounds).
import { describe, expect, it } from 'vitest';
import { loadHighs, RandomStream } from '../../lib/index.js';
import {
  type BatteryBoundSpec,
  BoundInputError,
  type BoundPeriod,
  type BoundProblem,
  boundLpText,
  solveBoundDp,
  solveBoundHighs,
} from './battery-bound.js';

const spec = (o: Partial<BatteryBoundSpec> = {}): BatteryBoundSpec => ({
  powerMw: 1,
  etaCharge: 1,
  etaDischarge: 1,
  socMinMwh: 0,
  socMaxMwh: 1,
  socStartMwh: 0,
  degradationEurPerMwh: 0,
  ...o,
});
const flat = (prices: number[]): BoundPeriod[] => prices.map((p) => ({ buyEurPerMwh: p, sellEurPerMwh: p }));

function optimal(p: BoundProblem) {
  const r = solveBoundDp(p);
  if (r.status !== 'optimal') throw new Error(`expected optimal, got ${r.status}`);
  return r;
}

describe('perfect-foresight bound (hand-computed)', () => {
  it('buys the cheap hour and sells the dear one, within power and energy', () => {
    // 1 MW / 1 MWh lossless, 1-hour periods: buy 1 MWh at 10, sell it at 50 → 40.
    const r = optimal({
      spec: spec(),
      periods: flat([10, 50]),
      hours: 1,
      terminal: { kind: 'fixed', socEndMwh: 0 },
    });
    expect(r.objectiveEur).toBeCloseTo(40, 9);
    expect(r.chargeMwh).toEqual([1, 0]);
    expect(r.dischargeMwh[1]).toBeCloseTo(1, 9);
  });

  it('pays losses and degradation on the way: η 0.9 both ways, 2 EUR/MWh', () => {
    // Charge 1 MWh from the grid at 10 (stores 0.9), sell 0.81 MWh at 50; degradation on 1.81 MWh.
    const s = spec({ etaCharge: 0.9, etaDischarge: 0.9, degradationEurPerMwh: 2, socMaxMwh: 2 });
    const r = optimal({
      spec: s,
      periods: flat([10, 50]),
      hours: 1,
      terminal: { kind: 'fixed', socEndMwh: 0 },
    });
    expect(r.objectiveEur).toBeCloseTo(-10 + 0.81 * 50 - 2 * 1.81, 9);
  });

  it('values the end SoC at the reference price: sold at η_d above the start, bought at 1/η_c below', () => {
    const s = spec({ etaCharge: 0.8, etaDischarge: 0.5, socStartMwh: 0.5, socMaxMwh: 1 });
    // No trading possible (no prices): the best is to keep the start SoC, worth 0.
    const none: BoundPeriod[] = [{ buyEurPerMwh: undefined, sellEurPerMwh: undefined }];
    expect(
      optimal({ spec: s, periods: none, hours: 1, terminal: { kind: 'valued', refEurPerMwh: 100 } })
        .objectiveEur,
    ).toBeCloseTo(0, 9);
    // One period at 20: charging 0.5 MWh into the cell costs 0.625 × 20 = 12.5 and is worth 0.5 × 0.5 × 100 = 25.
    const r = optimal({
      spec: s,
      periods: flat([20]),
      hours: 1,
      terminal: { kind: 'valued', refEurPerMwh: 100 },
    });
    expect(r.objectiveEur).toBeCloseTo(25 - 12.5, 9);
  });

  it('charges or discharges, never both, even where a wide spread would pay for a round trip', () => {
    // Buy at 0, sell at 100 in the same hour: the relaxation would cycle; the twin cannot.
    const periods: BoundPeriod[] = [{ buyEurPerMwh: 0, sellEurPerMwh: 100 }];
    const s = spec({ socStartMwh: 0.5, etaCharge: 0.9, etaDischarge: 0.9 });
    const r = optimal({ spec: s, periods, hours: 1, terminal: { kind: 'fixed', socEndMwh: 0.5 } });
    expect(r.objectiveEur).toBeCloseTo(0, 9);
    expect(Math.min(r.chargeMwh[0]!, r.dischargeMwh[0]!)).toBe(0);
  });

  it('says infeasible when the end SoC cannot be reached, and names bad input', () => {
    const r = solveBoundDp({
      spec: spec(),
      periods: flat([10]),
      hours: 0.25,
      terminal: { kind: 'fixed', socEndMwh: 1 },
    });
    expect(r.status).toBe('infeasible');
    expect(() =>
      solveBoundDp({
        spec: spec({ etaCharge: 1.2 }),
        periods: flat([1]),
        hours: 1,
        terminal: { kind: 'fixed', socEndMwh: 0 },
      }),
    ).toThrow(BoundInputError);
    expect(() =>
      solveBoundDp({
        spec: spec(),
        periods: [{ buyEurPerMwh: 5, sellEurPerMwh: 4 }],
        hours: 1,
        terminal: { kind: 'fixed', socEndMwh: 0 },
      }),
    ).toThrow(/periods\[0\]\.sellEurPerMwh must be >= buyEurPerMwh \(5\), got 4/);
  });
});

function randomProblem(rng: RandomStream, k: number): BoundProblem {
  const n = 4 + Math.floor(rng.next() * 20);
  const spreadMax = [0, 8, 40][k % 3]!;
  const periods = Array.from({ length: n }, (): BoundPeriod => {
    if (rng.next() < 0.1) return { buyEurPerMwh: undefined, sellEurPerMwh: undefined };
    const p = -80 + rng.next() * 240;
    return { buyEurPerMwh: p, sellEurPerMwh: p + rng.next() * spreadMax };
  });
  const e = 2 + rng.next() * 20;
  const s: BatteryBoundSpec = {
    powerMw: 1 + rng.next() * 10,
    etaCharge: 0.8 + rng.next() * 0.2,
    etaDischarge: 0.8 + rng.next() * 0.2,
    socMinMwh: 0.05 * e,
    socMaxMwh: 0.95 * e,
    socStartMwh: (0.05 + rng.next() * 0.9) * e,
    degradationEurPerMwh: rng.next() * 5,
  };
  const terminal =
    k % 2 === 0
      ? ({ kind: 'fixed', socEndMwh: (0.05 + rng.next() * 0.9) * e } as const)
      : ({ kind: 'valued', refEurPerMwh: -20 + rng.next() * 140 } as const);
  return { spec: s, periods, hours: 0.25, terminal };
}

describe('perfect-foresight bound: the DP equals HiGHS', () => {
  it('on 45 random problems (negative prices, spreads beyond the round-trip loss, both terminals)', async () => {
    const highs = await loadHighs();
    const rng = new RandomStream('bound-test', 20261129);
    let nonConcave = 0;
    for (let k = 0; k < 45; k++) {
      const p = randomProblem(rng, k);
      const dp = solveBoundDp(p);
      const mip = solveBoundHighs(highs, p);
      expect(dp.status, `problem ${k}`).toBe(mip.status);
      if (dp.status !== 'optimal' || mip.status !== 'optimal') continue;
      if (mip.binaries > 0) nonConcave++;
      expect(Math.abs(dp.objectiveEur - mip.objectiveEur), `problem ${k}`).toBeLessThan(
        1e-6 * Math.max(1, Math.abs(mip.objectiveEur)),
      );
      // The plan is the twin's physics: one direction per period, within power and SoC bounds,
      // and it earns exactly the bound.
      let soc = p.spec.socStartMwh;
      let earned = 0;
      dp.chargeMwh.forEach((c, t) => {
        const d = dp.dischargeMwh[t]!;
        const q = p.periods[t]!;
        expect(Math.min(c, d)).toBe(0);
        expect(Math.max(c, d)).toBeLessThanOrEqual(p.spec.powerMw * p.hours + 1e-9);
        soc += c * p.spec.etaCharge - d / p.spec.etaDischarge;
        expect(soc).toBeGreaterThanOrEqual(p.spec.socMinMwh - 1e-7);
        expect(soc).toBeLessThanOrEqual(p.spec.socMaxMwh + 1e-7);
        if (q.buyEurPerMwh !== undefined)
          earned +=
            d * (q.sellEurPerMwh! - p.spec.degradationEurPerMwh) -
            c * (q.buyEurPerMwh + p.spec.degradationEurPerMwh);
      });
      if (p.terminal.kind === 'fixed') expect(soc).toBeCloseTo(p.terminal.socEndMwh, 6);
      else {
        const ds = soc - p.spec.socStartMwh;
        const ref = p.terminal.refEurPerMwh;
        earned += ds >= 0 ? ref * p.spec.etaDischarge * ds : (ref / p.spec.etaCharge) * ds;
      }
      expect(earned).toBeCloseTo(dp.objectiveEur, 6);
    }
    // The random problems do exercise the non-concave case the relaxation gets wrong.
    expect(nonConcave).toBeGreaterThan(5);
  }, 120_000);

  it('writes an LP HiGHS reads, with binaries only where asked', () => {
    const text = boundLpText(
      { spec: spec(), periods: flat([1, 2]), hours: 1, terminal: { kind: 'fixed', socEndMwh: 0 } },
      new Set([1]),
    );
    expect(text).toMatch(/^Maximize\n obj: /);
    expect(text).toContain('Binary\n u1\n');
    expect(text).not.toContain('u0');
  });
});
