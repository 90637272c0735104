// Mathematical programming (seed 000's second paradigm): a perfect-foresight LP on the price
// forecasts (the model of battery-lp.ts), solved exactly by the concave dynamic programme of
// lib/battery-plan.ts — the same optimum as HiGHS (battery-lp.test.ts holds them equal) at a
// fraction of the cost, which matters because the plan is re-optimised at every wake-up.
//
// Day-ahead: at the first wake-up before a day-ahead auction's gate (minus gateMarginMs) at
// which forecasts cover all its quarter-hours, solve the LP over that day from the projected
// SoC at its start (end SoC ≥ start SoC) and bid the schedule as one step curve per period:
// charge periods buy the scheduled lots at prices up to forecast + daPriceMarginEur, discharge
// periods sell them at prices from forecast − daPriceMarginEur. The battery is price-responsive
// and never buys far above (or sells far below) its plan.
//
// Intraday: at every wake-up re-optimise the rest of the horizon (to the end of the day of the
// next tradable quarter-hour, or of the latest planned day) on the current forecasts from the
// current SoC; quarter-hours that can no longer be traded are fixed at their positions. Then
// trade the difference between the new optimal schedule and the net positions on the next
// `tradePeriods` tradable quarter-hours with IOC limit orders within slippageEur of the forecast.

import * as z from 'zod';
import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import { AuctionKind, type AuctionSpec } from '../../gen/flexarena/v1/auction.js';
import type { ProductSpec } from '../../gen/flexarena/v1/market.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import {
  type BatteryPlanProblem,
  dayTokenOf,
  deliveryStartOf,
  parseProductId,
  quarterHourId,
  solveBatteryPlan,
} from '../../lib/index.js';
import { eurToTicks } from '../../market/index.js';
import { auctionCurve } from '../sdk/actions.js';
import type { PublicViewPart, Strategy } from '../sdk/strategy.js';
import type { BatteryLpPeriod, BatteryLpSchedule } from './battery-lp.js';
import { eurPerMwh, parseParams } from './params.js';
import { LoadStateError, numberRecord, optionalNumber, stateObject, stringList } from './strategy-state.js';
import {
  assetState,
  checkSocParam,
  clampSoc,
  DAY_MS,
  forecastMap,
  HOUR_MS,
  iocAround,
  KWH_PER_LOT_QH,
  type PriceLimits,
  priceLimits,
  projectSoc,
  QH_MS,
  quarterHourLimits,
  quarterHourProducts,
  requireAsset,
  scheduleLotsOf,
  socDeltaMwh,
  tradableQuarterHours,
} from './strategy-utils.js';

const paramsSchema = z
  .object({
    /** Bid into day-ahead auctions. */
    dayAhead: z.boolean().default(true),
    /** DA curves buy up to forecast + this, sell from forecast − this (EUR/MWh). */
    daPriceMarginEur: eurPerMwh(0, 1000).default(20),
    /** CID IOC orders accept at most this against the forecast (EUR/MWh). */
    slippageEur: eurPerMwh(0, 1000).default(10),
    /** Latency headroom before any gate closure. */
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** How many of the next tradable quarter-hours are traded toward the plan at each wake-up. */
    tradePeriods: z.number().int().min(1).max(96).default(4),
    /** Differences smaller than this are not traded (lots). */
    minTradeLots: z.number().int().min(1).max(10_000).default(1),
    /** Longest re-optimisation horizon, hours. */
    horizonHours: z.number().positive().max(96).default(48),
    /** Override of the battery's degradation cost, EUR/MWh throughput. */
    degradationEurPerMwh: z.number().min(0).max(10_000).optional(),
    /** Fixed end-of-horizon SoC target, MWh; default: the SoC at the start of the planned day. */
    endSocMwh: z.number().min(0).optional(),
  })
  .strict();

export type LpBatteryParams = z.infer<typeof paramsSchema>;

/** What lp-battery keeps over a restart (saveState). */
export interface LpBatteryState {
  bidAuctions: string[];
  dayStartSoc: Record<string, number>;
  firstSoc: number | null;
}

