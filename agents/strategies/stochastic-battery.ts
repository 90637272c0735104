// The stochastic optimiser of seed 003 (its stochastic benchmark: problem (1) solved over NS
// equally likely scenarios of the uncertain prices; the seed found 30 enough): the battery
// decides what it must decide now so that it is good on average over sampled price scenarios,
// knowing it can still correct later at a cost (stochastic-lp.ts).
//
// Scenarios: forecast + an error that grows with lead time and is correlated across consecutive
// quarter-hours (sd errorSd24hEur at 24 h lead, errorShortLeadShare of it at lead 0, AR(1)
// errorStepRho), drawn from a seeded stream.
// Day-ahead (once per auction, before its gate): first stage = the day's schedule, settled at each
// scenario's price; recourse = continuous trades at scenario price ± recourseCostEur. The
// schedule is bid as step curves (buy up to forecast + margin, sell from forecast − margin).
// Continuous intraday (every wake-up): first stage = trades now on the books of the quarter-hours
// of the next nearHours (each level a price segment); recourse = later trades at scenario
// price ± recourseCostEur wherever a later wake-up comes before the gate; periods beyond
// nearHours are hours (coarser, to keep NS × periods small). Energy left at the end is valued at
// the mean forecast of the last day.

import * as z from 'zod';
import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import type { AuctionSpec } from '../../gen/flexarena/v1/auction.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { type LpSolver, loadHighs, quarterHourId, RandomStream } from '../../lib/index.js';
import { eurToTicks } from '../../market/index.js';
import { auctionCurve } from '../sdk/actions.js';
import { MarketView } from '../sdk/market-view.js';
import type { Strategy } from '../sdk/strategy.js';
import { bookSegments, socSafeTradeLots, sweepOrderLots } from './battery-book-lp.js';
import { type BatterySeat, batterySeat, seatSoc } from './battery-seat.js';
import { DayMeanValue, lastForecastStart } from './forecast-horizon.js';
import { stepCurve } from './lp-battery.js';
import { eurPerMwh, parseParams } from './params.js';
import {
  type ScenarioErrorModel,
  type StochasticPeriod,
  sampleScenarios,
  solveStochasticLp,
} from './stochastic-lp.js';
import { LoadStateError, numberRecord, optionalNumber, stateObject, stringList } from './strategy-state.js';
import { clampSoc, HOUR_MS, projectSoc, QH_MS, quarterHourLimits } from './strategy-utils.js';

const paramsSchema = z
  .object({
    /** NS, the number of equally likely scenarios (seed 003: 30 suffice). */
    scenarios: z.number().int().min(1).max(100).default(30),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(3),
    errorSd24hEur: z.number().min(0).max(1000).default(10),
    errorShortLeadShare: z.number().min(0).max(1).default(0.2),
    errorStepRho: z.number().min(0).max(0.999).default(0.95),
    /** Cost of a later continuous trade per MWh (half-spread and impact), EUR. */
    recourseCostEur: z.number().min(0).max(1000).default(2),
    dayAhead: z.boolean().default(true),
    daPriceMarginEur: eurPerMwh(0, 1000).default(20),
    /** Quarter-hours within this many hours are planned one by one (and traded now); later ones by the hour. */
    nearHours: z.number().positive().max(24).default(2),
    horizonHours: z.number().positive().max(48).default(24),
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
    minTradeLots: z.number().int().min(1).max(10_000).default(1),
    degradationEurPerMwh: z.number().min(0).max(10_000).optional(),
  })
  .strict();

export type StochasticBatteryParams = z.infer<typeof paramsSchema>;

interface Slot {
  /** The quarter-hours this period covers (1, or 4 for an hour). */
  ids: string[];
  startMs: number;
}

export class StochasticBattery implements Strategy {
  readonly name = 'stochastic-battery';
  readonly params: StochasticBatteryParams;
  private seat?: BatterySeat;
  private solver?: LpSolver;
  private random: RandomStream;
  /** Normal draws taken from `random`: its state, as a restart replays it from the seed. */
  private draws = 0;
  private readonly bidAuctions = new Set<string>();
  private readonly dayMean = new DayMeanValue();

  constructor(params: Record<string, unknown> = {}, solver?: LpSolver) {
    this.params = parseParams('stochastic-battery', paramsSchema, params);
    this.solver = solver;
    this.random = RandomStream.fromSeed(this.params.seed);
  }

  onWelcome(welcome: Welcome): void {
    this.seat = batterySeat(welcome, this.name);
  }

  private get model(): ScenarioErrorModel {
    return {
      sd24hEur: this.params.errorSd24hEur,
      shortLeadShare: this.params.errorShortLeadShare,
      stepRho: this.params.errorStepRho,
    };
  }

