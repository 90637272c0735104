// The EV-fleet VPP control mechanism of seed 004 (Richter 2019, §1.2), phase by phase:
//
// Bidding phase I — balancing capacity (before the aFRR capacity gate, the day before; the seed's
// is a week ahead). Per 4-hour capacity product h: the predicted fleet charging power P̂_h is the
// smallest predicted over its hours (eq. 1; the prediction: a per-hour-of-day profile of the cars
// the arena reported as able to charge, learned from the first delivery day on — before it the
// fleet's starting state says little about a normal day — starting from
// cars × charger × availabilityPrior). Market decision (eq. 4): with the critical prices p̄_c (the
// capacity price it bids), p̄_e (the down-energy price it offers, below) and p̄_u (the intraday
// forecast), C_bal(P) = −P·p̄_c·Δh + P·Δh·p̄_e, C_intr(P) = P·Δh·p̄_u and the tariff cost P·Δh·p^i:
// it offers P_bal = P̂_h × (1 − λ_bal) of DOWNWARD capacity (extra consumption: charging) only if
// C_bal < C_intr and C_bal < the tariff cost. Awarded capacity obliges energy bids: for every
// quarter-hour of an award it offers exactly the awarded lots of down energy at
// p̄_e = min(forecast, tariff) − energyDiscountEur (what it is willing to pay for that charging);
// when, at the last wake-up before the energy gate, the cars able to charge cannot take the
// awarded power, the offer (still the obligation) is priced unavailableDiscountEur lower, so the
// TSO activates it last.
//
// Bidding phase II — intraday, 30 minutes ahead (every wake-up): for the quarter-hours delivering
// in [now + leadMinutes, now + leadMinutes + decision interval), P̂ is the cars able to charge now
// × charger (persistence, the seed's accurate short-term prediction), and (eq. 5)
// P_intr = (P̂ − P_bal) × (1 − λ_intr) if the forecast is below the tariff, else 0, where P_bal is
// the awarded down capacity covering that quarter-hour. It buys P_intr less what it holds with an
// IOC order at forecast + slippage, never at or above the tariff.
//
// Dispatch phase: the twin assigns the plugged cars to the commitment every control period and
// refuses rentals as its policy says; what the agent controls is the commitment itself — for the
// next tradable quarter-hour, anything committed beyond what the cars able to charge now can take
// (market position + awarded down capacity > P̂) is sold back, so a commitment it cannot charge
// does not become imbalance or refused rentals.
//
// λ_bal and λ_intr are the seed's risk factors: in [0, 1] in steps of 0.1 (§1.3.1). The seed learns
// them (Double DQN); here they are chosen from the fleet's own prediction errors (ev-risk.ts): λ_bal
// from how the cars able to charge compared with the hour-of-day profile, λ_intr from how they
// compared 30 minutes later with the persistence prediction — the configured λ are the priors.

import * as z from 'zod';
import type { EvFleetSpec } from '../../gen/flexarena/v1/asset.js';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { eurToTicks } from '../../market/index.js';
import { capacityBid, energyBid, submit } from '../sdk/actions.js';
import { MarketView } from '../sdk/market-view.js';
import type { Strategy } from '../sdk/strategy.js';
import { cheapThreshold, riskFactor } from './ev-fleet-charger.js';
import { RiskFactor } from './ev-risk.js';
import { eurPerMwh, parseParams } from './params.js';
import { LoadStateError, numberRecord, stateObject, stringList } from './strategy-state.js';
import { HOUR_MS } from './strategy-utils.js';

