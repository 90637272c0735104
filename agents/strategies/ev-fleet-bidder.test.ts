import { describe, expect, it } from 'vitest';
import { type AssetSpec, EvRentalPolicy } from '../../gen/flexarena/v1/asset.js';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import { Side } from '../../gen/flexarena/v1/market.js';
import type { Action } from '../../gen/flexarena/v1/session.js';
import { quarterHourId } from '../../lib/product-id.js';
import { ParamError } from '../sdk/errors.js';
import { balancingPays, EvFleetBidder, riskScaledLots } from './ev-fleet-bidder.js';
import { HOUR_MS, QH_MS } from './strategy-utils.js';
import { assetState, DAY, forecasts, makeWakeUp, makeWelcome, position, submitsOf } from './test-fixtures.js';

/** 1 000 cars × 3.6 kW = 3.6 MW; tariff 150 EUR/MWh. */
const FLEET: AssetSpec = {
  assetId: 'agent.fleet',
  kind: {
    $case: 'evFleet',
    value: {
      cars: 1_000,
      chargerKw: 3.6,
      capacityKwh: 17.6,
      controlPeriodMinutes: 5,
      controlPeriodsPerMarketPeriod: 3,
      rentalPolicy: EvRentalPolicy.EV_RENTAL_POLICY_PROTECT_COMMITMENTS,
      lostRentalBaseEur: 5,
      lostRentalEurPerMin: 0.2,
      tariffEurPerMwh: 150,
      fallbackTargetSocShare: 0.5,
      maxChargingMw: 3.6,
    },
  },
};
const CAPACITY = [
  'afrr-20261122-0',
  'afrr-20261122-1',
  'afrr-20261122-2',
  'afrr-20261122-3',
  'afrr-20261122-4',
  'afrr-20261122-5',
];

function ready(params: Record<string, unknown> = {}) {
  const s = new EvFleetBidder(params);
  s.onWelcome(
    makeWelcome({
      assets: [FLEET],
      decisionIntervalMs: 30 * 60_000,
      capacityProductIds: CAPACITY,
      capacityGateClosureMs: DAY - 15 * HOUR_MS,
    }),
  );
  return s;
}

const ofKind = <K extends NonNullable<Action['kind']>['$case']>(actions: Action[], k: K) =>
  actions.flatMap((a) =>
    a.kind?.$case === k ? [a.kind.value as Extract<NonNullable<Action['kind']>, { $case: K }>['value']] : [],
  );

describe('seed 004 quantities', () => {
  it('scales the predicted power by 1 − λ (eq. 4, 5) and decides the market as eq. 4', () => {
    expect(riskScaledLots(0.9, 0.3)).toBe(6); // 630 kW → 6 lots of 0.1 MW
    expect(riskScaledLots(0.81 - 0.63, 0.1)).toBe(1);
    expect(riskScaledLots(-1, 0)).toBe(0);
    // §1.2.6: p̄_c 5, p̄_e −10, p̄_u 10, tariff 150 → balancing.
    expect(
      balancingPays({ capacityPriceEur: 5, energyPriceEur: -10, intradayPriceEur: 10, tariffEur: 150 }),
    ).toBe(true);
    expect(
      balancingPays({ capacityPriceEur: 0, energyPriceEur: 20, intradayPriceEur: 10, tariffEur: 150 }),
    ).toBe(false);
    expect(
      balancingPays({ capacityPriceEur: 0, energyPriceEur: 160, intradayPriceEur: 200, tariffEur: 150 }),
    ).toBe(false);
  });

  it('takes λ only in steps of 0.1', () => {
    expect(() => new EvFleetBidder({ lambdaIntraday: 0.25 })).toThrow(ParamError);
    expect(() => new EvFleetBidder({ lambdaBalancing: 1.1 })).toThrow(ParamError);
  });

  it('takes a tariff override only on the price tick grid, as ev-fleet-charger does (it was rounded)', () => {
    expect(() => new EvFleetBidder({ tariffEurPerMwh: 250.005 })).toThrow(
      'params.tariffEurPerMwh: must be a multiple of 0.01 EUR/MWh (one price tick)',
    );
    expect(new EvFleetBidder({ tariffEurPerMwh: 250.01 }).params.tariffEurPerMwh).toBe(250.01);
  });
});

