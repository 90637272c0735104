import { describe, expect, it } from 'vitest';
import { benchTwins } from './twins.js';

describe('benchTwins', () => {
  it('reports a positive, finite throughput for every twin', () => {
    const rows = benchTwins({ minMs: 10 });
    expect(rows.map((r) => r.name)).toEqual([
      'BatteryTwin.step',
      'RenewableBatteryProsumer.step',
      'DiscreteActionProsumer.step (seed 003, 5 actions)',
      'ResidentialPool step N=30 (Alg. 1-4 + advance)',
    ]);
    for (const r of rows) {
      expect(Number.isFinite(r.stepsPerSecond)).toBe(true);
      expect(r.stepsPerSecond).toBeGreaterThan(0);
    }
  });
});
