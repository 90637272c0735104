// Charging an EV car-sharing fleet (seed 004, Richter 2019, §1.2) from the market instead of the
// industry tariff, with the seed's risk factors λ scaling every commitment.
//
// Available charging power P̂ (eq. 1): the cars that can charge for the market now (AssetState
// vppCars × charger kW) if the arena reports them, else the configured `fleetMw`, else the spec's
// maximum × dayAheadAvailabilityShare.
// Intraday (eq. 5): for the next tradable quarter-hour, if its forecast is below the tariff and
// among the `cheapestShare` cheapest forecasts of the next `lookaheadHours`, buy
//   P_intr = (P̂ − P_held) × (1 − λ_intr)
// where P_held is what is already committed for that quarter-hour (e.g. day-ahead awards, the
// seed's P_bal), with an IOC order at forecast + slippage, never above the tariff. If P_held
// exceeds P̂, the excess is sold back: the fleet never keeps a commitment it cannot charge.
// Day-ahead (eq. 4, the day-ahead auction in place of the week-ahead balancing market; optional):
// before the gate, buy P_da = P̂_da × (1 − λ_da) in the cheapest quarter-hours of the day whose
// forecast is below the tariff, as step curves up to min(forecast + margin, tariff). P̂_da is the
// configured or spec fleet power × dayAheadAvailabilityShare (the day-ahead prediction).

import * as z from 'zod';
import type { EvFleetSpec } from '../../gen/flexarena/v1/asset.js';
import { AuctionKind, type AuctionSpec } from '../../gen/flexarena/v1/auction.js';
import type { ProductSpec } from '../../gen/flexarena/v1/market.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { deliveryStartOf } from '../../lib/index.js';
import { eurToTicks, quantizeEurToTicks } from '../../market/index.js';
import { auctionCurve, submit } from '../sdk/actions.js';
import type { Strategy } from '../sdk/strategy.js';
import { stepCurve } from './lp-battery.js';
import { eurPerMwh, mwLots, parseParams } from './params.js';
import { stateObject, stringList } from './strategy-state.js';
import {
  assetState,
  clampTicks,
  forecastMap,
  HOUR_MS,
  type PriceLimits,
  priceLimits,
  quarterHourProducts,
  requireAsset,
  scheduleLots,
  tradableQuarterHours,
} from './strategy-utils.js';

/** λ in [0, 1] in steps of 0.1, as in the seed's action space. */
export const riskFactor = z
  .number()
  .min(0)
  .max(1)
  .refine((x) => Math.abs(x * 10 - Math.round(x * 10)) < 1e-9, 'must be a multiple of 0.1 (seed 004 §1.3.1)')
  .meta({ multipleOf: 0.1 }); // the refinement as a step the parameter listing can show

const paramsSchema = z
  .object({
    /** Risk factor of the intraday commitment, λ_intr. */
    lambdaIntraday: riskFactor.default(0.2),
    /** Risk factor of the day-ahead commitment (the seed's λ_bal). */
    lambdaDayAhead: riskFactor.default(0.5),
    dayAhead: z.boolean().default(false),
    /** Fleet charging power to assume when the asset state has no vppCars, MW. */
    // On the lot grid: it was floored to whole lots silently (2.55 MW bought as 2.5).
    fleetMw: mwLots(0.1, 10_000).optional(),
    /** Share of the fleet's maximum charging power expected available a day ahead. */
    dayAheadAvailabilityShare: z.number().min(0).max(1).default(0.3),
    /** Buy only in quarter-hours whose forecast is within this cheapest share of the look-ahead. */
    cheapestShare: z.number().positive().max(1).default(0.5),
    lookaheadHours: z.number().positive().max(48).default(12),
    /** Intraday IOC orders pay at most forecast + slippage (and never more than the tariff). */
    slippageEur: eurPerMwh(0, 1000).default(5),
    daPriceMarginEur: eurPerMwh(0, 1000).default(5),
    /** Override of the spec's industry tariff, EUR/MWh: a bid's price limit, so on the tick grid. */
    tariffEurPerMwh: eurPerMwh(-10_000, 10_000).optional(),
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
  })
  .strict();

export type EvFleetChargerParams = z.infer<typeof paramsSchema>;

/** Eq. 5: intraday lots to buy for available power `availableLots`, `heldLots` committed, risk λ. */
export function intradayLots(availableLots: number, heldLots: number, lambdaIntr: number): number {
  if (availableLots <= heldLots) return 0;
  return Math.floor((availableLots - heldLots) * (1 - lambdaIntr) + 1e-9);
}

/** The forecast at the `share` quantile of `prices` (the highest price still counted as cheap). */
export function cheapThreshold(prices: number[], share: number): number {
  if (prices.length === 0) return Number.POSITIVE_INFINITY;
  const sorted = [...prices].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * share) - 1)]!;
}

export class EvFleetCharger implements Strategy {
  readonly name = 'ev-fleet-charger';
  readonly params: EvFleetChargerParams;
  private spec?: EvFleetSpec;
  private assetId?: string;
  private products = new Map<string, ProductSpec>();
  private auctions: AuctionSpec[] = [];
  private limits: PriceLimits = priceLimits(undefined);
  /** Day-ahead auctions it has bid in: its own past decisions, which no wake-up shows again. */
  private readonly bidAuctions = new Set<string>();

  constructor(params: Record<string, unknown> = {}) {
    this.params = parseParams('ev-fleet-charger', paramsSchema, params);
  }