describe('EvFleetBidder', () => {
  it('bids downward capacity before the gate: the prior availability × (1 − λ_bal) per block', () => {
    const s = ready({ lambdaBalancing: 0.5, availabilityPrior: 0.5 });
    const bids = ofKind(
      s.decide(
        makeWakeUp({ timeMs: DAY - 16 * HOUR_MS, priceForecasts: forecasts(DAY, Array(96).fill(6_000)) }),
      ),
      'capacityBid',
    );
    // 500 cars × 3.6 kW = 1.8 MW predicted; × 0.5 = 0.9 MW = 9 lots, in all six products.
    expect(bids.map((b) => b.productId)).toEqual(CAPACITY);
    for (const b of bids) {
      expect(b.direction).toBe(BalancingDirection.BALANCING_DIRECTION_DOWN);
      expect(b.quantityLots).toBe(9);
      expect(b.priceTicks).toBe(500);
    }
    // Once only.
    expect(
      ofKind(
        s.decide(
          makeWakeUp({ timeMs: DAY - 15.5 * HOUR_MS, priceForecasts: forecasts(DAY, Array(96).fill(6_000)) }),
        ),
        'capacityBid',
      ),
    ).toEqual([]);
  });

  it('offers the awarded energy before each energy gate, cheaper when the cars cannot take it', () => {
    const s = ready();
    const award = {
      productId: 'afrr-20261122-2',
      direction: BalancingDirection.BALANCING_DIRECTION_DOWN,
      quantityLots: 8,
      priceTicks: 500,
      paymentCashUnits: 0,
    };
    s.decide(makeWakeUp({ timeMs: DAY - 10 * HOUR_MS, capacityAwards: [award] }));
    expect(s.balancingLots('qh-20261122-0900')).toBe(8);
    // 09:00's energy gate is 08:35; the wake-up at 08:00 is the last one before it.
    const at = DAY + 8 * HOUR_MS;
    const fc = forecasts(at, Array(8).fill(6_000));
    const able = ofKind(
      s.decide(
        makeWakeUp({
          timeMs: at,
          priceForecasts: fc,
          assets: [assetState({ assetId: 'agent.fleet', vppCars: 400 })],
        }),
      ),
      'energyBid',
    );
    const bid = able.find((b) => b.productId === 'qh-20261122-0900')!;
    expect(bid).toMatchObject({
      direction: BalancingDirection.BALANCING_DIRECTION_DOWN,
      quantityLots: 8,
      priceTicks: 5_000,
    });
    const t = ready();
    t.decide(makeWakeUp({ timeMs: DAY - 10 * HOUR_MS, capacityAwards: [award] }));
    const unable = ofKind(
      t.decide(
        makeWakeUp({
          timeMs: at,
          priceForecasts: fc,
          assets: [assetState({ assetId: 'agent.fleet', vppCars: 10 })],
        }),
      ),
      'energyBid',
    );
    expect(unable.find((b) => b.productId === 'qh-20261122-0900')!.priceTicks).toBe(5_000 - 10_000);
  });

  it('buys (P̂ − P_bal)(1 − λ_intr) for the quarter-hours 30 minutes ahead, below the tariff only', () => {
    const s = ready({ lambdaIntraday: 0.5 });
    const at = DAY + 10 * HOUR_MS;
    const orders = submitsOf(
      s.decide(
        makeWakeUp({
          timeMs: at,
          // 10:00-10:15 60, 10:15 60, 10:30 60, 10:45 200 (above the tariff), …
          priceForecasts: forecasts(at, [6_000, 6_000, 6_000, 20_000, 6_000]),
          assets: [assetState({ assetId: 'agent.fleet', vppCars: 100 })],
          positions: [position(quarterHourId(at + 2 * QH_MS), 3)],
        }),
      ),
    );
    // 100 cars = 0.36 MW → (0.36 − 0)(1 − 0.5) = 0.18 MW = 1 lot; 10:30 already holds 3: nothing.
    expect(orders).toEqual([]);
    const more = submitsOf(
      s.decide(
        makeWakeUp({
          timeMs: at,
          wakeId: 2,
          priceForecasts: forecasts(at, [6_000, 6_000, 6_000, 6_000, 6_000]),
          assets: [assetState({ assetId: 'agent.fleet', vppCars: 1_000 })],
        }),
      ),
    );
    // 3.6 MW × 0.5 = 18 lots for 10:30 and 10:45 (the two quarter-hours of the 30-minute window).
    expect(more.map((o) => [o.productId, o.side, o.quantityLots, o.priceTicks])).toEqual([
      [quarterHourId(at + 2 * QH_MS), Side.SIDE_BUY, 18, 6_500],
      [quarterHourId(at + 3 * QH_MS), Side.SIDE_BUY, 18, 6_500],
    ]);
  });

  it('dispatch: sells back what the cars able to charge cannot take in the next quarter-hour', () => {
    const s = ready();
    const at = DAY + 10 * HOUR_MS;
    const next = quarterHourId(at + QH_MS);
    const orders = submitsOf(
      s.decide(
        makeWakeUp({
          timeMs: at,
          priceForecasts: forecasts(at, [6_000, 6_000, 20_000, 20_000]),
          assets: [assetState({ assetId: 'agent.fleet', vppCars: 50 })],
          positions: [position(next, 10)],
        }),
      ),
    );
    // 50 cars = 0.18 MW → 1 lot can charge; 9 of the 10 held are sold back.
    expect(orders).toEqual([
      expect.objectContaining({
        productId: next,
        side: Side.SIDE_SELL,
        quantityLots: 9,
        clientRef: 'ev-dispatch',
      }),
    ]);
  });

  it('buys intraday only in the cheapest half of the look-ahead (cheapestShare 1: the seed rule)', () => {
    const at = DAY + 10 * HOUR_MS;
    // 10:00-10:45 at 90 EUR/MWh, the next hours at 30: 10:30 and 10:45 are not among the cheap half.
    const fc = forecasts(at, [9_000, 9_000, 9_000, 9_000, ...Array.from({ length: 44 }, () => 3_000)]);
    const wake = makeWakeUp({
      timeMs: at,
      priceForecasts: fc,
      assets: [assetState({ assetId: 'agent.fleet', vppCars: 1_000 })],
    });
    expect(submitsOf(ready().decide(wake))).toEqual([]);
    expect(submitsOf(ready({ cheapestShare: 1 }).decide(wake)).map((o) => o.productId)).toEqual([
      quarterHourId(at + 2 * QH_MS),
      quarterHourId(at + 3 * QH_MS),
    ]);
  });

  it('learns λ_intr in 0.1 steps from how the cars able to charge compared 30 minutes later', () => {
    const learned = ready({ lambdaIntraday: 0.3 });
    const fixed = ready({ lambdaIntraday: 0.3, adaptiveRisk: false });
    const at = DAY + 10 * HOUR_MS;
    // 1 000 and 600 cars in turn: half of the persistence predictions came true at 60 %.
    for (let k = 0; k < 12; k++)
      for (const s of [learned, fixed])
        s.decide(
          makeWakeUp({
            timeMs: at + k * 2 * QH_MS,
            wakeId: k + 1,
            assets: [assetState({ assetId: 'agent.fleet', vppCars: k % 2 === 0 ? 1_000 : 600 })],
          }),
        );
    expect(learned.riskIntraday.observations).toBe(11);
    expect(learned.lambdaIntraday()).toBe(0.4);
    expect(fixed.lambdaIntraday()).toBe(0.3);
  });
});
