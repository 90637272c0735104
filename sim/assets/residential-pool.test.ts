import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../lib/random.js';
import {
  activationDeviation,
  type BatteryLimits,
  baselineBatteryPower,
  batteryLimits,
  flexibilityPotential,
  type HouseholdSpec,
  meritOrderActivation,
  ResidentialPool,
  socUpdate,
  syntheticPoolHouseholds,
} from './residential-pool.js';

// The hand calculations are in kW / kWh (a household battery); the code runs in MW / MWh.
const k = (x: number) => x / 1000;
const DT = 0.25;
/** C = 10 kWh, P̄ = 4 kW both ways, η_c = η_d = 0.9, SOC in [1, 9] kWh. */
const LIM: BatteryLimits = {
  chargeMw: k(4),
  dischargeMw: k(4),
  etaCharge: 0.9,
  etaDischarge: 0.9,
  socMinMwh: k(1),
  socMaxMwh: k(9),
};

describe('Algorithm 1: baseline self-consumption P_b,base = B(ΔP, SOC)', () => {
  // room power  = (SOC_max − SOC)/(η_c ΔT);   available power = (SOC − SOC_min)·η_d/ΔT
  // | case | SOC kWh | ΔP kW | rule                                   | P_b,base kW |
  // |  a   |  5      | +2    | min(2, 4, 4/0.225 = 17.78)             |  2          |
  // |  b   |  5      | +6    | min(6, 4, 17.78); 2 kW fed into grid   |  4          |
  // |  c   |  8.5    | +3    | min(3, 4, 0.5/0.225 = 2.2222)          |  2.2222     |
  // |  d   |  5      | −3    | −min(3, 4, 4·0.9/0.25 = 14.4)          | −3          |
  // |  e   |  1.45   | −3    | −min(3, 4, 0.45·0.9/0.25 = 1.62)       | −1.62       |
  // |  f   |  9      | +1    | full                                   |  0          |
  // |  g   |  1      | −1    | empty                                  |  0          |
  // |  h   |  5      |  0    | nothing to do                          |  0          |
  const cases: [string, number, number, number][] = [
    ['a', 5, 2, 2],
    ['b', 5, 6, 4],
    ['c', 8.5, 3, 0.5 / 0.225],
    ['d', 5, -3, -3],
    ['e', 1.45, -3, -1.62],
    ['f', 9, 1, 0],
    ['g', 1, -1, 0],
    ['h', 5, 0, 0],
  ];
  it.each(cases)('case %s: SOC %f kWh, ΔP %f kW', (_c, soc, dP, expected) => {
    expect(baselineBatteryPower(LIM, k(dP), k(soc), DT)).toBeCloseTo(k(expected), 12);
  });
});

describe('Algorithm 2: flexibility potentials [v_d, v_c] = V(P_b,base, SOC)', () => {
  // P_max = min(P̄, room power), P_min = −min(P̄, available power); v_c = P_max − P_b,base, v_d = P_min − P_b,base
  // | case | SOC  | P_b,base | P_max  | P_min | v_c kW | v_d kW  |
  // |  a   | 5    |  2       | 4      | −4    | 2      | −6      |
  // |  b   | 5    |  4       | 4      | −4    | 0      | −8      |
  // |  c   | 8.5  |  2.2222  | 2.2222 | −4    | 0      | −6.2222 |
  // |  d   | 5    | −3       | 4      | −4    | 7      | −1      |
  // |  e   | 1.45 | −1.62    | 4      | −1.62 | 5.62   |  0      |
  // |  f   | 9    |  0       | 0      | −4    | 0      | −4      |
  const cases: [string, number, number, number, number][] = [
    ['a', 5, 2, 2, -6],
    ['b', 5, 4, 0, -8],
    ['c', 8.5, 0.5 / 0.225, 0, -4 - 0.5 / 0.225],
    ['d', 5, -3, 7, -1],
    ['e', 1.45, -1.62, 5.62, 0],
    ['f', 9, 0, 0, -4],
  ];
  it.each(cases)('case %s', (_c, soc, pBase, vc, vd) => {
    const f = flexibilityPotential(LIM, k(pBase), k(soc), DT);
    expect(f.vc).toBeCloseTo(k(vc), 12);
    expect(f.vd).toBeCloseTo(k(vd), 12);
  });
});

