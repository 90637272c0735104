// Proposition 1 (seed 001; Prop. 7.2 of Chasparis et al. 2019): the merit-order activation of
// Algorithm 4 solves the activation problem O_act,t. Checked against HiGHS on random instances.
//
// The LP is the activation problem before the seed's decomposition: every household may
// deviate up (xc_i ∈ [0, v_c,i], cost β_c,i) and down (xd_i ∈ [0, −v_d,i], cost β_d,i) at once,
//   min Σ ΔT (β_c,i xc_i + β_d,i xd_i) + M (sp + sn)
//   s.t. Σ (xc_i − xd_i) + sp − sn = E,   sp, sn ≥ 0 (the unmet part, M ≫ max β)
// so it also checks that the optimum never mixes directions (u ≥ 0 for E > 0, u ≤ 0 for E < 0).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { NamedRng, type RandomStream } from '../../lib/random.js';
import { type Activation, activationDeviation, meritOrderActivation } from './residential-pool.js';

interface Instance {
  E: number;
  vc: number[];
  vd: number[];
  bc: number[];
  bd: number[];
  dt: number;
}

interface LpResult {
  cost: number;
  unmet: number;
  x: number[];
  mixed: number;
}

type Solver = { solve(lp: string): { Status: string; Columns: Record<string, { Primal: number }> } };
let highs: Solver;

beforeAll(async () => {
  // At run time the "import" condition loads highs.mjs, whose default export is the loader; the
  // package's CommonJS typings make TypeScript (NodeNext) see a namespace there instead.
  const mod = (await import('highs')) as unknown as { default: () => Promise<Solver> };
  highs = await mod.default();
});

/** A number as CPLEX LP text (no exponent for the magnitudes used here, full precision). */
const num = (x: number): string => {
  const s = String(x);
  return s.includes('e') ? x.toFixed(20) : s;
};

function lpText(inst: Instance, bigM: number): string {
  const n = inst.vc.length;
  const obj: string[] = [];
  const bal: string[] = [];
  const bounds: string[] = [];
  for (let i = 0; i < n; i++) {
    obj.push(`${num(inst.bc[i]! * inst.dt)} xc${i}`, `${num(inst.bd[i]! * inst.dt)} xd${i}`);
    bal.push(`xc${i}`, `- xd${i}`);
    bounds.push(` 0 <= xc${i} <= ${num(inst.vc[i]!)}`, ` 0 <= xd${i} <= ${num(-inst.vd[i]!)}`);
  }
  obj.push(`${bigM} sp`, `${bigM} sn`);
  return [
    'Minimize',
    ` obj: ${obj.join(' + ')}`,
    'Subject To',
    ` bal: ${bal.join(' + ').replaceAll('+ -', '-')} + sp - sn = ${num(inst.E)}`,
    'Bounds',
    ...bounds,
    ' sp >= 0',
    ' sn >= 0',
    'End',
    '',
  ].join('\n');
}

function solveLp(inst: Instance): LpResult {
  const bigM = 1e6;
  const r = highs.solve(lpText(inst, bigM));
  expect(r.Status).toBe('Optimal');
  const col = (name: string) => r.Columns[name]?.Primal ?? 0;
  let cost = 0;
  let mixed = 0;
  const x: number[] = [];
  for (let i = 0; i < inst.vc.length; i++) {
    const c = col(`xc${i}`);
    const d = col(`xd${i}`);
    cost += inst.dt * (inst.bc[i]! * c + inst.bd[i]! * d);
    mixed = Math.max(mixed, Math.min(c, d));
    x.push(c - d);
  }
  return { cost, unmet: col('sp') - col('sn'), x, mixed };
}

/** Feasibility of Alg. 4's answer and agreement with the LP; returns the relative cost deviation. */
function check(inst: Instance, a: Activation, lp: LpResult): number {
  const n = inst.vc.length;
  let sum = 0;
  let cost = 0;
  for (let i = 0; i < n; i++) {
    const u = a.u[i]!;
    expect(u).toBeGreaterThanOrEqual(-1);
    expect(u).toBeLessThanOrEqual(1);
    if (inst.E > 0) expect(u).toBeGreaterThanOrEqual(0);
    if (inst.E < 0) expect(u).toBeLessThanOrEqual(0);
    const x = a.deviationMw[i]!;
    expect(x).toBeCloseTo(activationDeviation(u, inst.vd[i]!, inst.vc[i]!), 12);
    expect(x).toBeGreaterThanOrEqual(inst.vd[i]!);
    expect(x).toBeLessThanOrEqual(inst.vc[i]!);
    sum += x;
    cost += inst.dt * (x >= 0 ? inst.bc[i]! : inst.bd[i]!) * Math.abs(x);
  }
  const scale = Math.max(1, Math.abs(inst.E));
  expect(Math.abs(sum + a.unmetMw - inst.E)).toBeLessThanOrEqual(1e-9 * scale);
  expect(Math.abs(a.costEur - cost)).toBeLessThanOrEqual(1e-9 * Math.max(1, cost));
  // Same unmet part as the LP (the LP minimizes it first through M).
  expect(Math.abs(a.unmetMw - lp.unmet)).toBeLessThanOrEqual(1e-7 * scale);
  // The LP never charges and discharges one household at once.
  expect(lp.mixed).toBeLessThanOrEqual(1e-9);
  const rel = Math.abs(a.costEur - lp.cost) / Math.max(Math.abs(lp.cost), 1e-9);
  expect(rel).toBeLessThanOrEqual(1e-6);
  return rel;
}

