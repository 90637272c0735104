import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../lib/errors.js';
import { NamedRng } from '../../lib/random.js';
import { EntsoeCsvError } from './entsoe-csv.js';
import { consecutiveDays } from './time.js';
import { createWorld, parseWorldConfig, type World, worldConfigSchema } from './world.js';

const SAMPLE_PATH = fileURLToPath(new URL('./data/entsoe-sample-de-2024-06-01.csv', import.meta.url));
const SAMPLE_CSV = { text: readFileSync(SAMPLE_PATH, 'utf8'), source: SAMPLE_PATH };
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const dayPrices = (w: World, d: number) =>
  Array.from({ length: 96 }, (_, q) => w.realised(d * 96 + q).priceTicks / 100);
/** Mean price over UTC hours [from, to) of day d. */
const hours = (p: number[], from: number, to: number) => mean(p.slice(from * 4, to * 4));

describe('world config', () => {
  it('has defaults for everything', () => {
    const cfg = parseWorldConfig(undefined);
    expect(cfg.difficulty).toBe('forecast-errors');
    expect(cfg.source).toBe('synthetic');
    expect(cfg.calibration.wind.capacityMw).toBe(63_000);
    expect(cfg.calibration.solar.capacityMw).toBe(80_000);
    expect(cfg.calibration.meritOrder.blocks.length).toBeGreaterThan(5);
    expect(cfg.calibration.meritOrder.flex.importCapacityMw).toBeGreaterThan(0);
    expect(cfg.forecast.intervalMinutes).toBe(60);
    expect(cfg.imbalance.untradedShare).toBe(0.25);
    expect(worldConfigSchema.parse(cfg)).toEqual(cfg); // parsing is idempotent
  });

  it('reads a YAML scenario section, partial objects keep the other defaults', () => {
    const doc = parseYaml(`
difficulty: noise
source: { entsoeCsv: data/prices.csv, mapCode: DE_LU }
calibration:
  wind: { capacityMw: 70000 }
noise: { priceEur: 2 }
forecast: { windPctOfCapacity: 3 }
imbalance: { untradedShare: 0.5 }
`);
    const cfg = parseWorldConfig(doc, 'scenario.yaml');
    expect(cfg.difficulty).toBe('noise');
    expect(cfg.source).toEqual({ entsoeCsv: 'data/prices.csv', mapCode: 'DE_LU' });
    expect(cfg.calibration.wind.capacityMw).toBe(70_000);
    expect(cfg.calibration.wind.hourlyRho).toBe(0.98);
    expect(cfg.noise).toEqual({ demandMw: 600, windMw: 400, solarShare: 0.03, priceEur: 2 });
    expect(cfg.forecast.windPctOfCapacity).toBe(3);
    expect(cfg.forecast.demandPct).toBe(1.5);
  });

  it('names the field in errors', () => {
    const issue = (doc: unknown) => {
      try {
        parseWorldConfig(doc, 'scenario.yaml');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).message).toContain('scenario.yaml');
        return (e as ConfigError).issues[0]!;
      }
      throw new Error('expected a ConfigError');
    };
    expect(issue({ difficulty: 'hard' })).toMatchObject({ path: 'world.difficulty', value: 'hard' });
    expect(issue({ forecast: { windPctOfCapacity: -1 } })).toMatchObject({
      path: 'world.forecast.windPctOfCapacity',
      value: -1,
    });
    expect(issue({ imbalance: { untradedShare: 2 } }).path).toBe('world.imbalance.untradedShare');
    expect(issue({ forecast: { intervalMinutes: 7 } }).path).toBe('world.forecast.intervalMinutes');
    expect(
      issue({
        calibration: {
          meritOrder: { blocks: [{ technology: 'coal', capacityMw: 1, costMinEur: 9, costMaxEur: 1 }] },
        },
      }).path,
    ).toBe('world.calibration.meritOrder.blocks[0].costMinEur');
    // A misspelt key is named by its own path.
    expect(issue({ calibration: { wind: { capacityMW: 1 } } }).path).toBe(
      'world.calibration.wind.capacityMW',
    );
    expect(issue({ source: { csv: 'x' } }).path).toBe('world.source');
    expect(issue({ spikes: { minEur: 500, maxEur: 100 } }).path).toBe('world.spikes.minEur');
  });

  // One spike every 1e-300 hours was a loop that never reached the end of the day: the run hung.
  it('refuses spikes closer than a quarter-hour apart, naming the limit', () => {
    expect(() => parseWorldConfig({ spikes: { everyHours: 1e-300 } }, 'scenario.yaml')).toThrow(
      'world.spikes.everyHours: must be at least 0.25 (a quarter-hour) (got 1e-300)',
    );
    expect(parseWorldConfig({ spikes: { everyHours: 0.25 } }).spikes.everyHours).toBe(0.25);
  });
});

