// Small helpers shared by the strategies: product ids and times, schedules from positions,
// tradable quarter-hours, IOC orders around a forecast, battery SoC projection, a seeded PRNG.
// Everything here reads only what the protocol gives an agent.

import type { AssetSpec, BatterySpec } from '../../gen/flexarena/v1/asset.js';
import { ProductKind, type ProductSpec, Side } from '../../gen/flexarena/v1/market.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import {
  type BatteryLimits,
  deliveryStartOf,
  firstAbove,
  hourIdOf,
  parseProductId,
  quarterHourId,
} from '../../lib/index.js';
import { submit } from '../sdk/actions.js';
import { ParamError } from '../sdk/errors.js';
import { AssetRequiredError, configAssetType } from '../sdk/market-view.js';

export const QH_MS = 15 * 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** One lot (0.1 MW) over a quarter-hour. */
export const KWH_PER_LOT_QH = 25;
export const QH_HOURS = 0.25;
/** Protocol default when the welcome does not say (0.00001 EUR per cash unit). */
export const DEFAULT_CASH_UNITS_PER_EUR = 100_000;

/** Net lots scheduled for a quarter-hour: its own position plus its hourly product's position. */
export function scheduleLots(positions: WakeUp['positions'], qhId: string): number {
  const hour = hourIdOf(qhId);
  let lots = 0;
  for (const p of positions) if (p.productId === qhId || p.productId === hour) lots += p.netLots;
  return lots;
}

/**
 * scheduleLots for many quarter-hours of one wake-up, the positions indexed once: a strategy that
 * looks at every quarter-hour of a two-day horizon scanned hundreds of positions for each.
 */
export function scheduleLotsOf(positions: WakeUp['positions']): (qhId: string) => number {
  const net = new Map<string, number>();
  for (const p of positions) net.set(p.productId, (net.get(p.productId) ?? 0) + p.netLots);
  return (qhId) => {
    const hour = hourIdOf(qhId);
    return (net.get(qhId) ?? 0) + (hour === undefined ? 0 : (net.get(hour) ?? 0));
  };
}

/**
 * The wake-up's price forecasts by product id, handed out again (read-only) for the same list:
 * in-process strategies all get the core's one list at a decision point, so the map is built once
 * per decision point rather than once per agent.
 */
export function forecastMap(wake: WakeUp): ReadonlyMap<string, number> {
  const list = wake.priceForecasts;
  const last = lastForecasts;
  if (list === last.list || (last.frozen && sameEntries(list, last.entries))) return last.map;
  const map = new Map<string, number>();
  let frozen = true;
  for (const f of list) {
    map.set(f.productId, f.priceTicks);
    frozen &&= Object.isFrozen(f);
  }
  // A list of the same frozen entries as the last one has the same content: over gRPC the SDK
  // rebuilds a fresh list at every wake-up, reusing the frozen entries that did not change. (It
  // hits only while no quarter-hour has expired and no forecast changed; otherwise the copy and
  // the frozen checks are the price of looking.)
  // Spread, not slice: a frozen list (in-process) is sliced on a slow path by V8.
  lastForecasts = { list, entries: [...list], frozen, map };
  return map;
}
let lastForecasts: {
  list: WakeUp['priceForecasts'] | undefined;
  entries: WakeUp['priceForecasts'];
  frozen: boolean;
  map: ReadonlyMap<string, number>;
} = { list: undefined, entries: [], frozen: false, map: new Map() };

/** The same entries (by identity) in the same order. */
function sameEntries<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A product map that counts its changes, so the order cached for it (byDeliveryStart) is checked
 * by one comparison instead of a walk over every product of the run at every wake-up.
 */
class ProductMap extends Map<string, ProductSpec> {
  version = 0;
  override set(id: string, p: ProductSpec): this {
    this.version++;
    return super.set(id, p);
  }
  override delete(id: string): boolean {
    this.version++;
    return super.delete(id);
  }
  override clear(): void {
    this.version++;
    super.clear();
  }
}

/** The welcome's quarter-hour products by id. */
export function quarterHourProducts(welcome: Welcome): Map<string, ProductSpec> {
  const out = new ProductMap();
  for (const p of welcome.market?.products ?? [])
    if (p.kind === ProductKind.PRODUCT_KIND_QUARTER_HOUR || parseProductId(p.productId)?.kind === 'QH')
      out.set(p.productId, p);
  return out;
}

/** Quarter-hours open for trading now whose gate closes after now + margin, by delivery start. */
export function tradableQuarterHours(
  products: Map<string, ProductSpec>,
  nowMs: number,
  marginMs: number,
): ProductSpec[] {
  const { sorted, gateMax, openMin } = byDeliveryStart(products);
  // Only the stretch that can qualify is walked (a run of months has thousands of quarter-hours,
  // a few hundred tradable): before `from` every gate closed by now + margin (gateMax is the
  // running maximum), from `to` on none opened yet (openMin is the minimum of the rest). Inside it
  // the same test as over the whole list, so the result is the same in any order of times.
  const from = firstAbove(gateMax, nowMs + marginMs);
  const to = firstAbove(openMin, nowMs);
  const out: ProductSpec[] = [];
  for (let i = from; i < to; i++) {
    const p = sorted[i]!;
    if (p.tradingOpenMs <= nowMs && p.gateClosureMs > nowMs + marginMs) out.push(p);
  }
  return out;
}