const paramsSchema = z
  .object({
    /** λ_bal before enough outcomes are seen (or always, with adaptiveRisk false). */
    lambdaBalancing: riskFactor.default(0.5),
    /** λ_intr before enough outcomes are seen (or always, with adaptiveRisk false). */
    lambdaIntraday: riskFactor.default(0.3),
    /**
     * Choose λ from the fleet's own prediction errors (ev-risk.ts): the smallest 0.1 step whose
     * commitment would have been chargeable in all but `riskQuantile` of the cases seen.
     */
    adaptiveRisk: z.boolean().default(true),
    riskQuantile: z.number().min(0).max(0.5).default(0.01),
    /** Outcomes needed before λ is chosen from them. */
    riskMinObservations: z.number().int().min(1).max(10_000).default(8),
    balancing: z.boolean().default(true),
    /** p̄_c: capacity price bid, EUR per MW and hour. */
    capacityPriceEur: eurPerMwh(0, 10_000).default(5),
    /** p̄_e = min(forecast, tariff) − this: the down-energy price offered, EUR/MWh. */
    energyDiscountEur: eurPerMwh(0, 10_000).default(10),
    unavailableDiscountEur: eurPerMwh(0, 10_000).default(100),
    /** Share of the fleet's charging power expected able to charge before anything is learned. */
    availabilityPrior: z.number().min(0).max(1).default(0.15),
    /** Weight of a new observation in the hour-of-day availability profile. */
    learningRate: z.number().positive().max(1).default(0.3),
    /** Intraday bids are for quarter-hours starting this far ahead (seed: 30 minutes). */
    leadMinutes: z.number().int().min(5).max(240).default(30),
    slippageEur: eurPerMwh(0, 1000).default(5),
    /**
     * Eq. 5 buys whenever the intraday is cheaper than the tariff; a fleet that must charge anyway
     * has a cheaper alternative than the tariff — a later quarter-hour. Intraday bids go only to
     * quarter-hours whose forecast is within this cheapest share of the next `lookaheadHours`
     * (1: every quarter-hour below the tariff, the seed's rule).
     */
    cheapestShare: z.number().positive().max(1).default(0.5),
    lookaheadHours: z.number().positive().max(48).default(12),
    /** Override of the spec's industry tariff, EUR/MWh. */
    tariffEurPerMwh: eurPerMwh(-10_000, 10_000).optional(),
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
  })
  .strict();

export type EvFleetBidderParams = z.infer<typeof paramsSchema>;

/** Eq. 4's quantity: P̂ × (1 − λ), in whole lots. */
export function riskScaledLots(predictedMw: number, lambda: number): number {
  return Math.max(0, Math.floor(predictedMw * (1 - lambda) * 10 + 1e-9));
}

/** Eq. 4's market decision for one block: is charging from balancing cheaper than both alternatives? */
export function balancingPays(o: {
  capacityPriceEur: number;
  energyPriceEur: number;
  intradayPriceEur: number;
  tariffEur: number;
}): boolean {
  // Per MW and hour: C_bal = −p̄_c + p̄_e, C_intr = p̄_u, tariff p^i.
  const bal = -o.capacityPriceEur + o.energyPriceEur;
  return bal < o.intradayPriceEur && bal < o.tariffEur;
}

/** What ev-fleet-bidder keeps over a restart (saveState). */
export interface EvFleetBidderState {
  profile: number[];
  capacityBidDone: string[];
  awards: Record<string, number>;
  energyBidDone: string[];
  riskBalancing: number[];
  riskIntraday: number[];
  pendingIntraday: { fromMs: number; toMs: number; cars: number }[];
}

export class EvFleetBidder implements Strategy {
  readonly name = 'ev-fleet-bidder';
  readonly params: EvFleetBidderParams;
  private view?: MarketView;
  private spec?: EvFleetSpec;
  private assetId?: string;
  /** Predicted cars able to charge, by UTC hour of day. */
  private readonly profile: number[] = [];
  private readonly capacityBidDone = new Set<string>();
  /** Awarded down capacity, lots, by capacity product. */
  readonly awards = new Map<string, number>();
  private readonly energyBidDone = new Set<string>();
  /** λ_bal from the hour-of-day profile's errors, λ_intr from the 30-minute persistence errors. */
  readonly riskBalancing: RiskFactor;
  readonly riskIntraday: RiskFactor;
  /** Persistence predictions (cars able to charge) waiting for the delivery window they were for. */
  private pendingIntraday: { fromMs: number; toMs: number; cars: number }[] = [];

  constructor(params: Record<string, unknown> = {}) {
    this.params = parseParams('ev-fleet-bidder', paramsSchema, params);
    const p = this.params;
    this.riskBalancing = new RiskFactor(p.lambdaBalancing, p.riskQuantile, p.riskMinObservations);
    this.riskIntraday = new RiskFactor(p.lambdaIntraday, p.riskQuantile, p.riskMinObservations);
  }

