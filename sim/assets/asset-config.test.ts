import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { assetConfigSchema, parseAssetConfig } from './asset-config.js';
import { DEFAULT_EV_FLEET_PARAMS } from './ev-fleet.js';
import { DEFAULT_RENTAL_PROFILE } from './ev-fleet-rentals.js';

/** The issue paths of a rejected block. */
function paths(doc: unknown): string[] {
  try {
    parseAssetConfig(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues.map((i) => i.path);
  }
  throw new Error('expected a ConfigError');
}

describe('assetConfigSchema', () => {
  it('fills the battery defaults of the run config plus degradation 0', () => {
    expect(parseAssetConfig({ type: 'battery', powerMw: 10, energyMwh: 20 })).toEqual({
      type: 'battery',
      powerMw: 10,
      energyMwh: 20,
      etaCharge: 0.95,
      etaDischarge: 0.95,
      socMin: 0.05,
      socMax: 0.95,
      socInitial: 0.5,
      degradationEurPerMwh: 0,
    });
  });

  it('fills the prosumer defaults: no import, clip illegal actions', () => {
    const c = parseAssetConfig({
      type: 'prosumer',
      generation: { source: 'solar', capacityMw: 5 },
      battery: { powerMw: 2, energyMwh: 4 },
    });
    expect(c).toMatchObject({
      type: 'prosumer',
      generation: { source: 'solar', capacityMw: 5 },
      battery: { powerMw: 2, energyMwh: 4, socInitial: 0.5, degradationEurPerMwh: 0 },
      allowImport: false,
      illegalPolicy: 'clip',
      toleranceKwh: 1,
      illegalPenaltyEur: 0,
    });
  });

  it('fills the residential-pool defaults (seed 001: 30 households)', () => {
    expect(parseAssetConfig({ type: 'residential-pool' })).toMatchObject({
      households: 30,
      pvKwp: { min: 4, max: 10 },
      loadKwhPerDay: { min: 7, max: 19 },
      batteryKwh: { min: 5, max: 12 },
      batteryKw: { min: 3, max: 5 },
      betaEurPerMwh: { min: 20, max: 200 },
      socInitial: { min: 0.1, max: 0.95 },
    });
  });

  it('fills the ev-fleet defaults from EvFleetParams (seed 004)', () => {
    const c = parseAssetConfig({ type: 'ev-fleet' });
    expect(c).toMatchObject({
      cars: 500,
      chargerKw: 3.6,
      capacityKwh: DEFAULT_EV_FLEET_PARAMS.capacityKwh,
      controlPeriodsPerMarketPeriod: 3,
      rentalPolicy: 'protect-commitments',
      lostRentalEurPerMin: 0.29,
      lostRentalBaseEur: 0,
      tariffEurPerMwh: 150,
      fallbackTargetSocShare: 0.5,
    });
    if (c.type !== 'ev-fleet') throw new Error('ev-fleet');
    expect(c.rentals.requestsPerCarHour).toEqual([...DEFAULT_RENTAL_PROFILE.requestsPerCarHour]);
  });

  it('refuses ev-fleet control periods that are not whole seconds of the quarter-hour, listing the allowed counts', () => {
    // 15 min / 7 = 128.571… s: it used to run, with control periods off the clock.
    for (const n of [7, 8, 11, 13, 59]) {
      let err: unknown;
      try {
        parseAssetConfig({ type: 'ev-fleet', controlPeriodsPerMarketPeriod: n }, 'x.yaml', 'agents[1].asset');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      const issues = (err as ConfigError).issues;
      expect(issues.map((i) => i.path)).toEqual(['agents[1].asset.controlPeriodsPerMarketPeriod']);
      expect(issues[0]!.value).toBe(n);
      expect(issues[0]!.message).toContain('1, 2, 3, 4, 5, 6, 9, 10, 12, 15, 18, 20, 25, 30, 36, 45, 50, 60');
    }
    for (const n of [1, 3, 5, 9, 15, 36, 60]) {
      const c = parseAssetConfig({ type: 'ev-fleet', controlPeriodsPerMarketPeriod: n });
      expect(c.type === 'ev-fleet' && c.controlPeriodsPerMarketPeriod).toBe(n);
    }
  });

  it('refuses an ev-fleet whose cars could never be rented or never charge for the market', () => {
    const issue = (doc: Record<string, unknown>) => {
      try {
        parseAssetConfig({ type: 'ev-fleet', ...doc }, 'x.yaml', 'agents[1].asset');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        const issues = (e as ConfigError).issues;
        expect(issues).toHaveLength(1);
        return issues[0]!;
      }
      throw new Error('expected a ConfigError');
    };
    // A reserve of Ω or more leaves no charge for any trip: every rental refused, each costing ρ.
    const reserve = issue({ rentalReserveKwh: 50 });
    expect(reserve.path).toBe('agents[1].asset.rentalReserveKwh');
    expect(reserve.value).toBe(50);
    expect(reserve.message).toContain('capacityKwh (17.6)');
    expect(issue({ capacityKwh: 10, rentalReserveKwh: 10 }).path).toBe('agents[1].asset.rentalReserveKwh');
    // Eq. 6: a car is in the VPP with room for γ·Δt; Ω below that keeps every car out of it.
    // 3.6 kW over 5 min = 0.3 kWh; over 15 min (one control period) 0.9 kWh.
    const tiny = issue({ capacityKwh: 0.1 });
    expect(tiny.path).toBe('agents[1].asset.capacityKwh');
    expect(tiny.message).toContain('0.3 kWh');
    expect(issue({ capacityKwh: 0.5, controlPeriodsPerMarketPeriod: 1 }).message).toContain('0.9 kWh');
    for (const ok of [
      { capacityKwh: 0.3 },
      { rentalReserveKwh: 17.5 },
      { capacityKwh: 0.5, rentalReserveKwh: 0 },
    ])
      expect(parseAssetConfig({ type: 'ev-fleet', ...ok }).type).toBe('ev-fleet');
  });

  it('names the field of every error', () => {
    expect(paths({ type: 'battery', energyMwh: 20 })).toEqual(['asset.powerMw']);
    expect(paths({ type: 'battery', powerMw: 1, energyMwh: 2, socMin: 0.5, socInitial: 0.2 })).toEqual([
      'asset.socInitial',
    ]);
    expect(paths({ type: 'battery', powerMw: 1, energyMwh: 2, degradationEurPerMwh: -1 })).toEqual([
      'asset.degradationEurPerMwh',
    ]);
    expect(
      paths({
        type: 'prosumer',
        generation: { source: 'tidal', capacityMw: 1 },
        battery: { powerMw: 1, energyMwh: 1 },
      }),
    ).toEqual(['asset.generation.source']);
    expect(
      paths({
        type: 'prosumer',
        generation: { source: 'wind', capacityMw: 1 },
        battery: { powerMw: 1, energyMwh: 1, socMin: 0.9, socMax: 0.2, socInitial: 0.5 },
      }),
    ).toEqual(['asset.battery.socMin', 'asset.battery.socInitial']);
    expect(
      paths({
        type: 'prosumer',
        generation: { source: 'wind', capacityMw: 1 },
        battery: { type: 'battery', powerMw: 1, energyMwh: 1 },
      }),
    ).toEqual(['asset.battery.type']);
    expect(paths({ type: 'residential-pool', households: 20_000 })).toEqual(['asset.households']);
    expect(paths({ type: 'residential-pool', households: 2.5 })).toEqual(['asset.households']);
    expect(paths({ type: 'residential-pool', pvKwp: { min: 9, max: 3 } })).toEqual(['asset.pvKwp.min']);
    expect(paths({ type: 'residential-pool', socMin: 0.3 })).toEqual(['asset.socInitial']);
    expect(paths({ type: 'ev-fleet', chargerKw: 0 })).toEqual(['asset.chargerKw']);
    expect(paths({ type: 'ev-fleet', rentalPolicy: 'first-come' })).toEqual(['asset.rentalPolicy']);
    expect(paths({ type: 'ev-fleet', rentals: { requestsPerCarHour: [0.1] } })).toEqual([
      'asset.rentals.requestsPerCarHour',
    ]);
    expect(paths({ type: 'ev-fleet', carz: 10 })).toEqual(['asset.carz']);
    expect(paths({ type: 'hydro' })).toEqual(['asset.type']);
    expect(paths({ powerMw: 1 })).toEqual(['asset.type']);
  });

  it('reports the value found and the document', () => {
    try {
      parseAssetConfig({ type: 'ev-fleet', cars: -3 }, 'scenario.yaml', 'agents[2].asset');
      throw new Error('expected a ConfigError');
    } catch (e) {
      const err = e as ConfigError;
      expect(err.file).toBe('scenario.yaml');
      expect(err.issues).toHaveLength(1);
      expect(err.issues[0]).toMatchObject({ path: 'agents[2].asset.cars', value: -3 });
      expect(err.message).toContain('agents[2].asset.cars');
    }
  });

  it('is a discriminated union on type', () => {
    expect(assetConfigSchema.safeParse({ type: 'battery', powerMw: 1, energyMwh: 1 }).success).toBe(true);
    expect(assetConfigSchema.safeParse({ type: 'ev-fleet', cars: 10 }).success).toBe(true);
  });
});
