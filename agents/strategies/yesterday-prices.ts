// Yesterday's prices: the industry's reference baseline for storage (published: 65–75 % of
// perfect foresight over a year in ERCOT). The battery plans today as if today's prices were
// yesterday's: the perfect-foresight LP on yesterday's price of each quarter-hour of the day,
// fixed once, then carried out whatever today's prices do.
//
// Prices it observes (public data only): for every quarter-hour, the day-ahead auction's clearing
// price when there was one, else the last continuous-intraday trade of that quarter-hour seen
// before its gate. Yesterday's profile of day D is what it observed for D − 1 (gaps filled from
// the nearest observed quarter-hour). A run's first day has no yesterday: with
// `firstDay: 'day-ahead-results'` (default) it takes the most recent market prices for the same
// hours it has, the day-ahead auction results of that day (published the day before); with
// `'idle'`, or when no day-ahead auction runs, it does not trade on the first day.
//
// Execution: if day D's day-ahead auction is still open when the plan is made, the plan is bid
// there as step curves with a wide margin (price-taking: the schedule is what counts); the rest is
// traded in the continuous market, the next `tradePeriods` tradable quarter-hours toward the
// schedule with IOC orders up to `slippageEur` beyond the book's touch (schedule-executor.ts).

import * as z from 'zod';
import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import type { AuctionSpec } from '../../gen/flexarena/v1/auction.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { DAY_MS, dayTokenStartMs, type LpSolver, loadHighs, quarterHourId } from '../../lib/index.js';
import { eurToTicks } from '../../market/index.js';
import { MarketView } from '../sdk/market-view.js';
import type { Strategy } from '../sdk/strategy.js';
import { solveBatteryLp } from './battery-lp.js';
import { type BatterySeat, batterySeat, seatSoc } from './battery-seat.js';
import { dayAheadPlanBids } from './day-ahead-plan.js';
import { scheduleToLots } from './lp-battery.js';
import { eurPerMwh, parseParams } from './params.js';
import { tradeTowardSchedule } from './schedule-executor.js';
import { LoadStateError, numberRecord, stateObject } from './strategy-state.js';
import { projectSoc, QH_MS, quarterHourLimits } from './strategy-utils.js';

const paramsSchema = z
  .object({
    firstDay: z.enum(['day-ahead-results', 'idle']).default('day-ahead-results'),
    /** Day-ahead curves buy up to yesterday's price + this, sell from it − this (EUR/MWh). */
    daPriceMarginEur: eurPerMwh(0, 10_000).default(500),
    /** CID orders accept up to this beyond the book's touch (EUR/MWh). */
    slippageEur: eurPerMwh(0, 1000).default(5),
    tradePeriods: z.number().int().min(1).max(96).default(2),
    /** Without day-ahead results, plan a day from yesterday's trades this long before it starts. */
    planLeadMs: z
      .number()
      .int()
      .min(0)
      .max(86_400_000)
      .default(2 * 3_600_000),
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
    degradationEurPerMwh: z.number().min(0).max(10_000).optional(),
  })
  .strict();

export type YesterdayPricesParams = z.infer<typeof paramsSchema>;

/** What yesterday-prices keeps over a restart (saveState). */
export interface YesterdayPricesState {
  auctionPrice: Record<string, number>;
  lastTrade: Record<string, number>;
  plans: Record<string, { lots: number[]; source: 'yesterday' | 'day-ahead-results' }>;
}

export class YesterdayPrices implements Strategy {
  readonly name = 'yesterday-prices';
  readonly params: YesterdayPricesParams;
  private seat?: BatterySeat;
  private solver?: LpSolver;
  /** Observed price per quarter-hour id, ticks: day-ahead results, else the last CID trade. */
  private readonly auctionPrice = new Map<string, number>();
  private readonly lastTrade = new Map<string, number>();
  /** The fixed schedule of each planned day ("YYYYMMDD"): lots per quarter-hour of the day. */
  readonly plans = new Map<string, { lots: number[]; source: 'yesterday' | 'day-ahead-results' }>();

