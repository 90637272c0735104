import { describe, expect, it } from 'vitest';
import { BatteryEnv } from '../env/battery-env.js';
import { StepType } from '../env/time-step.js';
import { forecastHeuristic, forecastHeuristicFor } from './behaviour-cloning.js';

/**
 * Plays a day with `policy`: its illegal charges (a discharge of an empty battery is illegal too,
 * for either teacher alike) and the largest charge share asked.
 */
function play(env: BatteryEnv, policy: (o: ArrayLike<number>) => number) {
  let ts = env.reset(0);
  let maxCharge = 0;
  let illegalCharges = 0;
  while (ts.stepType !== StepType.LAST) {
    const a = policy(ts.observation);
    maxCharge = Math.max(maxCharge, a);
    ts = env.step(a);
    if (a > 0 && env.info.illegal) illegalCharges++;
  }
  return { illegalCharges, maxCharge };
}

describe('the forecast heuristic (seed 002 §4.1) as a teacher', () => {
  // Behind a plant with import off, "charge completely" is from what the plant generates: the
  // plain heuristic's +1 asked for imports, illegal there (penalised, or the episode ended).
  it('charges from the generation only behind a plant without imports', () => {
    const cfg = {
      days: { start: '2024-06-01', count: 1 },
      difficulty: 'noise' as const,
      illegal: 'clip' as const,
      battery: { powerMw: 10, energyMwh: 20 },
      generation: { peakMw: 6 },
    };
    const plain = play(new BatteryEnv(cfg), forecastHeuristic);
    expect(plain.illegalCharges).toBeGreaterThan(0);
    const teacher = forecastHeuristicFor({ allowImport: false, ...cfg });
    const fromPlant = play(new BatteryEnv(cfg), teacher);
    expect(fromPlant.illegalCharges).toBe(0);
    // 6 MW of plant at most behind 10 MW of battery: never more than 0.6 of its power.
    expect(fromPlant.maxCharge).toBeGreaterThan(0);
    expect(fromPlant.maxCharge).toBeLessThanOrEqual(0.6 + 1e-9);
  });

  it('is the plain heuristic where the battery may import', () => {
    expect(
      forecastHeuristicFor({ allowImport: true, battery: { powerMw: 10 }, generation: { peakMw: 6 } }),
    ).toBe(forecastHeuristic);
  });
});
