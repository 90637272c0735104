// A battery that lives from aFRR balancing (DESIGN.md §3 "Balancing").
//
// Capacity: before each day's capacity gate (Welcome.capacityGateClosureMs for the first day of
// capacity products, a day later for each later day), offer `capacityShare` of the power as
// capacity in every 4-hour product, up and down, at `capacityPriceEur` EUR/MW/h.
// Energy: once awards arrive, offer balancing energy of exactly the awarded lots (the obligation;
// never less) in every quarter-hour of the awarded products, up at forecast + energyMarkupEur and
// down at forecast − energyMarkupEur, at the last wake-ups before each energy gate (delivery −
// Welcome.energyGateClosureLeadMs), so the price uses the freshest forecast.
// SoC: keeps it near the middle of its range, where it can serve both directions: when the
// projected SoC drifts more than socBandShare of the range from the middle, it trades the next
// tradable quarter-hour back toward the middle with an IOC order, using only the power not
// reserved for awarded capacity in that quarter-hour.

import * as z from 'zod';
import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import type { ProductSpec } from '../../gen/flexarena/v1/market.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import {
  dayTokenOf,
  dayTokenStartMs,
  deliveryStartOf,
  parseProductId,
  quarterHoursOf,
} from '../../lib/index.js';
import { eurToTicks } from '../../market/index.js';
import { capacityBid, energyBid } from '../sdk/actions.js';
import type { PublicViewPart, Strategy } from '../sdk/strategy.js';
import { eurPerMwh, parseParams } from './params.js';
import { LoadStateError, numberRecord, stateObject, stringList } from './strategy-state.js';
import {
  assetState,
  clampTicks,
  DAY_MS,
  forecastMap,
  iocAround,
  KWH_PER_LOT_QH,
  type PriceLimits,
  priceLimits,
  projectSoc,
  quarterHourProducts,
  requireAsset,
  scheduleLots,
  tradableQuarterHours,
} from './strategy-utils.js';

const paramsSchema = z
  .object({
    /** Share of the battery's power offered as capacity, in each direction. */
    capacityShare: z.number().min(0).max(1).default(0.5),
    /** Capacity price, EUR per MW and hour. */
    capacityPriceEur: eurPerMwh(0, 10_000).default(5),
    /** Energy bids: up at forecast + markup, down at forecast − markup (EUR/MWh). */
    energyMarkupEur: eurPerMwh(0, 10_000).default(20),
    /** Energy bids are placed for quarter-hours whose energy gate is at most this far ahead. */
    energyBidLeadMs: z
      .number()
      .int()
      .min(0)
      .max(48 * 3_600_000)
      .default(2 * 3_600_000),
    /** Latency headroom before any gate closure. */
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** Rebalance when the projected SoC is further than this share of the range from the middle. */
    socBandShare: z.number().min(0).max(0.5).default(0.15),
    /** Slippage of the rebalancing IOC orders against the forecast (EUR/MWh). */
    rebalanceSlippageEur: eurPerMwh(0, 1000).default(10),
  })
  .strict();

export type BalancingBatteryParams = z.infer<typeof paramsSchema>;

type Dir = 'up' | 'down';

/** What balancing-battery keeps over a restart (saveState). */
export interface BalancingBatteryState {
  capacityBid: string[];
  /** "<capacity product>|<dir>" → awarded lots. */
  awards: Record<string, number>;
  /** "<quarter-hour>|<dir>" of energy bids sent. */
  energyBid: string[];
}

interface AwardedQuarterHours {
  ids: string[];
  starts: number[];
  ascending: boolean;
}

