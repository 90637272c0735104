import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NamedRng, RandomStream } from '../../lib/random.js';
import type { BatteryTwinSpec } from './battery.js';
import { syntheticGenerationMw } from './profiles.js';
import {
  DiscreteActionProsumer,
  type ProsumerOptions,
  RenewableBatteryProsumer,
  SEED003_ACTIONS,
} from './prosumer.js';

/** 10 MW / 20 MWh, η 0.9 each way, SoC in [2, 18] MWh, starting at 10 MWh. */
function battery(over: Partial<BatteryTwinSpec> = {}): BatteryTwinSpec {
  return {
    type: 'battery',
    powerMw: 10,
    energyMwh: 20,
    etaCharge: 0.9,
    etaDischarge: 0.9,
    socMin: 0.1,
    socMax: 0.9,
    socInitial: 0.5,
    ...over,
  };
}

function prosumer(gen: number[], over: Partial<ProsumerOptions> = {}, bat: Partial<BatteryTwinSpec> = {}) {
  return new RenewableBatteryProsumer({ id: 'p', battery: battery(bat), generationMw: gen, ...over });
}

describe('RenewableBatteryProsumer', () => {
  it('the battery takes the difference gen − sold (hand computed, ΔT = 15 min)', () => {
    // | gen MW | sold MW | gen kWh | battery kWh | export kWh | SoC MWh after              |
    // |   8    |   6     |  2000   |   +500      |   1500     | 10 + 0.5·0.9   = 10.45     |
    // |   4    |   6     |  1000   |   −500      |   1500     | 10.45 − 0.5/0.9 = 9.894444 |
    // |   5    |   5     |  1250   |      0      |   1250     | 9.894444                   |
    const p = prosumer([8, 4, 5]);
    const a = p.step(6);
    expect(a).toMatchObject({
      generationKwh: 2000,
      requestedSoldKwh: 1500,
      batteryKwh: 500,
      exportKwh: 1500,
    });
    expect(a).toMatchObject({ illegal: false, clipped: false, shortfallKwh: 0 });
    expect(a.socAfterMwh).toBeCloseTo(10.45, 12);
    const b = p.step(6);
    expect(b).toMatchObject({ batteryKwh: -500, exportKwh: 1500, illegal: false });
    expect(b.socAfterMwh).toBeCloseTo(10.45 - 0.5 / 0.9, 12);
    const c = p.step(5);
    expect(c).toMatchObject({ batteryKwh: 0, exportKwh: 1250 });
    expect(p.illegalCount).toBe(0);
    expect(p.clippedCount).toBe(0);
    expect(p.exportedKwh).toBe(4250);
    expect(p.done).toBe(true);
    expect(() => p.step(0)).toThrow(RangeError);
  });

  it("ignores an illegal over-discharge (policy 'ignore'): battery idle, the generation is exported", () => {
    // gen 4 MW, sold 20 MW → battery would give 4000 kWh > 2500 kWh (10 MW × 0.25 h).
    const p = prosumer([4]);
    const s = p.step(20);
    expect(s).toMatchObject({
      illegal: true,
      illegalReason: 'discharge-limit',
      batteryKwh: 0,
      exportKwh: 1000,
    });
    expect(s.shortfallKwh).toBe(4000);
    expect(s.socAfterMwh).toBe(10);
    expect(p.illegalCount).toBe(1);
    expect(p.clippedCount).toBe(0);
    expect(p.shortfallMwh).toBe(4);
  });

  it('ignores an illegal charge into a full battery: the inverter disconnects, everything is sold', () => {
    const p = prosumer([6], {}, { socInitial: 0.9 });
    const s = p.step(0);
    expect(s).toMatchObject({ illegal: true, illegalReason: 'charge-limit', batteryKwh: 0, exportKwh: 1500 });
    expect(s.socAfterMwh).toBeCloseTo(18, 12);
  });

  it("policy 'clip' lets the battery do what it can and still counts the action illegal", () => {
    const p = prosumer([4], { illegalPolicy: 'clip' });
    const s = p.step(20);
    expect(s).toMatchObject({ illegal: true, illegalReason: 'discharge-limit', clipped: true });
    expect(s.batteryKwh).toBe(-2500);
    expect(s.exportKwh).toBe(3500);
    expect(s.shortfallKwh).toBe(1500);
    expect(p.illegalCount).toBe(1);
    expect(p.clippedCount).toBe(1);
  });

  it('buying is illegal unless allowed; allowed, the grid charges the battery', () => {
    const noImport = prosumer([2]);
    expect(noImport.step(-2)).toMatchObject({
      illegal: true,
      illegalReason: 'import',
      batteryKwh: 0,
      exportKwh: 500,
    });
    const clip = prosumer([2], { illegalPolicy: 'clip' });
    // Raised to sold = 0: the battery takes all 500 kWh of generation.
    expect(clip.step(-2)).toMatchObject({
      illegal: true,
      illegalReason: 'import',
      batteryKwh: 500,
      exportKwh: 0,
    });
    const withImport = prosumer([2], { allowImport: true });
    const s = withImport.step(-2);
    expect(s).toMatchObject({ illegal: false, batteryKwh: 1000, exportKwh: -500 });
    expect(s.socAfterMwh).toBeCloseTo(10.9, 12);
  });

  it('a non-finite action is illegal and ignored', () => {
    const p = prosumer([2, 2], { illegalPolicy: 'clip' });
    expect(p.step(Number.NaN)).toMatchObject({
      illegal: true,
      illegalReason: 'non-finite',
      exportKwh: 500,
      batteryKwh: 0,
    });
    expect(p.step(Number.POSITIVE_INFINITY)).toMatchObject({ illegal: true, illegalReason: 'non-finite' });
    expect(p.illegalCount).toBe(2);
  });

  it('an excess within the 1 kWh tolerance is clipped, not illegal', () => {
    // SoC 2.0005 MWh above min 2: 0.45 kWh available on the grid side → headroom 0.
    const p = prosumer([0, 0], {}, { socInitial: 2.0005 / 20 });
    const s = p.step(0.004); // 1 kWh
    expect(s).toMatchObject({ illegal: false, clipped: true, batteryKwh: 0, exportKwh: 0, shortfallKwh: 1 });
    expect(p.step(0.008)).toMatchObject({ illegal: true, illegalReason: 'discharge-limit' });
  });

  it('legalRangeMw agrees with check', () => {
    const p = prosumer([4, 4], {}, { socInitial: 0.85 });
    const r = p.legalRangeMw();
    // Room (18 − 17)/0.9 MWh = 1111 kWh; discharge 2500 kWh: sold in [4 − 4.444, 4 + 10] → min 0 (no import).
    expect(r.minSoldMw).toBe(0);
    expect(r.maxSoldMw).toBeCloseTo(14, 12);
    expect(p.check(r.maxSoldMw)).toBeNull();
    expect(p.check(r.maxSoldMw + 0.01)).toBe('discharge-limit');
    expect(p.check(-0.01)).toBe('import');
    const q = prosumer([8], {}, { socInitial: 0.85 });
    const rq = q.legalRangeMw();
    expect(rq.minSoldMw).toBeCloseTo((2000 - 1111) / 250, 12);
    expect(q.check(rq.minSoldMw)).toBeNull();
    expect(q.check(rq.minSoldMw - 0.01)).toBe('charge-limit');
  });

  it('energy is conserved in whole kWh and the SoC stays in bounds (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 12, noNaN: true }),
            fc.double({ min: -15, max: 25, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        fc.constantFrom<'ignore' | 'clip'>('ignore', 'clip'),
        fc.boolean(),
        (steps, illegalPolicy, allowImport) => {
          const p = prosumer(
            steps.map(([g]) => g),
            { illegalPolicy, allowImport },
          );
          let illegal = 0;
          for (const [, sold] of steps) {
            const s = p.step(sold);
            expect(Number.isInteger(s.exportKwh) && Number.isInteger(s.batteryKwh)).toBe(true);
            expect(s.exportKwh).toBe(s.generationKwh - s.batteryKwh);
            expect(s.socAfterMwh).toBeGreaterThanOrEqual(p.battery.socMinMwh);
            expect(s.socAfterMwh).toBeLessThanOrEqual(p.battery.socMaxMwh);
            if (s.illegal) {
              illegal++;
              if (illegalPolicy === 'ignore') expect(s.batteryKwh).toBe(0);
            } else expect(Math.abs(s.batteryKwh - s.batteryRequestedKwh)).toBeLessThanOrEqual(1);
            if (!allowImport) expect(s.exportKwh).toBeGreaterThanOrEqual(0);
          }
          expect(p.illegalCount).toBe(illegal);
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });

  it('runs a seed-002 style synthetic generation profile deterministically', () => {
    const gen = (seed: number) =>
      syntheticGenerationMw(
        { steps: 288, stepHours: 1 / 12, peakMw: 8, noise: 0.05, spike: 0.4 },
        new RandomStream('gen', seed),
      );
    const a = gen(7);
    expect(a).toEqual(gen(7));
    expect(a.every((g) => g >= 0)).toBe(true);
    expect(a[0]).toBe(0); // night
    expect(Math.max(...a)).toBeGreaterThan(7);
  });
});

describe('DiscreteActionProsumer (seed 003)', () => {
  // Seed 003: η⁺ = η⁻ = 0.9, E in [0 %, 100 %], P̄ = 10 MW; hourly intraday steps. Capacity 20 MWh (not in the seed).
  const seed003 = (socInitial: number, gen: number[], rngSeed?: number) =>
    new DiscreteActionProsumer(
      new RenewableBatteryProsumer({
        id: 'p',
        battery: battery({ socMin: 0, socMax: 1, socInitial }),
        generationMw: gen,
        stepHours: 1,
        allowImport: true,
      }),
      {
        violationPenaltyEur: 500,
        rng: rngSeed === undefined ? undefined : new NamedRng(rngSeed).stream('fallback'),
      },
    );

  it('has the five actions and maps a to sold = gen − a·P̄ with (1f) e_t − e_{t−1} = η⁺p⁺ − p⁻/η⁻', () => {
    expect(SEED003_ACTIONS).toEqual([-1, -0.5, 0, 0.5, 1]);
    // | a    | gen | sold = gen − a·10 | p⁺/p⁻ MW | e after (MWh)               |
    // | 0.5  |  3  |  −2 (buys 2)      | p⁺ = 5   | 10 + 0.9·5   = 14.5         |
    // | −1   |  3  |  13               | p⁻ = 10  | 14.5 − 10/0.9 = 3.388889    |
    const d = seed003(0.5, [3, 3]);
    expect(d.soldMwFor(0.5)).toBe(-2);
    const s1 = d.step(0.5);
    expect(s1).toMatchObject({
      violation: false,
      executedAction: 0.5,
      batteryKwh: 5000,
      exportKwh: -2000,
      penaltyEur: 0,
    });
    expect(s1.socAfterMwh).toBeCloseTo(14.5, 12);
    const s2 = d.stepIndex(0);
    expect(s2).toMatchObject({ violation: false, executedAction: -1, batteryKwh: -10000, exportKwh: 13000 });
    expect(s2.socAfterMwh).toBeCloseTo(14.5 - 10 / 0.9, 9);
    expect(d.penaltyEur).toBe(0);
  });

  it('replaces an action that would violate (1g) by the nearest feasible one and charges the penalty', () => {
    // e = 16 MWh of 20: a = 1 needs 9 MWh of room, a = 0.5 needs 4.5 → both violate; nearest feasible is 0.
    const d = seed003(0.8, [2, 2]);
    expect(d.feasibleActions()).toEqual([-1, -0.5, 0]);
    const s = d.step(1);
    expect(s).toMatchObject({ requestedAction: 1, executedAction: 0, violation: true, penaltyEur: 500 });
    expect(s.exportKwh).toBe(2000);
    expect(s.illegal).toBe(false);
    expect(d.violationCount).toBe(1);
    expect(d.penaltyEur).toBe(500);
    // e = 16 − 10/0.9 … a = −1 is feasible, no penalty.
    expect(d.step(-1)).toMatchObject({ violation: false, penaltyEur: 0 });
  });

  it('with an rng picks the replacement at random among the feasible actions (seed 003 Algorithm 1)', () => {
    const picks = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const d = seed003(0.8, [2], seed);
      const s = d.step(1);
      expect(s.violation).toBe(true);
      expect([-1, -0.5, 0]).toContain(s.executedAction);
      picks.add(s.executedAction!);
    }
    expect(picks.size).toBe(3);
  });

  it('counts a step with no feasible action (custom action set) and idles the battery', () => {
    const inner = new RenewableBatteryProsumer({
      id: 'p',
      battery: battery({ socMin: 0, socMax: 1, socInitial: 1 }),
      generationMw: [2],
      stepHours: 1,
      allowImport: true,
    });
    const d = new DiscreteActionProsumer(inner, { actions: [0.5, 1], violationPenaltyEur: 7 });
    const s = d.step(1);
    expect(s).toMatchObject({
      executedAction: null,
      violation: true,
      penaltyEur: 7,
      batteryKwh: 0,
      exportKwh: 2000,
    });
    expect(d.infeasibleCount).toBe(1);
  });

  it('rejects an action outside the set', () => {
    const d = seed003(0.5, [1]);
    expect(() => d.step(0.25)).toThrow(RangeError);
    expect(() => d.stepIndex(5)).toThrow(RangeError);
  });
});
