// Trading a battery toward a target schedule in the continuous market, shared by the zoo's
// schedule-following strategies: for the next `periods` tradable quarter-hours, send one IOC order
// for the difference between the target lots and the position held, limited at a reference price
// ± slippage (the reference: the caller's price for the quarter-hour, else the book's touch on the
// side it hits). Each order is cut so that the SoC projected through the positions already held
// stays within the battery's bounds: a target that the fills so far made infeasible is followed
// as far as it still can be, never into clipping (an order that trades against the target's
// direction for that reason carries the client ref "<clientRef>-soc").

import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import type { Action, WakeUp } from '../../gen/flexarena/v1/session.js';
import { submit } from '../sdk/actions.js';
import { MarketView } from '../sdk/market-view.js';
import { KWH_PER_LOT_QH, projectSoc, socDeltaMwh } from './strategy-utils.js';

export interface ExecutionInput {
  wake: WakeUp;
  view: MarketView;
  battery: BatterySpec;
  socMwh: number;
  /** Target net lots of a quarter-hour; undefined: leave it alone. */
  target: (qhId: string) => number | undefined;
  periods: number;
  gateMarginMs: number;
  /** Limit reference for a quarter-hour, ticks; undefined: the book's touch. */
  reference?: (qhId: string) => number | undefined;
  slippageTicks: number;
  /** Per quarter-hour slippage, ticks, instead of slippageTicks. */
  slippageOf?: (qhId: string) => number | undefined;
  minTradeLots?: number;
  clientRef: string;
}

/** Lots (> 0 charge) that keep the SoC within bounds from `soc` over one quarter-hour. */
export function feasibleLots(lots: number, soc: number, b: BatterySpec): number {
  const powerLots = Math.floor(b.powerMw * 10 + 1e-9);
  const lotMwh = KWH_PER_LOT_QH / 1000;
  const maxCharge = Math.max(
    0,
    Math.min(powerLots, Math.floor((b.socMaxMwh - soc) / (b.etaCharge * lotMwh) + 1e-9)),
  );
  const maxDischarge = Math.max(
    0,
    Math.min(powerLots, Math.floor(((soc - b.socMinMwh) * b.etaDischarge) / lotMwh + 1e-9)),
  );
  return Math.max(-maxDischarge, Math.min(maxCharge, lots)) || 0; // no -0
}

export function tradeTowardSchedule(i: ExecutionInput): Action[] {
  const b = i.battery;
  const products = i.view
    .tradableQuarterHours(i.wake.timeMs, i.gateMarginMs)
    .filter((p) => p.deliveryStartMs > i.wake.timeMs)
    .slice(0, i.periods);
  if (products.length === 0) return [];
  const books = MarketView.books(i.wake);
  let soc = projectSoc(i.socMwh, b, i.wake, products[0]!.deliveryStartMs);
  const out: Action[] = [];
  for (const p of products) {
    const held = MarketView.heldLots(i.wake, p.productId);
    const want = i.target(p.productId);
    let next = held;
    if (want !== undefined) {
      const goal = feasibleLots(want, soc, b);
      const diff = goal - held;
      const book = books.get(p.productId);
      const side = diff > 0 ? 'buy' : 'sell';
      const touch = side === 'buy' ? book?.asks[0]?.priceTicks : book?.bids[0]?.priceTicks;
      const ref = i.reference?.(p.productId) ?? touch;
      if (Math.abs(diff) >= (i.minTradeLots ?? 1) && ref !== undefined) {
        const slip = i.slippageOf?.(p.productId) ?? i.slippageTicks;
        const limit = i.view.clampPrice(side === 'buy' ? ref + slip : ref - slip);
        out.push(
          submit({
            productId: p.productId,
            side,
            priceTicks: limit,
            quantityLots: Math.abs(diff),
            tif: 'IOC',
            // Marked when the SoC, not the target, made it trade against the target's direction.
            clientRef: Math.sign(diff) !== Math.sign(want - held) ? `${i.clientRef}-soc` : i.clientRef,
          }),
        );
        next = goal;
      }
    }
    // Project on the planned fill; the next wake-up sees what was really filled.
    soc = Math.min(b.socMaxMwh, Math.max(b.socMinMwh, soc + socDeltaMwh(next, b)));
  }
  return out;
}