/** Solves the battery LP; the default is the exact DP, tests compare it with HiGHS. */
export type BatteryPlanner = (p: BatteryPlanProblem) => BatteryLpSchedule;

export class LpBattery implements Strategy {
  readonly name = 'lp-battery';
  /** It reads the price forecasts, its positions and its asset: no books, no fundamentals. */
  readonly ignoresPublicViewParts: readonly PublicViewPart[] = ['books', 'fundamentalsForecasts'];
  readonly params: LpBatteryParams;
  private battery?: BatterySpec;
  private assetId?: string;
  private products = new Map<string, ProductSpec>();
  private auctions: AuctionSpec[] = [];
  /**
   * The day-ahead auctions before this index are over for it (bid, or past their gate less
   * gateMarginMs): time only moves on, so none of them is looked at again. Each wake-up looked at
   * every auction of the run (a set lookup each), more the longer the run.
   */
  private auctionCursor = 0;
  /**
   * Whether the auctions' first delivery starts never fall in welcome order: then the first auction
   * that starts after the last forecast quarter-hour ends the look (it and every later one lack
   * forecasts), as the whole list's walk would have skipped them one by one.
   */
  private auctionsInDeliveryOrder = false;
  /** Each day-ahead auction's first delivery start (with auctionsInDeliveryOrder). */
  private auctionStartsMs: number[] = [];
  private lastForecastAny: { prices: ReadonlyMap<string, number>; start: number } | undefined;
  private limits: PriceLimits = priceLimits(undefined);
  // Its own past decisions, which no wake-up shows again: kept over a restart (saveState).
  private readonly bidAuctions = new Set<string>();
  /** SoC at the start of each planned delivery day ("YYYYMMDD"): the day's end target. */
  private readonly dayStartSoc = new Map<string, number>();
  /**
   * The latest end among dayStartSoc's days, kept as days are added: the horizon reads it at
   * every wake-up, and a walk over the days planned so far (a product id parsed for each) cost
   * more by the day of the run.
   */
  private plannedEndMs = Number.NEGATIVE_INFINITY;
  private firstSoc?: number;
  private readonly plan: BatteryPlanner;
  private lastForecast: { prices: ReadonlyMap<string, number>; start: number } | undefined;

  constructor(params: Record<string, unknown> = {}, planner: BatteryPlanner = solveBatteryPlan) {
    this.params = parseParams('lp-battery', paramsSchema, params);
    this.plan = planner;
  }

  async onWelcome(welcome: Welcome): Promise<void> {
    const asset = requireAsset(welcome, 'battery', 'lp-battery', 'a battery');
    checkSocParam('lp-battery', 'endSocMwh', this.params.endSocMwh, asset.spec);
    this.battery = asset.spec;
    this.assetId = asset.assetId;
    this.products = quarterHourProducts(welcome);
    this.auctions = welcome.auctions.filter((a) => a.kind === AuctionKind.AUCTION_KIND_DAY_AHEAD);
    this.auctionCursor = 0;
    const starts = this.auctions.map((a) => {
      const first = a.periodProductIds[0];
      return first === undefined ? undefined : parseProductId(first)?.deliveryStartMs;
    });
    this.auctionsInDeliveryOrder = starts.every(
      (t, i) => t !== undefined && (i === 0 || t >= starts[i - 1]!),
    );
    this.auctionStartsMs = this.auctionsInDeliveryOrder ? (starts as number[]) : [];
    this.limits = priceLimits(welcome);
  }

  /**
   * Restarted without these, it would bid an auction again (on newer forecasts: another curve
   * replacing the first) and plan the day's end from the SoC at the restart.
   */
  saveState(): LpBatteryState {
    return {
      bidAuctions: [...this.bidAuctions],
      dayStartSoc: Object.fromEntries(this.dayStartSoc),
      firstSoc: this.firstSoc ?? null,
    };
  }

