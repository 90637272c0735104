import { beforeAll, describe, expect, it } from 'vitest';
import type { AuctionSpec } from '../../gen/flexarena/v1/auction.js';
import { Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import type { Action, WakeUp } from '../../gen/flexarena/v1/session.js';
import { type LpSolver, loadHighs } from '../../lib/highs.js';
import { quarterHourId } from '../../lib/product-id.js';
import { AgentSdkError, ParamError } from '../sdk/errors.js';
import { solveBatteryLp } from './battery-lp.js';
import { LpBattery, scheduleToLots, stepCurve } from './lp-battery.js';
import { HOUR_MS, mulberry32, QH_MS, socDeltaMwh } from './strategy-utils.js';
import {
  assetState,
  BATTERY,
  batteryAsset,
  DAY,
  DAY_TOKEN,
  dayAheadAuction,
  forecasts,
  makeWakeUp,
  makeWelcome,
  position,
  quarterHourProductSpecs,
  signedLots,
  submitsOf,
} from './test-fixtures.js';

let solver: LpSolver;
beforeAll(async () => {
  solver = await loadHighs();
});

const DA = dayAheadAuction(DAY);

function ready(params: Record<string, unknown> = {}): LpBattery {
  const s = new LpBattery(params);
  s.onWelcome(makeWelcome({ assets: [batteryAsset()], auctions: [DA] }));
  return s;
}

/** Night 20, evening (18:00-22:00) 150, else 80 EUR/MWh. */
function dayPrices(): number[] {
  return Array.from({ length: 96 }, (_, k) => (k < 16 ? 2_000 : k >= 72 && k < 88 ? 15_000 : 8_000));
}

function curves(actions: Action[]) {
  return actions.flatMap((a) =>
    a.kind?.$case === 'auctionBid' && a.kind.value.bid?.$case === 'curve'
      ? [{ auctionId: a.kind.value.auctionId, bidId: a.kind.value.bidId, ...a.kind.value.bid.value }]
      : [],
  );
}

/** Net lots a curve bid is awarded at price p (step semantics of market/auction/README.md). */
function awardAt(points: { priceTicks: number; quantityLots: number }[], p: number): number {
  let q = points[0]!.quantityLots;
  for (const pt of points) if (pt.priceTicks <= p) q = pt.quantityLots;
  return q;
}

const BEFORE_GATE = DAY - 15 * HOUR_MS; // D-1 09:00, gate D-1 12:00

describe('stepCurve', () => {
  it('buys up to forecast + margin and sells from forecast − margin, within the auction limits', () => {
    const lim = { priceMinTicks: -50_000, priceMaxTicks: 400_000 };
    expect(stepCurve(30, 8_000, 2_000, lim)).toEqual([
      { priceTicks: -50_000, quantityLots: 30 },
      { priceTicks: 10_000, quantityLots: 0 },
    ]);
    expect(stepCurve(-30, 8_000, 2_000, lim)).toEqual([
      { priceTicks: -50_000, quantityLots: 0 },
      { priceTicks: 6_000, quantityLots: -30 },
    ]);
    // The second point stays strictly above the first.
    expect(stepCurve(-5, -60_000, 0, lim)[1]!.priceTicks).toBe(-49_999);
    expect(stepCurve(5, 399_000, 2_000, lim)[1]!.priceTicks).toBe(400_000);
  });
});

describe('scheduleToLots', () => {
  it('rounds random LP schedules to lots that keep the SoC within bounds and track the LP path', () => {
    const rnd = mulberry32(7);
    for (let k = 0; k < 20; k++) {
      const b = { ...BATTERY, powerMw: 0.3 + Math.round(rnd() * 150) / 10, etaCharge: 0.8 + rnd() * 0.2 };
      const soc0 = b.socMinMwh + rnd() * (b.socMaxMwh - b.socMinMwh);
      const plan = solveBatteryLp(solver, {
        periods: Array.from({ length: 96 }, () => ({ priceEurPerMwh: rnd() * 200 })),
        hours: 0.25,
        powerMw: b.powerMw,
        etaCharge: b.etaCharge,
        etaDischarge: b.etaDischarge,
        socMinMwh: b.socMinMwh,
        socMaxMwh: b.socMaxMwh,
        soc0Mwh: soc0,
        endSocMinMwh: soc0,
      });
      const lots = scheduleToLots(plan, b, soc0, []);
      let soc = soc0;
      lots.forEach((l, t) => {
        expect(Math.abs(l)).toBeLessThanOrEqual(Math.floor(b.powerMw * 10 + 1e-9));
        soc += socDeltaMwh(l, b);
        expect(soc).toBeGreaterThanOrEqual(b.socMinMwh - 1e-9);
        expect(soc).toBeLessThanOrEqual(b.socMaxMwh + 1e-9);
        expect(Math.abs(soc - plan.socMwh[t + 1]!)).toBeLessThan(0.03); // within about a lot's energy
      });
    }
  });
});

describe('LpBattery', () => {
  it('refuses a run without a battery and validates its parameters', async () => {
    await expect(new LpBattery({}).onWelcome(makeWelcome())).rejects.toThrow(AgentSdkError);
    expect(() => new LpBattery({ slippageEur: -1 })).toThrow(ParamError);
    expect(() => new LpBattery({ unknown: 1 })).toThrow(ParamError);
  });

  it("refuses an end-SoC target outside the battery's SoC range at the welcome, never clamps it", async () => {
    // BATTERY: SoC range [1, 19] MWh.
    for (const endSocMwh of [0.5, 19.5, 50]) {
      const welcome = makeWelcome({ assets: [batteryAsset()], auctions: [DA] });
      const refused = new LpBattery({ endSocMwh }).onWelcome(welcome);
      await expect(refused).rejects.toThrow(ParamError);
      await expect(new LpBattery({ endSocMwh }).onWelcome(welcome)).rejects.toThrow(
        `params.endSocMwh: ${endSocMwh} MWh is outside the battery's SoC range [1, 19] MWh`,
      );
    }
    for (const endSocMwh of [1, 12, 19])
      await expect(
        new LpBattery({ endSocMwh }).onWelcome(makeWelcome({ assets: [batteryAsset()], auctions: [DA] })),
      ).resolves.toBeUndefined();
  });

  it('bids the day-ahead LP schedule as price-responsive step curves, once, before the gate', async () => {
    const s = ready();
    const wake = makeWakeUp({
      timeMs: BEFORE_GATE,
      assets: [assetState({ socMwh: 10 })],
      priceForecasts: forecasts(DAY, dayPrices()),
    });
    const bids = curves(await s.decide(wake));
    expect(bids.length).toBeGreaterThan(0);
    const net = new Map<number, number>();
    for (const b of bids) {
      expect(b.auctionId).toBe(DA.auctionId);
      expect(b.bidId).toBe(`lp-${b.period}`);
      // Strictly increasing prices, non-increasing quantities.
      for (let i = 1; i < b.points.length; i++) {
        expect(b.points[i]!.priceTicks).toBeGreaterThan(b.points[i - 1]!.priceTicks);
        expect(b.points[i]!.quantityLots).toBeLessThanOrEqual(b.points[i - 1]!.quantityLots);
      }
      const f = dayPrices()[b.period]!;
      const q = awardAt(b.points, f);
      net.set(b.period, q);
      expect(Math.abs(q)).toBeLessThanOrEqual(100);
      if (q > 0) {
        expect(f).toBeLessThan(15_000); // never charges in the dear evening
        expect(awardAt(b.points, f + 1_999)).toBe(q);
        expect(awardAt(b.points, f + 2_001)).toBe(0); // never far above its plan
      } else {
        expect(f).toBe(15_000); // discharges only in the evening
        expect(awardAt(b.points, f - 1_999)).toBe(q);
        expect(awardAt(b.points, f - 2_001)).toBe(0);
      }
    }
    // Awarded at the forecasts, the schedule keeps the SoC feasible and ends at least at the start.
    let soc = 10;
    for (let k = 0; k < 96; k++) {
      soc += socDeltaMwh(net.get(k) ?? 0, BATTERY);
      expect(soc).toBeGreaterThanOrEqual(BATTERY.socMinMwh - 1e-9);
      expect(soc).toBeLessThanOrEqual(BATTERY.socMaxMwh + 1e-9);
    }
    // Whole lots: the end may fall short of the start by less than one lot's energy.
    expect(soc).toBeGreaterThanOrEqual(10 - 0.025);
    // It fills up at night (10 → 19 MWh, less lot rounding) and empties in the evening.
    const night = [...net.entries()].filter(([k, q]) => k < 16 && q > 0).reduce((a, [, q]) => a + q, 0);
    expect((night * 25 * 0.95) / 1000).toBeGreaterThan(8.9);
    const evening = [...net.entries()].filter(([, q]) => q < 0).reduce((a, [, q]) => a - q, 0);
    expect((evening * 25) / 0.95 / 1000).toBeGreaterThan(17.9);
    // No second bid on the same auction.
    expect(curves(await s.decide({ ...wake, timeMs: wake.timeMs + QH_MS }))).toEqual([]);
  });

  it('does not bid after the gate (minus margin) or without forecasts for the whole day', async () => {
    const late = ready();
    const after = makeWakeUp({
      timeMs: DA.gateClosureMs - 30_000,
      assets: [assetState()],
      priceForecasts: forecasts(DAY, dayPrices()),
    });
    expect(curves(await late.decide(after))).toEqual([]);
    const partial = ready();
    const short = makeWakeUp({
      timeMs: BEFORE_GATE,
      assets: [assetState()],
      priceForecasts: forecasts(DAY, dayPrices().slice(0, 90)),
    });
    expect(curves(await partial.decide(short))).toEqual([]);
  });

  it('trades the difference to the re-optimised plan with IOC orders, and nothing once it holds the plan', async () => {
    const s = ready({ dayAhead: false, tradePeriods: 4 });
    const now = DAY + 9 * HOUR_MS; // the 09:00 product closed at 08:55; 09:15 … are tradable
    const prices = Array.from({ length: 60 }, (_, i) => (i < 4 ? 3_000 : i >= 40 && i < 48 ? 20_000 : 8_000));
    const wake = makeWakeUp({
      timeMs: now,
      assets: [assetState({ socMwh: 5 })],
      priceForecasts: forecasts(now + QH_MS, prices),
    });
    const subs = submitsOf(await s.decide(wake));
    expect(subs.length).toBeGreaterThan(0);
    expect(subs.map((x) => x.productId)).toEqual(
      subs
        .map((_, i) => quarterHourId(now + (i + 1) * QH_MS))
        .filter((id) => subs.some((x) => x.productId === id)),
    );
    for (const x of subs) {
      expect(x.timeInForce).toBe(TimeInForce.TIME_IN_FORCE_IOC);
      expect(x.side).toBe(Side.SIDE_BUY); // cheap now, dear later: charge
      expect(x.priceTicks).toBe(3_000 + 1_000);
      expect(x.quantityLots).toBeLessThanOrEqual(100);
    }
    // Holding what it bought, the same situation asks for no further trade.
    const held = subs.map((x) => position(x.productId, signedLots(x)));
    expect(submitsOf(await s.decide({ ...wake, positions: held }))).toEqual([]);
    // Holding too much of the first product, it sells the excess back.
    const first = subs[0]!;
    const over = held.map((p) =>
      p.productId === first.productId ? position(p.productId, p.netLots + 7) : p,
    );
    const fix = submitsOf(await s.decide({ ...wake, positions: over }));
    expect(fix).toHaveLength(1);
    expect(fix[0]).toMatchObject({ productId: first.productId, side: Side.SIDE_SELL, quantityLots: 7 });
  });

  it('treats closed quarter-hours as fixed: their positions move the SoC it plans from', async () => {
    const s = ready({ dayAhead: false, tradePeriods: 1 });
    const now = DAY + 9 * HOUR_MS;
    const prices = Array.from({ length: 20 }, (_, i) => (i === 0 ? 3_000 : 9_000));
    const base: WakeUp = makeWakeUp({
      timeMs: now,
      assets: [assetState({ socMwh: 15 })],
      priceForecasts: forecasts(now + QH_MS, prices),
    });
    const free = submitsOf(await s.decide(base));
    // The 09:00 quarter-hour (in delivery, gate closed) charges 100 lots = +2.375 MWh: less room.
    const fixed = submitsOf(await s.decide({ ...base, positions: [position(quarterHourId(now), 100)] }));
    const lots = (xs: typeof free) =>
      xs.filter((x) => x.side === Side.SIDE_BUY).reduce((a, x) => a + x.quantityLots, 0);
    expect(lots(fixed)).toBeLessThan(lots(free));
  });

  it('works without a day-ahead auction and without books (products from the welcome)', async () => {
    const s = new LpBattery({});
    s.onWelcome(
      makeWelcome({
        assets: [batteryAsset()],
        market: { ...makeWelcome().market!, products: quarterHourProductSpecs(DAY, 2) },
      }),
    );
    const now = DAY + 23 * HOUR_MS;
    const wake = makeWakeUp({
      timeMs: now,
      assets: [assetState()],
      priceForecasts: forecasts(now + QH_MS, [5_000, 9_000, 9_000]),
    });
    const subs = submitsOf(await s.decide(wake));
    for (const x of subs) expect(x.productId.startsWith('qh-2026112')).toBe(true);
  });
});

describe('LpBattery planners', () => {
  it('decides the same with the exact DP (default) as with HiGHS on random forecasts and positions', async () => {
    const rnd = mulberry32(2026);
    const highs = (p: Parameters<typeof solveBatteryLp>[1]) => solveBatteryLp(solver, p);
    let acting = 0;
    for (let k = 0; k < 12; k++) {
      const params = { tradePeriods: 1 + Math.floor(rnd() * 8), dayAhead: rnd() < 0.5 };
      const welcome = makeWelcome({ assets: [batteryAsset()], auctions: [DA] });
      const dp = new LpBattery(params);
      const lp = new LpBattery(params, highs);
      await dp.onWelcome(welcome);
      await lp.onWelcome(welcome);
      // Before the day-ahead gate (day-ahead bids and intraday trades) or inside the day.
      const now = rnd() < 0.4 ? BEFORE_GATE : DAY + Math.floor(rnd() * 80) * QH_MS;
      const n = Math.floor((DAY + 24 * HOUR_MS - now) / QH_MS) - 1;
      const prices = Array.from({ length: n }, () => Math.round(-5_000 + rnd() * 30_000));
      const first = now + QH_MS;
      const wake = makeWakeUp({
        timeMs: now,
        assets: [assetState({ socMwh: 1 + rnd() * 18 })],
        priceForecasts: forecasts(first, prices),
        positions: [position(quarterHourId(now), Math.round((rnd() - 0.5) * 150))],
      });
      const a = await dp.decide(wake);
      expect(a).toEqual(await lp.decide(wake));
      if (a.length > 0) acting++;
    }
    // Not a vacuous comparison: most situations call for trades.
    expect(acting).toBeGreaterThanOrEqual(8);
  });
});

describe('lp-battery restarted from its saved state', () => {
  it('does not bid an auction again and keeps the day-start SoC as its end target', async () => {
    const s = ready();
    const wake = (timeMs: number, socMwh: number) =>
      makeWakeUp({ timeMs, assets: [assetState({ socMwh })], priceForecasts: forecasts(DAY, dayPrices()) });
    expect(curves(await s.decide(wake(BEFORE_GATE, 10))).length).toBeGreaterThan(0);
    const saved = JSON.parse(JSON.stringify(s.saveState()));
    expect(saved).toEqual({ bidAuctions: [DA.auctionId], dayStartSoc: { [DAY_TOKEN]: 10 }, firstSoc: 10 });
    const t = ready();
    t.loadState(saved);
    // An hour later, on the same forecasts: the restored one bids nothing; a fresh one bids again.
    expect(curves(await t.decide(wake(BEFORE_GATE + HOUR_MS, 10)))).toEqual([]);
    expect(curves(await ready().decide(wake(BEFORE_GATE + HOUR_MS, 10))).length).toBeGreaterThan(0);
    expect(t.saveState()).toEqual(saved);
  });

  it('refuses a planned day that names no day, at loadState (before: every intraday decision failed)', () => {
    expect(() => ready().loadState({ bidAuctions: [], dayStartSoc: { d: 5 }, firstSoc: null })).toThrow(
      /strategy lp-battery: loadState: state.dayStartSoc must be keyed by delivery days "YYYYMMDD", got "d"/,
    );
  });

  it('finds its horizon without a walk over the days planned so far, as the walk did', async () => {
    // The horizon ends with the latest planned day; it walked every day planned since the start
    // (a product id parsed for each) at every wake-up, more by the day of a long run.
    const now = DAY + 9 * HOUR_MS;
    const wake = makeWakeUp({
      timeMs: now,
      assets: [assetState({ socMwh: 5 })],
      priceForecasts: forecasts(
        now + QH_MS,
        Array.from({ length: 150 }, (_, i) => (i % 40 < 8 ? 3_000 : 9_000)),
      ),
    });
    const token = (d: number) =>
      new Date(DAY + d * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    const past = Object.fromEntries(Array.from({ length: 300 }, (_, d) => [token(d - 300), 7]));
    const decide = async (dayStartSoc: Record<string, number>) => {
      const s = ready({ dayAhead: false });
      s.loadState({ bidAuctions: [], dayStartSoc, firstSoc: 5 });
      const days = (s as unknown as { dayStartSoc: Map<string, number> }).dayStartSoc;
      let walks = 0;
      days.keys = () => {
        walks++;
        return Map.prototype.keys.call(days) as MapIterator<string>;
      };
      return { actions: submitsOf(await s.decide(wake)), walks };
    };
    const tomorrow = { [token(1)]: 6 };
    const long = await decide({ ...past, [token(0)]: 5, ...tomorrow });
    expect(long.walks).toBe(0);
    expect(long.actions.length).toBeGreaterThan(0);
    // Planned days behind it change nothing.
    expect(long.actions).toEqual((await decide({ [token(0)]: 5, ...tomorrow })).actions);
  });

  // Each wake-up looked at every day-ahead auction of the run (a set lookup each): a year of them,
  // 365 lookups per wake-up from the first to the last day.
  it('looks only at the day-ahead auctions still open to it, and bids each day as the walk did', async () => {
    const year = Array.from({ length: 365 }, (_, d) => dayAheadAuction(DAY + d * 86_400_000));
    const run = async (auctions: AuctionSpec[]) => {
      const s = new LpBattery();
      s.onWelcome(makeWelcome({ assets: [batteryAsset()], auctions }));
      const bid = (s as unknown as { bidAuctions: Set<string> }).bidAuctions;
      let lookups = 0;
      bid.has = (id: string) => {
        lookups++;
        return Set.prototype.has.call(bid, id);
      };
      const out: { auctions: string[]; lookups: number }[] = [];
      // D-1 09:00 of days 0, 1 and 2, with forecasts for that day only.
      for (let d = 0; d < 3; d++) {
        lookups = 0;
        const dayMs = DAY + d * 86_400_000;
        const bids = curves(
          await s.decide(
            makeWakeUp({
              timeMs: dayMs - 15 * HOUR_MS,
              assets: [assetState({ socMwh: 10 })],
              priceForecasts: forecasts(dayMs, dayPrices()),
            }),
          ),
        );
        out.push({ auctions: [...new Set(bids.map((b) => b.auctionId))], lookups });
      }
      return out;
    };
    const inOrder = await run(year);
    expect(inOrder.map((o) => o.auctions)).toEqual([
      [year[0]!.auctionId],
      [year[1]!.auctionId],
      [year[2]!.auctionId],
    ]);
    for (const o of inOrder) expect(o.lookups).toBeLessThanOrEqual(4);
    // Listed out of delivery order, every auction is looked at again, and the same ones are bid.
    const shuffled = await run([year[2]!, year[0]!, year[1]!, ...year.slice(3)]);
    expect(shuffled.map((o) => o.auctions)).toEqual(inOrder.map((o) => o.auctions));
  });

  it('refuses a state of another shape, naming the field', () => {
    expect(() => ready().loadState({ bidAuctions: [], dayStartSoc: { d: 'x' }, firstSoc: null })).toThrow(
      /strategy lp-battery: loadState: state.dayStartSoc must be an object of numbers/,
    );
    expect(() => ready().loadState(42)).toThrow(/loadState: state must be an object/);
  });
});
