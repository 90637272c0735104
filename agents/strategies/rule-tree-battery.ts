// Expert rules as a decision tree (seed 000, first paradigm: "simple expert-based rules captured in
// e.g. a decision tree"). For each of the next `periods` tradable quarter-hours the battery walks
// one explicit tree over four features and reaches a leaf that says what to hold there:
//
//   spread      the forecast spread of the look-ahead (dearest − cheapest forecast, EUR/MWh):
//               below minSpreadEur a cycle does not pay for losses and wear → hold
//   rank        where the quarter-hour's forecast lies among the look-ahead's forecasts (0 cheapest
//               … 1 dearest): ≤ cheapRank a charging hour, ≥ dearRank a discharging one
//   soc         the SoC projected to the quarter-hour, as a share of the usable range
//   gate        minutes to the quarter-hour's gate closure: within lastCallMinutes a good-enough
//               price is taken, before that only a price at least as good as the forecast
//   horizon     hours of forecasts left after the quarter-hour: within endGuardHours of the
//               end of what is known, the SoC floor for discharging rises to the SoC the
//               battery started with, so it does not sell off its energy at the end
//   price       the book's touch against the forecast: ask ≤ forecast + edge to buy,
//               bid ≥ forecast − edge to sell; a touch that beats the forecast by opportunityEur
//               is taken even in a middle-ranked hour
//
//   spread < minSpread ─────────────────────────────────────────────── hold
//   rank ≤ cheapRank ─ soc ≥ socHigh ── hold
//                     └ ask ≤ forecast + edge ── charge (full power)
//                     └ gate ≤ lastCall ──────── charge (half power)
//                     └ otherwise ────────────── hold (wait for a better price)
//   rank ≥ dearRank ── soc ≤ floor ───── hold        (floor: socLow, or the start SoC near the end)
//                     └ bid ≥ forecast − edge ── discharge (full power)
//                     └ gate ≤ lastCall ──────── discharge (half power)
//                     └ otherwise ────────────── hold
//   middle ─────────── bid ≥ forecast + opportunity and soc > ½ ── discharge (half)
//                     └ ask ≤ forecast − opportunity and soc < ½ ── charge (half)
//                     └ otherwise ────────────── hold
//
// A leaf's target (a position that way, never less than what is held that way) is carried out
// with one IOC order limited at forecast ± edge (never a worse
// price than the rule accepted; a last-call leaf accepts forecast ± lastCallSlippageEur), cut to
// what the SoC allows (schedule-executor.ts).

import * as z from 'zod';
import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { eurToTicks } from '../../market/index.js';
import { MarketView } from '../sdk/market-view.js';
import type { Strategy } from '../sdk/strategy.js';
import { eurPerMwh, parseParams } from './params.js';
import { tradeTowardSchedule } from './schedule-executor.js';
import { optionalNumber, stateObject } from './strategy-state.js';
import { HOUR_MS, projectSoc, socDeltaMwh } from './strategy-utils.js';

const share = z.number().min(0).max(1);
const paramsSchema = z
  .object({
    periods: z.number().int().min(1).max(96).default(4),
    lookaheadHours: z.number().positive().max(48).default(24),
    minSpreadEur: eurPerMwh(0, 10_000).default(15),
    cheapRank: share.default(0.25),
    dearRank: share.default(0.75),
    socLow: share.default(0.05),
    socHigh: share.default(0.95),
    edgeEur: eurPerMwh(0, 1000).default(3),
    opportunityEur: eurPerMwh(0, 10_000).default(15),
    lastCallMinutes: z.number().min(0).max(1440).default(45),
    lastCallSlippageEur: eurPerMwh(0, 1000).default(10),
    endGuardHours: z.number().min(0).max(48).default(8),
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
  })
  .strict();

export type RuleTreeParams = z.infer<typeof paramsSchema>;

