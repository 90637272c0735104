// λ from outcomes: the smallest 0.1 step that would have kept a commitment chargeable in all but
// the chosen share of the cases seen; the prior until enough cases are in.
import { describe, expect, it } from 'vitest';
import { RiskFactor } from './ev-risk.js';

describe('RiskFactor', () => {
  it('uses the prior until enough outcomes are seen', () => {
    const r = new RiskFactor(0.3, 0.1, 3);
    r.observe(100, 50);
    r.observe(100, 50);
    expect(r.lambda()).toBe(0.3);
    r.observe(100, 50);
    expect(r.lambda()).toBe(0.5);
  });

  it('takes the quantile of actual / predicted and rounds the discount up to a tenth', () => {
    const r = new RiskFactor(0, 0.1, 1);
    // Ratios 0.65, then nine at 1.0: the 10 % quantile is 0.65 → λ ≥ 0.35 → 0.4.
    r.observe(100, 65);
    for (let i = 0; i < 9; i++) r.observe(100, 100);
    expect(r.lambda()).toBe(0.4);
    // A prediction that came true exactly (ratio 0.7) is λ 0.3, not 0.4 through rounding noise.
    const exact = new RiskFactor(0, 0.5, 1);
    exact.observe(10, 7);
    expect(exact.lambda()).toBe(0.3);
  });

  it('is 0 when the cars always outnumbered the prediction, 1 when none came', () => {
    const up = new RiskFactor(0.5, 0.05, 2);
    up.observe(10, 12);
    up.observe(10, 30);
    expect(up.lambda()).toBe(0);
    const none = new RiskFactor(0.5, 0.05, 2);
    none.observe(10, 0);
    none.observe(10, 0);
    expect(none.lambda()).toBe(1);
  });

  it('ignores predictions of nothing', () => {
    const r = new RiskFactor(0.2, 0.05, 1);
    r.observe(0, 5);
    expect(r.observations).toBe(0);
    expect(r.lambda()).toBe(0.2);
  });
});