  /** λ_bal now: learned from outcomes when adaptiveRisk, else the configured one. */
  lambdaBalancing(): number {
    return this.params.adaptiveRisk ? this.riskBalancing.lambda() : this.params.lambdaBalancing;
  }

  lambdaIntraday(): number {
    return this.params.adaptiveRisk ? this.riskIntraday.lambda() : this.params.lambdaIntraday;
  }

  /** Sets the predictions that this wake-up's observation settles against what came true. */
  private learnRisk(timeMs: number, vpp: number, delivering: boolean): void {
    const h = new Date(timeMs).getUTCHours();
    if (delivering) this.riskBalancing.observe(this.profile[h]!, vpp);
    const due = this.pendingIntraday.filter((x) => timeMs >= x.fromMs);
    for (const x of due) if (timeMs < x.toMs) this.riskIntraday.observe(x.cars, vpp);
    this.pendingIntraday = this.pendingIntraday.filter((x) => timeMs < x.fromMs);
  }

  onWelcome(welcome: Welcome): void {
    this.view = MarketView.fromWelcome(welcome);
    const a = this.view.requireAsset('evFleet', this.name);
    this.spec = a.spec;
    this.assetId = a.assetId;
    // A restarted agent has its learnt profile back already (loadState comes before the welcome).
    if (this.profile.length === 24) return;
    const prior = a.spec.cars * this.params.availabilityPrior;
    for (let h = 0; h < 24; h++) this.profile[h] = prior;
  }

  /**
   * Restarted without these, it would offer its capacity again, forget its awards (they reach it
   * once: no energy bids, obligation shortfalls), and start its availability profile and risk
   * factors over from the priors.
   */
  saveState(): EvFleetBidderState {
    return {
      profile: [...this.profile],
      capacityBidDone: [...this.capacityBidDone],
      awards: Object.fromEntries(this.awards),
      energyBidDone: [...this.energyBidDone],
      riskBalancing: this.riskBalancing.saved(),
      riskIntraday: this.riskIntraday.saved(),
      pendingIntraday: this.pendingIntraday.map((x) => ({ ...x })),
    };
  }

  loadState(state: unknown): void {
    const s = stateObject(this.name, state);
    const numbers = (field: string): number[] => {
      const v = s[field];
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
        throw new LoadStateError(this.name, field, 'must be a list of numbers');
      return v;
    };
    const profile = numbers('profile');
    if (profile.length !== 0 && profile.length !== 24)
      throw new LoadStateError(this.name, 'profile', 'must hold 24 hours (or none)');
    const capacity = stringList(this.name, s, 'capacityBidDone');
    const awards = numberRecord(this.name, s, 'awards');
    const energy = stringList(this.name, s, 'energyBidDone');
    const balancing = numbers('riskBalancing');
    const intraday = numbers('riskIntraday');
    const pending = s.pendingIntraday;
    if (
      !Array.isArray(pending) ||
      !pending.every((x) =>
        [x?.fromMs, x?.toMs, x?.cars].every((n) => typeof n === 'number' && Number.isFinite(n)),
      )
    )
      throw new LoadStateError(this.name, 'pendingIntraday', 'must be a list of {fromMs, toMs, cars}');
    this.profile.length = 0;
    this.profile.push(...profile);
    this.capacityBidDone.clear();
    for (const id of capacity) this.capacityBidDone.add(id);
    this.awards.clear();
    for (const [id, lots] of awards) this.awards.set(id, lots);
    this.energyBidDone.clear();
    for (const qh of energy) this.energyBidDone.add(qh);
    this.riskBalancing.restore(balancing);
    this.riskIntraday.restore(intraday);
    this.pendingIntraday = pending.map((x) => ({ fromMs: x.fromMs, toMs: x.toMs, cars: x.cars }));
  }

  private tariffEur(): number {
    return this.params.tariffEurPerMwh ?? this.spec?.tariffEurPerMwh ?? 0;
  }

  private mwOfCars(cars: number): number {
    return (cars * (this.spec?.chargerKw ?? 0)) / 1000;
  }