describe('world calibration (Germany 2024)', () => {
  it('winter weekday: day-ahead-like mean ≈ 80 ± 25 EUR/MWh', () => {
    // Wednesday 17 January 2024: the clean shapes, and the full world averaged over seeds.
    const clean = createWorld({ difficulty: 'clean' }, new NamedRng(1), ['2024-01-17']);
    expect(Math.abs(mean(dayPrices(clean, 0)) - 80)).toBeLessThanOrEqual(25);
    const means = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) =>
      mean(dayPrices(createWorld({}, new NamedRng(seed), ['2024-01-17']), 0)),
    );
    expect(Math.abs(mean(means) - 80)).toBeLessThanOrEqual(25);
  });

  it('winter day: the evening peak is above midday', () => {
    // UTC 16-19 = 17-20 CET against UTC 10-13 = 11-14 CET.
    const clean = createWorld({ difficulty: 'clean' }, new NamedRng(1), ['2024-01-17']);
    const p = dayPrices(clean, 0);
    expect(hours(p, 16, 19)).toBeGreaterThan(hours(p, 10, 13) + 5);
    // With weather and noise, on average over several winter weekdays too.
    const w = createWorld({ difficulty: 'noise' }, new NamedRng(4), consecutiveDays('2024-01-15', 5));
    const eve = mean([0, 1, 2, 3, 4].map((d) => hours(dayPrices(w, d), 16, 19)));
    const mid = mean([0, 1, 2, 3, 4].map((d) => hours(dayPrices(w, d), 10, 13)));
    expect(eve).toBeGreaterThan(mid);
  });

  it('sunny spring Sunday: at least one negative price around midday', () => {
    const days = consecutiveDays('2024-04-01', 91);
    for (const seed of [1, 2, 3]) {
      const w = createWorld({}, new NamedRng(seed), days);
      // The sunniest Sunday of April-June.
      let best = -1;
      let bestSolar = -1;
      days.forEach((d, i) => {
        if (new Date(`${d}T12:00:00Z`).getUTCDay() !== 0) return;
        let e = 0;
        for (let q = 0; q < 96; q++) e += w.realised(i * 96 + q).solarMw;
        if (e > bestSolar) [best, bestSolar] = [i, e];
      });
      const p = dayPrices(w, best);
      const negatives = p.map((x, q) => [x, q / 4] as const).filter(([x]) => x < 0);
      expect(negatives.length).toBeGreaterThan(0);
      for (const [, h] of negatives) expect(h >= 6 && h <= 17).toBe(true); // daylight: 08:00-19:00 CEST
    }
  });

  it('quarter-hour sawtooth: within-hour price changes follow the ramp direction', () => {
    const w = createWorld({ difficulty: 'noise' }, new NamedRng(6), consecutiveDays('2024-05-01', 30));
    let agree = 0;
    let drop = 0;
    let n = 0;
    const within: number[] = [];
    const ramps: number[] = [];
    for (let h = 0; h < w.steps / 4 - 1; h++) {
      const [q0, q3, next] = [w.realised(h * 4), w.realised(h * 4 + 3), w.realised(h * 4 + 4)];
      const ramp = q3.residualMw - q0.residualMw;
      within.push(q3.priceTicks - q0.priceTicks);
      ramps.push(ramp);
      if (Math.abs(ramp) < 1_500) continue; // ≥ 2 GW/h
      n++;
      if (Math.sign(q3.priceTicks - q0.priceTicks) === Math.sign(ramp)) agree++;
      if (Math.sign(next.priceTicks - q3.priceTicks) === -Math.sign(ramp)) drop++;
    }
    expect(n).toBeGreaterThan(100);
    expect(agree / n).toBeGreaterThan(0.9);
    expect(drop / n).toBeGreaterThan(0.7); // the price falls back at the full hour: a sawtooth
    const mx = mean(within);
    const my = mean(ramps);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    within.forEach((x, i) => {
      sxy += (x - mx) * (ramps[i]! - my);
      sxx += (x - mx) ** 2;
      syy += (ramps[i]! - my) ** 2;
    });
    expect(sxy / Math.sqrt(sxx * syy)).toBeGreaterThan(0.6);
  });

  it('a year: base ≈ 80 EUR/MWh, some hundreds of negative quarter-hours, all in sunny seasons', () => {
    const w = createWorld({}, new NamedRng(1), consecutiveDays('2024-01-01', 366));
    const p = [...w.realisedPriceTicks()].map((t) => t / 100);
    expect(Math.abs(mean(p) - 80)).toBeLessThan(10);
    let negatives = 0;
    let winterNegatives = 0;
    p.forEach((x, i) => {
      if (x >= 0) return;
      negatives++;
      const month = Number(w.days[Math.floor(i / 96)]!.slice(5, 7));
      if (month === 12 || month <= 2) winterNegatives++;
    });
    expect(negatives).toBeGreaterThan(200);
    expect(negatives).toBeLessThan(4_000);
    expect(winterNegatives).toBeLessThan(negatives / 10);
  });
});

