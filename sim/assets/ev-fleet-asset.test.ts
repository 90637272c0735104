import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssetSpec, AssetState, EvRentalPolicy } from '../../gen/flexarena/v1/asset.js';
import { RandomStream } from '../../lib/random.js';
import type { PeriodInfo } from './asset-twin.js';
import { DEFAULT_EV_FLEET_PARAMS, type EvFleetParams } from './ev-fleet.js';
import { EvFleetAsset } from './ev-fleet-asset.js';

const QH = 0.25;
const period = (step: number): PeriodInfo => ({ step, deliveryStartMs: step * 900_000, hours: QH });

function fleet(seed = 1, params: Partial<EvFleetParams> = {}, tariffEurPerMwh = 150): EvFleetAsset {
  return new EvFleetAsset('ev', {
    params: { ...DEFAULT_EV_FLEET_PARAMS, fleetSize: 300, startMinuteOfDay: 7 * 60, ...params },
    stepHours: QH,
    tariffEurPerMwh,
    fleetRandom: new RandomStream('fleet', seed),
    periodSeeds: new RandomStream('rentals', seed),
  });
}

describe('EvFleetAsset', () => {
  it('has a baseline of 0: without a position it buys nothing on the market, only at the tariff', () => {
    const a = fleet();
    expect(a.baselineKwh(period(0))).toBe(0);
    expect(a.step(0, period(0))).toEqual({ meteredKwh: 0, clipped: false });
    const rep = a.lastPeriod!;
    expect(rep.tariffKwh).toBeGreaterThan(0);
    expect(a.costs().tariffEur).toBeCloseTo((rep.tariffKwh * 150) / 1000, 9);
    expect(a.state().tariffEnergyMwh).toBeCloseTo(rep.tariffKwh / 1000, 12);
  });

  it('meters the charging delivered for the commitment, not the tariff fallback', () => {
    const a = fleet();
    // 50 kWh in a quarter-hour = 200 kW = 56 cars at 3.6 kW.
    expect(a.preview(50, period(0))).toEqual({ meteredKwh: 50, clipped: false });
    expect(a.step(50, period(0))).toEqual({ meteredKwh: 50, clipped: false });
    const rep = a.lastPeriod!;
    expect(rep.commitment.intradayMw).toBeCloseTo(0.2, 12);
    expect(rep.deliveredKwh).toBe(50);
    expect(rep.tariffKwh).toBeGreaterThan(0); // drawn too, but outside the market
  });

  it('clips a negative schedule (no V2G) and an oversized one', () => {
    const a = fleet();
    expect(a.step(-120, period(0))).toEqual({ meteredKwh: 0, clipped: true });
    expect(a.lastPeriod!.commitment.intradayMw).toBe(0);
    const max = 300 * 3.6 * QH; // every car charging all quarter-hour
    const r = a.step(10_000, period(1));
    expect(r.clipped).toBe(true);
    expect(r.meteredKwh).toBeLessThanOrEqual(max);
    expect(r.meteredKwh).toBeGreaterThan(0);
    const st = a.state();
    expect(st.clippedPeriods).toBe(2);
    expect(st.shortfallMwh).toBeCloseTo((120 + 10_000 - r.meteredKwh) / 1000, 12);
  });

  it('costs the refused rentals ρ of a commitment that needs the whole fleet at rush hour', () => {
    const a = fleet(2, { fleetSize: 200, startMinuteOfDay: 17 * 60 });
    let lost = 0;
    let refused = 0;
    for (let t = 0; t < 8; t++) {
      a.step(150, period(t)); // 600 kW: 167 of 200 cars
      lost += a.lastPeriod!.lostRentalCostEur;
      refused += a.lastPeriod!.refusedRentals;
    }
    expect(refused).toBeGreaterThan(0);
    expect(a.costs().lostRentalEur).toBeCloseTo(lost, 9);
    expect(a.state().refusedRentals).toBe(refused);
  });

  it('preview equals step exactly and other previews leave no trace in rentals, state or costs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom<EvFleetParams['rentalPolicy']>('protect-commitments', 'protect-mobility'),
        fc.constantFrom(1, 0.8),
        fc.array(
          fc.tuple(
            fc.oneof(fc.integer({ min: -200, max: 400 }), fc.double({ min: -50, max: 300, noNaN: true })),
            fc.array(fc.integer({ min: -100, max: 500 }), { maxLength: 3 }),
          ),
          { minLength: 1, maxLength: 10 },
        ),
        (seed, rentalPolicy, plugInProbability, periods) => {
          const params = { fleetSize: 120, startMinuteOfDay: 16 * 60, rentalPolicy, plugInProbability };
          const a = fleet(seed, params);
          const b = fleet(seed, params);
          periods.forEach(([s, others], t) => {
            for (const o of others) a.preview(o, period(t));
            const before = a.state();
            const p = a.preview(s, period(t));
            expect(a.state()).toEqual(before);
            const r = a.step(s, period(t));
            expect(r).toEqual(p);
            expect(r.clipped).toBe(r.meteredKwh !== s);
            expect(b.step(s, period(t))).toEqual(r);
            expect(a.lastPeriod).toEqual(b.lastPeriod);
          });
          expect(a.fleet.snapshot()).toEqual(b.fleet.snapshot());
          expect(a.costs()).toEqual(b.costs());
          expect(a.state()).toEqual(b.state());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('runs skipped periods with no position and refuses past ones', () => {
    const a = fleet(3);
    const b = fleet(3);
    a.step(30, period(4));
    for (let t = 0; t < 4; t++) b.step(0, period(t));
    b.step(30, period(4));
    expect(a.fleet.snapshot()).toEqual(b.fleet.snapshot());
    expect(a.costs()).toEqual(b.costs());
    expect(() => a.step(0, period(4))).toThrow(/past/);
  });

  it('rejects a market period that the control periods do not fill', () => {
    expect(() => fleet(1, { controlPeriodMinutes: 10 })).toThrow(/market period/);
    const a = fleet();
    expect(() => a.step(0, { ...period(0), hours: 1 })).toThrow(/0.25 h/);
  });

  it('fills the proto spec and state', () => {
    const a = fleet();
    a.step(40, period(0));
    const spec = a.spec();
    expect(spec).toEqual({
      assetId: 'ev',
      kind: {
        $case: 'evFleet',
        value: {
          cars: 300,
          chargerKw: 3.6,
          capacityKwh: 17.6,
          controlPeriodMinutes: 5,
          controlPeriodsPerMarketPeriod: 3,
          rentalPolicy: EvRentalPolicy.EV_RENTAL_POLICY_PROTECT_COMMITMENTS,
          lostRentalBaseEur: 0,
          lostRentalEurPerMin: 0.29,
          tariffEurPerMwh: 150,
          fallbackTargetSocShare: 0.5,
          maxChargingMw: 1.08,
        },
      },
    });
    expect(AssetSpec.decode(AssetSpec.encode(spec).finish())).toEqual(spec);
    const st = a.state();
    const soc = a.fleet.snapshot().cars.reduce((s, c) => s + c.socKwh, 0) / 1000;
    expect(st.socMwh).toBeCloseTo(soc, 12);
    expect(a.finalSocMwh()).toBeCloseTo(soc, 12);
    expect((st.carsOnTrip ?? 0) + (st.carsPluggedParked ?? 0)).toBeLessThanOrEqual(300);
    expect(st.vppCars).toBeGreaterThan(0);
    expect(AssetState.decode(AssetState.encode(st).finish())).toEqual(st);
  });
});