describe('Algorithm 3: SOC(t+1) = Σ(SOC, v_d, v_c, u)', () => {
  // x = u·v_c (u ≥ 0) or −u·v_d (u < 0); P_b = P_b,base + x;
  // SOC' = SOC + η_c·P_b·ΔT (P_b ≥ 0) or SOC + P_b·ΔT/η_d (P_b < 0)
  // | case | SOC  | P_b,base | v_c  | v_d    | u    | x  | P_b   | SOC' kWh                    |
  // |  a   | 5    |  2       | 2    | −6     |  0   | 0  |  2    | 5 + 0.9·2·0.25 = 5.45       |
  // |  a   | 5    |  2       | 2    | −6     | +0.5 | 1  |  3    | 5 + 0.9·3·0.25 = 5.675      |
  // |  a   | 5    |  2       | 2    | −6     | −0.5 | −3 | −1    | 5 − 0.25/0.9 = 4.722222     |
  // |  a   | 5    |  2       | 2    | −6     | −1   | −6 | −4    | 5 − 1/0.9 = 3.888889        |
  // |  c   | 8.5  |  2.2222  | 0    | −6.222 |  0   | 0  | 2.222 | 8.5 + 0.5 = 9 (= SOC_max)   |
  // |  d   | 5    | −3       | 7    | −1     | +1   | 7  |  4    | 5 + 0.9 = 5.9               |
  // |  e   | 1.45 | −1.62    | 5.62 | 0      |  0   | 0  | −1.62 | 1.45 − 0.45 = 1 (= SOC_min) |
  const cases: [string, number, number, number, number, number, number][] = [
    ['a u=0', 5, 2, 2, -6, 0, 5.45],
    ['a u=+0.5', 5, 2, 2, -6, 0.5, 5.675],
    ['a u=−0.5', 5, 2, 2, -6, -0.5, 5 - 0.25 / 0.9],
    ['a u=−1', 5, 2, 2, -6, -1, 5 - 1 / 0.9],
    ['c u=0', 8.5, 0.5 / 0.225, 0, -4 - 0.5 / 0.225, 0, 9],
    ['d u=+1', 5, -3, 7, -1, 1, 5.9],
    ['e u=0', 1.45, -1.62, 5.62, 0, 0, 1],
  ];
  it.each(cases)('case %s', (_c, soc, pBase, vc, vd, u, expected) => {
    expect(socUpdate(LIM, k(soc), k(pBase), k(vd), k(vc), u, DT)).toBeCloseTo(k(expected), 12);
  });

  it('E_i = u·v_c for u ≥ 0 and −u·v_d for u ≤ 0 (seed notation)', () => {
    expect(activationDeviation(0.5, -6, 2)).toBe(1);
    expect(activationDeviation(-0.5, -6, 2)).toBe(-3);
    expect(activationDeviation(0, -6, 2)).toBe(0);
  });
});