  loadState(state: unknown): void {
    const s = stateObject(this.name, state);
    const bid = stringList(this.name, s, 'bidAuctions');
    const days = numberRecord(this.name, s, 'dayStartSoc');
    // Checked here: before, a key that names no day was taken and every later intraday decision
    // failed on it (the horizon's end is the latest planned day's).
    for (const [day] of days)
      if (parseProductId(`qh-${day}-0000`) === undefined)
        throw new LoadStateError(
          this.name,
          'dayStartSoc',
          `must be keyed by delivery days "YYYYMMDD", got ${JSON.stringify(day)}`,
        );
    const first = optionalNumber(this.name, s, 'firstSoc');
    this.bidAuctions.clear();
    for (const id of bid) this.bidAuctions.add(id);
    this.auctionCursor = 0;
    this.dayStartSoc.clear();
    this.plannedEndMs = Number.NEGATIVE_INFINITY;
    for (const [day, soc] of days) this.planDay(day, soc);
    this.firstSoc = first;
  }

  async decide(wake: WakeUp): Promise<Action[]> {
    const b = this.battery;
    if (!b) return [];
    const soc = assetState(wake, this.assetId)?.socMwh ?? b.socInitialMwh;
    this.firstSoc ??= soc;
    const prices = forecastMap(wake);
    const actions: Action[] = [];
    if (this.params.dayAhead) actions.push(...this.dayAheadBids(wake, b, soc, prices));
    actions.push(...this.intradayTrades(wake, b, soc, prices));
    return actions;
  }

  /**
   * The latest delivery start among the forecast quarter-hours (0: none); computed once per
   * forecast map (forecastMap hands the same map out while the forecasts are the same).
   */
  private lastForecastStart(prices: ReadonlyMap<string, number>): number {
    if (this.lastForecast?.prices === prices) return this.lastForecast.start;
    let start = 0;
    for (const id of prices.keys()) {
      const s = this.products.get(id)?.deliveryStartMs;
      if (s !== undefined && s > start) start = s;
    }
    this.lastForecast = { prices, start };
    return start;
  }

  /**
   * The latest delivery start among the forecast ids, whatever their product (a quarter-hour the
   * welcome did not list too: its start is read from its id); computed once per forecast map.
   */
  private lastForecastAnyStart(prices: ReadonlyMap<string, number>): number {
    if (this.lastForecastAny?.prices === prices) return this.lastForecastAny.start;
    let start = Number.NEGATIVE_INFINITY;
    for (const id of prices.keys()) {
      const s = this.products.get(id)?.deliveryStartMs ?? parseProductId(id)?.deliveryStartMs;
      if (s !== undefined && s > start) start = s;
    }
    this.lastForecastAny = { prices, start };
    return start;
  }

  private degradation(b: BatterySpec): number {
    return this.params.degradationEurPerMwh ?? b.degradationEurPerMwh ?? 0;
  }

  private lpBase(b: BatterySpec) {
    return { ...quarterHourLimits(b), degradationEurPerMwh: this.degradation(b) };
  }

  private endTarget(b: BatterySpec, fallback: number): number {
    return clampSoc(this.params.endSocMwh ?? fallback, b);
  }

