import { describe, expect, it } from 'vitest';
import { NamedRng } from '../../lib/random.js';
import { DIFFICULTY_LEVELS, difficultyFeatures, spikeSeries, uniformNoise } from './difficulty.js';
import { STEP_MS } from './time.js';
import { createWorld } from './world.js';

const SPIKES = { everyHours: 36, jitterHours: 12, minEur: 80, maxEur: 400, negativeShare: 0.2, maxSteps: 4 };

describe('difficulty levels (seed 002 §3.1)', () => {
  it('adds one feature per level', () => {
    expect(DIFFICULTY_LEVELS).toEqual(['clean', 'noise', 'spikes', 'forecast-errors']);
    expect(difficultyFeatures('clean')).toEqual({
      weather: false,
      uniformNoise: false,
      spikes: false,
      forecastErrors: false,
    });
    expect(difficultyFeatures('noise')).toEqual({
      weather: true,
      uniformNoise: true,
      spikes: false,
      forecastErrors: false,
    });
    expect(difficultyFeatures('spikes').spikes).toBe(true);
    expect(difficultyFeatures('spikes').forecastErrors).toBe(false);
    expect(difficultyFeatures('forecast-errors')).toEqual({
      weather: true,
      uniformNoise: true,
      spikes: true,
      forecastErrors: true,
    });
    expect(() => difficultyFeatures('hard' as never)).toThrow(/unknown difficulty/);
  });

  it('draws uniform noise within its half-width', () => {
    const s = new NamedRng(1).stream('t');
    const xs = Array.from({ length: 2000 }, () => uniformNoise(s, 5));
    expect(Math.max(...xs)).toBeLessThanOrEqual(5);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-5);
    expect(Math.max(...xs)).toBeGreaterThan(4.9);
    expect(uniformNoise(s, 0)).toBe(0);
  });

  it('places spikes every few hours with position noise, heights within range', () => {
    const starts = Array.from(
      { length: 96 * 30 },
      (_, i) => Date.parse('2024-03-01T00:00:00Z') + i * STEP_MS,
    );
    const sp = spikeSeries(starts, SPIKES, new NamedRng(4).stream('world.spikes'));
    const hit = [...sp].map((x, i) => [x, i] as const).filter(([x]) => x !== 0);
    // ~20 spikes of 1-4 quarter-hours in 30 days.
    expect(hit.length).toBeGreaterThan(15);
    expect(hit.length).toBeLessThan(100);
    for (const [x] of hit) expect(Math.abs(x)).toBeLessThanOrEqual(2 * SPIKES.maxEur);
    expect(hit.some(([x]) => x < 0)).toBe(true);
    expect(hit.some(([x]) => x > 0)).toBe(true);
    // Position noise: the gaps between spike starts are not all equal.
    const firsts = hit.filter(([, i]) => sp[i - 1] === 0).map(([, i]) => i);
    const gaps = new Set(firsts.slice(1).map((f, k) => f - firsts[k]!));
    expect(gaps.size).toBeGreaterThan(3);
    // Deterministic per stream.
    expect([...spikeSeries(starts, SPIKES, new NamedRng(4).stream('world.spikes'))]).toEqual([...sp]);
  });

  it('orders the levels: smooth < noisy < spiky prices, and only the last has forecast errors', () => {
    const days = Array.from({ length: 28 }, (_, i) => `2024-03-${String(i + 1).padStart(2, '0')}`);
    const stats = DIFFICULTY_LEVELS.map((difficulty) => {
      const w = createWorld({ difficulty }, new NamedRng(21), days);
      const p = [...w.realisedPriceTicks()].map((t) => t / 100);
      let rough = 0;
      let spikes = 0;
      for (let i = 1; i < p.length; i++) rough += (p[i]! - p[i - 1]!) ** 2;
      for (let i = 4; i < p.length - 4; i++) {
        const around = [...p.slice(i - 4, i), ...p.slice(i + 1, i + 5)].sort((a, b) => a - b);
        if (Math.abs(p[i]! - (around[3]! + around[4]!) / 2) > 60) spikes++;
      }
      let fcErr = 0;
      const t0 = w.stepStartMs(96 * 7) - 24 * 3_600_000;
      const f = w.forecastAt(t0);
      for (let i = 0; i < f.length; i++) {
        fcErr += Math.abs(f.priceTicks[i]! - w.realised(f.firstStep + i).priceTicks);
        fcErr += Math.abs(f.residualMw[i]! - w.realised(f.firstStep + i).residualMw);
      }
      return { difficulty, rough: Math.sqrt(rough / p.length), spikes, fcErr };
    });
    const [clean, noise, spiky, fcst] = stats as [
      (typeof stats)[0],
      (typeof stats)[0],
      (typeof stats)[0],
      (typeof stats)[0],
    ];
    expect(clean.rough).toBeLessThan(noise.rough);
    expect(noise.rough).toBeLessThan(spiky.rough);
    expect(clean.spikes).toBe(0);
    expect(noise.spikes).toBe(0);
    expect(spiky.spikes).toBeGreaterThan(10);
    expect(fcst.spikes).toBe(spiky.spikes);
    expect(clean.fcErr).toBe(0);
    expect(noise.fcErr).toBe(0);
    expect(spiky.fcErr).toBe(0);
    expect(fcst.fcErr).toBeGreaterThan(0);
  });
});
