import { describe, expect, it } from 'vitest';
import { benchEvFleet } from './ev-fleet.js';

describe('benchEvFleet', () => {
  it('reports a positive market-period throughput for |F| = 500', () => {
    const r = benchEvFleet({ marketPeriods: 300 });
    expect(r.name).toContain('500');
    expect(r.stepsPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(r.stepsPerSecond)).toBe(true);
  });
});
