import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NamedRng } from '../../lib/random.js';
import { leadFactor } from './forecasts.js';
import { consecutiveDays, DAY_MS, HOUR_MS } from './time.js';
import { createWorld, type World } from './world.js';

const DAYS = consecutiveDays('2024-03-04', 14);

function world(seed = 3, days = DAYS): World {
  return createWorld({ difficulty: 'forecast-errors' }, new NamedRng(seed), days);
}

function snapshot(w: World, t: number) {
  const f = w.forecastAt(t);
  return {
    issue: f.issueTimeMs,
    first: f.firstStep,
    d: [...f.demandMw],
    w: [...f.windMw],
    s: [...f.solarMw],
    p: [...f.priceTicks],
  };
}

describe('forecasts', () => {
  const w = world();
  const start = w.stepStartMs(0);

  it('are published hourly from D-1 00:00 and cover the rest of the day and all of the next', () => {
    const f = w.forecastAt(start - 17 * HOUR_MS); // D-1 07:00 UTC = 08:00 CET: the day-ahead forecast
    expect(f.issueTimeMs).toBe(start - 17 * HOUR_MS);
    expect(f.kind).toBe('day-ahead');
    expect(f.firstStep).toBe(0);
    expect(f.length).toBe(96);
    const g = w.forecastAt(start + 10 * HOUR_MS + 20 * 60_000); // 10:20 → the 10:00 issue
    expect(g.issueTimeMs).toBe(start + 10 * HOUR_MS);
    expect(g.kind).toBe('intraday');
    expect(g.firstStep).toBe(41); // 10:15 is the first quarter-hour starting after 10:00
    expect(g.length).toBe(96 - 41 + 96);
    expect(g.at(41)!.leadMs).toBe(15 * 60_000);
    expect(g.at(40)).toBeUndefined();
    expect(() => w.forecastAt(start - 25 * HOUR_MS)).toThrow(/no forecast published before/);
    expect(w.forecastIssueTimes(start, start + 3 * HOUR_MS)).toEqual(
      [0, 1, 2, 3].map((h) => start + h * HOUR_MS),
    );
  });

  it('sharpen toward delivery: RMSE at 1 h lead < 6 h < 24 h (demand, wind, solar, residual, price)', () => {
    const se = new Map<number, number[]>();
    for (const t of w.forecastIssueTimes(start, w.stepStartMs(w.steps - 1))) {
      const f = w.forecastAt(t);
      for (let i = 0; i < f.length; i++) {
        const lead = (f.deliveryStartsMs[i]! - t) / HOUR_MS;
        if (![1, 6, 24].includes(lead)) continue;
        const r = w.realised(f.firstStep + i);
        const acc = se.get(lead) ?? [0, 0, 0, 0, 0, 0];
        acc[0]! += (f.demandMw[i]! - r.demandMw) ** 2;
        acc[1]! += (f.windMw[i]! - r.windMw) ** 2;
        acc[2]! += (f.solarMw[i]! - r.solarMw) ** 2;
        acc[3]! += (f.residualMw[i]! - r.residualMw) ** 2;
        acc[4]! += ((f.priceTicks[i]! - r.priceTicks) / 100) ** 2;
        acc[5]! += 1;
        se.set(lead, acc);
      }
    }
    const rmse = (lead: number) =>
      se
        .get(lead)!
        .slice(0, 5)
        .map((x) => Math.sqrt(x / se.get(lead)![5]!));
    const [h1, h6, h24] = [rmse(1), rmse(6), rmse(24)];
    for (let v = 0; v < 5; v++) {
      expect(h1[v]!).toBeLessThan(h6[v]!);
      expect(h6[v]!).toBeLessThan(h24[v]!);
    }
    // Magnitudes: residual load ~2-4 GW a day ahead, well under 1.5 GW an hour ahead.
    expect(h24[3]!).toBeGreaterThan(1_500);
    expect(h24[3]!).toBeLessThan(5_000);
    expect(h1[3]!).toBeLessThan(1_500);
  });

  it('drift rather than jump: errors of successive issues for the same step are correlated', () => {
    const target = 96 * 5 + 60;
    const errs: number[] = [];
    for (const t of w.forecastIssueTimes(
      w.stepStartMs(target) - 30 * HOUR_MS,
      w.stepStartMs(target) - 6 * HOUR_MS,
    )) {
      const f = w.forecastAt(t);
      errs.push((f.at(target)!.windMw - w.realised(target).windMw) / leadFactor(f.at(target)!.leadMs, 0.1));
    }
    // Standardised errors of consecutive issues: lag-1 autocorrelation well above 0.
    const m = errs.reduce((a, b) => a + b, 0) / errs.length;
    let num = 0;
    let den = 0;
    for (let i = 0; i < errs.length; i++) {
      den += (errs[i]! - m) ** 2;
      if (i > 0) num += (errs[i]! - m) * (errs[i - 1]! - m);
    }
    expect(num / den).toBeGreaterThan(0.5);
  });

  it('are deterministic: the same seed gives the same forecasts, another seed different ones', () => {
    const t = start + 3 * DAY_MS + 9 * HOUR_MS;
    expect(snapshot(world(3), t)).toEqual(snapshot(w, t));
    expect(snapshot(world(4), t).w).not.toEqual(snapshot(w, t).w);
  });

  it('do not depend on query order (property: any order of query times)', () => {
    const issueTimes = w.forecastIssueTimes(start - DAY_MS, w.stepStartMs(w.steps - 1));
    const reference = new Map<number, ReturnType<typeof snapshot>>();
    const fresh = world();
    for (const t of issueTimes) reference.set(t, snapshot(fresh, t));
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...issueTimes), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 59 }),
        (times, minute) => {
          const other = world();
          for (const t of times) expect(snapshot(other, t + minute * 60_000)).toEqual(reference.get(t));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('equal the realisation below the forecast-errors level', () => {
    const clean = createWorld({ difficulty: 'spikes' }, new NamedRng(3), DAYS.slice(0, 2));
    const f = clean.forecastAt(clean.stepStartMs(0) - 10 * HOUR_MS);
    for (let i = 0; i < f.length; i++) {
      const r = clean.realised(f.firstStep + i);
      expect(f.residualMw[i]).toBe(r.residualMw);
      expect(f.priceTicks[i]).toBe(r.priceTicks);
    }
  });

  it('shrink the error sd with lead: leadFactor', () => {
    expect(leadFactor(0, 0.1)).toBeCloseTo(0.1, 12);
    expect(leadFactor(DAY_MS, 0.1)).toBeCloseTo(1, 12);
    expect(leadFactor(HOUR_MS, 0.1)).toBeLessThan(leadFactor(6 * HOUR_MS, 0.1));
    expect(leadFactor(5 * DAY_MS, 0.1)).toBe(leadFactor(2 * DAY_MS, 0.1));
  });
});