export interface RuleFeatures {
  spreadEur: number;
  rank: number;
  soc: number;
  gateMinutes: number;
  hoursLeft: number;
  /** SoC share the battery started with. */
  startSoc: number;
  /** Touch minus forecast, EUR/MWh; undefined when that side of the book is empty. */
  askVsForecastEur?: number;
  bidVsForecastEur?: number;
}

/** What a leaf holds: a share of the power, > 0 charge. */
export type RuleAction = 'charge' | 'charge-half' | 'hold' | 'discharge-half' | 'discharge';

export interface RuleDecision {
  action: RuleAction;
  /** The tests taken from the root to the leaf, for explanation and tests. */
  path: string[];
}

/** The tree of the header, evaluated on one quarter-hour's features. */
export function decideByRules(f: RuleFeatures, p: RuleTreeParams): RuleDecision {
  const path: string[] = [];
  const leaf = (action: RuleAction, ...tests: string[]): RuleDecision => {
    path.push(...tests);
    return { action, path };
  };
  const canBuy = f.askVsForecastEur !== undefined && f.askVsForecastEur <= p.edgeEur;
  const canSell = f.bidVsForecastEur !== undefined && f.bidVsForecastEur >= -p.edgeEur;
  const lastCall = f.gateMinutes <= p.lastCallMinutes;
  const floor = f.hoursLeft <= p.endGuardHours ? Math.max(p.socLow, f.startSoc) : p.socLow;
  if (f.spreadEur < p.minSpreadEur) return leaf('hold', 'spread < minSpread');
  if (f.rank <= p.cheapRank) {
    path.push('rank ≤ cheapRank');
    if (f.soc >= p.socHigh) return leaf('hold', 'soc ≥ socHigh');
    if (canBuy) return leaf('charge', 'ask ≤ forecast + edge');
    if (lastCall && f.askVsForecastEur !== undefined) return leaf('charge-half', 'gate ≤ lastCall');
    return leaf('hold', 'wait');
  }
  if (f.rank >= p.dearRank) {
    path.push('rank ≥ dearRank');
    if (f.soc <= floor) return leaf('hold', 'soc ≤ floor');
    if (canSell) return leaf('discharge', 'bid ≥ forecast − edge');
    if (lastCall && f.bidVsForecastEur !== undefined) return leaf('discharge-half', 'gate ≤ lastCall');
    return leaf('hold', 'wait');
  }
  path.push('middle rank');
  if (
    f.bidVsForecastEur !== undefined &&
    f.bidVsForecastEur >= p.opportunityEur &&
    f.soc > Math.max(0.5, floor)
  )
    return leaf('discharge-half', 'bid ≥ forecast + opportunity');
  if (f.askVsForecastEur !== undefined && f.askVsForecastEur <= -p.opportunityEur && f.soc < 0.5)
    return leaf('charge-half', 'ask ≤ forecast − opportunity');
  return leaf('hold', 'no opportunity');
}

const SHARE: Record<RuleAction, number> = {
  charge: 1,
  'charge-half': 0.5,
  hold: 0,
  'discharge-half': -0.5,
  discharge: -1,
};

export class RuleTreeBattery implements Strategy {
  readonly name = 'rule-tree-battery';
  readonly params: RuleTreeParams;
  private view?: MarketView;
  private battery?: BatterySpec;
  private assetId?: string;
  private startSoc?: number;
  /** The last decision per quarter-hour, and every decision with its time (for inspection). */
  readonly decisions = new Map<string, RuleDecision>();
  readonly log: { timeMs: number; productId: string; action: RuleAction }[] = [];

  constructor(params: Record<string, unknown> = {}) {
    this.params = parseParams('rule-tree-battery', paramsSchema, params);
  }

  onWelcome(welcome: Welcome): void {
    this.view = MarketView.fromWelcome(welcome);
    const a = this.view.requireAsset('battery', this.name);
    this.battery = a.spec;
    this.assetId = a.assetId;
  }

  /** Restarted without it, its end guard (keep the SoC it started the run with) would keep the SoC at the restart instead. */
  saveState(): { startSoc: number | null } {
    return { startSoc: this.startSoc ?? null };
  }