  constructor(params: Record<string, unknown> = {}, solver?: LpSolver) {
    this.params = parseParams('yesterday-prices', paramsSchema, params);
    this.solver = solver;
  }

  onWelcome(welcome: Welcome): void {
    this.seat = batterySeat(welcome, this.name);
  }

  private observe(wake: WakeUp, view: MarketView): void {
    for (const r of wake.auctionResults) {
      const spec = view.auctionsOf('day-ahead').find((a) => a.auctionId === r.auctionId);
      if (!spec) continue;
      r.pricesTicks.forEach((p, k) => {
        const id = spec.periodProductIds[r.firstPeriod - spec.firstPeriod + k];
        if (id) this.auctionPrice.set(id, p);
      });
    }
    for (const b of wake.books)
      if (b.hasLastTrade && b.productId.startsWith('qh-'))
        this.lastTrade.set(b.productId, b.lastTradePriceTicks);
  }

  /** The observed prices of a day's 96 quarter-hours, gaps filled from the nearest; undefined if none. */
  profileOf(dayToken: string): number[] | undefined {
    const start = dayTokenStartMs(dayToken);
    const raw = Array.from({ length: 96 }, (_, k) => {
      const id = quarterHourId(start + k * QH_MS);
      return this.auctionPrice.get(id) ?? this.lastTrade.get(id);
    });
    if (raw.every((p) => p === undefined)) return undefined;
    return raw.map((p, k) => {
      if (p !== undefined) return p;
      for (let d = 1; d < 96; d++) {
        const near = raw[k - d] ?? raw[k + d];
        if (near !== undefined) return near;
      }
      return 0;
    });
  }

  /**
   * Restarted without these, it would have no day-ahead prices (the auction results reach it once)
   * nor the last trades it saw, and would plan its days again from what it sees after the restart.
   */
  saveState(): YesterdayPricesState {
    return {
      auctionPrice: Object.fromEntries(this.auctionPrice),
      lastTrade: Object.fromEntries(this.lastTrade),
      plans: Object.fromEntries(this.plans),
    };
  }

  loadState(state: unknown): void {
    const s = stateObject(this.name, state);
    const auction = numberRecord(this.name, s, 'auctionPrice');
    const trades = numberRecord(this.name, s, 'lastTrade');
    const plans = s.plans;
    if (plans === null || typeof plans !== 'object' || Array.isArray(plans))
      throw new LoadStateError(this.name, 'plans', 'must be an object of day plans');
    for (const [day, plan] of Object.entries(plans as Record<string, { lots?: unknown; source?: unknown }>))
      if (
        !Array.isArray(plan?.lots) ||
        !plan.lots.every(Number.isInteger) ||
        (plan.source !== 'yesterday' && plan.source !== 'day-ahead-results')
      )
        throw new LoadStateError(this.name, `plans.${day}`, 'must be {lots: whole numbers, source}');
    this.auctionPrice.clear();
    for (const [id, p] of auction) this.auctionPrice.set(id, p);
    this.lastTrade.clear();
    for (const [id, p] of trades) this.lastTrade.set(id, p);
    this.plans.clear();
    for (const [day, plan] of Object.entries(plans as YesterdayPricesState['plans']))
      this.plans.set(day, { lots: [...plan.lots], source: plan.source });
  }

  async decide(wake: WakeUp): Promise<Action[]> {
    if (!this.seat) return [];
    const { battery: b, view } = this.seat;
    this.observe(wake, view);
    const soc = seatSoc(this.seat, wake);
    const out: Action[] = [];
    for (const day of this.daysToPlan(wake, view)) {
      this.solver ??= await loadHighs();
      out.push(...this.plan(wake, view, b, soc, day));
    }
    out.push(
      ...tradeTowardSchedule({
        wake,
        view,
        battery: b,
        socMwh: soc,
        target: (id) => {
          const day = MarketView.dayOf(id);
          const k = MarketView.periodOfDay(id);
          const plan = day !== undefined ? this.plans.get(day) : undefined;
          return plan && k !== undefined ? plan.lots[k] : undefined;
        },
        periods: this.params.tradePeriods,
        gateMarginMs: this.params.gateMarginMs,
        slippageTicks: eurToTicks(this.params.slippageEur),
        clientRef: 'yesterday',
      }),
    );
    return out;
  }