export class BalancingBattery implements Strategy {
  readonly name = 'balancing-battery';
  /** It reads the price forecasts, its awards, positions and asset: no books, no fundamentals. */
  readonly ignoresPublicViewParts: readonly PublicViewPart[] = ['books', 'fundamentalsForecasts'];
  readonly params: BalancingBatteryParams;
  private battery?: BatterySpec;
  private assetId?: string;
  private products = new Map<string, ProductSpec>();
  private limits: PriceLimits = priceLimits(undefined);
  private capacityProducts: string[] = [];
  /**
   * After a pass of capacityBids every product left is bid or past its gate; gates only pass and
   * bids stay until delivered, so nothing is left to bid until a bid is forgotten or the lists are
   * set again: no walk over the rest of the run's capacity products at every wake-up.
   */
  private capacityAllBid = false;
  private firstGateMs = 0;
  private firstDayMs = 0;
  private energyLeadMs = 0;
  private decisionIntervalMs = 0;
  private readonly capacityBid = new Set<string>();
  /** "<capacity product>|<dir>" → awarded lots. */
  private readonly awards = new Map<string, number>();
  /** The product and direction of each key of `awards` (read at every wake-up, split once). */
  private readonly awardParts = new Map<string, { product: string; dir: Dir }>();
  /**
   * The quarter-hours covered by any award, sorted; rebuilt only when an award for a new product
   * and direction arrives (energyBids walks them at every wake-up).
   */
  private awardedQuarterHours: AwardedQuarterHours | undefined;
  private readonly qhsOfProduct = new Map<string, ReadonlySet<string>>();
  /** "<quarter-hour>|<dir>" of energy bids already sent. */
  private readonly energyBid = new Set<string>();
  /** Start (UTC 00:00) of the day whose first wake-up last dropped what was delivered. */
  private forgottenBeforeMs = Number.NEGATIVE_INFINITY;

  constructor(params: Record<string, unknown> = {}) {
    this.params = parseParams('balancing-battery', paramsSchema, params);
  }

  onWelcome(welcome: Welcome): void {
    const asset = requireAsset(welcome, 'battery', 'balancing-battery', 'a battery');
    this.battery = asset.spec;
    this.assetId = asset.assetId;
    this.products = quarterHourProducts(welcome);
    this.limits = priceLimits(welcome);
    this.capacityProducts = [...welcome.capacityProductIds];
    this.capacityAllBid = false;
    this.firstGateMs = welcome.capacityGateClosureMs;
    const days = this.capacityProducts
      .map((id) => dayTokenOf(id))
      .filter((t): t is string => t !== undefined);
    this.firstDayMs = days.length ? Math.min(...days.map(dayTokenStartMs)) : 0;
    this.energyLeadMs = welcome.energyGateClosureLeadMs;
    this.decisionIntervalMs = welcome.decisionIntervalMs;
  }

  /** Capacity offered per direction, lots. */
  capacityLots(): number {
    const b = this.battery;
    return b ? Math.floor(b.powerMw * 10 * this.params.capacityShare + 1e-9) : 0;
  }

  /** Gate of a capacity product: the welcome's gate for the first day, one day later per day. */
  capacityGateMs(productId: string): number {
    const token = dayTokenOf(productId);
    if (token === undefined) return Number.NEGATIVE_INFINITY;
    return this.firstGateMs + Math.round((dayTokenStartMs(token) - this.firstDayMs) / DAY_MS) * DAY_MS;
  }

  /** Awarded lots covering a quarter-hour in a direction. */
  obligationLots(qhId: string, dir: Dir): number {
    let lots = 0;
    for (const [key, awarded] of this.awards) {
      const { product, dir: d } = this.awardParts.get(key)!;
      if (d === dir && this.quarterHoursOf(product).has(qhId)) lots += awarded;
    }
    return lots;
  }

  /** The quarter-hours of an awarded capacity product (asked at every wake-up for every award). */
  private quarterHoursOf(productId: string): ReadonlySet<string> {
    let qhs = this.qhsOfProduct.get(productId);
    if (!qhs) {
      qhs = new Set(quarterHoursOf(productId));
      this.qhsOfProduct.set(productId, qhs);
    }
    return qhs;
  }

  /**
   * Restarted without these, it would offer its capacity again (a second award on top of the first)
   * and forget the awards it had (each reaches it once): no energy bids for them, penalties.
   */
  saveState(): BalancingBatteryState {
    return {
      capacityBid: [...this.capacityBid],
      awards: Object.fromEntries(this.awards),
      energyBid: [...this.energyBid],
    };
  }

