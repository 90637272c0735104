// Hand-made protocol messages for strategy unit tests: every required field filled with a
// neutral default, so a test states only what matters to it.

import type { AssetSpec, AssetState, BatterySpec } from '../../gen/flexarena/v1/asset.js';
import { AuctionKind, type AuctionSpec } from '../../gen/flexarena/v1/auction.js';
import {
  type BookDepth,
  ExecutionRestriction,
  type Fill,
  type Order,
  type Position,
  ProductKind,
  type ProductSpec,
  Side,
  TimeInForce,
} from '../../gen/flexarena/v1/market.js';
import {
  type Action,
  RunMode,
  type SubmitOrder,
  type WakeUp,
  type Welcome,
} from '../../gen/flexarena/v1/session.js';
import { quarterHourId } from '../../lib/index.js';
import { DAY_MS, HOUR_MS, QH_MS } from './strategy-utils.js';

/** 2026-11-22 00:00 UTC: the delivery day of the fixtures. */
export const DAY = Date.UTC(2026, 10, 22);
export const DAY_TOKEN = '20261122';

export function makeWakeUp(partial: Partial<WakeUp> = {}): WakeUp {
  return {
    fundamentalsForecasts: [],
    acks: [],
    reportSeq: 1,
    wakeId: 1,
    timeMs: DAY + 9 * HOUR_MS,
    fills: [],
    openOrders: [],
    positions: [],
    assets: [],
    priceForecasts: [],
    books: [],
    cashUnits: 0,
    auctionAwards: [],
    auctionResults: [],
    capacityAwards: [],
    activations: [],
    balancingResults: [],
    settlements: [],
    auctionBlockOutcomes: [],
    publicView: 0,
    baseWakeId: 0,
    privateView: 0,
    closedOrderIds: [],
    closedProductIds: [],
    expiredForecastProductIds: [],
    ...partial,
  };
}

/** Quarter-hour products of the days starting at `firstDayMs`; CID opens D-1 16:00, gate 5 min before. */
export function quarterHourProductSpecs(firstDayMs = DAY, days = 1): ProductSpec[] {
  return Array.from({ length: 96 * days }, (_, i) => {
    const start = firstDayMs + i * QH_MS;
    const day = firstDayMs + Math.floor(i / 96) * DAY_MS;
    return {
      productId: quarterHourId(start),
      kind: ProductKind.PRODUCT_KIND_QUARTER_HOUR,
      deliveryStartMs: start,
      deliveryEndMs: start + QH_MS,
      tradingOpenMs: day - 8 * HOUR_MS,
      gateClosureMs: start - 5 * 60_000,
    };
  });
}

/** The day-ahead auction of the day starting at `dayMs`, gate D-1 12:00. */
export function dayAheadAuction(dayMs = DAY): AuctionSpec {
  return {
    auctionId: `da-${quarterHourId(dayMs).slice(3, 11)}`,
    kind: AuctionKind.AUCTION_KIND_DAY_AHEAD,
    gateClosureMs: dayMs - 12 * HOUR_MS,
    firstPeriod: 0,
    lastPeriod: 95,
    priceMinTicks: -50_000,
    priceMaxTicks: 400_000,
    periodProductIds: Array.from({ length: 96 }, (_, k) => quarterHourId(dayMs + k * QH_MS)),
  };
}

export function makeWelcome(partial: Partial<Welcome> = {}): Welcome {
  return {
    world: { windCapacityMw: 60_000, solarCapacityMw: 80_000 },
    runId: 'run',
    agentId: 'agent',
    market: {
      priceMinTicks: -999_900,
      priceMaxTicks: 999_900,
      priceTickEurPerMwh: 0.01,
      quantityLotMw: 0.1,
      cashUnitsPerEur: 100_000,
      maxQuantityLots: 10_000,
      maxIdBytes: 64,
      maxClientRefBytes: 64,
      maxCurvePoints: 200,
      products: quarterHourProductSpecs(),
    },
    assets: [],
    decisionIntervalMs: QH_MS,
    deadlineMs: 5_000,
    simStartMs: DAY - 16 * HOUR_MS,
    simEndMs: DAY + DAY_MS,
    resumed: false,
    auctions: [],
    capacityProductIds: [],
    capacityGateClosureMs: 0,
    energyGateClosureLeadMs: 25 * 60_000,
    runMode: RunMode.RUN_MODE_LOCKSTEP,
    ...partial,
  };
}

/** 10 MW / 20 MWh, eta 0.95, SoC in [1, 19] MWh, starting at 10. */
export const BATTERY: BatterySpec = {
  powerMw: 10,
  energyMwh: 20,
  etaCharge: 0.95,
  etaDischarge: 0.95,
  socMinMwh: 1,
  socMaxMwh: 19,
  socInitialMwh: 10,
};

export function batteryAsset(spec: BatterySpec = BATTERY, assetId = 'agent.battery'): AssetSpec {
  return { assetId, kind: { $case: 'battery', value: spec } };
}

export function assetState(partial: Partial<AssetState> = {}): AssetState {
  return {
    assetId: 'agent.battery',
    socMwh: 10,
    clippedPeriods: 0,
    shortfallMwh: 0,
    householdSocMwh: [],
    ...partial,
  };
}

export function position(productId: string, netLots: number): Position {
  return {
    productId,
    netLots,
    boughtLots: Math.max(0, netLots),
    soldLots: Math.max(0, -netLots),
    cashUnits: 0,
  };
}

/** Forecasts for consecutive quarter-hours from `firstStartMs`. */
export function forecasts(firstStartMs: number, prices: number[]): WakeUp['priceForecasts'] {
  return prices.map((priceTicks, i) => ({ productId: quarterHourId(firstStartMs + i * QH_MS), priceTicks }));
}

export function book(
  productId: string,
  bids: [number, number][] = [],
  asks: [number, number][] = [],
  lastTrade?: number,
): BookDepth {
  return {
    productId,
    bids: bids.map(([priceTicks, quantityLots]) => ({ priceTicks, quantityLots, orderCount: 1 })),
    asks: asks.map(([priceTicks, quantityLots]) => ({ priceTicks, quantityLots, orderCount: 1 })),
    hasLastTrade: lastTrade !== undefined,
    lastTradePriceTicks: lastTrade ?? 0,
  };
}

export function fill(
  productId: string,
  side: Side,
  priceTicks: number,
  quantityLots: number,
  timeMs = DAY,
): Fill {
  return { tradeId: 1, orderId: 1, productId, side, priceTicks, quantityLots, timeMs, aggressor: true };
}

export function order(productId: string, side: Side, priceTicks: number, remainingLots: number): Order {
  return {
    orderId: 1,
    productId,
    side,
    priceTicks,
    remainingLots,
    originalLots: remainingLots,
    timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
    clientRef: '',
    entryTimeMs: DAY,
    restriction: ExecutionRestriction.EXECUTION_RESTRICTION_NONE,
    peakLots: 0,
    hiddenLots: 0,
  };
}

/** The CID submits of a batch, with their client refs. */
export function submitsOf(actions: Action[]): (SubmitOrder & { clientRef: string })[] {
  return actions.flatMap((a) =>
    a.kind?.$case === 'submit' ? [{ ...a.kind.value, clientRef: a.clientRef }] : [],
  );
}

/** Signed lots of a submit: buys +, sells −. */
export function signedLots(s: SubmitOrder): number {
  return s.side === Side.SIDE_BUY ? s.quantityLots : -s.quantityLots;
}
