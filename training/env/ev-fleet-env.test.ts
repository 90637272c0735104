import { describe, expect, it } from 'vitest';
import { EvFleetEnv } from './ev-fleet-env.js';
import { EnvironmentUsageError, StepType } from './time-step.js';

describe('EvFleetEnv (seed 004: the intraday risk factor of an EV fleet)', () => {
  it('has the documented specs, runs a day of 96 steps and returns bad actions as rejections', () => {
    const env = new EvFleetEnv({ days: { start: '2024-06-03', count: 2 }, fleetSize: 5 });
    expect(env.observationSpec().shape).toEqual([4]);
    expect(env.actionSpec()).toMatchObject({ kind: 'discrete', n: 11 });
    let ts = env.reset(1);
    expect(ts).toMatchObject({ stepType: StepType.FIRST, reward: 0, discount: 1, rejections: [] });
    ts = env.step(11);
    expect(ts.rejections).toEqual([
      {
        code: 'not-an-index',
        field: 'action',
        limit: 'an integer in [0, 10]',
        message: 'action 11 is not one of the 11 action indices',
      },
    ]);
    let steps = 1;
    while (ts.stepType !== StepType.LAST) {
      ts = env.step(5);
      steps++;
    }
    expect(steps).toBe(96);
    expect(() => env.step(5)).toThrow(EnvironmentUsageError);
  });

  it('names the day list when reset is given a day outside it', () => {
    const env = new EvFleetEnv({ days: { start: '2024-06-03', count: 2 }, fleetSize: 5 });
    // It said "step 480 outside the world (0 … 191)".
    for (const d of [2, -1, 0.5])
      expect(() => env.reset(d)).toThrow(`dayIndex must be an integer in [0, 1], got ${d}`);
  });
});