  loadState(state: unknown): void {
    const s = stateObject(this.name, state);
    const capacity = stringList(this.name, s, 'capacityBid');
    const awards = numberRecord(this.name, s, 'awards');
    const energy = stringList(this.name, s, 'energyBid');
    for (const [key] of awards)
      if (!/^[^|]+\|(up|down)$/.test(key))
        throw new LoadStateError(
          this.name,
          'awards',
          `has a key ${JSON.stringify(key)} that is not "<product>|up" or "<product>|down"`,
        );
    this.capacityBid.clear();
    for (const id of capacity) this.capacityBid.add(id);
    this.capacityAllBid = false;
    this.awards.clear();
    this.awardParts.clear();
    this.awardedQuarterHours = undefined;
    for (const [key, lots] of awards) {
      const [product, dir] = key.split('|') as [string, Dir];
      this.addAward(product, dir, lots);
    }
    this.energyBid.clear();
    for (const key of energy) this.energyBid.add(key);
  }

  private addAward(product: string, dir: Dir, lots: number): void {
    const key = `${product}|${dir}`;
    if (!this.awards.has(key)) {
      this.awardParts.set(key, { product, dir });
      this.awardedQuarterHours = undefined;
    }
    this.awards.set(key, (this.awards.get(key) ?? 0) + lots);
  }

  decide(wake: WakeUp): Action[] {
    const b = this.battery;
    if (!b) return [];
    this.forgetDelivered(wake.timeMs);
    for (const a of wake.capacityAwards)
      this.addAward(
        a.productId,
        a.direction === BalancingDirection.BALANCING_DIRECTION_DOWN ? 'down' : 'up',
        a.quantityLots,
      );
    const prices = forecastMap(wake);
    return [...this.capacityBids(wake), ...this.energyBids(wake, prices), ...this.rebalance(wake, b, prices)];
  }

  /**
   * At a day's first wake-up, drops what concerns products delivered before the day began: their
   * awards, energy bids sent and capacity products whose gates passed. Nothing asks about them
   * again (obligations are asked for quarter-hours still ahead, energy bids are sent before their
   * gates, capacity bids before theirs), so every decision stays the same; kept, these grew by
   * every block and quarter-hour of the run, and energyBids and obligationLots walked them all at
   * every wake-up. The saved state leaves them out too, which a restart reads the same way.
   */
  private forgetDelivered(nowMs: number): void {
    const dayStartMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
    if (dayStartMs <= this.forgottenBeforeMs) return;
    this.forgottenBeforeMs = dayStartMs;
    const delivered = (productId: string) => {
      const end = parseProductId(productId)?.deliveryEndMs;
      return end !== undefined && end <= dayStartMs;
    };
    for (const [key, { product }] of this.awardParts)
      if (delivered(product)) {
        this.awards.delete(key);
        this.awardParts.delete(key);
        this.qhsOfProduct.delete(product);
        this.awardedQuarterHours = undefined;
      }
    for (const key of this.energyBid)
      if (delivered(key.slice(0, key.indexOf('|')))) this.energyBid.delete(key);
    // A capacity product whose gate (less the margin) passed is never bid again: capacityBids skips it.
    const passed = (id: string) => nowMs >= this.capacityGateMs(id) - this.params.gateMarginMs;
    if (this.capacityProducts.some(passed))
      this.capacityProducts = this.capacityProducts.filter((id) => !passed(id));
    for (const id of this.capacityBid)
      if (delivered(id)) {
        this.capacityBid.delete(id);
        this.capacityAllBid = false;
      }
  }

  private capacityBids(wake: WakeUp): Action[] {
    const lots = this.capacityLots();
    if (lots <= 0 || this.capacityAllBid) return [];
    const price = eurToTicks(this.params.capacityPriceEur);
    const out: Action[] = [];
    for (const id of this.capacityProducts) {
      if (this.capacityBid.has(id) || wake.timeMs >= this.capacityGateMs(id) - this.params.gateMarginMs)
        continue;
      this.capacityBid.add(id);
      out.push(capacityBid(id, 'up', lots, price), capacityBid(id, 'down', lots, price));
    }
    this.capacityAllBid = true;
    return out;
  }

