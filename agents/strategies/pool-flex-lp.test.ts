import { describe, expect, it } from 'vitest';
import { loadHighs } from '../../lib/index.js';
import { type PoolFlexProblem, segmentBeta, solvePoolFlex } from './pool-flex-lp.js';

const BASE: PoolFlexProblem = {
  pricesEur: [40, 140],
  hours: 1,
  chargeMw: 2,
  dischargeMw: 2,
  roomUpMwh: 10,
  roomDownMwh: 10,
  betaChargeMinEur: 2,
  betaChargeMaxEur: 8,
  betaDischargeMinEur: 3,
  betaDischargeMaxEur: 9,
  segments: 5,
};

describe('pool flexibility LP (seed 001 DA optimisation with merit-order costs)', () => {
  it('prices segment k of K at the midpoint of its share of [β_min, β_max]', () => {
    expect([0, 1, 2, 3, 4].map((k) => segmentBeta(2, 8, k, 5))).toEqual(
      [2.6, 3.8, 5, 6.2, 7.4].map((x) => expect.closeTo(x, 12)),
    );
  });

  it('moves the whole potential when the spread pays every segment', async () => {
    const plan = solvePoolFlex(await loadHighs(), BASE);
    expect(plan.flexMw[0]).toBeCloseTo(2, 9);
    expect(plan.flexMw[1]).toBeCloseTo(-2, 9);
    // 2 MW × 100 EUR minus Σ_k 0.4 MW × (βc_k + βd_k) = 200 − 0.4 × (25 + 30).
    expect(plan.profitEur).toBeCloseTo(200 - 0.4 * 55, 6);
  });

  it('activates only the merit-order segments the spread pays for', async () => {
    // Spread 10: segments 0 and 1 cost 2.6 + 3.6 and 3.8 + 4.8 < 10; segment 2 costs 5 + 6 > 10.
    const plan = solvePoolFlex(await loadHighs(), { ...BASE, pricesEur: [40, 50] });
    expect(plan.flexMw[0]).toBeCloseTo(0.8, 9);
    expect(plan.flexMw[1]).toBeCloseTo(-0.8, 9);
  });

  it('keeps the moved energy within the room and ends no emptier than the baseline', async () => {
    const plan = solvePoolFlex(await loadHighs(), {
      ...BASE,
      pricesEur: [140, 40, 40, 140],
      roomUpMwh: 0.5,
      roomDownMwh: 0.25,
    });
    // It may not sell first below the baseline by more than 0.25, nor charge more than 0.5 above.
    let d = 0;
    for (const e of plan.flexMw) {
      d += e;
      expect(d).toBeGreaterThanOrEqual(-0.25 - 1e-9);
      expect(d).toBeLessThanOrEqual(0.5 + 1e-9);
    }
    expect(d).toBeGreaterThanOrEqual(-1e-9);
    expect(plan.flexMw[0]).toBeCloseTo(-0.25, 9);
  });

  it('refuses bad input naming the field', async () => {
    const solver = await loadHighs();
    expect(() => solvePoolFlex(solver, { ...BASE, pricesEur: [40, Number.NaN] })).toThrow(/pricesEur\[1\]/);
    expect(() => solvePoolFlex(solver, { ...BASE, segments: 0 })).toThrow(/segments/);
    expect(() => solvePoolFlex(solver, { ...BASE, roomUpMwh: -1 })).toThrow(/roomUpMwh/);
    // Non-finite sizes and participation costs name their field (they used to reach the LP writer,
    // which only said "coefficient NaN is not finite", or slipped through as an unbounded bound).
    expect(() => solvePoolFlex(solver, { ...BASE, betaChargeMaxEur: Number.NaN })).toThrow(
      /betaChargeMaxEur/,
    );
    expect(() => solvePoolFlex(solver, { ...BASE, betaDischargeMinEur: Number.POSITIVE_INFINITY })).toThrow(
      /betaDischargeMinEur/,
    );
    expect(() => solvePoolFlex(solver, { ...BASE, betaChargeMinEur: 9 })).toThrow(/betaChargeMinEur.*<=/);
    expect(() => solvePoolFlex(solver, { ...BASE, chargeMw: Number.POSITIVE_INFINITY })).toThrow(/chargeMw/);
    expect(() => solvePoolFlex(solver, { ...BASE, hours: Number.POSITIVE_INFINITY })).toThrow(/hours/);
  });

  it('bounds each period by its own potential V̂_c(t), |V̂_d(t)| when given per period', async () => {
    // Cheap then dear: the first period can charge only 0.5 MW (V̂_c), the second sell only 1 MW.
    const plan = solvePoolFlex(await loadHighs(), { ...BASE, chargeMw: [0.5, 2], dischargeMw: [2, 1] });
    expect(plan.flexMw[0]).toBeCloseTo(0.5, 9);
    expect(plan.flexMw[1]).toBeCloseTo(-0.5, 9); // D_n ≥ 0: no more out than in
    // A midday period without charge potential gets no charging at all, however cheap.
    const none = solvePoolFlex(await loadHighs(), { ...BASE, chargeMw: [0, 2] });
    expect(none.flexMw).toEqual([0, 0]);
  });

  it('refuses per-period potentials of the wrong length or sign, naming the field', () => {
    expect(() => solvePoolFlex({} as never, { ...BASE, chargeMw: [1] })).toThrow(
      /chargeMw has 1 periods, pricesEur has 2/,
    );
    expect(() => solvePoolFlex({} as never, { ...BASE, dischargeMw: [1, -1] })).toThrow(
      /dischargeMw\[1\] must be finite and >= 0/,
    );
  });
});
