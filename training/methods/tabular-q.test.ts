import { describe, expect, it } from 'vitest';
import { BatteryEnv } from '../env/battery-env.js';
import { StepType } from '../env/time-step.js';
import { binOf, perStepGamma, quantileEdges, seed003Bins, TabularQLearner } from './tabular-q.js';

const seed003Env = () =>
  new BatteryEnv({
    days: { start: '2024-04-01', count: 4 },
    difficulty: 'clean',
    action: 'discrete',
    observation: 'seed003',
    reward: 'revenue-penalty',
    allowImport: true,
  });

describe('TabularQLearner (seed 003)', () => {
  it('applies eq. (2) with α 0.2 and γ 0.9, no bootstrap from a terminal step', () => {
    const q = new TabularQLearner(5);
    expect([q.alpha, q.gamma]).toEqual([0.2, 0.9]);
    const o = [0, 0.5, 0.5, 0, 0, 1, 1];
    const o2 = [0, 0.6, 0.5, 0, 0, 1, 1];
    q.update(o2, 1, { stepType: StepType.LAST, reward: 10, discount: 0, observation: o, rejections: [] });
    expect(q.qValues(o2)[1]).toBeCloseTo(2, 12); // 0.2 × 10
    q.update(o, 3, { stepType: StepType.MID, reward: 5, discount: 1, observation: o2, rejections: [] });
    expect(q.qValues(o)[3]).toBeCloseTo(0.2 * (5 + 0.9 * 2), 12);
    expect(binOf(0.5, [0.2, 0.5, 0.8])).toBe(2);
  });

  it('learns a policy that beats doing nothing on the training days and avoids SoC violations', () => {
    const env = seed003Env();
    const q = new TabularQLearner(5, { decayEpisodes: 150, seed: 3 });
    const days = [0, 1, 2, 3];
    const idle = q.evaluate(env, days); // the zero table's greedy action is 0 (idle)
    for (let e = 0; e < 300; e++) {
      q.trainEpisode(env);
      if (e % 50 === 49) q.considerSaving(q.evaluate(env, days));
    }
    const learned = q.evaluate(env, days, true);
    expect(learned).toBeGreaterThan(idle + 500);
    let violations = 0;
    for (const d of days) {
      let ts = env.reset(d);
      while (ts.stepType !== StepType.LAST) {
        ts = env.step(q.greedy(ts.observation, q.policyTable()));
        violations += ts.rejections.length;
      }
    }
    expect(violations).toBe(0);
  });

  it('snapshots and restores its table exactly', () => {
    const env = seed003Env();
    const a = new TabularQLearner(5, { seed: 4 });
    for (let e = 0; e < 5; e++) a.trainEpisode(env);
    const b = new TabularQLearner(5);
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(() => new TabularQLearner(3).restore(a.snapshot())).toThrow(/actions/);
  });

  it("converts seed 003's hourly γ to the step length and rejects what is not a discount", () => {
    expect(perStepGamma(0.9, 60)).toBe(0.9);
    expect(perStepGamma(0.9, 15) ** 4).toBeCloseTo(0.9, 12);
    expect(() => perStepGamma(1.1, 15)).toThrow(/gammaPerHour must lie in \[0, 1\], got 1.1/);
    expect(() => perStepGamma(0.9, 0)).toThrow(/stepMinutes/);
  });

  it('bins the price level by equal-frequency edges of the history and the SoC in equal shares', () => {
    const values = Array.from({ length: 100 }, (_, k) => k);
    expect(quantileEdges(values, 4)).toEqual([25, 50, 75]);
    // Ties collapse instead of producing a non-increasing edge list.
    expect(quantileEdges([1, 1, 1, 1, 2, 3], 3)).toEqual([1, 2]);
    expect(() => quantileEdges([1, 2], 3)).toThrow(/at least n = 3/);
    const bins = seed003Bins(10, [0.5, 1]);
    const q = new TabularQLearner(5, { bins });
    expect(q.states).toBe(24 * 10 * 3 * 3);
    // SoC exactly at a bin's lower edge falls into that bin, 1.0 into the last.
    expect(binOf(0.1, bins[1]!.edges)).toBe(1);
    expect(binOf(1, bins[1]!.edges)).toBe(9);
    expect(() => seed003Bins(0, [1])).toThrow(/socBins/);
  });
});
