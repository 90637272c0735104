// A battery that knows it moves the price (mathematical programming, seed 000's second paradigm,
// with the price-maker term the seed says plain LPs leave out). At every wake-up it plans the rest
// of the horizon with the book LP (battery-book-lp.ts), where every quarter-hour's prices depend on
// how much it trades:
//   - now: the resting levels of the product's book (what an IOC order would actually pay);
//   - later (products it can still trade at later wake-ups, and those not yet quoted): the
//     forecast ± (half-spread + laterPremiumEur + slope × size / rounds), the half-spread and slope
//     (EUR/MWh per MW) read from the visible books' depth, `rounds` the wake-ups left before the
//     product's gate (at most maxRounds): spreading a trade over several wake-ups lets the
//     background liquidity replenish in between, so each part walks the book less.
// The energy left at the end of the horizon is valued at the mean forecast of the horizon's last
// delivery day (taken when a forecast first covers that whole day), so the plan neither drains
// nor fills the battery for nothing — the same valuation as the SoC-neutral score. It then sends, per tradable quarter-hour, one IOC order
// for what the plan takes from the book now, limited at the deepest level the plan uses. Because
// the impact is in the objective, it trades a quantity only where the spread pays for the
// price it moves, instead of sweeping the book.
// Day-ahead (optional, on by default): the forecast plan as step curves (day-ahead-plan.ts); the
// auction clears against the whole system's curves, so the battery is a price taker there.

import * as z from 'zod';
import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import type { AuctionSpec } from '../../gen/flexarena/v1/auction.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { type LpSolver, loadHighs, quarterHourId } from '../../lib/index.js';
import { eurToTicks } from '../../market/index.js';
import { MarketView } from '../sdk/market-view.js';
import type { Strategy } from '../sdk/strategy.js';
import {
  type BookLpPeriod,
  bookSegments,
  type DepthEstimate,
  estimateDepth,
  impactSegments,
  socSafeTradeLots,
  solveBookLp,
  sweepOrderLots,
} from './battery-book-lp.js';
import { type BatterySeat, batterySeat, seatSoc } from './battery-seat.js';
import { dayAheadPlanBids } from './day-ahead-plan.js';
import { DayMeanValue, lastForecastStart } from './forecast-horizon.js';
import { eurPerMwh, parseParams } from './params.js';
import { numberRecord, stateObject, stringList } from './strategy-state.js';
import { clampSoc, projectSoc, QH_MS, quarterHourLimits } from './strategy-utils.js';

const paramsSchema = z
  .object({
    dayAhead: z.boolean().default(true),
    /** Day-ahead step curves buy up to forecast + this, sell from forecast − this (EUR/MWh). */
    daPriceMarginEur: eurPerMwh(0, 1000).default(20),
    /** Extra cost assumed for trading later instead of now (forecast risk), EUR/MWh. */
    laterPremiumEur: eurPerMwh(0, 1000).default(1),
    /** At most this many later wake-ups are counted on to spread a trade over. */
    maxRounds: z.number().int().min(1).max(96).default(4),
    /** Segments of the modelled impact curve per period and side. */
    impactSegments: z.number().int().min(1).max(20).default(5),
    /** Depth assumed until books show one: half-spread (EUR/MWh) and MW per EUR/MWh. */
    // A price offset like every other: on the tick grid (0.005 was taken as given, off the grid).
    defaultHalfSpreadEur: eurPerMwh(0, 1000).default(0.5),
    defaultDepthMwPerEur: z.number().positive().max(10_000).default(1),
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
    horizonHours: z.number().positive().max(96).default(36),
    minTradeLots: z.number().int().min(1).max(10_000).default(1),
    degradationEurPerMwh: z.number().min(0).max(10_000).optional(),
  })
  .strict();

export type PriceMakerBatteryParams = z.infer<typeof paramsSchema>;

export class PriceMakerBattery implements Strategy {
  readonly name = 'price-maker-battery';
  readonly params: PriceMakerBatteryParams;
  private seat?: BatterySeat;
  private solver?: LpSolver;
  private readonly bidAuctions = new Set<string>();
  private readonly dayMean = new DayMeanValue();