  private dayAheadBids(
    wake: WakeUp,
    b: BatterySpec,
    soc: number,
    prices: ReadonlyMap<string, number>,
  ): Action[] {
    const actions: Action[] = [];
    const over = (a: AuctionSpec) =>
      this.bidAuctions.has(a.auctionId) || wake.timeMs >= a.gateClosureMs - this.params.gateMarginMs;
    while (this.auctionCursor < this.auctions.length && over(this.auctions[this.auctionCursor]!))
      this.auctionCursor++;
    const lastForecast = this.auctionsInDeliveryOrder ? this.lastForecastAnyStart(prices) : 0;
    for (let k = this.auctionCursor; k < this.auctions.length; k++) {
      const auction = this.auctions[k]!;
      if (this.auctionsInDeliveryOrder && this.auctionStartsMs[k]! > lastForecast) break;
      if (over(auction)) continue;
      const ids = auction.periodProductIds;
      if (ids.length === 0 || !ids.every((id) => prices.has(id))) continue;
      const dayStart = deliveryStartOf(ids[0]!);
      const soc0 = projectSoc(soc, b, wake, dayStart);
      const token = dayTokenOf(ids[0]!);
      if (token !== undefined && !this.dayStartSoc.has(token)) this.planDay(token, soc0);
      const plan = this.plan({
        ...this.lpBase(b),
        periods: ids.map((id) => ({ priceEurPerMwh: prices.get(id)! / 100 })),
        soc0Mwh: soc0,
        endSocMinMwh: this.endTarget(b, soc0),
      });
      this.bidAuctions.add(auction.auctionId);
      const planLots = scheduleToLots(plan, b, soc0, []);
      const lotsOf = scheduleLotsOf(wake.positions);
      ids.forEach((id, i) => {
        const lots = planLots[i]! - lotsOf(id);
        if (lots === 0) return;
        const period = auction.firstPeriod + i;
        actions.push(
          auctionCurve(
            auction.auctionId,
            `lp-${period}`,
            period,
            stepCurve(lots, prices.get(id)!, eurToTicks(this.params.daPriceMarginEur), auction),
          ),
        );
      });
    }
    return actions;
  }

  /** Records the SoC a delivery day ("YYYYMMDD") starts from, and that day's end. */
  private planDay(token: string, soc: number): void {
    this.dayStartSoc.set(token, soc);
    const dayEnd = deliveryStartOf(`qh-${token}-0000`) + DAY_MS;
    if (dayEnd > this.plannedEndMs) this.plannedEndMs = dayEnd;
  }

  private intradayTrades(
    wake: WakeUp,
    b: BatterySpec,
    soc: number,
    prices: ReadonlyMap<string, number>,
  ): Action[] {
    const margin = this.params.gateMarginMs;
    const tradable = tradableQuarterHours(this.products, wake.timeMs, margin).filter((p) =>
      prices.has(p.productId),
    );
    if (tradable.length === 0) return [];
    // Horizon: from the quarter-hour in delivery to the end of the first tradable one's day, or
    // of the latest planned day, capped by horizonHours and the forecasts' reach.
    const currentStart = Math.floor(wake.timeMs / QH_MS) * QH_MS;
    const firstDayEnd = Math.floor(tradable[0]!.deliveryStartMs / DAY_MS) * DAY_MS + DAY_MS;
    let end = Math.max(firstDayEnd, this.plannedEndMs);
    const lastForecast = this.lastForecastStart(prices);
    end = Math.min(end, lastForecast + QH_MS, wake.timeMs + this.params.horizonHours * HOUR_MS);
    if (end <= tradable[0]!.deliveryStartMs) return [];

    const ids: string[] = [];
    const periods: BatteryLpPeriod[] = [];
    const lotsOf = scheduleLotsOf(wake.positions);
    for (let start = currentStart; start < end; start += QH_MS) {
      const id = quarterHourId(start);
      const spec = this.products.get(id);
      const price = prices.get(id);
      const open = spec !== undefined && spec.gateClosureMs > wake.timeMs + margin && start > wake.timeMs;
      ids.push(id);
      periods.push(
        open && price !== undefined
          ? { priceEurPerMwh: price / 100 }
          : { priceEurPerMwh: (price ?? 0) / 100, fixedNetMw: lotsOf(id) / 10 },
      );
    }
    const lastDay = dayTokenOf(ids[ids.length - 1]!);
    const planned = lastDay === undefined ? undefined : this.dayStartSoc.get(lastDay);
    const target = this.endTarget(b, planned ?? this.firstSoc ?? soc);
    const plan = this.plan({
      ...this.lpBase(b),
      periods,
      soc0Mwh: clampSoc(soc, b),
      endSocMinMwh: target,
    });

    const planLots = scheduleToLots(
      plan,
      b,
      soc,
      periods.map((p, i) => (p.fixedNetMw === undefined ? undefined : lotsOf(ids[i]!))),
    );
    const actions: Action[] = [];
    for (const p of tradable.slice(0, this.params.tradePeriods)) {
      const i = ids.indexOf(p.productId);
      if (i < 0 || periods[i]!.fixedNetMw !== undefined) continue;
      const diff = planLots[i]! - lotsOf(p.productId);
      if (Math.abs(diff) < this.params.minTradeLots) continue;
      actions.push(
        ...iocAround(
          p.productId,
          diff,
          prices.get(p.productId)!,
          eurToTicks(this.params.slippageEur),
          this.limits,
          diff > 0 ? 'lp-charge' : 'lp-discharge',
        ),
      );
    }
    return actions;
  }
}

