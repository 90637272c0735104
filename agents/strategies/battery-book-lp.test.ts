import { beforeAll, describe, expect, it } from 'vitest';
import { type LpSolver, loadHighs } from '../../lib/highs.js';
import {
  type BookLpProblem,
  bookSegments,
  estimateDepth,
  impactSegments,
  socSafeTradeLots,
  solveBookLp,
  sweepLimitTicks,
} from './battery-book-lp.js';
import { solveBatteryLp } from './battery-lp.js';
import { mulberry32, socDeltaMwh } from './strategy-utils.js';
import { book } from './test-fixtures.js';

let solver: LpSolver;
beforeAll(async () => {
  solver = await loadHighs();
});

const BASE = {
  hours: 0.25,
  powerMw: 10,
  etaCharge: 0.95,
  etaDischarge: 0.95,
  socMinMwh: 1,
  socMaxMwh: 19,
  soc0Mwh: 10,
  degradationEurPerMwh: 2,
};

describe('book LP', () => {
  it('equals the battery LP when every period trades at one price without limit', () => {
    const rnd = mulberry32(3);
    const prices = Array.from({ length: 48 }, () => Math.round(rnd() * 20_000) / 100);
    const flat: BookLpProblem = {
      ...BASE,
      periods: prices.map((p) => ({
        heldMw: 0,
        buy: [{ priceEur: p, maxMw: 20, now: true }],
        sell: [{ priceEur: p, maxMw: 20, now: true }],
      })),
      endSocMinMwh: 10,
    };
    const book = solveBookLp(solver, flat);
    const lp = solveBatteryLp(solver, {
      ...BASE,
      periods: prices.map((priceEurPerMwh) => ({ priceEurPerMwh })),
      endSocMinMwh: 10,
    });
    expect(book.profitEur).toBeCloseTo(lp.profitEur, 4);
    expect(book.slackMw).toBeCloseTo(0, 9);
  });

  it('keeps held positions, walks segments in price order, and trades less as the impact grows', () => {
    // Cheap first half, dear second half; a position of 2 MW is already held in period 0.
    const run = (slope: number) =>
      solveBookLp(solver, {
        ...BASE,
        periods: Array.from({ length: 8 }, (_, t) => {
          const ref = t < 4 ? 40 : 120;
          return {
            heldMw: t === 0 ? 2 : 0,
            buy: impactSegments(ref, 'buy', {
              halfSpreadEur: 0.5,
              slopeEurPerMw: slope,
              totalMw: 20,
              count: 10,
              now: true,
            }),
            sell: impactSegments(ref, 'sell', {
              halfSpreadEur: 0.5,
              slopeEurPerMw: slope,
              totalMw: 20,
              count: 10,
              now: true,
            }),
          };
        }),
        terminalValueEurPerMwh: 80,
      });
    const gentle = run(0.1);
    const steep = run(8);
    expect(gentle.netMw[0]).toBeGreaterThanOrEqual(2 - 1e-9);
    for (const plan of [gentle, steep])
      plan.boughtMw.forEach((segs) => {
        // A segment is used only once every cheaper one is full.
        for (let k = 1; k < segs.length; k++) if (segs[k]! > 1e-9) expect(segs[k - 1]!).toBeCloseTo(2, 6);
      });
    const volume = (p: typeof gentle) => p.netMw.reduce((a, x) => a + Math.abs(x), 0);
    expect(volume(steep)).toBeLessThan(volume(gentle));
    expect(gentle.socMwh.every((s) => s >= BASE.socMinMwh - 1e-6 && s <= BASE.socMaxMwh + 1e-6)).toBe(true);
  });

  it('refuses malformed problems with the field named', () => {
    expect(() =>
      solveBookLp(solver, { ...BASE, periods: [{ heldMw: Number.NaN, buy: [], sell: [] }] }),
    ).toThrow(/periods\[0\]\.heldMw/);
    expect(() =>
      solveBookLp(solver, {
        ...BASE,
        periods: [{ heldMw: 0, buy: [{ priceEur: 1, maxMw: -1, now: true }], sell: [] }],
      }),
    ).toThrow(/periods\[0\]\.buy\[0\]\.maxMw/);
  });
});

