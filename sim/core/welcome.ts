// What an agent learns when its session opens: the market specification (limits, units, every
// product with its trading window) and its own part of the run (assets, auctions, balancing
// products, timing). Built from the run's configuration and venues, the same for every driver.
import { type MarketSpec, ProductKind } from '../../gen/flexarena/v1/market.js';
import { RunMode, type Welcome } from '../../gen/flexarena/v1/session.js';
import { CASH_UNITS_PER_EUR, PRICE_TICK_EUR_PER_MWH, QUANTITY_LOT_MW } from '../../market/index.js';
import type { RunConfig } from '../config/run-config.js';
import type { AuctionVenue } from '../venues/auction-venue.js';
import type { BalancingVenue } from '../venues/balancing-venue.js';
import type { CidLimits } from '../venues/cid-venue.js';
import type { ProductCatalog } from '../world/products.js';
import type { RunContext } from './run-context.js';

/** The door's limits (DoorLimits) that the SDKs check when they build an action: strings and curves. */
export interface BuildLimits {
  maxIdLength: number;
  maxClientRefLength: number;
  maxCurvePoints: number;
}

export function marketSpec(products: ProductCatalog, limits: CidLimits, text: BuildLimits): MarketSpec {
  return {
    priceMinTicks: limits.priceMinTicks,
    priceMaxTicks: limits.priceMaxTicks,
    priceTickEurPerMwh: PRICE_TICK_EUR_PER_MWH,
    quantityLotMw: QUANTITY_LOT_MW,
    cashUnitsPerEur: CASH_UNITS_PER_EUR,
    maxQuantityLots: limits.maxQuantityLots,
    products: products.all.map((p) => ({
      productId: p.id,
      kind: p.kind === 'QH' ? ProductKind.PRODUCT_KIND_QUARTER_HOUR : ProductKind.PRODUCT_KIND_HOUR,
      deliveryStartMs: p.deliveryStartMs,
      deliveryEndMs: p.deliveryEndMs,
      tradingOpenMs: p.openMs,
      gateClosureMs: p.gateClosureMs,
    })),
    maxIdBytes: text.maxIdLength,
    maxClientRefBytes: text.maxClientRefLength,
    maxCurvePoints: text.maxCurvePoints,
  };
}

export interface WelcomeParts {
  ctx: RunContext;
  market: MarketSpec;
  simStartMs: number;
  simEndMs: number;
  auctions: AuctionVenue | undefined;
  balancing: BalancingVenue | undefined;
}

export function welcomeFor(agentId: string, p: WelcomeParts): Omit<Welcome, 'resumed'> {
  const cfg: RunConfig = p.ctx.cfg;
  const asset = p.ctx.assets.get(agentId);
  return {
    runId: p.ctx.runId,
    agentId,
    market: p.market,
    assets: asset ? [asset.spec()] : [],
    decisionIntervalMs: cfg.decisionIntervalMinutes * 60_000,
    deadlineMs: cfg.deadlineMs,
    simStartMs: p.simStartMs,
    simEndMs: p.simEndMs,
    auctions: p.auctions?.specs() ?? [],
    capacityProductIds: p.balancing?.capacityProductIds() ?? [],
    capacityGateClosureMs: p.balancing?.capacityGateMs(0) ?? 0,
    energyGateClosureLeadMs: cfg.market.balancing.energyGateMinutes * 60_000,
    world: {
      windCapacityMw: cfg.world.calibration.wind.capacityMw,
      solarCapacityMw: cfg.world.calibration.solar.capacityMw,
    },
    // What becomes of a late answer depends on it: the SDKs drop one that lock-step would refuse.
    runMode: cfg.mode === 'realtime' ? RunMode.RUN_MODE_REALTIME : RunMode.RUN_MODE_LOCKSTEP,
  };
}
