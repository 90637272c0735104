import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NamedRng } from '../../lib/random.js';
import { createWorld, type World } from '../world/world.js';
import { type AssetConfigInput, parseAssetConfig } from './asset-config.js';
import { assetStreamName, createAssetTwin } from './asset-factory.js';
import type { AssetTwin, PeriodInfo } from './asset-twin.js';
import { BatteryAsset } from './battery-asset.js';
import { EvFleetAsset } from './ev-fleet-asset.js';
import { PoolAsset } from './pool-asset.js';
import { ProsumerAsset } from './prosumer-asset.js';

const QH = 0.25;
const DAYS = ['2024-06-03'];
const world: World = createWorld(undefined, new NamedRng(5), DAYS);
const period = (step: number): PeriodInfo => ({ step, deliveryStartMs: world.stepStartMs(step), hours: QH });

const CONFIGS: Record<AssetTwin['kind'], AssetConfigInput> = {
  battery: { type: 'battery', powerMw: 2, energyMwh: 4, degradationEurPerMwh: 4 },
  prosumer: {
    type: 'prosumer',
    generation: { source: 'solar', capacityMw: 3 },
    battery: { powerMw: 1, energyMwh: 2 },
    allowImport: true,
  },
  'residential-pool': { type: 'residential-pool', households: 15 },
  'ev-fleet': { type: 'ev-fleet', cars: 150 },
};

function make(kind: AssetTwin['kind'], id: string = kind, seed = 9): AssetTwin {
  return createAssetTwin(id, parseAssetConfig(CONFIGS[kind]), {
    world,
    rng: new NamedRng(seed),
    stepHours: QH,
  });
}

describe('createAssetTwin', () => {
  it('builds the adapter of every kind', () => {
    expect(make('battery')).toBeInstanceOf(BatteryAsset);
    expect(make('prosumer')).toBeInstanceOf(ProsumerAsset);
    expect(make('residential-pool')).toBeInstanceOf(PoolAsset);
    expect(make('ev-fleet')).toBeInstanceOf(EvFleetAsset);
    const cases = (['battery', 'prosumer', 'residential-pool', 'ev-fleet'] as const).map((k) => {
      const a = make(k, `x-${k}`);
      expect(a.kind).toBe(k);
      expect(a.id).toBe(`x-${k}`);
      expect(a.spec().assetId).toBe(`x-${k}`);
      expect(a.state().assetId).toBe(`x-${k}`);
      return a.spec().kind?.$case;
    });
    expect(cases).toEqual(['battery', 'prosumer', 'residentialPool', 'evFleet']);
  });

  it("gives the prosumer the world's solar output scaled to its capacity", () => {
    const a = make('prosumer') as ProsumerAsset;
    const cap = world.config.calibration.solar.capacityMw;
    for (const t of [0, 30, 48, 60, 95]) {
      const gen = (world.realised(t).solarMw * 3) / cap;
      expect(a.baselineKwh(period(t))).toBe(-Math.round(gen * 250) || 0);
    }
    expect(a.baselineKwh(period(48))).toBeLessThan(-100);
  });

  it('starts the EV fleet clock at the first quarter-hour in German local time', () => {
    const a = make('ev-fleet') as EvFleetAsset;
    // 2024-06-03 00:00 UTC is 02:00 CEST.
    expect(a.fleet.params.startMinuteOfDay).toBe(120);
    expect(a.fleet.params.controlPeriodMinutes).toBe(5);
  });

  it('draws each asset from its own streams: other ids differ, the same id and seed repeat', () => {
    const pool = (id: string, seed = 9) => (make('residential-pool', id, seed) as PoolAsset).pool.households;
    expect(pool('p1')).toEqual(pool('p1'));
    expect(pool('p1')).not.toEqual(pool('p2'));
    expect(pool('p1', 9)).not.toEqual(pool('p1', 10));

    const rentals = (id: string, seed = 9) => {
      const a = make('ev-fleet', id, seed) as EvFleetAsset;
      const out: unknown[] = [];
      for (let t = 28; t < 40; t++) {
        a.step(40, period(t));
        out.push(a.lastPeriod!.controlPeriods.map((c) => c.decisions));
      }
      return { decisions: out, cars: a.fleet.snapshot() };
    };
    const e1 = rentals('e1');
    expect(e1.decisions.flat(2).length).toBeGreaterThan(0);
    expect(rentals('e1')).toEqual(e1);
    expect(rentals('e2').decisions).not.toEqual(e1.decisions);
  });

  it('keeps assets independent: another asset on the same NamedRng changes nothing', () => {
    const cfg = parseAssetConfig(CONFIGS['residential-pool']);
    const alone = createAssetTwin('p', cfg, { world, rng: new NamedRng(1), stepHours: QH }) as PoolAsset;
    const rng = new NamedRng(1);
    createAssetTwin('other', cfg, { world, rng, stepHours: QH });
    createAssetTwin('ev', parseAssetConfig(CONFIGS['ev-fleet']), { world, rng, stepHours: QH });
    const shared = createAssetTwin('p', cfg, { world, rng, stepHours: QH }) as PoolAsset;
    expect(shared.pool.households).toEqual(alone.pool.households);
    expect(assetStreamName('p', 'households')).toBe('asset.p.households');
  });

  it.each(['battery', 'prosumer', 'residential-pool', 'ev-fleet'] as const)(
    'preview equals step for a %s over a day of random schedules',
    (kind) => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 1000 }),
          fc.array(fc.integer({ min: -1500, max: 1500 }), { minLength: 96, maxLength: 96 }),
          fc.array(fc.boolean(), { minLength: 96, maxLength: 96 }),
          (seed, deltas, aroundBaseline) => {
            const a = make(kind, 'a', seed);
            const b = make(kind, 'a', seed);
            for (let t = 0; t < 96; t++) {
              const base = aroundBaseline[t] ? a.baselineKwh(period(t)) : 0;
              const s = base + (aroundBaseline[t] ? Math.round(deltas[t]! / 10) : deltas[t]!);
              const p = a.preview(s, period(t));
              const r = a.step(s, period(t));
              expect(r).toEqual(p);
              expect(Number.isInteger(r.meteredKwh)).toBe(true);
              expect(r.clipped).toBe(r.meteredKwh !== s);
              expect(b.step(s, period(t))).toEqual(r);
            }
            expect(a.costs()).toEqual(b.costs());
            expect(a.state()).toEqual(b.state());
            expect(a.finalSocMwh()).toBe(b.finalSocMwh());
          },
        ),
        { numRuns: 8 },
      );
    },
  );

  it('rejects a bad step length', () => {
    expect(() =>
      createAssetTwin('b', parseAssetConfig(CONFIGS.battery), { world, rng: new NamedRng(1), stepHours: 0 }),
    ).toThrow(/stepHours/);
  });
});