  private energyBids(wake: WakeUp, prices: ReadonlyMap<string, number>): Action[] {
    if (this.awards.size === 0) return [];
    // Bid early enough that a wake-up always falls inside the window before the gate.
    const lead = Math.max(
      this.params.energyBidLeadMs,
      2 * this.decisionIntervalMs + this.params.gateMarginMs,
    );
    // The mean forecast, for a quarter-hour without one: computed only when one is missing.
    let fallback: number | undefined;
    const meanForecast = () => {
      const known = [...prices.values()];
      return known.length ? Math.round(known.reduce((a, x) => a + x, 0) / known.length) : 0;
    };
    const markup = eurToTicks(this.params.energyMarkupEur);
    const out: Action[] = [];
    const { ids, starts, ascending } = this.sortedAwardedQuarterHours();
    for (let q = 0; q < ids.length; q++) {
      const qh = ids[q]!;
      const gate = starts[q]! - this.energyLeadMs;
      if (gate > wake.timeMs + lead) {
        // Ascending by delivery (quarter-hour ids sort so): every later gate is beyond it too.
        if (ascending) break;
        continue;
      }
      if (gate <= wake.timeMs + this.params.gateMarginMs) continue;
      let ref = prices.get(qh);
      if (ref === undefined) {
        fallback ??= meanForecast();
        ref = fallback;
      }
      for (const dir of ['up', 'down'] as const) {
        const key = `${qh}|${dir}`;
        // Bid already: most quarter-hours in the window were bid at an earlier wake-up, and the
        // obligation walks every award.
        if (this.energyBid.has(key)) continue;
        const lots = this.obligationLots(qh, dir);
        if (lots <= 0) continue;
        this.energyBid.add(key);
        out.push(
          energyBid(qh, dir, lots, clampTicks(dir === 'up' ? ref + markup : ref - markup, this.limits)),
        );
      }
    }
    return out;
  }

  /** The awarded quarter-hours sorted by id, with their delivery starts (and whether those ascend). */
  private sortedAwardedQuarterHours(): AwardedQuarterHours {
    if (!this.awardedQuarterHours) {
      const qhs = new Set<string>();
      for (const { product } of this.awardParts.values())
        for (const id of this.quarterHoursOf(product)) qhs.add(id);
      const ids = [...qhs].sort();
      const starts = ids.map((id) => deliveryStartOf(id));
      this.awardedQuarterHours = {
        ids,
        starts,
        ascending: starts.every((x, i) => i === 0 || x > starts[i - 1]!),
      };
    }
    return this.awardedQuarterHours;
  }

  private rebalance(wake: WakeUp, b: BatterySpec, prices: ReadonlyMap<string, number>): Action[] {
    const target = tradableQuarterHours(this.products, wake.timeMs, this.params.gateMarginMs).find((p) =>
      prices.has(p.productId),
    );
    if (!target) return [];
    const soc = projectSoc(
      assetState(wake, this.assetId)?.socMwh ?? b.socInitialMwh,
      b,
      wake,
      target.deliveryStartMs,
    );
    const mid = (b.socMinMwh + b.socMaxMwh) / 2;
    const band = this.params.socBandShare * (b.socMaxMwh - b.socMinMwh);
    if (Math.abs(soc - mid) <= band) return [];
    const reserved = Math.max(
      this.obligationLots(target.productId, 'up'),
      this.obligationLots(target.productId, 'down'),
    );
    const free = Math.floor(b.powerMw * 10 + 1e-9) - reserved;
    if (free <= 0) return [];
    // Grid energy that brings the SoC back to the middle, in lots over one quarter-hour.
    const gridMwh = soc < mid ? (mid - soc) / b.etaCharge : -(soc - mid) * b.etaDischarge;
    const want = Math.trunc((gridMwh * 1000) / KWH_PER_LOT_QH);
    const lots =
      Math.sign(want) * Math.min(free, Math.abs(want)) - scheduleLots(wake.positions, target.productId);
    return iocAround(
      target.productId,
      lots,
      prices.get(target.productId)!,
      eurToTicks(this.params.rebalanceSlippageEur),
      this.limits,
      'rebalance',
    );
  }
}