describe('book helpers', () => {
  const b = book(
    'qh-20261122-1000',
    [
      [7_950, 10],
      [7_850, 10],
      [7_750, 10],
    ],
    [
      [8_050, 10],
      [8_150, 10],
      [8_250, 10],
    ],
  );

  it('turns book levels into segments and finds the limit that sweeps a quantity', () => {
    expect(bookSegments(b, 'buy')).toEqual([
      { priceEur: 80.5, maxMw: 1, now: true },
      { priceEur: 81.5, maxMw: 1, now: true },
      { priceEur: 82.5, maxMw: 1, now: true },
    ]);
    expect(bookSegments(b, 'sell')[0]).toEqual({ priceEur: 79.5, maxMw: 1, now: true });
    expect(bookSegments(undefined, 'sell')).toEqual([]);
    expect(sweepLimitTicks(b, 'buy', 10)).toBe(8_050);
    expect(sweepLimitTicks(b, 'buy', 11)).toBe(8_150);
    expect(sweepLimitTicks(b, 'sell', 30)).toBe(7_750);
    expect(sweepLimitTicks(b, 'sell', 31)).toBeUndefined();
  });

  it('estimates half-spread and slope from the books', () => {
    // Spread 1 EUR; the deepest visible level is 2 EUR from the best after 2 MW: 1 EUR/MWh per MW.
    expect(estimateDepth([b])).toEqual({ halfSpreadEur: 0.5, slopeEurPerMw: 1 });
    expect(estimateDepth([book('qh-20261122-1015', [[7_900, 5]], [])])).toBeUndefined();
  });

  it('models impact as segments around a reference price', () => {
    const segs = impactSegments(100, 'buy', { halfSpreadEur: 1, slopeEurPerMw: 2, totalMw: 4, count: 2 });
    expect(segs).toEqual([
      { priceEur: 103, maxMw: 2, now: false },
      { priceEur: 107, maxMw: 2, now: false },
    ]);
    expect(
      impactSegments(100, 'sell', { halfSpreadEur: 1, slopeEurPerMw: 2, totalMw: 4, count: 2 })[1]!.priceEur,
    ).toBe(93);
    expect(impactSegments(100, 'sell', { halfSpreadEur: 1, slopeEurPerMw: 2, totalMw: 0, count: 2 })).toEqual(
      [],
    );
  });
});

describe('socSafeTradeLots', () => {
  const B = { ...BASE, socMaxMwh: 19 };
  /** The SoC path of held + traded lots, unclipped. */
  const path = (soc0: number, lots: number[]) => {
    const out = [soc0];
    for (const l of lots) out.push(out[out.length - 1]! + socDeltaMwh(l, B));
    return out;
  };

  it('shortens the trades whose rounding would leave the SoC bounds, and only those', () => {
    // 55 bought (the LP's 55.4 rounded down) then 50 sold from the minimum: 10 kWh short.
    expect(path(1, [55, -50]).at(-1)).toBeLessThan(1);
    expect(socSafeTradeLots(B, 1, [0, 0], [55.4, -50])).toEqual([55, -49]);
    // The same at the maximum: 50 sold make room for 55.4 bought, 56 would overfill it.
    expect(path(19, [-50, 56]).at(-1)).toBeGreaterThan(19);
    expect(socSafeTradeLots(B, 19, [0, 0, 0], [-50, 56, undefined])).toEqual([-50, 55, 0]);
    // Feasible trades are kept as they are.
    expect(socSafeTradeLots(B, 10, [0, 0], [40, -40])).toEqual([40, -40]);
  });

  it('counts what is held, rounds away from zero where that keeps the bounds, never reverses a trade', () => {
    // Held: 10 lots discharged in the first quarter-hour; the second's sale shrinks to what is left.
    // (2 MWh less 10 lots' 0.263 leave 0.737 MWh above the minimum: 28 lots' worth at η = 0.95.)
    expect(socSafeTradeLots(B, 2, [-10, 0], [undefined, -40])).toEqual([0, -28]);
    // A buy-back the LP planned as 0.75 lots, rounded toward zero, would leave the held lot sold
    // after a full discharge short of energy: it is rounded up instead.
    expect(socSafeTradeLots(B, 3.64, [-100, -1], [undefined, 0.75])).toEqual([0, 1]);
    expect(socSafeTradeLots(B, 10, [-100, -1], [undefined, 0.75])).toEqual([0, 0]);
    // A held schedule that already breaks a bound is not traded against by this cut.
    expect(socSafeTradeLots(B, 1, [-50, 0], [-10, 0])).toEqual([0, 0]);
    expect(socSafeTradeLots(B, 1, [-50], [10])).toEqual([10]);
  });
});