  loadState(state: unknown): void {
    this.startSoc = optionalNumber(this.name, stateObject(this.name, state), 'startSoc');
  }

  decide(wake: WakeUp): Action[] {
    const b = this.battery;
    const view = this.view;
    if (!b || !view) return [];
    const p = this.params;
    const soc = MarketView.assetState(wake, this.assetId)?.socMwh ?? b.socInitialMwh;
    const prices = MarketView.forecasts(wake);
    const books = MarketView.books(wake);
    this.startSoc ??= soc;
    let lastForecast = 0;
    for (const id of prices.keys()) lastForecast = Math.max(lastForecast, MarketView.deliveryStart(id) ?? 0);
    const candidates = view
      .tradableQuarterHours(wake.timeMs, p.gateMarginMs)
      .filter((q) => q.deliveryStartMs > wake.timeMs && prices.has(q.productId))
      .slice(0, p.periods);
    if (candidates.length === 0) return [];
    const horizonEnd = candidates[0]!.deliveryStartMs + p.lookaheadHours * HOUR_MS;
    const ahead = [...prices.entries()]
      .filter(([id]) => {
        const s = MarketView.deliveryStart(id);
        return s !== undefined && s >= candidates[0]!.deliveryStartMs && s < horizonEnd;
      })
      .map(([, x]) => x)
      .sort((x, y) => x - y);
    const spreadEur = (ahead[ahead.length - 1]! - ahead[0]!) / 100;
    const range = b.socMaxMwh - b.socMinMwh;
    const powerLots = Math.floor(b.powerMw * 10 + 1e-9);
    const targets = new Map<string, number>();
    let projected = projectSoc(soc, b, wake, candidates[0]!.deliveryStartMs);
    for (const q of candidates) {
      const f = prices.get(q.productId)!;
      const book = books.get(q.productId);
      const below = ahead.filter((x) => x < f).length;
      const features: RuleFeatures = {
        spreadEur,
        rank: ahead.length > 1 ? below / (ahead.length - 1) : 0.5,
        soc: range > 0 ? (projected - b.socMinMwh) / range : 0,
        gateMinutes: (q.gateClosureMs - wake.timeMs) / 60_000,
        hoursLeft: (lastForecast - q.deliveryStartMs) / HOUR_MS,
        startSoc: range > 0 ? (this.startSoc - b.socMinMwh) / range : 0,
        ...(book?.asks[0] ? { askVsForecastEur: (book.asks[0].priceTicks - f) / 100 } : {}),
        ...(book?.bids[0] ? { bidVsForecastEur: (book.bids[0].priceTicks - f) / 100 } : {}),
      };
      const d = decideByRules(features, p);
      this.decisions.set(q.productId, d);
      this.log.push({ timeMs: wake.timeMs, productId: q.productId, action: d.action });
      const held = MarketView.heldLots(wake, q.productId);
      // A leaf gives a direction: it adds to a position that way, never trades back against it.
      const leafLots = Math.trunc(SHARE[d.action] * powerLots);
      const lots = leafLots > 0 ? Math.max(held, leafLots) : leafLots < 0 ? Math.min(held, leafLots) : held;
      targets.set(q.productId, lots);
      projected = Math.min(b.socMaxMwh, Math.max(b.socMinMwh, projected + socDeltaMwh(lots, b)));
    }
    const edge = eurToTicks(p.edgeEur);
    const lastCall = eurToTicks(p.lastCallSlippageEur);
    return tradeTowardSchedule({
      wake,
      view,
      battery: b,
      socMwh: soc,
      target: (id) => targets.get(id),
      periods: p.periods,
      gateMarginMs: p.gateMarginMs,
      reference: (id) => prices.get(id),
      slippageTicks: edge,
      slippageOf: (id) => (this.decisions.get(id)?.path.includes('gate ≤ lastCall') ? lastCall : edge),
      clientRef: 'rule',
    });
  }
}