interface SortedProducts {
  values: ProductSpec[];
  version: number | undefined;
  sorted: ProductSpec[];
  /** gateMax[i]: the latest gate closure among sorted[0..i]. */
  gateMax: number[];
  /** openMin[i]: the earliest trading opening among sorted[i..]. */
  openMin: number[];
}

/**
 * The products by delivery start (a stable sort: equal starts keep the map's order), sorted once
 * per content of the map: strategies ask at every wake-up, and the map is their welcome's. The
 * cached order is used only while the map holds the same products in the same order: for a map
 * of quarterHourProducts, while it has not changed since (its change count); for another map,
 * checked in one pass without allocation. A changed map is sorted again.
 */
function byDeliveryStart(products: Map<string, ProductSpec>): SortedProducts {
  const known = sortedProducts.get(products);
  const version = products instanceof ProductMap ? products.version : undefined;
  if (known && (version !== undefined ? known.version === version : sameValues(products, known.values)))
    return known;
  const values = [...products.values()];
  const sorted = values.slice().sort((a, b) => a.deliveryStartMs - b.deliveryStartMs);
  const gateMax: number[] = [];
  const openMin: number[] = new Array(sorted.length);
  for (let i = 0; i < sorted.length; i++)
    gateMax.push(Math.max(sorted[i]!.gateClosureMs, i > 0 ? gateMax[i - 1]! : Number.NEGATIVE_INFINITY));
  for (let i = sorted.length - 1; i >= 0; i--)
    openMin[i] = Math.min(
      sorted[i]!.tradingOpenMs,
      i + 1 < sorted.length ? openMin[i + 1]! : Number.POSITIVE_INFINITY,
    );
  const entry = { values, version, sorted, gateMax, openMin };
  sortedProducts.set(products, entry);
  return entry;
}
const sortedProducts = new WeakMap<Map<string, ProductSpec>, SortedProducts>();

function sameValues(products: Map<string, ProductSpec>, values: readonly ProductSpec[]): boolean {
  if (products.size !== values.length) return false;
  let i = 0;
  for (const v of products.values()) if (v !== values[i++]) return false;
  return true;
}

export interface PriceLimits {
  minTicks: number;
  maxTicks: number;
}

export function priceLimits(welcome: Welcome | undefined): PriceLimits {
  const m = welcome?.market;
  return {
    minTicks: m && m.priceMinTicks < m.priceMaxTicks ? m.priceMinTicks : -999_900,
    maxTicks: m && m.priceMinTicks < m.priceMaxTicks ? m.priceMaxTicks : 999_900,
  };
}

export function clampTicks(ticks: number, lim: PriceLimits): number {
  return Math.min(lim.maxTicks, Math.max(lim.minTicks, Math.round(ticks)));
}

/**
 * An IOC limit order for `lots` (> 0 buy, < 0 sell; 0 gives none) on `productId`, accepting at
 * most `slipTicks` against `refTicks`: buys up to ref + slip, sells down to ref − slip.
 */
export function iocAround(
  productId: string,
  lots: number,
  refTicks: number,
  slipTicks: number,
  lim: PriceLimits,
  clientRef = '',
): Action[] {
  if (lots === 0) return [];
  const buy = lots > 0;
  return [
    submit({
      productId,
      side: buy ? 'buy' : 'sell',
      priceTicks: clampTicks(buy ? refTicks + slipTicks : refTicks - slipTicks, lim),
      quantityLots: Math.abs(lots),
      tif: 'IOC',
      clientRef,
    }),
  ];
}

/** MW → whole lots, rounded toward zero (a small tolerance absorbs float noise). */
export function lotsTowardZero(mw: number): number {
  const x = mw * 10;
  return x >= 0 ? Math.floor(x + 1e-6) : -Math.floor(-x + 1e-6);
}

/** Stored energy change of a battery for `lots` scheduled over one quarter-hour. */
export function socDeltaMwh(lots: number, b: Pick<BatterySpec, 'etaCharge' | 'etaDischarge'>): number {
  const gridMwh = (lots * KWH_PER_LOT_QH) / 1000;
  return gridMwh >= 0 ? gridMwh * b.etaCharge : gridMwh / b.etaDischarge;
}

/** The battery as the scheduling LPs model it, over quarter-hour periods. */
export function quarterHourLimits(
  b: Pick<BatterySpec, 'powerMw' | 'etaCharge' | 'etaDischarge' | 'socMinMwh' | 'socMaxMwh'>,
): BatteryLimits {
  return {
    hours: QH_HOURS,
    powerMw: b.powerMw,
    etaCharge: b.etaCharge,
    etaDischarge: b.etaDischarge,
    socMinMwh: b.socMinMwh,
    socMaxMwh: b.socMaxMwh,
  };
}

