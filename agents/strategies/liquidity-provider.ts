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

  constructor(params: Record<string, unknown> = {}) {
    this.params = parseParams('liquidity', paramsSchema, params);
  }

  /** The ladder the provider wants resting for a product with forecast `midTicks`. */
  ladder(midTicks: number, leadMs: number): Level[] {
    const p = this.params;
    // Stepwise, not continuous, so the ladder does not move at every wake-up.
    const narrowing = leadMs < p.narrowingHours * 3_600_000 ? 0.5 : 1;
    const half = Math.round(p.halfSpreadEur * 100 * narrowing);
    const step = eurToTicks(p.levelStepEur);
    const lots = Math.max(1, Math.round(p.depthMwPerEur * p.levelStepEur * 10));
    const out: Level[] = [];
    for (let k = 0; k < p.levels; k++) {
      out.push({ side: Side.SIDE_BUY, priceTicks: midTicks - half - k * step, lots });
      out.push({ side: Side.SIDE_SELL, priceTicks: midTicks + half + k * step, lots });
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
      actions.push(
        ...this.requote(
          f.productId,
          this.ladder(this.mid(f.productId, f.priceTicks), lead),
          ordersByProduct.get(f.productId) ?? [],
        ),
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

  private requote(productId: string, wanted: Level[], resting: WakeUp['openOrders']): Action[] {
    const actions: Action[] = [];
    // The wanted levels as a set, looked up once per resting order: the liquidity provider rests
    // hundreds of orders, and comparing each with every wanted level (building a text key per
    // comparison) was the largest allocation of a pace run.
    const wantedKeys = new Set(wanted.map((w) => levelKey(w.side, w.priceTicks)));
    const restingLots = new Map<number, number>();
    for (const o of resting) {
      const k = levelKey(o.side, o.priceTicks);
      if (!wantedKeys.has(k)) actions.push(cancel(o.orderId));
      else restingLots.set(k, (restingLots.get(k) ?? 0) + o.remainingLots);
    }
    for (const w of wanted) {
      const missing = w.lots - (restingLots.get(levelKey(w.side, w.priceTicks)) ?? 0);
      if (missing > 0)
        actions.push(
          submit({
            productId,
            side: w.side === Side.SIDE_BUY ? 'buy' : 'sell',
            priceTicks: w.priceTicks,
            quantityLots: missing,
          }),
        );
    }
    return actions;
  }
}

/**
 * One number per (side, price): sides are the small enum values 0..2 and prices integer ticks far
 * inside the safe-integer range, so `price * 4 + side` is exact and never collides.
 */
function levelKey(side: Side, priceTicks: number): number {
  return priceTicks * 4 + side;
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
