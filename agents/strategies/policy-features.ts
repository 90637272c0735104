// The observation and action of a trained battery policy in the arena, laid out exactly as the
// training API's fast battery environment lays out its 'standard' observation (so a policy
// trained there plays here, and the full-market environment trains on the same features):
//   [price −4…−1, price now, price +1…+4, generation −4…+4 (9 × 0: a bare battery), SoC, remaining]
// prices in €/MWh ÷ priceScaleEur; "now" is the next tradable quarter-hour (its book mid when
// both sides quote, else its forecast), the history the last forecasts this agent saw for the
// quarter-hours before it, SoC the share of [socMin, socMax] projected to its start, remaining
// the share of its delivery day still ahead.
// Action: a ∈ [−1, 1], the battery's power on that quarter-hour as a share of P̄ (charge > 0),
// traded as one IOC order toward that position, within the projected SoC headroom.
import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import type { ProductSpec } from '../../gen/flexarena/v1/market.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import {
  assetState,
  DAY_MS,
  forecastMap,
  iocAround,
  KWH_PER_LOT_QH,
  type PriceLimits,
  priceLimits,
  projectSoc,
  QH_MS,
  quarterHourProducts,
  requireAsset,
  scheduleLots,
  tradableQuarterHours,
} from './strategy-utils.js';

export const STANDARD_OBSERVATION_SIZE = 20;
const HISTORY = 4;
const LOOKAHEAD = 4;

export interface BatteryDecisionContext {
  /** The quarter-hour the action is for. */
  target: ProductSpec;
  forecastTicks: number;
  socMwh: number;
  observation: number[];
}

export interface PolicyFeatureOptions {
  priceScaleEur: number;
  gateMarginMs: number;
  slippageTicks: number;
}

/** Reads wake-ups into the standard observation and turns battery shares into orders. */
export class BatteryPolicyFeatures {
  readonly battery: BatterySpec;
  private readonly assetId: string;
  private readonly products: Map<string, ProductSpec>;
  private readonly limits: PriceLimits;
  /**
   * The last forecast seen for each quarter-hour by delivery start (the history of later
   * observations). Passed in by a caller that keeps it over a new welcome or a restart: the
   * quarter-hours of the history have left the forecasts by then, and no wake-up shows them again.
   */
  private readonly seen: Map<number, number>;

  constructor(
    welcome: Welcome,
    private readonly opts: PolicyFeatureOptions,
    seen: Map<number, number> = new Map(),
  ) {
    this.seen = seen;
    const asset = requireAsset(welcome, 'battery', 'a battery policy', 'a battery');
    this.battery = asset.spec;
    this.assetId = asset.assetId;
    this.products = quarterHourProducts(welcome);
    this.limits = priceLimits(welcome);
  }

  /** The decision context of a wake-up, or undefined when no quarter-hour is tradable. */
  observe(wake: WakeUp): BatteryDecisionContext | undefined {
    const prices = forecastMap(wake);
    for (const [id, ticks] of prices) {
      const p = this.products.get(id);
      if (p) this.seen.set(p.deliveryStartMs, ticks);
    }
    forgetBefore(this.seen, wake.timeMs - HISTORY * QH_MS);
    const target = tradableQuarterHours(this.products, wake.timeMs, this.opts.gateMarginMs).find((p) =>
      prices.has(p.productId),
    );
    if (!target) return undefined;
    const forecastTicks = prices.get(target.productId)!;
    const b = this.battery;
    const socMwh = projectSoc(
      assetState(wake, this.assetId)?.socMwh ?? b.socInitialMwh,
      b,
      wake,
      target.deliveryStartMs,
    );
    const s = 1 / (this.opts.priceScaleEur * 100); // ticks → scaled €/MWh
    const o = new Array<number>(STANDARD_OBSERVATION_SIZE).fill(0);
    const start = target.deliveryStartMs;
    for (let k = 0; k < HISTORY; k++)
      o[k] = (this.seen.get(start - (HISTORY - k) * QH_MS) ?? forecastTicks) * s;
    o[HISTORY] = this.nowTicks(wake, target.productId, forecastTicks) * s;
    for (let k = 1; k <= LOOKAHEAD; k++)
      o[HISTORY + k] = (this.seen.get(start + k * QH_MS) ?? forecastTicks) * s;
    const range = b.socMaxMwh - b.socMinMwh;
    o[18] = range > 0 ? (socMwh - b.socMinMwh) / range : 0;
    const dayStart = Math.floor(start / DAY_MS) * DAY_MS;
    o[19] = (dayStart + DAY_MS - start) / DAY_MS;
    return { target, forecastTicks, socMwh, observation: o };
  }

  private nowTicks(wake: WakeUp, productId: string, forecast: number): number {
    const book = wake.books.find((x) => x.productId === productId);
    const bid = book?.bids[0]?.priceTicks;
    const ask = book?.asks[0]?.priceTicks;
    return bid !== undefined && ask !== undefined ? (bid + ask) / 2 : forecast;
  }

  /** The lots a share `a` of P̄ asks for, within the projected SoC headroom (charge > 0). */
  targetLots(a: number, socMwh: number): number {
    const b = this.battery;
    const powerLots = Math.floor(b.powerMw * 10 + 1e-9);
    const want = Math.round(Math.max(-1, Math.min(1, a)) * powerLots);
    const room = Math.floor((((b.socMaxMwh - socMwh) / b.etaCharge) * 1000) / KWH_PER_LOT_QH + 1e-9);
    const avail = Math.floor(((socMwh - b.socMinMwh) * b.etaDischarge * 1000) / KWH_PER_LOT_QH + 1e-9);
    return want >= 0 ? Math.min(want, Math.max(0, room)) : -Math.min(-want, Math.max(0, avail));
  }

  /** The orders that move the target quarter-hour's position to share `a` of P̄. */
  actions(wake: WakeUp, ctx: BatteryDecisionContext, a: number, clientRef = 'policy'): Action[] {
    const lots = this.targetLots(a, ctx.socMwh) - scheduleLots(wake.positions, ctx.target.productId);
    return iocAround(
      ctx.target.productId,
      lots,
      ctx.forecastTicks,
      this.opts.slippageTicks,
      this.limits,
      clientRef,
    );
  }
}

/**
 * Drops the quarter-hours starting before `startMs`: every later target starts after its wake-up's
 * time, so its history reaches back no further than HISTORY quarter-hours before that (what is kept
 * stays small, also in a resume file).
 */
function forgetBefore(seen: Map<number, number>, startMs: number): void {
  for (const start of seen.keys()) if (start < startMs) seen.delete(start);
}