  /** Predicted charging power at an instant, MW (the hour-of-day profile). */
  predictedMw(atMs: number): number {
    return this.mwOfCars(this.profile[new Date(atMs).getUTCHours()]!);
  }

  /** Awarded down capacity covering a quarter-hour, lots. */
  balancingLots(qhId: string): number {
    let lots = 0;
    for (const [product, awarded] of this.awards)
      if (MarketView.quarterHoursOf(product).includes(qhId)) lots += awarded;
    return lots;
  }

  decide(wake: WakeUp): Action[] {
    const view = this.view;
    const spec = this.spec;
    if (!view || !spec) return [];
    const vpp = MarketView.assetState(wake, this.assetId)?.vppCars;
    const deliveryStart = view.deliveryWindow()?.startMs ?? 0;
    if (vpp !== undefined) this.learnRisk(wake.timeMs, vpp, wake.timeMs >= deliveryStart);
    if (vpp !== undefined && wake.timeMs >= deliveryStart) {
      const h = new Date(wake.timeMs).getUTCHours();
      this.profile[h] = (1 - this.params.learningRate) * this.profile[h]! + this.params.learningRate * vpp;
    }
    for (const a of wake.capacityAwards)
      if (a.direction === BalancingDirection.BALANCING_DIRECTION_DOWN)
        this.awards.set(a.productId, (this.awards.get(a.productId) ?? 0) + a.quantityLots);
    const prices = MarketView.forecasts(wake);
    const nowMw = vpp !== undefined ? this.mwOfCars(vpp) : this.predictedMw(wake.timeMs);
    return [
      ...(this.params.balancing ? this.capacityBids(wake, view, prices) : []),
      ...this.energyBids(wake, view, prices, nowMw),
      ...this.intradayBids(wake, view, prices, nowMw),
      ...this.dispatch(wake, view, prices, nowMw),
    ];
  }

  private energyPriceTicks(forecastTicks: number | undefined): number {
    const tariff = eurToTicks(this.tariffEur());
    const base = forecastTicks === undefined ? tariff : Math.min(forecastTicks, tariff);
    return this.view!.clampPrice(base - eurToTicks(this.params.energyDiscountEur));
  }

  /** Phase I: downward capacity per 4-hour product, eq. 1 and eq. 4. */
  private capacityBids(wake: WakeUp, view: MarketView, prices: Map<string, number>): Action[] {
    const out: Action[] = [];
    for (const product of view.capacityProductIds) {
      const gate = view.capacityGateMs(product);
      if (
        gate === undefined ||
        this.capacityBidDone.has(product) ||
        wake.timeMs >= gate - this.params.gateMarginMs
      )
        continue;
      const qhs = MarketView.quarterHoursOf(product);
      const fc = qhs.map((id) => prices.get(id)).filter((x): x is number => x !== undefined);
      if (fc.length < qhs.length) continue; // the day's forecast is not out yet
      this.capacityBidDone.add(product);
      const start = MarketView.deliveryStart(product)!;
      const predicted = Math.min(...[0, 1, 2, 3].map((k) => this.predictedMw(start + k * HOUR_MS)));
      const meanFc = fc.reduce((a, x) => a + x, 0) / fc.length;
      const pays = balancingPays({
        capacityPriceEur: this.params.capacityPriceEur,
        energyPriceEur: this.energyPriceTicks(Math.round(meanFc)) / 100,
        intradayPriceEur: meanFc / 100,
        tariffEur: this.tariffEur(),
      });
      const lots = riskScaledLots(predicted, this.lambdaBalancing());
      if (!pays || lots <= 0) continue;
      out.push(capacityBid(product, 'down', lots, eurToTicks(this.params.capacityPriceEur)));
    }
    return out;
  }