describe('world', () => {
  it('reports realised steps with consistent fields', () => {
    const w = createWorld({}, new NamedRng(1), ['2024-06-01', '2024-06-02']);
    expect(w.steps).toBe(192);
    expect(w.days).toEqual(['2024-06-01', '2024-06-02']);
    const r = w.realised(100);
    expect(r.step).toBe(100);
    expect(r.deliveryStartMs).toBe(Date.parse('2024-06-02T01:00:00Z'));
    expect(r.residualMw).toBeCloseTo(r.demandMw - r.windMw - r.solarMw, 6);
    expect(Number.isInteger(r.priceTicks)).toBe(true);
    expect(w.stepAt(r.deliveryStartMs + 60_000)).toBe(100);
    expect(() => w.realised(192)).toThrow(RangeError);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const days = ['2024-02-01', '2024-02-02'];
    const a = createWorld({}, new NamedRng(9), days);
    const b = createWorld({}, new NamedRng(9), days);
    const c = createWorld({}, new NamedRng(10), days);
    expect([...a.realisedPriceTicks()]).toEqual([...b.realisedPriceTicks()]);
    expect([...a.realisedPriceTicks()]).not.toEqual([...c.realisedPriceTicks()]);
    expect(a.realised(50)).toEqual(b.realised(50));
    // The world's streams are private: a second world from the same NamedRng instance, after
    // others drew from the run's streams, is the same world.
    const rng = new NamedRng(9);
    rng.stream('world.spikes').next();
    rng.stream('world.weather.wind').next();
    const d = createWorld({}, rng, days);
    const e = createWorld({}, rng, days);
    expect([...d.realisedPriceTicks()]).toEqual([...a.realisedPriceTicks()]);
    expect([...e.realisedPriceTicks()]).toEqual([...a.realisedPriceTicks()]);
  });

  it('builds exogenous auction curves crossing at the realised price', () => {
    const w = createWorld({}, new NamedRng(3), ['2024-05-12']);
    for (const s of [10, 48, 52, 76]) {
      const supply = w.exogenousSupplyCurve(s);
      const demand = w.exogenousDemandCurve(s);
      const p = w.realised(s).priceTicks;
      // At the realised price supply and demand are equal up to one curve segment's rounding.
      const at = (c: typeof supply, t: number) => {
        const i = c.findIndex((x) => x.priceTicks >= t);
        const a = c[i - 1]!;
        const b = c[i]!;
        return (
          a.quantityLots +
          ((b.quantityLots - a.quantityLots) * (t - a.priceTicks)) / (b.priceTicks - a.priceTicks)
        );
      };
      expect(Math.abs(at(supply, p) - at(demand, p))).toBeLessThan(1_000); // 100 MW
    }
  });

  it('nets the exogenous curves: demand − supply at every price of either curve, inside the limits', () => {
    // The reference: both curves read by a plain scan (linear between points, flat beyond the ends)
    // at the union of their prices, as an auction would net two separate bids.
    const scan = (c: readonly { priceTicks: number; quantityLots: number }[], p: number): number => {
      if (p <= c[0]!.priceTicks) return c[0]!.quantityLots;
      for (let i = 1; i < c.length; i++)
        if (p <= c[i]!.priceTicks)
          return (
            c[i - 1]!.quantityLots +
            ((c[i]!.quantityLots - c[i - 1]!.quantityLots) * (p - c[i - 1]!.priceTicks)) /
              (c[i]!.priceTicks - c[i - 1]!.priceTicks)
          );
      return c.at(-1)!.quantityLots;
    };
    const w = createWorld({}, new NamedRng(11), ['2024-05-12', '2024-05-13']);
    for (const [lo, hi] of [
      [-50_000, 400_000],
      [-5_000, 20_000],
      [7_000, 7_000],
    ] as const) {
      for (let s = 0; s < 192; s += 7) {
        const demand = w.exogenousDemandCurve(s);
        const supply = w.exogenousSupplyCurve(s);
        const prices = [...new Set([...demand, ...supply].map((x) => x.priceTicks))]
          .filter((p) => p >= lo && p <= hi)
          .sort((a, b) => a - b);
        const net = w.exogenousNetCurve(s, lo, hi);
        expect(net.map((x) => x.priceTicks)).toEqual(prices);
        for (const x of net)
          expect(x.quantityLots).toBe(Math.round(scan(demand, x.priceTicks) - scan(supply, x.priceTicks)));
        for (let i = 1; i < net.length; i++)
          expect(net[i]!.quantityLots).toBeLessThanOrEqual(net[i - 1]!.quantityLots);
        if (lo < hi) expect(net.length).toBeGreaterThan(10);
      }
    }
  });

  it('uses ENTSO-E prices instead of the synthetic path', () => {
    const w = createWorld(
      { source: { entsoeCsv: 'entsoe-sample-de-2024-06-01.csv', mapCode: 'DE_LU' } },
      new NamedRng(1),
      ['2024-06-01', '2024-06-02'],
      { entsoeCsv: SAMPLE_CSV },
    );
    expect(w.realised(0).priceTicks).toBe(8841);
    expect(w.realised(3).priceTicks).toBe(8841);
    expect(w.realised(96).priceTicks).toBe(9131);
    // Forecasts of real prices still sharpen toward delivery and the system imbalance is synthetic.
    const f = w.forecastAt(w.stepStartMs(96) - 60 * 60_000);
    expect(f.at(96)).toBeDefined();
    expect(w.realised(96).systemImbalanceMw).not.toBe(0);
    expect(() =>
      createWorld(
        { source: { entsoeCsv: 'entsoe-sample-de-2024-06-01.csv' } },
        new NamedRng(1),
        ['2024-06-03'],
        { entsoeCsv: SAMPLE_CSV },
      ),
    ).toThrow(EntsoeCsvError);
  });

  it('refuses a file price outside the price floor and cap of the world, naming the line and the limit', () => {
    // The synthetic price is clamped to them and every forecast is: a file price of 1 000 000
    // EUR/MWh was the reference price of its quarter-hours while the day-ahead cleared at 1 750.
    const text = SAMPLE_CSV.text.replace(/\t88\.41\tEUR/, '\t10000\tEUR');
    const world = (cfg: object) =>
      createWorld({ source: { entsoeCsv: 'x.csv' }, ...cfg }, new NamedRng(1), ['2024-06-01', '2024-06-02'], {
        entsoeCsv: { text, source: 'x.csv' },
      });
    expect(() => world({})).toThrow(
      /^x\.csv:2 column Price\[Currency\/MWh\]: price outside -500 … 4000 EUR\/MWh \(world\.calibration\.meritOrder\.priceFloorEur \/ priceCapEur\) \(got "10000"\)$/,
    );
    // Wider limits take it.
    const w = world({ calibration: { meritOrder: { priceCapEur: 100_000 } } });
    expect(w.realised(0).priceTicks).toBe(1_000_000);
  });
});
