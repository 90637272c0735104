// Background liquidity: a ladder of resting orders around the price forecast with a finite
// depth (MW per EUR/MWh), so that a large order walks the ladder and moves the price by about
// size / depth. Levels that were hit are replenished at the next wake-up; when the forecast
// moves, levels that no longer belong to the ladder are cancelled and re-quoted.
//
// The ladder stands on a fixed price grid (its mid a multiple of the level step) and only its
// best level on each side moves in as delivery nears, so a re-quote touches only the levels that
// changed: a mid one step up cancels the farthest bid and the best ask and adds one order on each
// side (4 actions, where a ladder anchored at the exact forecast re-quoted all 2 · levels orders
// twice over), and narrowing moves two orders, not the whole ladder.

import * as z from 'zod';
import { Side } from '../../gen/flexarena/v1/market.js';
import type { Action, WakeUp } from '../../gen/flexarena/v1/session.js';
import { deliveryStartOf, hourIdOf, parseProductId } from '../../lib/index.js';
import { eurToTicks, isOnLotGrid, mwToLots, QUANTITY_LOT_MW } from '../../market/index.js';
import { cancel, submit } from '../sdk/actions.js';
import type { PublicViewPart, Strategy } from '../sdk/strategy.js';
import { eurPerMwh, parseParams } from './params.js';
import { numberRecord, stateObject } from './strategy-state.js';

const paramsSchema = z
  .object({
    depthMwPerEur: z.number().positive().max(1000).default(1),
    // At least a tick: with 0 the best bid and the best ask both rested at the mid, crossing itself.
    halfSpreadEur: eurPerMwh(0.01, 500).default(0.5),
    // A price step: on the tick grid like the others (0.005 was a RangeError with a stack).
    levelStepEur: eurPerMwh(0.01, 500).default(1),
    levels: z.number().int().min(1).max(100).default(10),
    /** Only products delivering within this many hours are quoted (liquidity gathers near delivery). */
    horizonHours: z.number().positive().max(48).default(8),
    /** Closer to delivery than this the half-spread narrows to half its size. */
    narrowingHours: z.number().positive().max(48).default(2),
    /** Keep the ladder where it is until the forecast moved at least this much (EUR/MWh). */
    requoteThresholdEur: eurPerMwh(0, 500).default(1),
  })
  .strict()
  .superRefine((p, ctx) => {
    const message = levelQuantityIssue(p.depthMwPerEur, p.levelStepEur);
    if (message) ctx.addIssue({ code: 'custom', path: ['depthMwPerEur'], message });
  });

/**
 * Each level of the ladder rests depth × step MW, an order quantity: it must be whole lots, at
 * least one. Off the grid it was rounded to the nearest lot (0.35 MW per EUR quoted 0.4 MW a
 * level) and below one lot raised to one, so the book was deeper than configured without a word.
 */
function levelQuantityIssue(depthMwPerEur: number, levelStepEur: number): string | undefined {
  const mw = depthMwPerEur * levelStepEur;
  if (isOnLotGrid(mw) && mwToLots(mw) >= 1) return undefined;
  // Shown without the float noise of the product (0.07 × 3 is 0.21000000000000002).
  const shown = Number(mw.toPrecision(12));
  return (
    `depthMwPerEur × levelStepEur is each level's quantity (${depthMwPerEur} × ${levelStepEur} = ${shown} MW): ` +
    `it must be a multiple of ${QUANTITY_LOT_MW} MW (one quantity lot), at least one lot`
  );
}

export type LiquidityParams = z.infer<typeof paramsSchema>;

interface Level {
  side: Side;
  priceTicks: number;
  lots: number;
}

export class LiquidityProvider implements Strategy {
  readonly name = 'liquidity';
  readonly ignoresPublicViewParts: readonly PublicViewPart[] = ['fundamentalsForecasts'];
  readonly params: LiquidityParams;
  /** The mid each product's ladder is anchored at, so small forecast moves do not churn the book. */
  private readonly anchor = new Map<string, number>();
  /** Start (UTC 00:00) of the day whose first wake-up last dropped the anchors of delivered products. */
  private forgottenBeforeMs = Number.NEGATIVE_INFINITY;
  /** The ladder's level step (ticks) and lots per level: fixed by the parameters. */
  private readonly step: number;
  private readonly lots: number;
  /** requoteThresholdEur in ticks. */
  private readonly threshold: number;
  /** Resting lots per level while a product is re-quoted: buys at [0, levels), sells at [levels, 2·levels). */
  private readonly have: Float64Array;
  /**
   * The ladder's shape around its mid: the best level half a spread away — half that close to
   * delivery — and the rest one step apart beyond the full half-spread.
   */
  private readonly wideGrid: LadderGrid;
  private readonly narrowGrid: LadderGrid;