  constructor(params: Record<string, unknown> = {}, solver?: LpSolver) {
    this.params = parseParams('price-maker-battery', paramsSchema, params);
    this.solver = solver;
  }

  onWelcome(welcome: Welcome): void {
    this.seat = batterySeat(welcome, this.name);
  }

  private degradation(): number {
    return this.params.degradationEurPerMwh ?? this.seat?.battery.degradationEurPerMwh ?? 0;
  }

  /**
   * Restarted without these, it would bid an auction again and value each day's end at the mean of
   * the forecasts seen after the restart, not of the first full forecast of that day.
   */
  saveState(): { bidAuctions: string[]; dayMeanEur: Record<string, number> } {
    return { bidAuctions: [...this.bidAuctions], dayMeanEur: this.dayMean.saved() };
  }

  loadState(state: unknown): void {
    const s = stateObject(this.name, state);
    const bid = stringList(this.name, s, 'bidAuctions');
    const means = numberRecord(this.name, s, 'dayMeanEur');
    this.bidAuctions.clear();
    for (const id of bid) this.bidAuctions.add(id);
    this.dayMean.restore(means);
  }

  async decide(wake: WakeUp): Promise<Action[]> {
    if (!this.seat) return [];
    const { battery: b, view } = this.seat;
    this.solver ??= await loadHighs();
    const soc = seatSoc(this.seat, wake);
    const prices = MarketView.forecasts(wake);
    this.dayMean.learn(prices);
    const out: Action[] = [];
    if (this.params.dayAhead) out.push(...this.dayAhead(wake, b, view, soc, prices));
    out.push(...this.intraday(wake, b, view, soc, prices));
    return out;
  }

  private dayAhead(
    wake: WakeUp,
    b: BatterySpec,
    view: MarketView,
    soc: number,
    prices: Map<string, number>,
  ): Action[] {
    const out: Action[] = [];
    for (const auction of view.openAuctions(wake.timeMs, this.params.gateMarginMs, 'day-ahead')) {
      if (this.bidAuctions.has(auction.auctionId)) continue;
      const ids = auction.periodProductIds;
      if (ids.length === 0 || !ids.every((id) => prices.has(id))) continue;
      this.bidAuctions.add(auction.auctionId);
      out.push(
        ...this.dayAheadBids(
          wake,
          b,
          auction,
          soc,
          ids.map((id) => prices.get(id)!),
        ),
      );
    }
    return out;
  }

  private dayAheadBids(
    wake: WakeUp,
    b: BatterySpec,
    auction: AuctionSpec,
    soc: number,
    pricesTicks: number[],
  ) {
    const start = MarketView.deliveryStart(auction.periodProductIds[0]!)!;
    // Fallback: the mean of the forecasts at hand.
    const mean = this.dayMean.terminalValue(
      auction.periodProductIds[auction.periodProductIds.length - 1]!,
      pricesTicks.reduce((a, p) => a + p, 0) / pricesTicks.length / 100,
    );
    return dayAheadPlanBids({
      solver: this.solver!,
      battery: b,
      degradationEurPerMwh: this.degradation(),
      auction,
      pricesTicks,
      soc0Mwh: projectSoc(soc, b, wake, start),
      endSocMinMwh: b.socMinMwh,
      terminalValueEurPerMwh: mean,
      marginTicks: eurToTicks(this.params.daPriceMarginEur),
      positions: wake.positions,
      bidPrefix: 'pm',
    }).actions;
  }

  /** The horizon's periods: the quarter-hour in delivery now … the last forecast within horizonHours. */
  private horizon(wake: WakeUp, prices: Map<string, number>): string[] {
    const first = Math.floor(wake.timeMs / QH_MS) * QH_MS;
    const last = lastForecastStart(prices, first, wake.timeMs + this.params.horizonHours * 3_600_000);
    const ids: string[] = [];
    for (let s = first; s <= last; s += QH_MS) ids.push(quarterHourId(s));
    return ids;
  }