  private degradation(): number {
    return this.params.degradationEurPerMwh ?? this.seat?.battery.degradationEurPerMwh ?? 0;
  }

  private base(b: BatterySpec) {
    return {
      ...quarterHourLimits(b),
      degradationEurPerMwh: this.degradation(),
      recourseCostEurPerMwh: this.params.recourseCostEur,
    };
  }

  private normal(): number {
    this.draws++;
    return this.random.normal();
  }

  /**
   * Restarted without these, it would bid an auction again, value each day's end at the mean of
   * the forecasts seen after the restart, and sample its scenarios from the seed's first draws again.
   */
  saveState(): { bidAuctions: string[]; dayMeanEur: Record<string, number>; draws: number } {
    return { bidAuctions: [...this.bidAuctions], dayMeanEur: this.dayMean.saved(), draws: this.draws };
  }

  loadState(state: unknown): void {
    const s = stateObject(this.name, state);
    const bid = stringList(this.name, s, 'bidAuctions');
    const means = numberRecord(this.name, s, 'dayMeanEur');
    const draws = optionalNumber(this.name, s, 'draws');
    if (!Number.isSafeInteger(draws) || draws! < 0)
      throw new LoadStateError(this.name, 'draws', 'must be a whole number ≥ 0');
    this.bidAuctions.clear();
    for (const id of bid) this.bidAuctions.add(id);
    this.dayMean.restore(means);
    // The stream's state is where the same seed is after as many draws (a few per scenario and period).
    this.random = RandomStream.fromSeed(this.params.seed);
    for (let k = 0; k < draws!; k++) this.random.normal();
    this.draws = draws!;
  }

  async decide(wake: WakeUp): Promise<Action[]> {
    if (!this.seat) return [];
    const { battery: b, view } = this.seat;
    this.solver ??= await loadHighs();
    const soc = seatSoc(this.seat, wake);
    const prices = MarketView.forecasts(wake);
    this.dayMean.learn(prices);
    const out: Action[] = [];
    if (this.params.dayAhead)
      for (const a of view.openAuctions(wake.timeMs, this.params.gateMarginMs, 'day-ahead')) {
        if (this.bidAuctions.has(a.auctionId) || !a.periodProductIds.every((id) => prices.has(id))) continue;
        this.bidAuctions.add(a.auctionId);
        out.push(...this.dayAheadBids(wake, b, a, soc, prices));
      }
    out.push(...this.intraday(wake, b, view, soc, prices));
    return out;
  }

  private dayAheadBids(
    wake: WakeUp,
    b: BatterySpec,
    auction: AuctionSpec,
    soc: number,
    prices: Map<string, number>,
  ): Action[] {
    const ids = auction.periodProductIds;
    const start = MarketView.deliveryStart(ids[0]!)!;
    const forecast = ids.map((id) => prices.get(id)! / 100);
    const leads = ids.map((id) => (MarketView.deliveryStart(id)! - wake.timeMs) / HOUR_MS);
    const scenarios = sampleScenarios(forecast, leads, this.params.scenarios, this.model, () =>
      this.normal(),
    );
    const periods: StochasticPeriod[] = ids.map((id) => ({
      heldMw: MarketView.heldLots(wake, id) / 10,
      dayAhead: true,
      recourse: true,
    }));
    const soc0 = clampSoc(projectSoc(soc, b, wake, start), b);
    const plan = solveStochasticLp(this.solver!, {
      ...this.base(b),
      periods,
      scenarios,
      soc0Mwh: soc0,
      terminalValueEurPerMwh: this.dayMean.terminalValue(ids[ids.length - 1]!, mean(forecast)),
    });
    const lotsOf = dayAheadLots(
      plan.dayAheadMw,
      b,
      soc0,
      ids.map((id) => MarketView.heldLots(wake, id)),
    );
    const margin = eurToTicks(this.params.daPriceMarginEur);
    const out: Action[] = [];
    ids.forEach((id, k) => {
      const lots = lotsOf[k]!;
      if (lots === 0) return;
      const period = auction.firstPeriod + k;
      out.push(
        auctionCurve(
          auction.auctionId,
          `st-${period}`,
          period,
          stepCurve(lots, prices.get(id)!, margin, auction),
        ),
      );
    });
    return out;
  }

  /** Quarter-hours from the one in delivery to nearHours, then whole hours to the horizon's end. */
  private slots(wake: WakeUp, prices: Map<string, number>): Slot[] {
    const first = Math.floor(wake.timeMs / QH_MS) * QH_MS;
    const last = lastForecastStart(prices, first, wake.timeMs + this.params.horizonHours * HOUR_MS);
    const near = wake.timeMs + this.params.nearHours * HOUR_MS;
    const out: Slot[] = [];
    let s = first;
    while (s <= last) {
      const hourAligned = s % HOUR_MS === 0;
      if (s >= near && hourAligned && s + 3 * QH_MS <= last) {
        out.push({ ids: [0, 1, 2, 3].map((k) => quarterHourId(s + k * QH_MS)), startMs: s });
        s += HOUR_MS;
      } else {
        out.push({ ids: [quarterHourId(s)], startMs: s });
        s += QH_MS;
      }
    }
    return out;
  }