  constructor(params: Record<string, unknown> = {}) {
    this.params = parseParams('liquidity', paramsSchema, params);
    const p = this.params;
    this.step = eurToTicks(p.levelStepEur);
    this.lots = mwToLots(p.depthMwPerEur * p.levelStepEur); // whole lots: levelQuantityIssue
    this.threshold = eurToTicks(p.requoteThresholdEur);
    this.have = new Float64Array(2 * p.levels);
    const half = eurToTicks(p.halfSpreadEur);
    this.wideGrid = { best: half, half, step: this.step };
    // Half of a whole number of ticks, to the nearer tick as a price must be (an odd half-spread
    // of 0.05 EUR narrows to 0.03).
    this.narrowGrid = { best: Math.round(half / 2), half, step: this.step };
  }

  /** The ladder the provider wants resting for a product whose ladder mid is `midTicks`. */
  ladder(midTicks: number, leadMs: number): Level[] {
    const { lots } = this;
    const grid = this.grid(leadMs);
    const out: Level[] = [];
    for (let k = 0; k < this.params.levels; k++) {
      out.push({ side: Side.SIDE_BUY, priceTicks: levelPrice(Side.SIDE_BUY, k, midTicks, grid), lots });
      out.push({ side: Side.SIDE_SELL, priceTicks: levelPrice(Side.SIDE_SELL, k, midTicks, grid), lots });
    }
    return out;
  }

  /** Restarted without its anchors, it would re-centre every ladder on the forecast of the moment. */
  saveState(): { anchor: Record<string, number> } {
    return { anchor: Object.fromEntries(this.anchor) };
  }

  loadState(state: unknown): void {
    const anchors = numberRecord(this.name, stateObject(this.name, state), 'anchor');
    this.anchor.clear();
    for (const [id, mid] of anchors) this.anchor.set(id, mid);
  }

  decide(wake: WakeUp): Action[] {
    this.forgetDelivered(wake.timeMs);
    const open = new Set(wake.books.map((b) => b.productId));
    const actions: Action[] = [];
    const ordersByProduct = new Map<string, WakeUp['openOrders']>();
    // Indexed: ~1 200 resting orders per wake-up (see cid-venue's openOrders on for-of).
    const resting = wake.openOrders;
    for (let i = 0; i < resting.length; i++) {
      const o = resting[i]!;
      const list = ordersByProduct.get(o.productId) ?? [];
      list.push(o);
      ordersByProduct.set(o.productId, list);
    }
    for (const f of withHourlyForecasts(wake.priceForecasts)) {
      if (!open.has(f.productId)) continue;
      const start = deliveryStartOf(f.productId);
      const lead = start - wake.timeMs;
      if (lead > this.params.horizonHours * 3_600_000) continue;
      this.requote(
        actions,
        f.productId,
        this.mid(f.productId, f.priceTicks),
        lead,
        ordersByProduct.get(f.productId) ?? [],
      );
    }
    return actions;
  }

  /**
   * At a day's first wake-up, the anchors of products delivered before the day began go: only open
   * books are quoted, and a delivered product's book never opens again. Kept, one per product of
   * the run (in the saved state too).
   */
  private forgetDelivered(nowMs: number): void {
    const dayStartMs = Math.floor(nowMs / 86_400_000) * 86_400_000;
    if (dayStartMs <= this.forgottenBeforeMs) return;
    this.forgottenBeforeMs = dayStartMs;
    for (const productId of this.anchor.keys()) {
      const end = parseProductId(productId)?.deliveryEndMs;
      if (end !== undefined && end <= dayStartMs) this.anchor.delete(productId);
    }
  }

  /** The ladder's mid: the forecast on the level grid, kept until the forecast moved the threshold. */
  private mid(productId: string, forecastTicks: number): number {
    const prev = this.anchor.get(productId);
    if (prev !== undefined && Math.abs(forecastTicks - prev) < this.threshold) return prev;
    const onGrid = Math.round(forecastTicks / this.step) * this.step;
    this.anchor.set(productId, onGrid);
    return onGrid;
  }

