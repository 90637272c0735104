// What a strategy needs to know about the market it plays in, built once from the Welcome:
// products and their trading windows, price and quantity limits, auctions, the balancing
// products and gates, the agent's assets, and product-id parsing. Strategies ask it instead of
// walking the Welcome again. A few helpers read a wake-up through the same view (forecasts by
// product, books, the net position scheduled for a quarter-hour, an asset's state).
import type { AssetSpec } from '../../gen/flexarena/v1/asset.js';
import { AuctionKind, type AuctionSpec } from '../../gen/flexarena/v1/auction.js';
import { type BookDepth, ProductKind, type ProductSpec } from '../../gen/flexarena/v1/market.js';
import type { WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import {
  DAY_MS,
  dayTokenOf,
  dayTokenStartMs,
  firstAbove,
  firstAtLeast,
  hourIdOf,
  type ParsedProductId,
  parseProductId,
  periodOfDay,
  quarterHoursOf,
} from '../../lib/index.js';
import { AgentSdkError } from './errors.js';

export type AssetKindName = NonNullable<AssetSpec['kind']>['$case'];
type AssetKindUnion = NonNullable<AssetSpec['kind']>;
/** Spec type of each asset kind ('battery' → BatterySpec, …). */
/** The `asset.type` a run configuration writes for each kind (the wire's oneof case is camelCase). */
const CONFIG_ASSET_TYPE: Record<AssetKindName, string> = {
  battery: 'battery',
  prosumer: 'prosumer',
  residentialPool: 'residential-pool',
  evFleet: 'ev-fleet',
};

export type AssetSpecOf<K extends AssetKindName> = Extract<AssetKindUnion, { $case: K }>['value'];

export interface MarketLimits {
  priceMinTicks: number;
  priceMaxTicks: number;
  maxQuantityLots: number;
  cashUnitsPerEur: number;
}

/** Protocol defaults where a Welcome leaves a field at zero. */
const DEFAULT_LIMITS: MarketLimits = {
  priceMinTicks: -999_900,
  priceMaxTicks: 999_900,
  maxQuantityLots: 100_000,
  cashUnitsPerEur: 100_000,
};

export type AuctionKindName = 'day-ahead' | 'intraday';

/** Raised when a strategy asks for something the Welcome does not have (a missing asset kind). */
export class MarketViewError extends AgentSdkError {}

/**
 * A strategy seated without the asset it plays: a configuration error, which the arena finds before
 * a run starts (agents/strategies/strategy-check.ts) by welcoming the strategy as the run would.
 */
export class AssetRequiredError extends MarketViewError {
  constructor(
    readonly strategy: string,
    /** The asset's `type` as a run configuration writes it (battery, ev-fleet, …). */
    readonly assetType: string,
    /** How the message names it: "an asset of type <assetType>" unless said otherwise. */
    what = `an asset of type ${assetType}`,
  ) {
    super(`${strategy} needs ${what} in its run configuration`);
  }
}

/** The `asset.type` a run configuration writes for an asset kind of the wire. */
export function configAssetType(kind: AssetKindName): string {
  return CONFIG_ASSET_TYPE[kind];
}

export class MarketView {
  readonly agentId: string;
  readonly runId: string;
  readonly limits: MarketLimits;
  readonly decisionIntervalMs: number;
  readonly simStartMs: number;
  readonly simEndMs: number;
  /** Quarter-hour products by delivery start. */
  readonly quarterHours: readonly ProductSpec[];
  /** Hourly products by delivery start. */
  readonly hours: readonly ProductSpec[];
  readonly auctions: readonly AuctionSpec[];
  readonly assets: readonly AssetSpec[];
  /** aFRR capacity products ("afrr-YYYYMMDD-K"). */
  readonly capacityProductIds: readonly string[];
  /** Balancing energy bids for a quarter-hour close this long before its delivery start. */
  readonly energyGateLeadMs: number;
  private readonly products = new Map<string, ProductSpec>();
  /**
   * Indexes over the sorted lists, so that the questions a strategy asks at every wake-up walk only
   * the stretch that can answer them, not every product and auction of the run (a run of months
   * has thousands of quarter-hours): the quarter-hours' delivery starts; the latest gate closure
   * among quarterHours[0..i] and the earliest opening among quarterHours[i..]; the auctions' gates.
   */
  private readonly qhStarts: number[];
  private readonly qhGateMax: number[];
  private readonly qhOpenMin: number[];
  private readonly auctionGates: number[];
  private readonly auctionsByKind: Record<AuctionKindName, { auctions: AuctionSpec[]; gates: number[] }>;
  private readonly capacityIds: ReadonlySet<string>;
  private readonly firstCapacityGateMs: number;
  private readonly firstCapacityDayMs: number;

  private constructor(w: Welcome) {
    this.agentId = w.agentId;
    this.runId = w.runId;
    const m = w.market;
    const ok = m !== undefined && m.priceMinTicks < m.priceMaxTicks;
    this.limits = {
      priceMinTicks: ok ? m.priceMinTicks : DEFAULT_LIMITS.priceMinTicks,
      priceMaxTicks: ok ? m.priceMaxTicks : DEFAULT_LIMITS.priceMaxTicks,
      maxQuantityLots: m && m.maxQuantityLots > 0 ? m.maxQuantityLots : DEFAULT_LIMITS.maxQuantityLots,
      cashUnitsPerEur: m && m.cashUnitsPerEur > 0 ? m.cashUnitsPerEur : DEFAULT_LIMITS.cashUnitsPerEur,
    };
    this.decisionIntervalMs = w.decisionIntervalMs;
    this.simStartMs = w.simStartMs;
    this.simEndMs = w.simEndMs;
    const byStart = (a: ProductSpec, b: ProductSpec) => a.deliveryStartMs - b.deliveryStartMs;
    const qh: ProductSpec[] = [];
    const h: ProductSpec[] = [];
    for (const p of m?.products ?? []) {
      this.products.set(p.productId, p);
      const kind = productKind(p);
      if (kind === 'QH') qh.push(p);
      else if (kind === 'H') h.push(p);
    }
    this.quarterHours = qh.sort(byStart);
    this.hours = h.sort(byStart);
    this.auctions = [...w.auctions].sort((a, b) => a.gateClosureMs - b.gateClosureMs);
    this.assets = [...w.assets];
    this.capacityProductIds = [...w.capacityProductIds];
    this.qhStarts = this.quarterHours.map((p) => p.deliveryStartMs);
    this.qhGateMax = [];
    for (const p of this.quarterHours)
      this.qhGateMax.push(Math.max(p.gateClosureMs, this.qhGateMax.at(-1) ?? Number.NEGATIVE_INFINITY));
    this.qhOpenMin = new Array(this.quarterHours.length);
    for (let i = this.quarterHours.length - 1; i >= 0; i--)
      this.qhOpenMin[i] = Math.min(
        this.quarterHours[i]!.tradingOpenMs,
        this.qhOpenMin[i + 1] ?? Number.POSITIVE_INFINITY,
      );
    this.auctionGates = this.auctions.map((a) => a.gateClosureMs);
    const ofKind = (k: AuctionKind) => {
      const auctions = this.auctions.filter((a) => a.kind === k);
      return { auctions, gates: auctions.map((a) => a.gateClosureMs) };
    };
    this.auctionsByKind = {
      'day-ahead': ofKind(AuctionKind.AUCTION_KIND_DAY_AHEAD),
      intraday: ofKind(AuctionKind.AUCTION_KIND_INTRADAY),
    };
    this.capacityIds = new Set(this.capacityProductIds);
    this.energyGateLeadMs = w.energyGateClosureLeadMs;
    this.firstCapacityGateMs = w.capacityGateClosureMs;
    const days = w.capacityProductIds.map(dayTokenOf).filter((t): t is string => t !== undefined);
    this.firstCapacityDayMs = days.length ? Math.min(...days.map(dayTokenStartMs)) : 0;
  }

  static fromWelcome(welcome: Welcome): MarketView {
    return new MarketView(welcome);
  }

  // ---- products ----

  product(id: string): ProductSpec | undefined {
    return this.products.get(id);
  }

  /** Open for trading at `nowMs`, with its gate later than `nowMs + marginMs`. */
  isTradable(id: string, nowMs: number, marginMs = 0): boolean {
    const p = this.products.get(id);
    return p !== undefined && p.tradingOpenMs <= nowMs && p.gateClosureMs > nowMs + marginMs;
  }

  /** Quarter-hours tradable at `nowMs` (gate later than now + margin), by delivery start. */
  tradableQuarterHours(nowMs: number, marginMs = 0): ProductSpec[] {
    // Before `from` every gate closed by now + margin, from `to` on none opened yet; inside, the
    // same test as over the whole list, so the answer is the same whatever the products' times.
    const from = firstAbove(this.qhGateMax, nowMs + marginMs);
    const to = firstAbove(this.qhOpenMin, nowMs);
    const out: ProductSpec[] = [];
    for (let i = from; i < to; i++) {
      const p = this.quarterHours[i]!;
      if (p.tradingOpenMs <= nowMs && p.gateClosureMs > nowMs + marginMs) out.push(p);
    }
    return out;
  }

  /** Quarter-hours delivering in [fromMs, toMs), by delivery start. */
  quarterHoursBetween(fromMs: number, toMs: number): ProductSpec[] {
    // The list is sorted by delivery start: the answer is one stretch of it (none for NaN bounds).
    if (!(fromMs < toMs)) return [];
    return this.quarterHours.slice(firstAtLeast(this.qhStarts, fromMs), firstAtLeast(this.qhStarts, toMs));
  }

  /** Start of the first delivery day and end of the last (UTC), from the quarter-hour products. */
  deliveryWindow(): { startMs: number; endMs: number } | undefined {
    const first = this.quarterHours[0];
    const last = this.quarterHours[this.quarterHours.length - 1];
    return first && last ? { startMs: first.deliveryStartMs, endMs: last.deliveryEndMs } : undefined;
  }

  // ---- product ids ----

  static parse(id: string): ParsedProductId | undefined {
    return parseProductId(id);
  }

  /** Delivery start of a product id, undefined when it is not one. */
  static deliveryStart(id: string): number | undefined {
    return parseProductId(id)?.deliveryStartMs;
  }

  /** Quarter-hour of the UTC day (0..95) of a quarter-hour id. */
  static periodOfDay(id: string): number | undefined {
    return periodOfDay(id);
  }

  /** "YYYYMMDD" of a product id. */
  static dayOf(id: string): string | undefined {
    return dayTokenOf(id);
  }

  /** The hourly product of a quarter-hour. */
  static hourOf(qhId: string): string | undefined {
    return hourIdOf(qhId);
  }

  /** The quarter-hours a product delivers in (itself, the 4 of an hour, the 16 of a capacity block). */
  static quarterHoursOf(id: string): string[] {
    return quarterHoursOf(id);
  }

  // ---- prices ----

  /** `ticks` if within the market's price limits; otherwise the nearest limit. */
  clampPrice(ticks: number): number {
    return Math.min(this.limits.priceMaxTicks, Math.max(this.limits.priceMinTicks, Math.round(ticks)));
  }

  // ---- auctions ----

  auctionsOf(kind: AuctionKindName): AuctionSpec[] {
    return [...this.ofKind(kind).auctions];
  }

  /** The auctions of a kind, sorted by gate ('day-ahead', anything else intraday). */
  private ofKind(kind: AuctionKindName): { auctions: AuctionSpec[]; gates: number[] } {
    return this.auctionsByKind[kind === 'day-ahead' ? 'day-ahead' : 'intraday'];
  }

  /** Auctions whose gate is later than `nowMs + marginMs`. */
  openAuctions(nowMs: number, marginMs = 0, kind?: AuctionKindName): AuctionSpec[] {
    // Sorted by gate: the open ones are the list's tail.
    const { auctions, gates } = kind
      ? this.ofKind(kind)
      : { auctions: this.auctions, gates: this.auctionGates };
    return auctions.slice(firstAbove(gates, nowMs + marginMs));
  }

  /** The auction period (0..95 of the day) of a quarter-hour in `auction`, undefined if not covered. */
  static auctionPeriod(auction: AuctionSpec, qhId: string): number | undefined {
    const i = auction.periodProductIds.indexOf(qhId);
    return i < 0 ? undefined : auction.firstPeriod + i;
  }

  // ---- balancing ----

  /** Gate closure of an aFRR capacity product: the Welcome's for the first day, a day later per day. */
  capacityGateMs(productId: string): number | undefined {
    const token = dayTokenOf(productId);
    if (token === undefined || !this.capacityIds.has(productId)) return undefined;
    const days = Math.round((dayTokenStartMs(token) - this.firstCapacityDayMs) / DAY_MS);
    return this.firstCapacityGateMs + days * DAY_MS;
  }

  /** Gate closure of balancing energy bids for a quarter-hour. */
  energyGateMs(qhId: string): number | undefined {
    const p = this.products.get(qhId) ?? undefined;
    const start = p?.deliveryStartMs ?? parseProductId(qhId)?.deliveryStartMs;
    return start === undefined ? undefined : start - this.energyGateLeadMs;
  }

  // ---- assets ----

  /** The first asset of a kind, or undefined. */
  asset<K extends AssetKindName>(kind: K): { assetId: string; spec: AssetSpecOf<K> } | undefined {
    for (const a of this.assets)
      if (a.kind?.$case === kind) return { assetId: a.assetId, spec: a.kind.value as AssetSpecOf<K> };
    return undefined;
  }

  /** The first asset of a kind; a MarketViewError naming the strategy when there is none. */
  requireAsset<K extends AssetKindName>(
    kind: K,
    strategy: string,
  ): { assetId: string; spec: AssetSpecOf<K> } {
    const a = this.asset(kind);
    if (!a) throw new AssetRequiredError(strategy, CONFIG_ASSET_TYPE[kind]);
    return a;
  }

  // ---- reading a wake-up ----

  /** Price forecasts of a wake-up by product id, ticks. */
  static forecasts(wake: WakeUp): Map<string, number> {
    return new Map(wake.priceForecasts.map((f) => [f.productId, f.priceTicks]));
  }

  /** Books of a wake-up by product id. */
  static books(wake: WakeUp): Map<string, BookDepth> {
    return new Map(wake.books.map((b) => [b.productId, b]));
  }

  /** Net lots held for a quarter-hour: its own position plus its hourly product's. */
  static heldLots(wake: WakeUp, qhId: string): number {
    const hour = hourIdOf(qhId);
    let lots = 0;
    for (const p of wake.positions) if (p.productId === qhId || p.productId === hour) lots += p.netLots;
    return lots;
  }

  /** The wake-up's state of `assetId` (or its only asset state). */
  static assetState(wake: WakeUp, assetId: string | undefined): WakeUp['assets'][number] | undefined {
    return (
      wake.assets.find((a) => a.assetId === assetId) ??
      (wake.assets.length === 1 ? wake.assets[0] : undefined)
    );
  }
}

function productKind(p: ProductSpec): 'QH' | 'H' | undefined {
  if (p.kind === ProductKind.PRODUCT_KIND_QUARTER_HOUR) return 'QH';
  if (p.kind === ProductKind.PRODUCT_KIND_HOUR) return 'H';
  const parsed = parseProductId(p.productId)?.kind;
  return parsed === 'QH' || parsed === 'H' ? parsed : undefined;
}