  /** Delivery days not planned yet whose products or day-ahead auction are still ahead. */
  private daysToPlan(wake: WakeUp, view: MarketView): string[] {
    const days = new Set<string>();
    for (const p of view.quarterHours)
      if (p.deliveryStartMs > wake.timeMs) days.add(MarketView.dayOf(p.productId)!);
    return [...days].filter((d) => !this.plans.has(d)).sort();
  }

  private plan(wake: WakeUp, view: MarketView, b: BatterySpec, soc: number, day: string): Action[] {
    const start = dayTokenStartMs(day);
    const yesterday = quarterHourId(start - DAY_MS).slice(3, 11);
    const hadYesterday = view.quarterHours.some((p) => MarketView.dayOf(p.productId) === yesterday);
    // Yesterday's profile: complete day-ahead results (known the day before yesterday), or else
    // its continuous trades, once yesterday is nearly over.
    const ids = (s0: number) => Array.from({ length: 96 }, (_, k) => quarterHourId(s0 + k * QH_MS));
    const yesterdayKnown =
      ids(start - DAY_MS).every((id) => this.auctionPrice.has(id)) ||
      wake.timeMs >= start - this.params.planLeadMs;
    const prevProfile = hadYesterday && yesterdayKnown ? this.profileOf(yesterday) : undefined;
    // A day before the first: only the fallback, once the day's own day-ahead results are known.
    let profile = prevProfile;
    let source: 'yesterday' | 'day-ahead-results' = 'yesterday';
    if (!profile && !hadYesterday && this.params.firstDay === 'day-ahead-results') {
      const own = this.profileOf(day);
      const complete = own && ids(start).every((id) => this.auctionPrice.has(id));
      if (complete) {
        profile = own;
        source = 'day-ahead-results';
      }
    }
    if (!profile) return [];
    const soc0 = projectSoc(soc, b, wake, start);
    const auction = view
      .openAuctions(wake.timeMs, this.params.gateMarginMs, 'day-ahead')
      .find((a) => MarketView.dayOf(a.periodProductIds[0] ?? '') === day && a.periodProductIds.length === 96);
    const deg = this.params.degradationEurPerMwh ?? b.degradationEurPerMwh ?? 0;
    if (auction) {
      const { lots, actions } = this.bidDayAhead(wake, b, auction, profile, soc0, deg);
      this.plans.set(day, { lots, source });
      return actions;
    }
    const plan = solveBatteryLp(this.solver!, {
      periods: profile.map((p) => ({ priceEurPerMwh: p / 100 })),
      ...quarterHourLimits(b),
      soc0Mwh: soc0,
      endSocMinMwh: soc0,
      degradationEurPerMwh: deg,
    });
    this.plans.set(day, { lots: scheduleToLots(plan, b, soc0, []), source });
    return [];
  }

  private bidDayAhead(
    wake: WakeUp,
    b: BatterySpec,
    auction: AuctionSpec,
    profile: number[],
    soc0: number,
    deg: number,
  ) {
    return dayAheadPlanBids({
      solver: this.solver!,
      battery: b,
      degradationEurPerMwh: deg,
      auction,
      pricesTicks: profile.slice(auction.firstPeriod, auction.firstPeriod + auction.periodProductIds.length),
      soc0Mwh: soc0,
      marginTicks: eurToTicks(this.params.daPriceMarginEur),
      positions: wake.positions,
      bidPrefix: 'yd',
    });
  }
}
