import { describe, expect, it } from 'vitest';
import { type AssetSpec, EvRentalPolicy } from '../../gen/flexarena/v1/asset.js';
import { Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import type { Action } from '../../gen/flexarena/v1/session.js';
import { quarterHourId } from '../../lib/product-id.js';
import { AgentSdkError, ParamError } from '../sdk/errors.js';
import { cheapThreshold, EvFleetCharger, intradayLots } from './ev-fleet-charger.js';
import { HOUR_MS, QH_MS } from './strategy-utils.js';
import {
  assetState,
  DAY,
  dayAheadAuction,
  forecasts,
  makeWakeUp,
  makeWelcome,
  position,
  submitsOf,
} from './test-fixtures.js';

/** 2 500 cars × 3.6 kW = 9 MW; tariff 150 EUR/MWh. */
const FLEET: AssetSpec = {
  assetId: 'agent.fleet',
  kind: {
    $case: 'evFleet',
    value: {
      cars: 2_500,
      chargerKw: 3.6,
      capacityKwh: 17.6,
      controlPeriodMinutes: 5,
      controlPeriodsPerMarketPeriod: 3,
      rentalPolicy: EvRentalPolicy.EV_RENTAL_POLICY_PROTECT_COMMITMENTS,
      lostRentalBaseEur: 5,
      lostRentalEurPerMin: 0.2,
      tariffEurPerMwh: 150,
      fallbackTargetSocShare: 0.5,
      maxChargingMw: 9,
    },
  },
};

const DA = dayAheadAuction(DAY);
const NOW = DAY + 15 * HOUR_MS - 30 * 60_000; // 14:30, target 14:45 (gate 14:40)
const TARGET = quarterHourId(NOW + QH_MS);

function ready(params: Record<string, unknown> = {}): EvFleetCharger {
  const s = new EvFleetCharger(params);
  s.onWelcome(makeWelcome({ assets: [FLEET], auctions: [DA] }));
  return s;
}

function fleetState(vppCars?: number) {
  return assetState({ assetId: 'agent.fleet', socMwh: 20, ...(vppCars === undefined ? {} : { vppCars }) });
}

/** Target at `first`, then 47 quarter-hours at `rest`. */
function prices(first: number, rest = 9_000) {
  return forecasts(NOW + QH_MS, [first, ...Array.from({ length: 47 }, () => rest)]);
}

function curves(actions: Action[]) {
  return actions.flatMap((a) =>
    a.kind?.$case === 'auctionBid' && a.kind.value.bid?.$case === 'curve' ? [a.kind.value.bid.value] : [],
  );
}

describe('intradayLots (eq. 5) and cheapThreshold', () => {
  it('discounts the uncommitted available power by (1 − λ)', () => {
    // Seed §1.2.6 ×10: P̂ = 8.1 MW, 6.3 MW already committed, λ = 0.05 → 1.71 MW = 17 lots.
    expect(intradayLots(81, 63, 0.05)).toBe(17);
    expect(intradayLots(90, 0, 0.3)).toBe(63); // 9 MW × 0.7
    expect(intradayLots(90, 0, 1)).toBe(0);
    expect(intradayLots(50, 60, 0.1)).toBe(0);
  });

  it('takes the price at the cheapest-share quantile', () => {
    expect(cheapThreshold([5, 1, 4, 2, 3], 0.4)).toBe(2);
    expect(cheapThreshold([5, 1, 4, 2, 3], 1)).toBe(5);
    expect(cheapThreshold([], 0.5)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('EvFleetCharger', () => {
  it('refuses a run without an EV fleet and validates λ on the 0.1 grid', () => {
    expect(() => new EvFleetCharger().onWelcome(makeWelcome())).toThrow(AgentSdkError);
    expect(() => new EvFleetCharger({ lambdaIntraday: 0.15 })).toThrow(ParamError);
    expect(() => new EvFleetCharger({ lambdaIntraday: 1.1 })).toThrow(ParamError);
    expect(new EvFleetCharger({ lambdaIntraday: 0.3 }).params.lambdaIntraday).toBe(0.3);
  });

  it('refuses a tariff off the tick grid: it limits its bids, and was rounded to the tick silently', () => {
    expect(() => new EvFleetCharger({ tariffEurPerMwh: 150.005 })).toThrow(
      'params.tariffEurPerMwh: must be a multiple of 0.01 EUR/MWh (one price tick)',
    );
    expect(new EvFleetCharger({ tariffEurPerMwh: 150.01 }).params.tariffEurPerMwh).toBe(150.01);
  });

  it('refuses a fleet power off the 0.1 MW lot grid: it sizes the bids, and was floored to lots silently', () => {
    expect(() => new EvFleetCharger({ fleetMw: 2.55 })).toThrow(
      'params.fleetMw: must be a multiple of 0.1 MW (one quantity lot)',
    );
    expect(() => new EvFleetCharger({ fleetMw: 0.05 })).toThrow('params.fleetMw');
    expect(new EvFleetCharger({ fleetMw: 2.5 }).params.fleetMw).toBe(2.5);
  });

  it('buys (P̂ − P_held)(1 − λ) of the cheap next quarter-hour, sized by the VPP cars', () => {
    const s = ready({ lambdaIntraday: 0.1, slippageEur: 5 });
    // 2 250 VPP cars × 3.6 kW = 8.1 MW; 63 lots held from the day-ahead.
    const subs = submitsOf(
      s.decide(
        makeWakeUp({
          timeMs: NOW,
          assets: [fleetState(2_250)],
          priceForecasts: prices(4_000),
          positions: [position(TARGET, 63)],
        }),
      ),
    );
    expect(subs).toEqual([
      expect.objectContaining({
        productId: TARGET,
        side: Side.SIDE_BUY,
        quantityLots: 16, // (81 − 63) × 0.9 = 16.2
        priceTicks: 4_500,
        timeInForce: TimeInForce.TIME_IN_FORCE_IOC,
        clientRef: 'ev-charge',
      }),
    ]);
    // λ scales the commitment: higher risk, smaller order.
    const cautious = ready({ lambdaIntraday: 0.5 });
    const c = submitsOf(
      cautious.decide(
        makeWakeUp({ timeMs: NOW, assets: [fleetState(2_250)], priceForecasts: prices(4_000) }),
      ),
    );
    expect(c[0]!.quantityLots).toBe(40); // 81 × 0.5
    const none = ready({ lambdaIntraday: 1 });
    expect(
      none.decide(makeWakeUp({ timeMs: NOW, assets: [fleetState(2_250)], priceForecasts: prices(4_000) })),
    ).toEqual([]);
  });

  it('never commits more than the fleet can charge: sells an excess back', () => {
    const s = ready({ slippageEur: 5 });
    // 100 VPP cars = 0.36 MW = 3 lots, 10 held.
    const subs = submitsOf(
      s.decide(
        makeWakeUp({
          timeMs: NOW,
          assets: [fleetState(100)],
          priceForecasts: prices(4_000),
          positions: [position(TARGET, 10)],
        }),
      ),
    );
    expect(subs).toEqual([
      expect.objectContaining({
        productId: TARGET,
        side: Side.SIDE_SELL,
        quantityLots: 7,
        priceTicks: 3_500,
      }),
    ]);
    // No room at all: nothing bought.
    expect(
      s.decide(makeWakeUp({ timeMs: NOW, assets: [fleetState(0)], priceForecasts: prices(4_000) })),
    ).toEqual([]);
  });

  it('buys only below the tariff and only in the cheapest forecast quarter-hours, never paying above the tariff', () => {
    const s = ready({ cheapestShare: 0.25 });
    const wake = (first: number, rest?: number) =>
      makeWakeUp({ timeMs: NOW, assets: [fleetState(1_000)], priceForecasts: prices(first, rest) });
    expect(s.decide(wake(15_000, 16_000))).toEqual([]); // at the tariff
    expect(s.decide(wake(9_500))).toEqual([]); // dearer than the rest of the look-ahead
    const near = submitsOf(s.decide(wake(14_800, 16_000)));
    expect(near[0]!.priceTicks).toBe(14_999); // forecast + 5 EUR capped just below the tariff
  });

  it('falls back to the configured fleet power when the state has no VPP count', () => {
    const s = ready({ fleetMw: 2, lambdaIntraday: 0 });
    const subs = submitsOf(
      s.decide(makeWakeUp({ timeMs: NOW, assets: [fleetState()], priceForecasts: prices(4_000) })),
    );
    expect(subs[0]!.quantityLots).toBe(20);
    // Without either: the spec's 9 MW × the availability share 0.3.
    const d = ready({ lambdaIntraday: 0 });
    expect(
      submitsOf(d.decide(makeWakeUp({ timeMs: NOW, assets: [], priceForecasts: prices(4_000) })))[0]!
        .quantityLots,
    ).toBe(27);
  });

  it('optionally bids P̂_da (1 − λ_da) into the day-ahead in the cheapest quarter-hours below the tariff', () => {
    const s = ready({
      dayAhead: true,
      lambdaDayAhead: 0.3,
      dayAheadAvailabilityShare: 0.5,
      cheapestShare: 0.25,
      daPriceMarginEur: 5,
    });
    // Night (00-06) at 30, the rest at 90; one quarter-hour above the tariff.
    const day = Array.from({ length: 96 }, (_, k) => (k < 24 ? 3_000 : k === 50 ? 20_000 : 9_000));
    const bids = curves(
      s.decide(
        makeWakeUp({
          timeMs: DAY - 15 * HOUR_MS,
          assets: [fleetState(500)],
          priceForecasts: forecasts(DAY, day),
        }),
      ),
    );
    expect(bids.map((b) => b.period)).toEqual(Array.from({ length: 24 }, (_, k) => k));
    for (const b of bids)
      expect(b.points).toEqual([
        { priceTicks: DA.priceMinTicks, quantityLots: 31 }, // 9 MW × 0.5 × 0.7 = 3.15 MW
        { priceTicks: 3_500, quantityLots: 0 },
      ]);
    // Once per auction.
    expect(
      curves(s.decide(makeWakeUp({ timeMs: DAY - 14 * HOUR_MS, priceForecasts: forecasts(DAY, day) }))),
    ).toEqual([]);
  });
});
