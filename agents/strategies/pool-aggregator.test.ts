import { describe, expect, it } from 'vitest';
import type { AssetSpec, ResidentialPoolSpec } from '../../gen/flexarena/v1/asset.js';
import type { PeriodSettlement } from '../../gen/flexarena/v1/balancing.js';
import { Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import { periodOfDay, quarterHourId } from '../../lib/product-id.js';
import { AgentSdkError, ParamError } from '../sdk/errors.js';
import { lotsWithinPotential, PoolAggregator, priorBaselineKwh } from './pool-aggregator.js';
import { LoadStateError } from './strategy-state.js';
import { DAY_MS, HOUR_MS, QH_MS } from './strategy-utils.js';
import {
  assetState,
  book,
  DAY,
  dayAheadAuction,
  forecasts,
  makeWakeUp,
  makeWelcome,
  position,
  quarterHourProductSpecs,
  submitsOf,
} from './test-fixtures.js';

/** 1 000 households: 4 MW charge / discharge, 10 MWh usable between 2 and 12. */
const POOL: ResidentialPoolSpec = {
  households: 1_000,
  pvKwpTotal: 6_000,
  loadMwhPerDay: 12,
  batteryCapacityMwh: 13,
  batteryChargeMw: 4,
  batteryDischargeMw: 4,
  socMinMwh: 2,
  socMaxMwh: 12,
  socInitialMwh: 7,
  betaChargeMinEurPerMwh: 2,
  betaChargeMaxEurPerMwh: 8,
  betaDischargeMinEurPerMwh: 3,
  betaDischargeMaxEurPerMwh: 9,
  // No household data (an arena older than the field): the strategy bounds by the pool's power.
  householdSpecs: [],
};
const ASSET: AssetSpec = { assetId: 'agent.pool', kind: { $case: 'residentialPool', value: POOL } };

const NOW = DAY + 9 * HOUR_MS;
const NEXT = quarterHourId(NOW + QH_MS); // 09:15, the first tradable quarter-hour
const AFTER = quarterHourId(NOW + 2 * QH_MS);

/** Without anomaly persistence unless a test asks for it: the profile alone is easier to check. */
function ready(params: Record<string, unknown> = {}): PoolAggregator {
  const s = new PoolAggregator({ anomalyPersistence: 0, ...params });
  s.onWelcome(makeWelcome({ assets: [ASSET] }));
  return s;
}

function settlement(productId: string, positionKwh: number, meteredKwh: number): PeriodSettlement {
  return {
    productId,
    positionKwh,
    meteredKwh,
    imbalanceKwh: positionKwh - meteredKwh,
    imbalancePriceTicks: 0,
    imbalanceCashUnits: 0,
    activatedKwh: 0,
    penaltyCashUnits: 0,
  };
}

function poolState(socMwh = 7, deliveredFlexibilityMwh?: number) {
  return assetState({
    assetId: 'agent.pool',
    socMwh,
    ...(deliveredFlexibilityMwh === undefined ? {} : { deliveredFlexibilityMwh }),
  });
}

const PRICES = forecasts(NOW + QH_MS, [8_000, 8_000, 8_000, 8_000]);

describe('priorBaselineKwh', () => {
  it('is the mean load at night and load minus the PV bell at solar noon', () => {
    expect(priorBaselineKwh(POOL, 0, 0.3)).toBeCloseTo(125, 9); // 0.5 MW × 0.25 h
    // 12:00-12:15: sin(π · 6.125 / 12) ≈ 0.9990; 6 MW × 0.3 × that = 1.798 MW.
    expect(priorBaselineKwh(POOL, 48, 0.3)).toBeCloseTo(
      (0.5 - 1.8 * Math.sin((Math.PI * 6.125) / 12)) * 250,
      9,
    );
  });
});

describe('PoolAggregator', () => {
  it('refuses a run without a residential pool and validates its parameters', () => {
    expect(() => new PoolAggregator().onWelcome(makeWelcome())).toThrow(AgentSdkError);
    expect(() => new PoolAggregator({ flexShare: 3 })).toThrow(ParamError);
  });

  // flexMw was floored to whole lots: 0.25 MW offered 0.2 MW without a word.
  it('refuses a flexMw off the 0.1 MW lot grid, naming it', () => {
    expect(() => new PoolAggregator({ flexMw: 0.25 })).toThrow(
      'params.flexMw: must be a multiple of 0.1 MW (one quantity lot)',
    );
    expect(new PoolAggregator({ flexMw: 0.3 }).params.flexMw).toBe(0.3);
  });

  it('learns the baseline from metered exchange and the growth of delivered flexibility', () => {
    const s = ready({ baselineLearningRate: 0.5 });
    const k = periodOfDay('qh-20261122-0845')!;
    const prior = s.baselineKwh(k);
    expect(prior).toBeCloseTo(priorBaselineKwh(POOL, k, 0.2), 9); // the default pvPriorFactor
    s.decide(makeWakeUp({ timeMs: NOW - HOUR_MS, assets: [poolState(7, 1)] }));
    // No flexibility delivered since: the metered 40 kWh is the baseline.
    s.decide(
      makeWakeUp({
        timeMs: NOW,
        assets: [poolState(7, 1)],
        settlements: [settlement('qh-20261122-0845', 40, 40)],
      }),
    );
    expect(s.baselineKwh(k)).toBeCloseTo((prior + 40) / 2, 9);
    // 50 kWh of flexibility delivered while metering 100: the baseline was 50 or 150; 50 is nearer.
    const est = s.baselineKwh(k);
    s.decide(
      makeWakeUp({
        timeMs: NOW + QH_MS,
        assets: [poolState(7, 1.05)],
        settlements: [settlement('qh-20261122-0845', 100, 100)],
      }),
    );
    expect(s.baselineKwh(k)).toBeCloseTo((est + 50) / 2, 9);
  });

  // What it learnt is its own: a new welcome (the SDK reconnecting in the same process) and a
  // restart from its saved state (--resume-file) leave it as it was, not the prior.
  it('keeps what it learnt over a second welcome and through saveState/loadState', () => {
    const s = ready({ baselineLearningRate: 0.5, anomalyPersistence: 1 });
    const k = periodOfDay('qh-20261122-0845')!;
    const prior = s.baselineKwh(k);
    s.decide(makeWakeUp({ timeMs: NOW - HOUR_MS, assets: [poolState(7, 1)] }));
    s.decide(
      makeWakeUp({
        timeMs: NOW,
        assets: [poolState(7, 1)],
        settlements: [settlement('qh-20261122-0845', 40, 400)],
      }),
    );
    const learnt = s.baselineKwh(k);
    expect(learnt).toBeCloseTo((prior + 400) / 2, 9);
    s.onWelcome(makeWelcome({ assets: [ASSET] }));
    expect(s.baselineKwh(k)).toBe(learnt);

    const saved = JSON.parse(JSON.stringify(s.saveState()));
    expect(saved.lastFlexMwh).toBe(1);
    expect(saved.anomaly.atMs).toBe(NOW - QH_MS);
    expect(saved.anomaly.kwh).toBeCloseTo(400 - prior, 9);
    const t = new PoolAggregator({ anomalyPersistence: 1 });
    t.loadState(saved);
    t.onWelcome(makeWelcome({ assets: [ASSET] }));
    expect(t.baselineKwh(k)).toBe(learnt);
    expect(t.expectedBaselineKwh(NEXT, NOW)).toBe(s.expectedBaselineKwh(NEXT, NOW));
    expect(t.saveState()).toEqual(saved);
  });

  it('refuses a saved state of the wrong shape, naming the field', () => {
    const good = ready().saveState();
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ baselineKwh: [1, 2] }, /state\.baselineKwh must be a list of 96 numbers/],
      [{ anomaly: { kwh: 1 } }, /state\.anomaly must be/],
      [{ lastFlexMwh: 'x' }, /state\.lastFlexMwh must be a number or null/],
      [{ dayAheadDone: [1] }, /state\.dayAheadDone must be a list of strings/],
      [{ dayAheadFlexLots: { a: 'x' } }, /state\.dayAheadFlexLots must be an object of numbers/],
    ];
    for (const [patch, re] of bad) {
      const s = new PoolAggregator();
      expect(() => s.loadState({ ...good, ...patch })).toThrow(LoadStateError);
      expect(() => s.loadState({ ...good, ...patch })).toThrow(re);
    }
  });

  it('carries the latest deviation from the profile to the next quarter-hours, within a window', () => {
    const s = ready({
      anomalyPersistence: 1,
      anomalyWindowHours: 3,
      baselineLearningRate: 0.5,
      baselineAheadPeriods: 1,
    });
    const prior0845 = s.baselineKwh(periodOfDay('qh-20261122-0845')!);
    const prior0915 = s.baselineKwh(periodOfDay(NEXT)!);
    // 08:45 metered 300 kWh above its profile (no flexibility delivered): the anomaly is +300.
    s.decide(makeWakeUp({ timeMs: NOW, settlements: [settlement('qh-20261122-0845', 0, prior0845 + 300)] }));
    expect(s.expectedBaselineKwh(NEXT, NOW)).toBeCloseTo(prior0915 + 300, 9);
    expect(Math.round((prior0915 + 300) / 25)).toBeGreaterThan(0);
    const subs = submitsOf(
      s.decide(makeWakeUp({ timeMs: NOW, assets: [poolState()], priceForecasts: PRICES })),
    );
    expect(subs).toEqual([
      expect.objectContaining({
        productId: NEXT,
        side: Side.SIDE_BUY,
        quantityLots: Math.round((prior0915 + 300) / 25),
      }),
    ]);
    // Four hours later the anomaly is stale: the profile alone.
    expect(s.expectedBaselineKwh(NEXT, DAY + 12 * HOUR_MS + 45 * 60_000)).toBeCloseTo(prior0915, 9);
  });

  it('holds the baseline on the next tradable quarter-hours with IOC orders around the forecast', () => {
    const s = ready({ baselineLearningRate: 1, baselineAheadPeriods: 2, slippageEur: 10 });
    // Learn 250 kWh (10 lots) import for 09:15 and 100 kWh export (−4 lots) for 09:30.
    s.decide(makeWakeUp({ timeMs: NOW - HOUR_MS, settlements: [settlement(NEXT, 0, 250)] }));
    s.decide(makeWakeUp({ timeMs: NOW - HOUR_MS, settlements: [settlement(AFTER, 0, -100)] }));
    const subs = submitsOf(
      s.decide(
        makeWakeUp({
          timeMs: NOW,
          assets: [poolState()],
          priceForecasts: PRICES,
          positions: [position(NEXT, 3)],
        }),
      ),
    );
    expect(subs).toEqual([
      expect.objectContaining({
        productId: NEXT,
        side: Side.SIDE_BUY,
        quantityLots: 7,
        priceTicks: 9_000,
        timeInForce: TimeInForce.TIME_IN_FORCE_IOC,
      }),
      expect.objectContaining({ productId: AFTER, side: Side.SIDE_SELL, quantityLots: 4, priceTicks: 7_000 }),
    ]);
    // Holding the baseline: nothing to do.
    const held = [position(NEXT, 10), position(AFTER, -4)];
    expect(
      s.decide(makeWakeUp({ timeMs: NOW, assets: [poolState()], priceForecasts: PRICES, positions: held })),
    ).toEqual([]);
  });

  it('buys flexibility when the CID is cheaper than forecast − threshold − β, sells when dearer', () => {
    const s = ready({ baselineLearningRate: 1, baselineAheadPeriods: 1, thresholdEur: 10, flexShare: 0.5 });
    s.decide(
      makeWakeUp({ timeMs: NOW - HOUR_MS, settlements: [settlement(NEXT, 0, 0)], assets: [poolState()] }),
    );
    const wake = (bids: [number, number][], asks: [number, number][], soc = 7) =>
      makeWakeUp({
        timeMs: NOW,
        assets: [poolState(soc)],
        priceForecasts: PRICES,
        positions: [position(NEXT, 0), position(AFTER, 0)],
        books: [book(NEXT, bids, asks)],
      });
    // Ask 67.99 < 80 − 10 − 2: buy 2 MW (half of 4 MW) at 68.00.
    const buy = submitsOf(s.decide(wake([[6_000, 50]], [[6_799, 50]])));
    expect(buy).toEqual([
      expect.objectContaining({
        productId: NEXT,
        side: Side.SIDE_BUY,
        quantityLots: 20,
        priceTicks: 6_800,
        clientRef: 'flex-buy',
      }),
    ]);
    // Within the threshold: nothing.
    const t = ready({ baselineLearningRate: 1, baselineAheadPeriods: 1 });
    t.decide(makeWakeUp({ timeMs: NOW - HOUR_MS, settlements: [settlement(NEXT, 0, 0)] }));
    expect(t.decide(wake([[8_500, 5]], [[7_000, 5]]))).toEqual([]);
    // Bid 93.01 > 80 + 10 + 3: sell 2 MW at 93.00.
    const sell = submitsOf(t.decide(wake([[9_301, 50]], [[9_500, 50]])));
    expect(sell).toEqual([
      expect.objectContaining({
        side: Side.SIDE_SELL,
        quantityLots: 20,
        priceTicks: 9_300,
        clientRef: 'flex-sell',
      }),
    ]);
  });

  it('limits flexibility by the SoC room and by what it already used; flexMw overrides the share', () => {
    const s = ready({
      baselineLearningRate: 1,
      baselineAheadPeriods: 1,
      thresholdEur: 0,
      addParticipationCost: false,
      flexMw: 3,
    });
    s.decide(makeWakeUp({ timeMs: NOW - HOUR_MS, settlements: [settlement(NEXT, 0, 0)] }));
    const wake = (soc: number, held: number) =>
      makeWakeUp({
        timeMs: NOW,
        assets: [poolState(soc)],
        priceForecasts: PRICES,
        positions: [position(NEXT, held), position(AFTER, 0)],
        books: [book(NEXT, [], [[7_000, 100]])],
      });
    expect(submitsOf(s.decide(wake(7, 0)))[0]!.quantityLots).toBe(30); // flexMw 3
    expect(submitsOf(s.decide(wake(11.6, 0)))[0]!.quantityLots).toBe(16); // 0.4 MWh room / 0.25 h
    expect(submitsOf(s.decide(wake(7, 25)))[0]!.quantityLots).toBe(5); // 25 lots already used
  });
});