  private intraday(
    wake: WakeUp,
    b: BatterySpec,
    view: MarketView,
    soc: number,
    prices: Map<string, number>,
  ): Action[] {
    const slots = this.slots(wake, prices);
    if (slots.length < 2) return [];
    const books = MarketView.books(wake);
    const margin = this.params.gateMarginMs;
    const interval = Math.max(view.decisionIntervalMs, 60_000);
    const nowTradable = new Set<number>();
    const periods: StochasticPeriod[] = [];
    const forecast: number[] = [];
    slots.forEach((slot, t) => {
      const held = mean(slot.ids.map((id) => MarketView.heldLots(wake, id) / 10));
      const fc = slot.ids.map((id) => prices.get(id));
      const known = fc.filter((x): x is number => x !== undefined);
      forecast.push(known.length ? mean(known) / 100 : 0);
      const spec = view.product(slot.ids[0]!);
      const open =
        spec !== undefined &&
        known.length === slot.ids.length &&
        slot.startMs > wake.timeMs &&
        spec.gateClosureMs > wake.timeMs + margin;
      if (!open) {
        periods.push({ heldMw: held, hours: slot.ids.length * 0.25, recourse: false });
        return;
      }
      const laterWake = spec.gateClosureMs - margin - wake.timeMs > interval;
      const single = slot.ids.length === 1;
      const book = single && spec.tradingOpenMs <= wake.timeMs ? books.get(slot.ids[0]!) : undefined;
      if (book) nowTradable.add(t);
      periods.push({
        heldMw: held,
        hours: slot.ids.length * 0.25,
        recourse: laterWake || !single,
        ...(book ? { bookBuy: bookSegments(book, 'buy'), bookSell: bookSegments(book, 'sell') } : {}),
      });
    });
    if (nowTradable.size === 0) return [];
    const leads = slots.map((s) => (s.startMs - wake.timeMs) / HOUR_MS);
    const scenarios = sampleScenarios(forecast, leads, this.params.scenarios, this.model, () =>
      this.normal(),
    );
    const plan = solveStochasticLp(this.solver!, {
      ...this.base(b),
      periods,
      scenarios,
      soc0Mwh: soc,
      terminalValueEurPerMwh: this.dayMean.terminalValue(slots[slots.length - 1]!.ids[0]!, mean(forecast)),
    });
    // The trades now in whole lots, cut back where their rounding would take the SoC out of bounds
    // (walked quarter-hour by quarter-hour over what is held).
    const ids = slots.flatMap((slot) => slot.ids);
    const tradeAt = new Map<string, number>();
    for (const t of nowTradable) {
      const net = plan.boughtMw[t]!.reduce((a, v) => a + v, 0) - plan.soldMw[t]!.reduce((a, v) => a + v, 0);
      tradeAt.set(slots[t]!.ids[0]!, 10 * net);
    }
    const trades = socSafeTradeLots(
      quarterHourLimits(b),
      clampSoc(soc, b),
      ids.map((id) => MarketView.heldLots(wake, id)),
      ids.map((id) => tradeAt.get(id)),
    );
    const out: Action[] = [];
    ids.forEach((id, k) => {
      if (!tradeAt.has(id)) return;
      const order = sweepOrderLots(books.get(id), id, trades[k]!, this.params.minTradeLots, 'st');
      if (order) out.push(order);
    });
    return out;
  }
}

/**
 * The first stage's day-ahead schedule (MW per period) in whole lots, walked along the SoC that
 * held + lots leave from `soc0Mwh`: each period truncated on its own (as it was) could take the
 * SoC past a bound the plan hugs — the LP may even charge and discharge at once in a period,
 * which the battery cannot — so a full award set setpoints the twin clipped.
 */
export function dayAheadLots(
  dayAheadMw: readonly number[],
  b: Pick<BatterySpec, 'powerMw' | 'etaCharge' | 'etaDischarge' | 'socMinMwh' | 'socMaxMwh'>,
  soc0Mwh: number,
  heldLots: readonly number[],
): number[] {
  return socSafeTradeLots(
    quarterHourLimits(b),
    soc0Mwh,
    heldLots,
    dayAheadMw.map((mw) => mw * 10),
  );
}

function mean(xs: number[]): number {
  return xs.reduce((a, x) => a + x, 0) / xs.length;
}