  /** Energy bids covering every awarded quarter-hour, before its energy gate. */
  private energyBids(wake: WakeUp, view: MarketView, prices: Map<string, number>, nowMw: number): Action[] {
    const out: Action[] = [];
    for (const product of this.awards.keys())
      for (const qh of MarketView.quarterHoursOf(product)) {
        const gate = view.energyGateMs(qh);
        const lots = this.balancingLots(qh);
        if (gate === undefined || lots <= 0 || this.energyBidDone.has(qh)) continue;
        // Bid at the last wake-up before the gate, so the price uses the freshest forecast.
        if (
          gate <= wake.timeMs + this.params.gateMarginMs ||
          gate > wake.timeMs + 2 * view.decisionIntervalMs + this.params.gateMarginMs
        )
          continue;
        this.energyBidDone.add(qh);
        const able = Math.floor(nowMw * 10 + 1e-9) >= lots;
        const price =
          this.energyPriceTicks(prices.get(qh)) - (able ? 0 : eurToTicks(this.params.unavailableDiscountEur));
        out.push(energyBid(qh, 'down', lots, view.clampPrice(price)));
      }
    return out;
  }

  /** Phase II: eq. 5 for the quarter-hours starting leadMinutes ahead. */
  private intradayBids(wake: WakeUp, view: MarketView, prices: Map<string, number>, nowMw: number): Action[] {
    const from = wake.timeMs + this.params.leadMinutes * 60_000;
    const to = from + Math.max(view.decisionIntervalMs, 60_000);
    const tariff = eurToTicks(this.tariffEur());
    const vpp = MarketView.assetState(wake, this.assetId)?.vppCars;
    if (vpp !== undefined) this.pendingIntraday.push({ fromMs: from, toMs: to, cars: vpp });
    const lambda = this.lambdaIntraday();
    const out: Action[] = [];
    for (const q of view.quarterHoursBetween(from, to)) {
      if (!view.isTradable(q.productId, wake.timeMs, this.params.gateMarginMs)) continue;
      const f = prices.get(q.productId);
      if (f === undefined || f >= tariff) continue;
      if (f > this.cheapLimit(view, prices, q.deliveryStartMs)) continue;
      const pBalMw = this.balancingLots(q.productId) / 10;
      const want = riskScaledLots(Math.max(0, nowMw - pBalMw), lambda);
      const lots = want - MarketView.heldLots(wake, q.productId);
      if (lots <= 0) continue;
      const limit = view.clampPrice(Math.min(f + eurToTicks(this.params.slippageEur), tariff - 1));
      out.push(
        submit({
          productId: q.productId,
          side: 'buy',
          priceTicks: limit,
          quantityLots: lots,
          tif: 'IOC',
          clientRef: 'ev-intraday',
        }),
      );
    }
    return out;
  }

  /** The highest forecast still among the cheapest `cheapestShare` of the look-ahead from `startMs`. */
  private cheapLimit(view: MarketView, prices: Map<string, number>, startMs: number): number {
    if (this.params.cheapestShare >= 1) return Number.POSITIVE_INFINITY;
    const ahead = view
      .quarterHoursBetween(startMs, startMs + this.params.lookaheadHours * HOUR_MS)
      .map((q) => prices.get(q.productId))
      .filter((x): x is number => x !== undefined);
    return cheapThreshold(ahead, this.params.cheapestShare);
  }

  /** Dispatch: sell back what the next tradable quarter-hour's cars cannot charge. */
  private dispatch(wake: WakeUp, view: MarketView, prices: Map<string, number>, nowMw: number): Action[] {
    const next = view
      .tradableQuarterHours(wake.timeMs, this.params.gateMarginMs)
      .find(
        (q) =>
          q.deliveryStartMs > wake.timeMs &&
          q.deliveryStartMs < wake.timeMs + this.params.leadMinutes * 60_000,
      );
    if (!next) return [];
    const held = MarketView.heldLots(wake, next.productId);
    const capacity = Math.floor(nowMw * 10 + 1e-9) - this.balancingLots(next.productId);
    const excess = held - Math.max(0, capacity);
    if (excess <= 0 || held <= 0) return [];
    const f = prices.get(next.productId);
    if (f === undefined) return [];
    const lots = Math.min(excess, held);
    const limit = view.clampPrice(f - eurToTicks(this.params.slippageEur));
    return [
      submit({
        productId: next.productId,
        side: 'sell',
        priceTicks: limit,
        quantityLots: lots,
        tif: 'IOC',
        clientRef: 'ev-dispatch',
      }),
    ];
  }
}