  private intraday(
    wake: WakeUp,
    b: BatterySpec,
    view: MarketView,
    soc: number,
    prices: Map<string, number>,
  ): Action[] {
    const ids = this.horizon(wake, prices);
    if (ids.length < 2) return [];
    const books = MarketView.books(wake);
    const depth: DepthEstimate = estimateDepth(wake.books) ?? {
      halfSpreadEur: this.params.defaultHalfSpreadEur,
      slopeEurPerMw: 1 / this.params.defaultDepthMwPerEur,
    };
    const margin = this.params.gateMarginMs;
    const interval = Math.max(view.decisionIntervalMs, 60_000);
    const periods: BookLpPeriod[] = [];
    const tradableNow: boolean[] = [];
    let priceSum = 0;
    let priceCount = 0;
    for (const id of ids) {
      const heldMw = MarketView.heldLots(wake, id) / 10;
      const spec = view.product(id);
      const forecast = prices.get(id);
      const start = MarketView.deliveryStart(id)!;
      const open =
        spec !== undefined &&
        forecast !== undefined &&
        start > wake.timeMs &&
        spec.gateClosureMs > wake.timeMs + margin;
      if (!open) {
        periods.push({ heldMw, buy: [], sell: [] });
        tradableNow.push(false);
        continue;
      }
      priceSum += forecast;
      priceCount++;
      const now = spec.tradingOpenMs <= wake.timeMs && books.has(id);
      const rounds = Math.min(
        this.params.maxRounds,
        Math.floor((spec.gateClosureMs - margin - wake.timeMs) / interval),
      );
      const laterRounds = now ? rounds - 1 : Math.max(1, rounds);
      const later = (side: 'buy' | 'sell') =>
        laterRounds < 1
          ? []
          : impactSegments(forecast / 100, side, {
              halfSpreadEur: depth.halfSpreadEur + this.params.laterPremiumEur,
              slopeEurPerMw: depth.slopeEurPerMw / laterRounds,
              totalMw: 2 * b.powerMw,
              count: this.params.impactSegments,
            });
      periods.push({
        heldMw,
        buy: [...(now ? bookSegments(books.get(id), 'buy') : []), ...later('buy')].sort(
          (x, y) => x.priceEur - y.priceEur,
        ),
        sell: [...(now ? bookSegments(books.get(id), 'sell') : []), ...later('sell')].sort(
          (x, y) => y.priceEur - x.priceEur,
        ),
      });
      tradableNow.push(now);
    }
    if (!tradableNow.some(Boolean) || priceCount === 0) return [];
    const plan = solveBookLp(this.solver!, {
      periods,
      ...quarterHourLimits(b),
      soc0Mwh: clampSoc(soc, b),
      endSocMinMwh: b.socMinMwh,
      terminalValueEurPerMwh: this.dayMean.terminalValue(ids[ids.length - 1]!, priceSum / priceCount / 100),
      degradationEurPerMwh: this.degradation(),
    });
    // What the plan trades now (its book segments), in whole lots, cut back where their rounding
    // would take the SoC out of bounds.
    const sum = (mw: number[], segs: BookLpPeriod['buy']) =>
      mw.reduce((a, v, k) => a + (segs[k]!.now ? v : 0), 0);
    const trades = socSafeTradeLots(
      quarterHourLimits(b),
      clampSoc(soc, b),
      ids.map((id) => MarketView.heldLots(wake, id)),
      ids.map((_, t) =>
        tradableNow[t]
          ? 10 * (sum(plan.boughtMw[t]!, periods[t]!.buy) - sum(plan.soldMw[t]!, periods[t]!.sell))
          : undefined,
      ),
    );
    const out: Action[] = [];
    ids.forEach((id, t) => {
      if (!tradableNow[t]) return;
      const order = sweepOrderLots(books.get(id), id, trades[t]!, this.params.minTradeLots, 'pm');
      if (order) out.push(order);
    });
    return out;
  }
}