/**
 * The LP schedule in whole lots per quarter-hour, rounded so that the SoC follows the LP's path as
 * closely as the lot grid allows and never leaves its bounds (independent rounding could drift
 * the SoC over a bound over many periods). `fixedLots[t]`, when given, is kept as it is.
 */
export function scheduleToLots(
  plan: Pick<BatteryLpSchedule, 'netMw' | 'socMwh'>,
  b: Pick<BatterySpec, 'powerMw' | 'etaCharge' | 'etaDischarge' | 'socMinMwh' | 'socMaxMwh'>,
  soc0Mwh: number,
  fixedLots: (number | undefined)[],
): number[] {
  const powerLots = Math.floor(b.powerMw * 10 + 1e-9);
  const lotMwh = KWH_PER_LOT_QH / 1000;
  let soc = soc0Mwh;
  const out: number[] = [];
  plan.netMw.forEach((mw, t) => {
    const fixed = fixedLots[t];
    let lots: number;
    if (fixed !== undefined) {
      lots = fixed;
    } else {
      const maxCharge = Math.min(powerLots, Math.floor((b.socMaxMwh - soc) / (b.etaCharge * lotMwh) + 1e-9));
      const maxDischarge = Math.min(
        powerLots,
        Math.floor(((soc - b.socMinMwh) * b.etaDischarge) / lotMwh + 1e-9),
      );
      const up = Math.max(maxCharge, 0);
      const down = -Math.max(maxDischarge, 0);
      const want = plan.socMwh[t + 1] ?? soc;
      const x = mw * 10;
      // The lot count below and above the LP's power, within what the SoC allows; the one whose
      // SoC comes closer to the LP's path (the lower one on a tie). No arrays: this runs for
      // every period of the horizon at every wake-up.
      const lower = Math.min(up, Math.max(down, Math.floor(x + 1e-6)));
      const upper = Math.min(up, Math.max(down, Math.ceil(x - 1e-6)));
      lots =
        Math.abs(soc + socDeltaMwh(upper, b) - want) < Math.abs(soc + socDeltaMwh(lower, b) - want) - 1e-12
          ? upper
          : lower;
    }
    out.push(lots);
    soc = Math.min(b.socMaxMwh, Math.max(b.socMinMwh, soc + socDeltaMwh(lots, b)));
  });
  return out;
}

/**
 * One period's day-ahead step curve for net `lots` (> 0 buy, < 0 sell): buy the lots below
 * forecast + margin, sell them above forecast − margin (README of market/auction: a buyer's
 * "q up to L" is [(P0, q), (L, 0)], a seller's "q from S" is [(P0, 0), (S, −q)]).
 */
export function stepCurve(
  lots: number,
  forecastTicks: number,
  marginTicks: number,
  auction: Pick<AuctionSpec, 'priceMinTicks' | 'priceMaxTicks'>,
): { priceTicks: number; quantityLots: number }[] {
  const lo = auction.priceMinTicks;
  const hi = auction.priceMaxTicks;
  const at = (p: number) => Math.min(hi, Math.max(lo + 1, Math.round(p)));
  if (lots > 0)
    return [
      { priceTicks: lo, quantityLots: lots },
      { priceTicks: at(forecastTicks + marginTicks), quantityLots: 0 },
    ];
  return [
    { priceTicks: lo, quantityLots: 0 },
    { priceTicks: at(forecastTicks - marginTicks), quantityLots: lots },
  ];
}
