import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/index.js';
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

  // Only fleetSize was checked: these were used as given (a reward scale of 0 gave infinite
  // rewards, a negative imbalance price paid for imbalance), a NaN stopped the first step naming no
  // field, and a misspelt field was ignored.
  it('refuses settings out of range with a ConfigError naming the field and the limit', () => {
    const issues = (cfg: Record<string, unknown>) => {
      try {
        new EvFleetEnv(cfg);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).issues.map((i) => i.path);
      }
      throw new Error('accepted');
    };
    expect(issues({ rewardScaleEur: 0 })).toEqual(['env.rewardScaleEur']);
    expect(issues({ predictionError: -1 })).toEqual(['env.predictionError']);
    expect(issues({ predictionError: Number.NaN })).toEqual(['env.predictionError']);
    expect(issues({ tariffEurPerKwh: Number.NaN })).toEqual(['env.tariffEurPerKwh']);
    expect(issues({ imbalancePriceEur: -5 })).toEqual(['env.imbalancePriceEur']);
    expect(issues({ seed: 1.5, worldSeed: -3 })).toEqual(['env.seed', 'env.worldSeed']);
    expect(issues({ fleetSize: 0 })).toEqual(['env.fleetSize']);
    expect(issues({ days: { start: '2024-06-03', count: 0 } })).toEqual(['env.days.count']);
    expect(issues({ days: { start: '9999-12-31', count: 2 } })).toEqual(['env.days.count']);
    expect(issues({ fleetsize: 5 })).toEqual(['env.fleetsize']);
    expect(() => new EvFleetEnv({ rewardScaleEur: 0 })).toThrow(/env\.rewardScaleEur: .*>0/);
    const env = new EvFleetEnv({ days: { start: '2024-06-03', count: 1 }, fleetSize: 5 });
    expect(() => env.reseed(Number.NaN)).toThrow('seed must be an integer in [0, 2147483647], got NaN');
  });
});