describe('Algorithm 4: merit-order activation', () => {
  // Charging, ΔT = 0.25 h:
  // | i | v_c MW | β_c €/MWh | merit rank |
  // | 0 |  2     | 50        | 3          |
  // | 1 |  1     | 20        | 1          |
  // | 2 |  3     | 80        | 4          |
  // | 3 |  0.5   | 20        | 2 (tie: by index) |
  // E = 2.5: u_1 = 1 (1), u_3 = 1 (0.5), u_0 = 0.5 (1); κ = 2;
  //   cost = (20·1 + 20·0.5 + 50·1)·0.25 = 20 €; marginal β = 50.
  // E = 10 > V_c = 6.5: all at u = 1, unmet 3.5; cost = (100 + 20 + 240 + 10)·0.25 = 92.5 €.
  const vc = [2, 1, 3, 0.5];
  const bc = [50, 20, 80, 20];
  // Discharging:
  // | i | v_d MW | β_d |
  // | 0 | −1     | 30  |
  // | 1 | −2     | 10  |
  // | 2 |  0     |  5  |  (no potential: skipped)
  // | 3 | −1.5   | 40  |
  // E = −2.5: u_1 = −1 (−2), u_0 = −0.5 (−0.5); κ_d = 1; cost = (10·2 + 30·0.5)·0.25 = 8.75 €.
  const vd = [-1, -2, 0, -1.5];
  const bd = [30, 10, 5, 40];

  it('charging request inside V_c', () => {
    const a = meritOrderActivation(2.5, vd, vc, bd, bc, 0.25);
    expect(a.u).toEqual([0.5, 1, 0, 1]);
    expect(a.deviationMw).toEqual([1, 1, 0, 0.5]);
    expect(a).toMatchObject({
      deliveredMw: 2.5,
      unmetMw: 0,
      kappa: 2,
      order: [1, 3, 0],
      marginalBetaEurPerMwh: 50,
    });
    expect(a.costEur).toBeCloseTo(20, 12);
  });

  it('charging request beyond V_c returns the unmet part', () => {
    const a = meritOrderActivation(10, vd, vc, bd, bc, 0.25);
    expect(a.u).toEqual([1, 1, 1, 1]);
    expect(a.deliveredMw).toBe(6.5);
    expect(a.unmetMw).toBe(3.5);
    expect(a.costEur).toBeCloseTo(92.5, 12);
  });

  it('discharging request uses u ≤ 0 and skips households without potential', () => {
    const a = meritOrderActivation(-2.5, vd, vc, bd, bc, 0.25);
    expect(a.u).toEqual([-0.5, -1, 0, 0]);
    expect(a.deviationMw).toEqual([-0.5, -2, 0, 0]);
    expect(a).toMatchObject({ deliveredMw: -2.5, unmetMw: 0, kappa: 1, order: [1, 0] });
    expect(a.costEur).toBeCloseTo(8.75, 12);
    const all = meritOrderActivation(-6, vd, vc, bd, bc, 0.25);
    expect(all.unmetMw).toBeCloseTo(-1.5, 12);
  });

  it('a zero request activates nothing', () => {
    const a = meritOrderActivation(0, vd, vc, bd, bc, 0.25);
    expect(a.u).toEqual([0, 0, 0, 0]);
    expect(a).toMatchObject({ costEur: 0, deliveredMw: 0, unmetMw: 0, marginalBetaEurPerMwh: null });
  });

  it('a request exactly at V_c or V_d (as the pool sums them) activates every household fully', () => {
    // Subtracting the potentials in β order does not round like summing them in household order:
    // without the tolerance ~4 % of such pools left ~1e-18 MW unmet or a last u of 0.99999999999998
    // (κ one too low).
    const rng = new RandomStream('test.alg4-capacity', 1);
    for (let c = 0; c < 3000; c++) {
      const n = 2 + Math.floor(rng.next() * 40);
      const vcs = Array.from({ length: n }, () => (rng.next() < 0.1 ? 0 : rng.next() * 0.005));
      const vds = vcs.map((x) => -x * (0.5 + rng.next()));
      const bcs = vcs.map(() => 20 + 180 * rng.next());
      const bds = vcs.map(() => 20 + 180 * rng.next());
      const active = vcs.filter((x) => x !== 0).length;
      for (const [E, v] of [
        [vcs.reduce((a, x) => a + x, 0), vcs],
        [vds.reduce((a, x) => a + x, 0), vds],
      ] as const) {
        const a = meritOrderActivation(E, vds, vcs, bds, bcs, 0.25);
        expect(a.unmetMw).toBe(0);
        expect(a.kappa).toBe(active);
        expect(a.u.map(Math.abs)).toEqual(v.map((x) => (x === 0 ? 0 : 1)));
      }
    }
  });

  it('a request just beyond capacity still leaves the part beyond it unmet', () => {
    const a = meritOrderActivation(6.5 + 1e-9, vd, vc, bd, bc, 0.25);
    expect(a.kappa).toBe(4);
    expect(a.unmetMw).toBeCloseTo(1e-9, 15);
    expect(a.unmetMw).toBeGreaterThan(0);
  });

  it('rejects mismatched lengths and non-finite requests', () => {
    expect(() => meritOrderActivation(1, vd, vc.slice(1), bd, bc, 0.25)).toThrow(RangeError);
    expect(() => meritOrderActivation(Number.NaN, vd, vc, bd, bc, 0.25)).toThrow(RangeError);
  });
});

/** Two households, four steps, kW-scale numbers in MW. */
function twoHouses(): HouseholdSpec[] {
  const base = {
    capacityMwh: k(10),
    chargeMw: k(4),
    etaCharge: 0.9,
    etaDischarge: 0.9,
    socMin: 0.1,
    socMax: 0.9,
  };
  return [
    {
      ...base,
      id: 'h1',
      socInitial: 0.5,
      pvMw: [k(3), k(6), 0, 0],
      loadMw: [k(1), k(0), k(2), k(1)],
      betaCharge: 30,
      betaDischarge: 60,
    },
    {
      ...base,
      id: 'h2',
      socInitial: 0.2,
      pvMw: [0, k(1), 0, 0],
      loadMw: [k(1), k(1), k(1), k(1)],
      betaCharge: 10,
      betaDischarge: [20, 20, 90, 90],
    },
  ];
}