/**
 * A SoC given as a parameter (`params.<field>`, MWh) must lie within the battery's SoC range: it is
 * refused with a ParamError once the battery is known (at the welcome), never clamped into it.
 */
export function checkSocParam(
  strategy: string,
  field: string,
  socMwh: number | undefined,
  b: Pick<BatterySpec, 'socMinMwh' | 'socMaxMwh'>,
): void {
  if (socMwh === undefined || (socMwh >= b.socMinMwh && socMwh <= b.socMaxMwh)) return;
  throw new ParamError(
    strategy,
    field,
    `${socMwh} MWh is outside the battery's SoC range [${b.socMinMwh}, ${b.socMaxMwh}] MWh`,
  );
}

/** A SoC (or SoC target) computed by a strategy, clipped to the battery's range. */
export function clampSoc(socMwh: number, b: Pick<BatterySpec, 'socMinMwh' | 'socMaxMwh'>): number {
  return Math.min(b.socMaxMwh, Math.max(b.socMinMwh, socMwh));
}

/**
 * SoC at `untilMs` if every position scheduled for quarter-hours starting before it and not yet
 * delivered (including the one in delivery now) is delivered; clipped to the SoC bounds.
 */
export function projectSoc(socMwh: number, b: BatterySpec, wake: WakeUp, untilMs: number): number {
  const ids = new Set<string>();
  for (const p of wake.positions) {
    const start = safeStart(p.productId);
    if (start === undefined || start >= untilMs || start + HOUR_MS <= wake.timeMs) continue;
    if (p.productId.startsWith('h-')) for (let k = 0; k < 4; k++) ids.add(quarterHourId(start + k * QH_MS));
    else ids.add(p.productId);
  }
  const qhs = [...ids]
    .map((id) => ({ id, start: deliveryStartOf(id) }))
    .filter((q) => q.start < untilMs && q.start + QH_MS > wake.timeMs)
    .sort((x, y) => x.start - y.start);
  let soc = socMwh;
  const lotsOf = scheduleLotsOf(wake.positions);
  for (const q of qhs) {
    soc += socDeltaMwh(lotsOf(q.id), b);
    soc = Math.min(b.socMaxMwh, Math.max(b.socMinMwh, soc));
  }
  return soc;
}

/** Delivery start of a qh/h product id, undefined for anything else. */
export function safeStart(productId: string): number | undefined {
  try {
    return deliveryStartOf(productId);
  } catch {
    return undefined;
  }
}

/** Cash in EUR of a fill on a quarter-hour product: sales +, purchases −. */
export function fillCashEur(f: {
  side: Side;
  priceTicks: number;
  quantityLots: number;
  productId: string;
}): number {
  const hours = f.productId.startsWith('h-') ? 1 : QH_HOURS;
  const eur = (f.priceTicks / 100) * (f.quantityLots / 10) * hours;
  return f.side === Side.SIDE_SELL ? eur : -eur;
}

/**
 * Mulberry32: a tiny seeded PRNG, uniform in [0, 1). Deterministic for a seed. Its whole state is
 * one 32-bit number (`state()`): mulberry32(r.state()) continues where `r` is.
 */
export function mulberry32(seed: number): (() => number) & { state(): number } {
  let a = seed >>> 0;
  return Object.assign(
    () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    },
    { state: () => a },
  );
}

type AssetKind = NonNullable<AssetSpec['kind']>;
/** Spec type of each asset kind ('battery' → BatterySpec, …). */
export type AssetSpecOf<K extends AssetKind['$case']> = Extract<AssetKind, { $case: K }>['value'];

/** The first asset of a kind in the welcome, or undefined. */
export function findAsset<K extends AssetKind['$case']>(
  welcome: Welcome,
  kind: K,
): { assetId: string; spec: AssetSpecOf<K> } | undefined {
  for (const a of welcome.assets) {
    if (a.kind?.$case === kind) return { assetId: a.assetId, spec: a.kind.value as AssetSpecOf<K> };
  }
  return undefined;
}

/**
 * The first asset of a kind in the welcome; a strategy cannot play without it, so its absence
 * is an AssetRequiredError "<strategy> needs <what> asset in its run configuration".
 */
export function requireAsset<K extends AssetKind['$case']>(
  welcome: Welcome,
  kind: K,
  strategy: string,
  what: string,
): { assetId: string; spec: AssetSpecOf<K> } {
  const asset = findAsset(welcome, kind);
  if (!asset) throw new AssetRequiredError(strategy, configAssetType(kind), `${what} asset`);
  return asset;
}

/** The wake-up's state of `assetId` (or its only asset state). */
export function assetState(wake: WakeUp, assetId: string | undefined): WakeUp['assets'][number] | undefined {
  return (
    wake.assets.find((a) => a.assetId === assetId) ?? (wake.assets.length === 1 ? wake.assets[0] : undefined)
  );
}
