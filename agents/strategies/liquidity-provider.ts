// Background liquidity: a ladder of resting orders around the price forecast with a finite
// depth (MW per EUR/MWh), so that a large order walks the ladder and moves the price by about
// size / depth. Levels that were hit are replenished at the next wake-up; when the forecast
// moves, levels that no longer belong to the ladder are cancelled and re-quoted.

import { z } from 'zod';
import { Side } from '../../gen/flexarena/v1/market.js';
import type { Action, WakeUp } from '../../gen/flexarena/v1/session.js';
import { deliveryStartOf, hourIdOf } from '../../lib/index.js';
import { eurToTicks } from '../../market/index.js';
import { cancel, submit } from '../sdk/actions.js';
import type { Strategy } from '../sdk/strategy.js';
import { eurPerMwh, parseParams } from './params.js';

const paramsSchema = z
  .object({
    depthMwPerEur: z.number().positive().max(1000).default(1),
    halfSpreadEur: eurPerMwh(0, 500).default(0.5),
    levelStepEur: z.number().positive().max(500).default(1),
    levels: z.number().int().min(1).max(100).default(10),
    /** Only products delivering within this many hours are quoted (liquidity gathers near delivery). */
    horizonHours: z.number().positive().max(48).default(8),
    /** Closer to delivery than this the half-spread narrows to half its size. */
    narrowingHours: z.number().positive().max(48).default(2),
    /** Keep the ladder where it is until the forecast moved at least this much (EUR/MWh). */
    requoteThresholdEur: eurPerMwh(0, 500).default(1),
  })
  .strict();

export type LiquidityParams = z.infer<typeof paramsSchema>;

interface Level {
  side: Side;
  priceTicks: number;
  lots: number;
}

export class LiquidityProvider implements Strategy {
  readonly name = 'liquidity';
  readonly params: LiquidityParams;
  /** The mid each product's ladder is anchored at, so small forecast moves do not churn the book. */
  private readonly anchor = new Map<string, number>();
  /** The ladder's level step (ticks) and lots per level: fixed by the parameters. */
  private readonly step: number;
  private readonly lots: number;
  /** Resting lots per level while a product is re-quoted: buys at [0, levels), sells at [levels, 2·levels). */
  private readonly have: Float64Array;

  constructor(params: Record<string, unknown> = {}) {
    this.params = parseParams('liquidity', paramsSchema, params);
    const p = this.params;
    this.step = eurToTicks(p.levelStepEur);
    this.lots = Math.max(1, Math.round(p.depthMwPerEur * p.levelStepEur * 10));
    this.have = new Float64Array(2 * p.levels);
  }

  /** The ladder the provider wants resting for a product with forecast `midTicks`. */
  ladder(midTicks: number, leadMs: number): Level[] {
    const { step, lots } = this;
    const half = this.halfSpread(leadMs);
    const out: Level[] = [];
    for (let k = 0; k < this.params.levels; k++) {
      out.push({ side: Side.SIDE_BUY, priceTicks: levelPrice(Side.SIDE_BUY, k, midTicks, half, step), lots });
      out.push({
        side: Side.SIDE_SELL,
        priceTicks: levelPrice(Side.SIDE_SELL, k, midTicks, half, step),
        lots,
      });
    }
    return out;
  }

  decide(wake: WakeUp): Action[] {
    const open = new Set(wake.books.map((b) => b.productId));
    const actions: Action[] = [];
    const ordersByProduct = new Map<string, WakeUp['openOrders']>();
    for (const o of wake.openOrders) {
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

  private mid(productId: string, forecastTicks: number): number {
    const prev = this.anchor.get(productId);
    if (prev !== undefined && Math.abs(forecastTicks - prev) < this.params.requoteThresholdEur * 100)
      return prev;
    this.anchor.set(productId, forecastTicks);
    return forecastTicks;
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
    const { step, lots, have } = this;
    const half = this.halfSpread(leadMs);
    have.fill(0);
    for (const o of resting) {
      const level = ladderLevel(o.side, o.priceTicks, midTicks, half, step, levels);
      if (level < 0) actions.push(cancel(o.orderId));
      else have[level] = have[level]! + o.remainingLots;
    }
    for (let k = 0; k < levels; k++) {
      const buy = levelPrice(Side.SIDE_BUY, k, midTicks, half, step);
      const sell = levelPrice(Side.SIDE_SELL, k, midTicks, half, step);
      submitMissing(actions, productId, 'buy', buy, lots - have[k]!);
      submitMissing(actions, productId, 'sell', sell, lots - have[levels + k]!);
    }
  }

  /** The ladder's half-spread (ticks), narrower close to delivery. */
  private halfSpread(leadMs: number): number {
    const p = this.params;
    const narrowing = leadMs < p.narrowingHours * 3_600_000 ? 0.5 : 1;
    return Math.round(p.halfSpreadEur * 100 * narrowing);
  }
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
function levelPrice(side: Side, k: number, midTicks: number, half: number, step: number): number {
  return side === Side.SIDE_BUY ? midTicks - half - k * step : midTicks + half + k * step;
}

/**
 * The ladder level of a resting order at `priceTicks` (buys 0..levels−1 outward from the mid, sells
 * levels..2·levels−1), or −1 when its price is not one of the ladder's.
 */
function ladderLevel(
  side: Side,
  priceTicks: number,
  midTicks: number,
  half: number,
  step: number,
  levels: number,
): number {
  let distance: number;
  if (side === Side.SIDE_BUY) distance = midTicks - half - priceTicks;
  else if (side === Side.SIDE_SELL) distance = priceTicks - midTicks - half;
  else return -1;
  if (distance < 0 || distance % step !== 0) return -1;
  const k = distance / step;
  if (k >= levels) return -1;
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