describe('PoolAggregator day-ahead flexibility', () => {
  const TOMORROW = DAY + DAY_MS;
  const auction = dayAheadAuction(TOMORROW);
  const welcome = () =>
    makeWelcome({
      assets: [ASSET],
      auctions: [auction],
      market: { ...makeWelcome().market!, products: quarterHourProductSpecs(DAY, 2) },
    });
  // Cheap night (40 EUR/MWh) until 06:00, dear evening (140) from 18:00, 80 in between.
  const dayPrices = Array.from({ length: 96 }, (_, k) => (k < 24 ? 4_000 : k >= 72 ? 14_000 : 8_000));

  it('plans E_t with the merit-order LP and bids baseline + E_t, the extra only on the good side', async () => {
    const s = new PoolAggregator({ anomalyPersistence: 0 });
    await s.onWelcome(welcome());
    const bids = s
      .decide(makeWakeUp({ timeMs: DAY + 9 * HOUR_MS, priceForecasts: forecasts(TOMORROW, dayPrices) }))
      .flatMap((a) => (a.kind?.$case === 'auctionBid' ? [a.kind.value] : []));
    const base = (period: number) => Math.round(s.baselineKwh(period) / 25);
    // One curve per period, except where there is nothing to bid (baseline 0 lots, no flexibility).
    expect(bids.length).toBeGreaterThan(80);
    const curveOf = (period: number) => {
      const b = bids.find((x) => x.bidId === `pool-da-${period}`)?.bid;
      if (b === undefined) return [{ priceTicks: auction.priceMinTicks, quantityLots: base(period) }];
      if (b.$case !== 'curve') throw new Error('not a curve');
      return b.value.points;
    };
    // Night: charge flexibility (up to 4 MW × 0.5 = 2 MW), the extra only below forecast + 5;
    // evening: sell it back, only from forecast − 5. The LP spreads it over the cheapest merit-order
    // segments, so not every night period carries some.
    let charged = 0;
    let sold = 0;
    for (let k = 0; k < 96; k++) {
      const [first, second] = curveOf(k);
      if (!second) continue;
      if (k < 24) {
        expect(first!.quantityLots).toBeGreaterThan(base(k));
        expect(second).toEqual({ priceTicks: 4_500, quantityLots: base(k) });
        charged += (first!.quantityLots - base(k)) * 0.025;
      } else {
        expect(k).toBeGreaterThanOrEqual(72);
        expect(first!.quantityLots).toBe(base(k));
        expect(second.priceTicks).toBe(13_500);
        expect(second.quantityLots).toBeLessThan(base(k));
        sold += (base(k) - second.quantityLots) * 0.025;
      }
    }
    // The room (0.3 × 10 MWh = 3 MWh, ±1.5 around the baseline) bounds what is moved, and
    // D_n ≥ 0 leaves the households no emptier than the baseline.
    expect(charged).toBeGreaterThan(1.2);
    expect(charged).toBeLessThanOrEqual(1.5 + 1e-9);
    expect(sold).toBeGreaterThan(1.2);
    expect(sold).toBeLessThanOrEqual(charged + 1e-9);
    // Midday: 80 is neither cheap nor dear enough to pay β: baseline only.
    for (const k of [30, 48, 60])
      expect(curveOf(k)).toEqual([{ priceTicks: auction.priceMinTicks, quantityLots: base(k) }]);
    // Once per auction.
    expect(
      s.decide(makeWakeUp({ timeMs: DAY + 10 * HOUR_MS, priceForecasts: forecasts(TOMORROW, dayPrices) })),
    ).toEqual([]);
  });

  it('tracks baseline + the awarded flexibility on the CID', async () => {
    const s = new PoolAggregator({ anomalyPersistence: 0, baselineAheadPeriods: 1 });
    await s.onWelcome(welcome());
    s.decide(makeWakeUp({ timeMs: DAY + 9 * HOUR_MS, priceForecasts: forecasts(TOMORROW, dayPrices) }));
    const id = quarterHourId(TOMORROW + 2 * QH_MS);
    const award = Math.round(s.baselineKwh(2) / 25) + 6;
    s.decide(
      makeWakeUp({
        timeMs: DAY + 13 * HOUR_MS,
        auctionAwards: [
          {
            auctionId: auction.auctionId,
            bidId: 'pool-da-2',
            period: 2,
            productId: id,
            quantityLots: award,
            priceTicks: 4_000,
          },
        ],
      }),
    );
    expect(s.dayAheadFlexLots.get(id)).toBe(6);
    // At 00:15 the next tradable quarter-hour is 00:30 (period 2): holding the award, nothing to do.
    const at = TOMORROW + QH_MS;
    const held = s.decide(
      makeWakeUp({
        timeMs: at,
        assets: [poolState()],
        priceForecasts: forecasts(at + QH_MS, [4_000, 4_000]),
        positions: [position(id, award)],
      }),
    );
    expect(submitsOf(held)).toEqual([]);
  });
});