  /**
   * Restarted without it (dayAhead on), it would bid an auction again on the newer forecasts of
   * the restart: a second set of curves replacing the first before the gate.
   */
  saveState(): { bidAuctions: string[] } {
    return { bidAuctions: [...this.bidAuctions] };
  }

  loadState(state: unknown): void {
    const bid = stringList(this.name, stateObject(this.name, state), 'bidAuctions');
    this.bidAuctions.clear();
    for (const id of bid) this.bidAuctions.add(id);
  }

  onWelcome(welcome: Welcome): void {
    const asset = requireAsset(welcome, 'evFleet', 'ev-fleet-charger', 'an ev-fleet');
    this.spec = asset.spec;
    this.assetId = asset.assetId;
    this.products = quarterHourProducts(welcome);
    this.auctions = welcome.auctions.filter((a) => a.kind === AuctionKind.AUCTION_KIND_DAY_AHEAD);
    this.limits = priceLimits(welcome);
  }

  /**
   * The asset's tariff is a cost in EUR/MWh with any precision (the asset config does not put it on the
   * tick grid); as a limit and a comparison threshold it is the nearest tick, as for any model price.
   */
  private tariffTicks(): number {
    return quantizeEurToTicks(this.params.tariffEurPerMwh ?? this.spec?.tariffEurPerMwh ?? 0);
  }

  private fleetMw(): number {
    const s = this.spec!;
    return this.params.fleetMw ?? (s.maxChargingMw > 0 ? s.maxChargingMw : (s.cars * s.chargerKw) / 1000);
  }

  /** P̂ now, lots: vppCars × charger if reported, else the configured fleet power. */
  availableLots(wake: WakeUp): number {
    const s = this.spec!;
    const vpp = assetState(wake, this.assetId)?.vppCars;
    const mw =
      vpp !== undefined
        ? (vpp * s.chargerKw) / 1000
        : (this.params.fleetMw ?? this.fleetMw() * this.params.dayAheadAvailabilityShare);
    return Math.floor(mw * 10 + 1e-9);
  }

  decide(wake: WakeUp): Action[] {
    if (!this.spec) return [];
    const prices = forecastMap(wake);
    const out: Action[] = [];
    if (this.params.dayAhead) out.push(...this.dayAheadBids(wake, prices));
    out.push(...this.intraday(wake, prices));
    return out;
  }

  private dayAheadBids(wake: WakeUp, prices: ReadonlyMap<string, number>): Action[] {
    const out: Action[] = [];
    const tariff = this.tariffTicks();
    const lots = Math.floor(
      this.fleetMw() * this.params.dayAheadAvailabilityShare * (1 - this.params.lambdaDayAhead) * 10 + 1e-9,
    );
    for (const a of this.auctions) {
      if (this.bidAuctions.has(a.auctionId) || wake.timeMs >= a.gateClosureMs - this.params.gateMarginMs)
        continue;
      if (a.periodProductIds.length === 0 || !a.periodProductIds.every((id) => prices.has(id))) continue;
      this.bidAuctions.add(a.auctionId);
      if (lots <= 0) continue;
      const day = a.periodProductIds.map((id) => prices.get(id)!);
      const cheap = cheapThreshold(day, this.params.cheapestShare);
      const margin = eurToTicks(this.params.daPriceMarginEur);
      a.periodProductIds.forEach((_id, i) => {
        const f = day[i]!;
        if (f >= tariff || f > cheap) return;
        const limit = Math.min(f + margin, tariff);
        const period = a.firstPeriod + i;
        out.push(auctionCurve(a.auctionId, `ev-${period}`, period, stepCurve(lots, limit, 0, a)));
      });
    }
    return out;
  }

  private intraday(wake: WakeUp, prices: ReadonlyMap<string, number>): Action[] {
    const target = tradableQuarterHours(this.products, wake.timeMs, this.params.gateMarginMs).find((p) =>
      prices.has(p.productId),
    );
    if (!target) return [];
    const f = prices.get(target.productId)!;
    const held = scheduleLots(wake.positions, target.productId);
    const available = this.availableLots(wake);
    const slip = eurToTicks(this.params.slippageEur);
    if (held > available) {
      // More committed than the fleet can charge: sell the excess back.
      return [
        this.ioc(target.productId, 'sell', held - available, clampTicks(f - slip, this.limits), 'ev-shed'),
      ];
    }
    const tariff = this.tariffTicks();
    if (f >= tariff) return [];
    const horizonEnd = target.deliveryStartMs + this.params.lookaheadHours * HOUR_MS;
    const ahead = [...prices.entries()]
      .filter(([id]) => {
        const s = this.products.get(id)?.deliveryStartMs ?? deliveryStartOf(id);
        return s >= target.deliveryStartMs && s < horizonEnd;
      })
      .map(([, p]) => p);
    if (f > cheapThreshold(ahead, this.params.cheapestShare)) return [];
    const lots = intradayLots(available, held, this.params.lambdaIntraday);
    if (lots <= 0) return [];
    const limit = clampTicks(Math.min(f + slip, tariff - 1), this.limits);
    return [this.ioc(target.productId, 'buy', lots, limit, 'ev-charge')];
  }

  private ioc(
    productId: string,
    side: 'buy' | 'sell',
    lots: number,
    priceTicks: number,
    clientRef: string,
  ): Action {
    return submit({ productId, side, priceTicks, quantityLots: lots, tif: 'IOC', clientRef });
  }
}
