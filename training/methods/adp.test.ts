import { describe, expect, it } from 'vitest';
import { adpFeatures, PoolAdp, PoolDays, RecursiveLeastSquares } from './adp.js';

describe('ADP with linear Q-factors (seed 001)', () => {
  it('builds the features of eq. 13 with the signs folded in', () => {
    // Charging (E > 0) with a future above the current price: only α1's term.
    expect(Array.from(adpFeatures(2, 50, 70, 50), (x) => x + 0)).toEqual([1, 40, 0, 0, 0, 0, 0]);
    // Discharging (E < 0) after a rise and above the future mean: α4 and α6 terms, positive.
    const f = adpFeatures(-1, 80, 60, 50);
    expect(f[4]).toBe(30);
    expect(f[6]).toBe(20);
  });

  it('recursive least squares recovers a linear target and keeps α1…α6 ≥ 0', () => {
    const rls = new RecursiveLeastSquares(3);
    const truth = [5, 2, 0.5];
    for (let k = 0; k < 200; k++) {
      const phi = [1, Math.sin(k), Math.cos(3 * k)];
      rls.update(phi, truth[0]! + truth[1]! * phi[1]! + truth[2]! * phi[2]!);
    }
    Array.from(rls.theta).forEach((v, i) => {
      expect(v).toBeCloseTo(truth[i]!, 4);
    });
    const neg = new RecursiveLeastSquares(2);
    for (let k = 0; k < 50; k++) neg.update([1, k % 5], 10 - 3 * (k % 5));
    expect(neg.theta[1]).toBeGreaterThanOrEqual(0);
  });

  it('trains on sample days of the pool twin; J_t adds up the realised utilities', () => {
    const days = new PoolDays({ days: { start: '2024-05-01', count: 3 }, households: 10 });
    const adp = new PoolAdp(days, { seed: 2 });
    const r = adp.trainDay(0);
    expect(r.commitments).toHaveLength(96);
    expect(r.utilityToGo[0]).toBeCloseTo(
      r.utility.reduce((s, x) => s + x, 0),
      9,
    );
    for (let k = 0; k < 30; k++) adp.trainDay(k % 3);
    expect(adp.samplePaths).toBe(31);
    const snap = adp.snapshot();
    const copy = new PoolAdp(days);
    copy.restore(JSON.parse(JSON.stringify(snap)));
    expect(copy.trainDay(1, false)).toEqual(adp.trainDay(1, false));
  });

  it('restores only a whole snapshot, naming what is wrong, and changes nothing otherwise', () => {
    const days = new PoolDays({ days: { start: '2024-05-01', count: 2 }, households: 3 });
    const adp = new PoolAdp(days, { seed: 2 });
    for (let k = 0; k < 4; k++) adp.trainDay(k % 2);
    const snap = JSON.parse(JSON.stringify(adp.snapshot())) as { alpha: number[][]; P: number[][] };
    const target = new PoolAdp(days);
    const before = JSON.stringify(target.snapshot());
    const bad: [Record<string, unknown>, RegExp][] = [
      // One interval's α only: it used to replace α_1 and keep the other 95 intervals' factors.
      [{ ...snap, alpha: [snap.alpha[0]] }, /alpha must be 96 lists of 7/],
      [{ ...snap, alpha: snap.alpha.map((a) => [...a, 0]) }, /alpha must be 96 lists of 7/],
      [
        { ...snap, alpha: snap.alpha.map((a, t) => (t === 5 ? [a[0], -1, 0, 0, 0, 0, 0] : a)) },
        /alpha\[5\]\[1\] must be >= 0/,
      ],
      [{ ...snap, P: snap.P.map((p) => p.slice(1)) }, /P must be 96 lists of 49/],
      [{ ...snap, P: undefined }, /P must be/],
      [{ ...snap, samplePaths: -1 }, /samplePaths/],
    ];
    for (const [s, msg] of bad) {
      expect(() => target.restore(s)).toThrow(msg);
      expect(JSON.stringify(target.snapshot())).toBe(before);
    }
  });
});
