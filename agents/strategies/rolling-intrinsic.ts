// Rolling intrinsic on the continuous book (mathematical programming; the strongest published CID
// battery baseline, Schaurecker et al. 2025): at every wake-up whose books differ from the last
// ones it optimised against, re-optimise the battery schedule against the current bid and ask
// levels of all open quarter-hours — nothing but prices it can trade now, no forecasts — and trade
// only the difference between that schedule and its positions. Each trade locks in value: a
// later re-optimisation only trades again when the books moved enough to pay for reversing part
// of the position (buying back below where it sold, or selling above where it bought).
//
// The LP is battery-book-lp.ts with the visible levels of each open quarter-hour as segments
// (every level's size and price, so walking the book is priced in); quarter-hours that are closed,
// delivered or without a book keep their positions. The SoC at the end of the horizon (the last
// quarter-hour quoted or held) must be at least the SoC the agent started the run with, so the
// intrinsic value is not bought by emptying the battery.

import * as z from 'zod';
import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { type LpSolver, loadHighs, quarterHourId } from '../../lib/index.js';
import { MarketView } from '../sdk/market-view.js';
import type { Strategy } from '../sdk/strategy.js';
import {
  type BookLpPeriod,
  bookSegments,
  socSafeTradeLots,
  solveBookLp,
  sweepOrderLots,
} from './battery-book-lp.js';
import { type BatterySeat, batterySeat, seatSoc } from './battery-seat.js';
import { parseParams } from './params.js';
import { optionalNumber, stateObject } from './strategy-state.js';
import { checkSocParam, clampSoc, QH_MS, quarterHourLimits } from './strategy-utils.js';

const paramsSchema = z
  .object({
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** Differences smaller than this are not traded (lots). */
    minTradeLots: z.number().int().min(1).max(10_000).default(1),
    /** End-of-horizon SoC floor, MWh; default the SoC at the first wake-up. */
    endSocMwh: z.number().min(0).optional(),
    degradationEurPerMwh: z.number().min(0).max(10_000).optional(),
  })
  .strict();

export type RollingIntrinsicParams = z.infer<typeof paramsSchema>;

export class RollingIntrinsic implements Strategy {
  readonly name = 'rolling-intrinsic';
  readonly params: RollingIntrinsicParams;
  private seat?: BatterySeat;
  private solver?: LpSolver;
  private firstSoc?: number;
  private lastBooks = '';
  /** How many times it re-optimised (the books had changed) and how many wake-ups it skipped. */
  reoptimisations = 0;
  unchanged = 0;

  constructor(params: Record<string, unknown> = {}, solver?: LpSolver) {
    this.params = parseParams('rolling-intrinsic', paramsSchema, params);
    this.solver = solver;
  }

  onWelcome(welcome: Welcome): void {
    const seat = batterySeat(welcome, this.name);
    checkSocParam(this.name, 'endSocMwh', this.params.endSocMwh, seat.battery);
    this.seat = seat;
  }

  /** Restarted without it, its end-of-horizon target (the SoC it started the run with) would become the SoC at the restart. */
  saveState(): { firstSoc: number | null } {
    return { firstSoc: this.firstSoc ?? null };
  }

  loadState(state: unknown): void {
    this.firstSoc = optionalNumber(this.name, stateObject(this.name, state), 'firstSoc');
  }

  async decide(wake: WakeUp): Promise<Action[]> {
    if (!this.seat) return [];
    const { battery: b, view } = this.seat;
    const soc = seatSoc(this.seat, wake);
    this.firstSoc ??= soc;
    const open = view
      .tradableQuarterHours(wake.timeMs, this.params.gateMarginMs)
      .filter((p) => p.deliveryStartMs > wake.timeMs);
    const books = MarketView.books(wake);
    const quoted = open.filter((p) => {
      const bk = books.get(p.productId);
      return bk !== undefined && (bk.bids.length > 0 || bk.asks.length > 0);
    });
    // Re-optimise on a book change only (positions change only through trades, which change books).
    const signature = bookSignature(
      quoted.map((p) => books.get(p.productId)!),
      wake.positions,
    );
    if (signature === this.lastBooks) {
      this.unchanged++;
      return [];
    }
    this.lastBooks = signature;
    if (quoted.length === 0) return [];
    this.solver ??= await loadHighs();
    this.reoptimisations++;
    return this.trade(
      wake,
      b,
      soc,
      quoted.map((p) => p.productId),
      books,
    );
  }

  private trade(
    wake: WakeUp,
    b: BatterySpec,
    soc: number,
    quoted: string[],
    books: ReturnType<typeof MarketView.books>,
  ): Action[] {
    const first = Math.floor(wake.timeMs / QH_MS) * QH_MS;
    let last = MarketView.deliveryStart(quoted[quoted.length - 1]!)!;
    for (const p of wake.positions) {
      const s = MarketView.deliveryStart(p.productId);
      if (s !== undefined && p.netLots !== 0 && s > last)
        last = s + (p.productId.startsWith('h-') ? 3 * QH_MS : 0);
    }
    const isQuoted = new Set(quoted);
    const ids: string[] = [];
    const periods: BookLpPeriod[] = [];
    for (let s = first; s <= last; s += QH_MS) {
      const id = quarterHourId(s);
      ids.push(id);
      const heldMw = MarketView.heldLots(wake, id) / 10;
      periods.push(
        isQuoted.has(id)
          ? { heldMw, buy: bookSegments(books.get(id), 'buy'), sell: bookSegments(books.get(id), 'sell') }
          : { heldMw, buy: [], sell: [] },
      );
    }
    const end = clampSoc(this.params.endSocMwh ?? this.firstSoc ?? soc, b);
    const plan = solveBookLp(this.solver!, {
      periods,
      ...quarterHourLimits(b),
      soc0Mwh: clampSoc(soc, b),
      endSocMinMwh: end,
      degradationEurPerMwh: this.params.degradationEurPerMwh ?? b.degradationEurPerMwh ?? 0,
    });
    // The plan's trades in whole lots, cut back where their rounding would take the SoC out of bounds.
    const trades = socSafeTradeLots(
      quarterHourLimits(b),
      clampSoc(soc, b),
      ids.map((id) => MarketView.heldLots(wake, id)),
      ids.map((id, t) =>
        isQuoted.has(id)
          ? 10 * (plan.boughtMw[t]!.reduce((a, v) => a + v, 0) - plan.soldMw[t]!.reduce((a, v) => a + v, 0))
          : undefined,
      ),
    );
    const out: Action[] = [];
    ids.forEach((id, t) => {
      if (!isQuoted.has(id)) return;
      const order = sweepOrderLots(books.get(id), id, trades[t]!, this.params.minTradeLots, 'ri');
      if (order) out.push(order);
    });
    return out;
  }
}

/** The books' levels and the positions as text: equal texts, nothing new to optimise. */
export function bookSignature(books: WakeUp['books'], positions: WakeUp['positions']): string {
  const parts: string[] = [];
  for (const b of books) {
    parts.push(b.productId);
    for (const l of b.bids) parts.push(`b${l.priceTicks}:${l.quantityLots}`);
    for (const l of b.asks) parts.push(`a${l.priceTicks}:${l.quantityLots}`);
  }
  for (const p of positions) parts.push(`p${p.productId}:${p.netLots}`);
  return parts.join(' ');
}