function randomInstance(r: RandomStream): Instance {
  const n = r.int(5, 30);
  // A few β levels make ties likely; some households have no potential in one direction.
  const beta = () => (r.next() < 0.3 ? 10 * r.int(1, 4) : 1 + 299 * r.next());
  const pot = () => (r.next() < 0.15 ? 0 : 10 * r.next());
  const vc = Array.from({ length: n }, pot);
  const vd = Array.from({ length: n }, () => -pot());
  const bc = Array.from({ length: n }, beta);
  const bd = Array.from({ length: n }, beta);
  const Vc = vc.reduce((s, v) => s + v, 0);
  const Vd = vd.reduce((s, v) => s + v, 0);
  const pick = r.next();
  // Mostly inside [V_d, V_c]; some at the edges, some beyond (unmet), some zero.
  const E =
    pick < 0.05
      ? 0
      : pick < 0.1
        ? Vc
        : pick < 0.15
          ? Vd
          : pick < 0.3
            ? (r.next() < 0.5 ? Vc : Vd) * (1 + r.next())
            : Vd + (Vc - Vd) * r.next();
  return { E, vc, vd, bc, bd, dt: 0.25 };
}

describe('Algorithm 4 vs. an LP solved by HiGHS (Proposition 1)', () => {
  it('matches the LP optimum on 200 seeded random instances, N = 5..30', () => {
    const r = new NamedRng(2019).stream('alg4-vs-lp');
    let maxRel = 0;
    let beyond = 0;
    for (let k = 0; k < 200; k++) {
      const inst = randomInstance(r);
      const a = meritOrderActivation(inst.E, inst.vd, inst.vc, inst.bd, inst.bc, inst.dt);
      if (a.unmetMw !== 0) beyond++;
      maxRel = Math.max(maxRel, check(inst, a, solveLp(inst)));
    }
    // Several instances exercised the unmet part; the cost agreement is far inside 1e-6.
    expect(beyond).toBeGreaterThan(10);
    console.info(`Alg. 4 vs HiGHS: 200 instances, max relative cost deviation ${maxRel.toExponential(2)}`);
  });

  it('matches the LP optimum on fast-check instances (50 runs)', () => {
    // Integers scaled down: fast-check's doubles crowd near 0 and the range ends, where the
    // merit order does not matter (nothing or everything is activated).
    const milli = (min: number, max: number) => fc.integer({ min, max }).map((v) => v / 1000);
    const inst = fc.integer({ min: 5, max: 30 }).chain((n) =>
      fc.record({
        vc: fc.array(milli(0, 10_000), { minLength: n, maxLength: n }),
        vd: fc.array(milli(-10_000, 0), { minLength: n, maxLength: n }),
        bc: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: n, maxLength: n }),
        bd: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: n, maxLength: n }),
        frac: milli(-1300, 1300),
      }),
    );
    let maxRel = 0;
    fc.assert(
      fc.property(inst, ({ vc, vd, bc, bd, frac }) => {
        const Vc = vc.reduce((s, v) => s + v, 0);
        const Vd = vd.reduce((s, v) => s + v, 0);
        const i: Instance = {
          vc,
          vd: vd.map((v) => v + 0),
          bc,
          bd,
          E: frac >= 0 ? frac * Vc : -frac * Vd,
          dt: 0.25,
        };
        const a = meritOrderActivation(i.E, i.vd, i.vc, i.bd, i.bc, i.dt);
        maxRel = Math.max(maxRel, check(i, a, solveLp(i)));
      }),
      { numRuns: 50, seed: 11 },
    );
    console.info(
      `Alg. 4 vs HiGHS: 50 fast-check instances, max relative cost deviation ${maxRel.toExponential(2)}`,
    );
  });

  it('writes a readable LP (sanity: a two-household instance by hand)', () => {
    // v_c = [1, 2], β_c = [40, 10], E = 2.5 → household 1 fully (2), household 0 half (0.5):
    // cost = 0.25 · (10·2 + 40·0.5) = 10 €.
    const inst: Instance = { E: 2.5, vc: [1, 2], vd: [-1, -1], bc: [40, 10], bd: [5, 5], dt: 0.25 };
    const lp = solveLp(inst);
    expect(lp.cost).toBeCloseTo(10, 9);
    expect(lp.x[0]).toBeCloseTo(0.5, 9);
    expect(lp.x[1]).toBeCloseTo(2, 9);
    const a = meritOrderActivation(inst.E, inst.vd, inst.vc, inst.bd, inst.bc, inst.dt);
    expect(a.costEur).toBeCloseTo(10, 12);
  });
});
