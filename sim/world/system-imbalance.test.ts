import { describe, expect, it } from 'vitest';
import { NamedRng } from '../../lib/random.js';
import { systemImbalanceMw, untradedImbalanceMw, untradedImbalanceSeries } from './system-imbalance.js';
import { consecutiveDays, HOUR_MS, MINUTE_MS } from './time.js';
import { createWorld } from './world.js';

describe('system imbalance', () => {
  it('is positive (system short) when residual load comes in above the last forecast', () => {
    expect(untradedImbalanceMw(41_000, 40_000, 0.25)).toBe(250);
    expect(untradedImbalanceMw(39_000, 40_000, 0.25)).toBe(-250);
    expect(untradedImbalanceMw(39_000, 40_000, 0)).toBe(0);
    expect(() => untradedImbalanceMw(1, 0, 1.5)).toThrow(/untradedShare/);
    expect([...untradedImbalanceSeries([10, 20], [0, 30], 0.5)]).toEqual([5, -5]);
  });

  it('adds the agents: an agent short of its position (metered < position) makes the system shorter', () => {
    expect(systemImbalanceMw(100, [-20])).toBe(120);
    expect(systemImbalanceMw(100, [20, 5])).toBe(75);
    expect(systemImbalanceMw(100)).toBe(100);
    expect(() => systemImbalanceMw(0, [Number.NaN])).toThrow(/finite/);
  });

  it('has the typical German magnitude (±50 … 500 MW) at the default untraded share', () => {
    const w = createWorld({}, new NamedRng(8), consecutiveDays('2024-10-01', 21));
    const abs = Array.from({ length: w.steps }, (_, s) => Math.abs(w.realised(s).systemImbalanceMw)).sort(
      (a, b) => a - b,
    );
    const q = (p: number) => abs[Math.floor(p * (abs.length - 1))]!;
    expect(q(0.5)).toBeGreaterThan(50);
    expect(q(0.5)).toBeLessThan(500);
    expect(q(0.95)).toBeLessThan(1_200);
    expect(q(0.95)).toBeGreaterThan(150);
    // Both directions occur, about equally often.
    let short = 0;
    for (let s = 0; s < w.steps; s++) if (w.realised(s).systemImbalanceMw > 0) short++;
    expect(short / w.steps).toBeGreaterThan(0.3);
    expect(short / w.steps).toBeLessThan(0.7);
    expect(w.systemImbalanceMw(10, [50])).toBeCloseTo(w.realised(10).systemImbalanceMw - 50, 9);
  });

  it('is the untraded share of (realised − last forecast before gate closure)', () => {
    const share = 0.4;
    const w = createWorld({ imbalance: { untradedShare: share, gateClosureMinutes: 5 } }, new NamedRng(2), [
      '2024-11-05',
      '2024-11-06',
    ]);
    for (const s of [0, 37, 100, 191]) {
      const start = w.stepStartMs(s);
      // Last hourly issue strictly before delivery − 5 min.
      const issue = Math.ceil((start - 5 * MINUTE_MS) / HOUR_MS) * HOUR_MS - HOUR_MS;
      const f = w.forecastAt(issue);
      expect(f.issueTimeMs).toBe(issue);
      const r = w.realised(s);
      expect(r.systemImbalanceMw).toBeCloseTo(share * (r.residualMw - f.at(s)!.residualMw), 6);
    }
  });

  it('is zero without forecast errors (perfect foresight below the last level)', () => {
    const w = createWorld({ difficulty: 'noise' }, new NamedRng(2), ['2024-11-05']);
    for (let s = 0; s < w.steps; s++) expect(w.realised(s).systemImbalanceMw).toBe(0);
  });
});
