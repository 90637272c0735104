import { describe, expect, it } from 'vitest';
import { NamedRng } from '../../lib/random.js';
import {
  clearSkySolarMw,
  demandShapeMw,
  GERMANY_2024_FUNDAMENTALS as F,
  type FundamentalSeries,
  generateFundamentals,
} from './fundamentals.js';
import { berlinLocal, consecutiveDays, StepGrid } from './time.js';

const mean = (a: ArrayLike<number>, from = 0, to = a.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return s / (to - from);
};

const NOISE = { demandMw: 600, windMw: 400, solarShare: 0.03 };

function year(seed: number, weather = true): FundamentalSeries {
  return generateFundamentals(new StepGrid(consecutiveDays('2024-01-01', 366)), F, new NamedRng(seed), {
    weather,
    noise: weather ? NOISE : null,
  });
}

describe('fundamentals (Germany 2024 magnitudes)', () => {
  const f = year(11);

  it('has German magnitudes over a year', () => {
    expect(mean(f.demandMw) / 1e3).toBeGreaterThan(48);
    expect(mean(f.demandMw) / 1e3).toBeLessThan(56);
    expect(Math.min(...f.demandMw) / 1e3).toBeGreaterThan(30);
    expect(Math.max(...f.demandMw) / 1e3).toBeLessThan(78);
    // Wind: ~22 % capacity factor of 63 GW; solar ~9 % of 80 GW with summer peaks near 50 GW.
    expect(mean(f.windMw) / F.wind.capacityMw).toBeGreaterThan(0.15);
    expect(mean(f.windMw) / F.wind.capacityMw).toBeLessThan(0.28);
    expect(mean(f.solarMw) / F.solar.capacityMw).toBeGreaterThan(0.07);
    expect(mean(f.solarMw) / F.solar.capacityMw).toBeLessThan(0.12);
    expect(Math.max(...f.solarMw) / 1e3).toBeGreaterThan(40);
    const bad: number[] = [];
    for (let i = 0; i < f.steps; i++) {
      const ok =
        f.windMw[i]! >= 0 &&
        f.windMw[i]! <= F.wind.capacityMw &&
        f.solarMw[i]! >= 0 &&
        f.solarMw[i]! <= F.solar.capacityMw &&
        Math.abs(f.residualMw[i]! - (f.demandMw[i]! - f.windMw[i]! - f.solarMw[i]!)) < 1e-6;
      if (!ok) bad.push(i);
    }
    expect(bad).toEqual([]);
  });

  it('has a winter peak in demand and wind and a summer peak in solar', () => {
    const jan = [0, 31 * 96] as const;
    const jul = [182 * 96, 213 * 96] as const;
    expect(mean(f.demandMw, ...jan)).toBeGreaterThan(mean(f.demandMw, ...jul) + 4000);
    expect(mean(f.windMw, ...jan)).toBeGreaterThan(mean(f.windMw, ...jul));
    expect(mean(f.solarMw, ...jul)).toBeGreaterThan(4 * mean(f.solarMw, ...jan));
  });

  it('makes no solar at night and a bell around local noon', () => {
    const g = new StepGrid(['2024-06-21']);
    const c = generateFundamentals(g, F, new NamedRng(1), { weather: false, noise: null });
    for (let q = 0; q < 96; q++) {
      const h = berlinLocal(g.startMs(q) + 450_000).hour;
      if (h < 4.5 || h > 22.5) expect(c.solarMw[q]).toBe(0);
    }
    const peak = c.solarMw.indexOf(Math.max(...c.solarMw));
    expect(berlinLocal(g.startMs(peak)).hour).toBeGreaterThan(12.5);
    expect(berlinLocal(g.startMs(peak)).hour).toBeLessThan(14.5);
    expect(clearSkySolarMw(F.solar, Date.parse('2024-06-21T11:15:00Z'))).toBeGreaterThan(
      2.5 * clearSkySolarMw(F.solar, Date.parse('2024-12-21T11:15:00Z')),
    );
  });

  it('shapes demand by day: night trough, day plateau, evening peak in winter, quieter weekends', () => {
    const d = F.demand;
    const wd = (h: number) => demandShapeMw(d, h, 3, 15);
    expect(wd(3.5)).toBeLessThan(0.85 * wd(11));
    expect(wd(18.5)).toBeGreaterThan(wd(15.5));
    expect(demandShapeMw(d, 12, 0, 15)).toBeLessThan(0.85 * wd(12));
    expect(demandShapeMw(d, 12, 6, 15)).toBeLessThan(wd(12));
    // Sunday 23:59 runs into Monday 00:00 without a jump (the night belongs to the day before).
    expect(Math.abs(demandShapeMw(d, 23.99, 0, 15) - demandShapeMw(d, 0, 1, 15.01))).toBeLessThan(300);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = generateFundamentals(new StepGrid(['2024-03-01', '2024-03-02']), F, new NamedRng(5), {
      weather: true,
      noise: NOISE,
    });
    const b = generateFundamentals(new StepGrid(['2024-03-01', '2024-03-02']), F, new NamedRng(5), {
      weather: true,
      noise: NOISE,
    });
    const c = generateFundamentals(new StepGrid(['2024-03-01', '2024-03-02']), F, new NamedRng(6), {
      weather: true,
      noise: NOISE,
    });
    expect([...a.windMw]).toEqual([...b.windMw]);
    expect([...a.windMw]).not.toEqual([...c.windMw]);
  });

  it('varies the weather slowly (AR(1) in hours): wind changes little from one quarter-hour to the next', () => {
    const c = generateFundamentals(new StepGrid(consecutiveDays('2024-02-01', 28)), F, new NamedRng(3), {
      weather: true,
      noise: null,
    });
    let step = 0;
    let day = 0;
    for (let i = 96; i < c.steps; i++) {
      step += Math.abs(c.windMw[i]! - c.windMw[i - 1]!);
      day += Math.abs(c.windMw[i]! - c.windMw[i - 96]!);
    }
    expect(step / (c.steps - 96)).toBeLessThan(600);
    expect(day / (c.steps - 96)).toBeGreaterThan(5 * (step / (c.steps - 96)));
  });
});