  /**
   * Appends the cancels and submits that turn `resting` into the ladder around `midTicks`: first a
   * cancel for every resting order off the ladder (in their order), then a submit for every level
   * short of its lots (in ladder order). The ladder is a grid, so whether a price belongs to it and
   * to which level is arithmetic: no ladder, set or map is built per product and wake-up (they were
   * most of this strategy's garbage, ~100 products at every wake-up).
   */
  private requote(
    actions: Action[],
    productId: string,
    midTicks: number,
    leadMs: number,
    resting: WakeUp['openOrders'],
  ): void {
    const { levels } = this.params;
    const { lots, have } = this;
    const grid = this.grid(leadMs);
    have.fill(0);
    for (const o of resting) {
      const level = ladderLevel(o.side, o.priceTicks, midTicks, grid, levels);
      if (level < 0) actions.push(cancel(o.orderId));
      else have[level] = have[level]! + o.remainingLots;
    }
    for (let k = 0; k < levels; k++) {
      const buy = levelPrice(Side.SIDE_BUY, k, midTicks, grid);
      const sell = levelPrice(Side.SIDE_SELL, k, midTicks, grid);
      submitMissing(actions, productId, 'buy', buy, lots - have[k]!);
      submitMissing(actions, productId, 'sell', sell, lots - have[levels + k]!);
    }
  }

  /** Where the ladder's levels stand at this lead time: narrowed inside narrowingHours. */
  private grid(leadMs: number): LadderGrid {
    return leadMs < this.params.narrowingHours * 3_600_000 ? this.narrowGrid : this.wideGrid;
  }
}

/** Distances (ticks) from the ladder's mid: its best level's, the full half-spread, the level step. */
interface LadderGrid {
  best: number;
  half: number;
  step: number;
}

function submitMissing(
  actions: Action[],
  productId: string,
  side: 'buy' | 'sell',
  priceTicks: number,
  missingLots: number,
): void {
  if (missingLots > 0) actions.push(submit({ productId, side, priceTicks, quantityLots: missingLots }));
}

/** The price of ladder level `k` (0: nearest the mid) on `side`; ladderLevel is its inverse. */
function levelPrice(side: Side, k: number, midTicks: number, grid: LadderGrid): number {
  const distance = k === 0 ? grid.best : grid.half + k * grid.step;
  return side === Side.SIDE_BUY ? midTicks - distance : midTicks + distance;
}

/**
 * The ladder level of a resting order at `priceTicks` (buys 0..levels−1 outward from the mid, sells
 * levels..2·levels−1), or −1 when its price is not one of the ladder's.
 */
function ladderLevel(
  side: Side,
  priceTicks: number,
  midTicks: number,
  grid: LadderGrid,
  levels: number,
): number {
  let fromMid: number;
  if (side === Side.SIDE_BUY) fromMid = midTicks - priceTicks;
  else if (side === Side.SIDE_SELL) fromMid = priceTicks - midTicks;
  else return -1;
  let k: number;
  if (fromMid === grid.best) k = 0;
  else {
    const beyondHalf = fromMid - grid.half;
    // Level 0 stands at `best`; at the full half-spread (while narrowed) nothing belongs.
    if (beyondHalf <= 0 || beyondHalf % grid.step !== 0) return -1;
    k = beyondHalf / grid.step;
    if (k >= levels) return -1;
  }
  return side === Side.SIDE_BUY ? k : levels + k;
}

/**
 * Forecasts come per quarter-hour; an hourly product's fair price is the mean of its four
 * quarter-hours (rounded to the tick). Only complete hours get one.
 */
export function withHourlyForecasts(forecasts: WakeUp['priceForecasts']): WakeUp['priceForecasts'] {
  const hours = new Map<string, number[]>();
  for (const f of forecasts) {
    const id = hourIdOf(f.productId);
    if (!id) continue;
    const list = hours.get(id) ?? [];
    list.push(f.priceTicks);
    hours.set(id, list);
  }
  const hourly = [...hours.entries()]
    .filter(([, prices]) => prices.length === 4)
    .map(([productId, prices]) => ({
      productId,
      priceTicks: Math.round(prices.reduce((a, b) => a + b, 0) / 4),
    }));
  return [...forecasts, ...hourly];
}