describe('ResidentialPool twin', () => {
  it('baseline and flexibility agree with Algorithms 1 and 2 at the current SoC', () => {
    const hh = twoHouses();
    const pool = new ResidentialPool(hh);
    const b = pool.baseline(0);
    // h1: ΔP = +2 kW at SOC 5 kWh → P_b,base = 2, grid 0.  h2: ΔP = −1 kW at SOC 2 kWh → −1, grid 0.
    expect(b.pBaseMw[0]).toBeCloseTo(k(2), 12);
    expect(b.pBaseMw[1]).toBeCloseTo(k(-1), 12);
    expect(b.poolGridMw).toBeCloseTo(0, 12);
    const f = pool.flexibility(0);
    const lim = hh.map(batteryLimits);
    for (let i = 0; i < 2; i++) {
      const e = flexibilityPotential(lim[i]!, b.pBaseMw[i]!, pool.socMwh()[i]!, 0.25);
      expect(f.vc[i]).toBe(e.vc);
      expect(f.vd[i]).toBe(e.vd);
    }
    expect(f.VcMw).toBeCloseTo(f.vc[0]! + f.vc[1]!, 15);
  });

  it('advance applies an Alg. 4 activation, meters the pool and moves on', () => {
    const pool = new ResidentialPool(twoHouses());
    const f = pool.flexibility(0);
    // h2 has the cheaper β_c (10): a 3 kW charge request goes to it first (v_c = 5 kW there).
    const act = pool.activate(0, k(3));
    expect(act.order[0]).toBe(1);
    expect(act.deviationMw[1]).toBeCloseTo(k(3), 12);
    expect(act.unmetMw).toBe(0);
    const s = pool.advance(0, act);
    expect(s.deliveredMw).toBeCloseTo(k(3), 12);
    // Pool import = baseline 0 + 3 kW for 15 min = 0.75 kWh → the register reads 1.
    expect(s.gridMw).toBeCloseTo(k(3), 12);
    expect(s.meteredKwh).toBe(1);
    expect(s.participationCostEur).toBeCloseTo(10 * k(3) * 0.25, 12);
    // h2: P_b = −1 + 3 = 2 kW → SOC 2 + 0.9·2·0.25 = 2.45 kWh.
    expect(s.socAfterMwh[1]).toBeCloseTo(k(2.45), 12);
    expect(f.vc[1]).toBeCloseTo(k(5), 12);
    expect(pool.stepIndex).toBe(1);
    expect(() => pool.baseline(0)).toThrow(RangeError);
    expect(() => pool.advance(2)).toThrow(RangeError);
  });

  it('the meter register never drifts: Σ metered = round(Σ exact)', () => {
    const pool = new ResidentialPool(syntheticPoolHouseholds(new RandomStream('pool', 5), { households: 7 }));
    let exact = 0;
    let metered = 0;
    for (let t = 0; t < pool.steps; t++) {
      const req = ((t % 7) - 3) * 0.002;
      const s = pool.advance(t, pool.activate(t, req));
      exact += s.gridMw * 0.25 * 1000;
      metered += s.meteredKwh;
      expect(Number.isInteger(s.meteredKwh)).toBe(true);
      expect(Math.abs(metered - exact)).toBeLessThanOrEqual(0.5 + 1e-9);
    }
    expect(pool.meteredKwhTotal).toBe(metered);
    expect(() => pool.advance(pool.steps)).toThrow(RangeError);
  });

  it('rejects bad household specs and activations', () => {
    const hh = twoHouses();
    expect(() => new ResidentialPool([])).toThrow(RangeError);
    expect(() => new ResidentialPool([{ ...hh[0]!, socInitial: 0.95 }])).toThrow(RangeError);
    expect(() => new ResidentialPool([{ ...hh[0]!, etaCharge: 0 }])).toThrow(RangeError);
    expect(() => new ResidentialPool([{ ...hh[0]!, pvMw: [-1, 0, 0, 0] }])).toThrow(RangeError);
    const pool = new ResidentialPool(hh);
    expect(() => pool.advance(0, { u: [0] })).toThrow(RangeError);
    expect(() => pool.advance(0, { u: [Number.NaN, 0] })).toThrow(RangeError);
  });

  // u_i(t) ∈ [−1, 1] is the seed's domain of the control; evaluate clamped 1.5 to 1 and metered
  // that activation without a word (the caller asked for 150 % of the potential).
  it('refuses an activation factor outside [−1, 1] by name, in advance and preview, and moves on nothing', () => {
    const pool = new ResidentialPool(twoHouses());
    for (const u of [
      [1.5, 0],
      [0, -1.000001],
    ]) {
      const i = u.findIndex((x) => Math.abs(x) > 1);
      const named = new RegExp(
        `^u\\[${i}\\] \\(household h${i + 1}\\) must lie within \\[-1, 1\\].*got ${u[i]}$`,
      );
      expect(() => pool.advance(0, { u })).toThrow(named);
      expect(() => pool.preview(0, { u })).toThrow(RangeError);
    }
    expect(pool.stepIndex).toBe(0);
    // The limits themselves are the model's full activations.
    expect(pool.advance(0, { u: [1, -1] }).u).toEqual([1, -1]);
  });

  it('SoC never leaves [SOC_min, SOC_max] and deviations stay within [v_d, v_c] (property)', () => {
    const household = fc.record({
      capacityMwh: fc.double({ min: 0.002, max: 0.02, noNaN: true }),
      chargeMw: fc.double({ min: 0, max: 0.01, noNaN: true }),
      dischargeMw: fc.double({ min: 0, max: 0.01, noNaN: true }),
      etaCharge: fc.double({ min: 0.5, max: 1, noNaN: true }),
      etaDischarge: fc.double({ min: 0.5, max: 1, noNaN: true }),
      socMin: fc.double({ min: 0, max: 0.5, noNaN: true }),
      span: fc.double({ min: 0, max: 0.5, noNaN: true }),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      pv: fc.array(fc.double({ min: 0, max: 0.012, noNaN: true }), { minLength: 12, maxLength: 12 }),
      load: fc.array(fc.double({ min: 0, max: 0.008, noNaN: true }), { minLength: 12, maxLength: 12 }),
      bc: fc.double({ min: 0, max: 300, noNaN: true }),
      bd: fc.double({ min: 0, max: 300, noNaN: true }),
    });
    const control = fc.oneof(
      fc.record({
        kind: fc.constant('request' as const),
        frac: fc.double({ min: -1.5, max: 1.5, noNaN: true }),
      }),
      fc.record({
        kind: fc.constant('raw' as const),
        u: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(household, { minLength: 1, maxLength: 8 }),
        fc.array(control, { minLength: 12, maxLength: 12 }),
        (hs, controls) => {
          const specs: HouseholdSpec[] = hs.map((h, i) => {
            const socMax = h.socMin + h.span;
            return {
              id: `h${i}`,
              capacityMwh: h.capacityMwh,
              chargeMw: h.chargeMw,
              dischargeMw: h.dischargeMw,
              etaCharge: h.etaCharge,
              etaDischarge: h.etaDischarge,
              socMin: h.socMin,
              socMax,
              socInitial: h.socMin + h.at * h.span,
              pvMw: h.pv,
              loadMw: h.load,
              betaCharge: h.bc,
              betaDischarge: h.bd,
            };
          });
          const pool = new ResidentialPool(specs);
          const lim = specs.map(batteryLimits);
          for (let t = 0; t < 12; t++) {
            const c = controls[t]!;
            const f = pool.flexibility(t);
            const b = pool.baseline(t);
            let u: { u: number[] };
            if (c.kind === 'request') {
              const a = pool.activate(t, c.frac > 0 ? c.frac * f.VcMw : -c.frac * f.VdMw);
              expect(a.u.every((x) => x >= -1 && x <= 1)).toBe(true);
              u = a;
            } else u = { u: c.u.slice(0, specs.length) };
            const s = pool.advance(t, u);
            for (let i = 0; i < specs.length; i++) {
              expect(s.deviationMw[i]).toBeGreaterThanOrEqual(f.vd[i]!);
              expect(s.deviationMw[i]).toBeLessThanOrEqual(f.vc[i]!);
              expect(s.socAfterMwh[i]).toBeGreaterThanOrEqual(lim[i]!.socMinMwh);
              expect(s.socAfterMwh[i]).toBeLessThanOrEqual(lim[i]!.socMaxMwh);
              // The clamp in Alg. 3 only absorbs floating error: unclamped, the update is in bounds too.
              const p = b.pBaseMw[i]! + s.deviationMw[i]!;
              const l = lim[i]!;
              const raw =
                s.socBeforeMwh[i]! + (p >= 0 ? l.etaCharge * p * 0.25 : (p * 0.25) / l.etaDischarge);
              expect(raw).toBeGreaterThanOrEqual(l.socMinMwh - 1e-12);
              expect(raw).toBeLessThanOrEqual(l.socMaxMwh + 1e-12);
            }
          }
        },
      ),
      { numRuns: 150, seed: 4 },
    );
  });
});