describe('PoolAggregator bounds flexibility by the forecast potentials V̂_c(t), V̂_d(t)', () => {
  const TOMORROW = DAY + DAY_MS;
  const auction = dayAheadAuction(TOMORROW);
  const N = 1_000;
  // 1 000 identical households: 4 kW / 10 kWh batteries (SoC 1-9 kWh, η = 1), 6 kWp, 12 kWh a day.
  const HH = {
    batteryCapacityMwh: 0.01,
    chargeMw: 0.004,
    dischargeMw: 0.004,
    etaCharge: 1,
    etaDischarge: 1,
    socMinMwh: 0.001,
    socMaxMwh: 0.009,
    pvKwp: 6,
    loadMwhPerDay: 0.012,
  };
  const spec = (withHouseholds: boolean): AssetSpec => ({
    assetId: 'agent.pool',
    kind: {
      $case: 'residentialPool',
      value: { ...POOL, households: N, householdSpecs: withHouseholds ? Array(N).fill(HH) : [] },
    },
  });
  const welcome = (withHouseholds: boolean) =>
    makeWelcome({
      assets: [spec(withHouseholds)],
      auctions: [auction],
      market: { ...makeWelcome().market!, products: quarterHourProductSpecs(DAY, 2) },
    });
  // Free power at midday (0 EUR/MWh 10:00-14:00), 80 otherwise, 200 in the evening.
  const dayPrices = Array.from({ length: 96 }, (_, k) => (k >= 40 && k < 56 ? 0 : k >= 72 ? 20_000 : 8_000));
  // Solar: 0.8 of capacity 09:00-15:00 tomorrow (4.8 kW PV − 0.5 kW load > 4 kW: the batteries
  // already charge at full power, V̂_c = 0), none otherwise.
  const NOW_MS = DAY + 9 * HOUR_MS;
  const solar = (t: number) => {
    const k = Math.floor((t - TOMORROW) / QH_MS);
    return t >= TOMORROW && k >= 36 && k < 60 ? 0.8 * 80_000 : 0;
  };
  const fundamentals = Array.from({ length: 15 * 4 + 96 }, (_, i) => {
    const t = NOW_MS + i * QH_MS;
    return { productId: quarterHourId(t), demandMw: 0, windMw: 0, solarMw: solar(t), residualMw: 0 };
  });
  const state = assetState({ assetId: 'agent.pool', socMwh: 5, householdSocMwh: Array(N).fill(0.005) });

  async function plan(withHouseholds: boolean) {
    const s = new PoolAggregator({ anomalyPersistence: 0 });
    await s.onWelcome(welcome(withHouseholds));
    const wake = makeWakeUp({
      timeMs: NOW_MS,
      assets: [state],
      priceForecasts: forecasts(TOMORROW, dayPrices),
      fundamentalsForecasts: fundamentals,
    });
    const bids = s.decide(wake).flatMap((a) => (a.kind?.$case === 'auctionBid' ? [a.kind.value] : []));
    const pots = s.forecastPotentials(
      wake,
      spec(true).kind!.value as ResidentialPoolSpec,
      state.householdSocMwh,
    )!;
    /** Lots the curve of period k moves beyond its baseline point (> 0 charge more). */
    const flexLots = (k: number) => {
      const b = bids.find((x) => x.bidId === `pool-da-${k}`)?.bid;
      if (b?.$case !== 'curve' || b.value.points.length < 2) return 0;
      // Charging curve: [base + flex at the floor price, base]; selling: [base, base + flex].
      const [p0, p1] = b.value.points;
      return p0!.priceTicks === auction.priceMinTicks && p1!.quantityLots < p0!.quantityLots
        ? p0!.quantityLots - p1!.quantityLots
        : p1!.quantityLots - p0!.quantityLots;
    };
    return { s, pots, flexLots };
  }

  it('forecasts V̂_c = 0 while the batteries already take all the PV they can', async () => {
    const { pots } = await plan(true);
    const at = (k: number) => pots.get(quarterHourId(TOMORROW + k * QH_MS))!;
    // The load (0.5 kW) empties the batteries to 1 kWh by 17:00 today; from 09:00 PV 4.8 kW − load 0.5 kW ≥ 4 kW then
    // charges them at full power: V̂_c = 0, V̂_d from +4 MW to −4 MW.
    expect(at(40).vcMw).toBe(0); // 10:00, SoC 5 kWh
    expect(at(40).vdMw).toBeCloseTo(-8, 9);
    // From 11:00 full (9 kWh): no charging at all, the PV is exported; V̂_c still 0.
    expect(at(44).vcMw).toBe(0);
    expect(at(44).vdMw).toBeCloseTo(-4, 9);
    // 02:00: emptied by the evening load since 17:00 today: 4 kW charging, nothing to discharge.
    expect(at(8).vcMw).toBeCloseTo(4, 9);
    expect(at(8).vdMw).toBe(0);
  });

  it('the plan without household data charges at midday beyond V̂_c; with it, every period stays within', async () => {
    const old = await plan(false);
    const now = await plan(true);
    const curveLots = (p: Awaited<ReturnType<typeof plan>>, k: number) => p.flexLots(k);
    let oldBeyond = 0;
    let moved = 0;
    for (let k = 0; k < 96; k++) {
      moved += Math.abs(curveLots(now, k));
      const pot = now.pots.get(quarterHourId(TOMORROW + k * QH_MS))!;
      const e = curveLots(now, k) / 10; // MW, > 0 charge more
      expect(e).toBeLessThanOrEqual(pot.vcMw + 1e-9);
      expect(e).toBeGreaterThanOrEqual(pot.vdMw - 1e-9);
      if (curveLots(old, k) / 10 > pot.vcMw + 1e-9) oldBeyond++;
    }
    expect(moved).toBeGreaterThan(0); // it still plans flexibility where there is potential
    expect(oldBeyond).toBeGreaterThan(0); // the old bound (flexShare × 4 MW) charged at free midday prices
  });
});

describe('lotsWithinPotential', () => {
  it('keeps the wanted lots inside the window, else the nearest lot inside, else the least clipped', () => {
    // Baseline −3 kWh, V̂_c = 0, V̂_d = −0.4 MW (−100 kWh): 0 lots would ask +3 kWh of charging.
    expect(lotsWithinPotential(0, -3, { vcMw: 0, vdMw: -0.4 })).toBe(-1);
    // Inside the window: unchanged.
    expect(lotsWithinPotential(0, -3, { vcMw: 0.02, vdMw: -0.4 })).toBe(0);
    expect(lotsWithinPotential(-2, -3, { vcMw: 0.02, vdMw: -0.4 })).toBe(-2);
    // Far beyond: the edge of the window.
    expect(lotsWithinPotential(8, -3, { vcMw: 0.2, vdMw: -0.4 })).toBe(1);
    // No lot in [5, 15] kWh: 0 (5 kWh short) beats 1 (10 kWh over); in [13, 15]: 1 (10 over) beats 0.
    expect(lotsWithinPotential(0, 5, { vcMw: 0.04, vdMw: 0 })).toBe(0);
    expect(lotsWithinPotential(3, 14, { vcMw: 0.004, vdMw: -0.004 })).toBe(1);
  });

  // The decision left open since the potentials bound the schedule: clip (imbalance) or pay β.
  // Seed 001 picks E(t) only within [V̂_d(t), V̂_c(t)] (eqs. 10, 12) and pays C_c,t/C_d,t for it;
  // imbalance (eq. 11) comes from forecast errors, not by choice.
  it('pays β for an admissible lot rather than clip to save it (seed 001 eqs. 10-12)', () => {
    // Baseline 10 kWh, no discharge potential, 25 kWh of charge potential: 0 lots would ask the
    // pool for 10 kWh it cannot discharge (imbalance, no β); 1 lot asks 15 kWh of charging, which
    // it can do and is paid β_c for. The admissible one is held, however dear β is.
    expect(lotsWithinPotential(0, 10, { vcMw: 0.1, vdMw: 0 })).toBe(1);
    // The same at the other side: baseline −10 kWh, no charge potential.
    expect(lotsWithinPotential(0, -10, { vcMw: 0, vdMw: -0.1 })).toBe(-1);
    // No admissible lot (window [10, 12.5] kWh): the least clipped, 10 kWh short rather than
    // 12.5 kWh over — what eq. 11's imbalance term ranks.
    expect(lotsWithinPotential(0, 10, { vcMw: 0.01, vdMw: 0 })).toBe(0);
    expect(lotsWithinPotential(0, 10, { vcMw: 0.04, vdMw: 0 })).toBe(1);
  });
});
