// A market maker: it rests a bid and an ask on each of the next tradable quarter-hours and earns
// the spread from those who trade immediately, controlling its inventory the way Avellaneda and
// Stoikov's reservation price does — both quotes move against what it holds:
//
//   reservation r = fair − inventoryAversionEur × q × (1 + hoursToGate)
//   bid = r − halfSpreadEur,  ask = r + halfSpreadEur
//
// fair is the price forecast (or the book's mid where there is none), q the inventory in MW. The
// longer until the gate, the more it leans against inventory (more time for the price to run).
// The side that would take |q| beyond maxInventoryMw is not quoted. A quote never crosses the
// others' best price on the other side (it stays one tick behind it): it waits to be hit and
// never trades immediately itself.
//
// Where the flow comes from decides where to quote. Here the background liquidity rests a ladder
// around the forecast and refills it at every decision point, and the other traders mostly sweep
// it in one direction per quarter-hour. A quote inside the ladder is filled by that one-way flow
// and can only be unwound against the ladder at a loss; a quote behind the first levels
// (halfSpreadEur, default 2 EUR/MWh) is filled only when a sweep walks the book. Unwinding: while
// it holds a position in a quarter-hour, the quote on the side that reduces it is replaced by an
// exit order for the whole position at its break-even (the position's cash over its energy)
// ∓ minProfitEur — resting, so the ladder refilling at the forecast after the sweep fills it at
// that price. What is still held in the last flattenMinutes before the gate is traded away at the
// touch ± flattenSlippageEur, whatever it costs.
// q is the position held in that quarter-hour, plus, with a battery, energySkewShare × the energy
// all open positions add to (or take from) the SoC it started with (in lots over a quarter-hour).
// A maker wants to end each product flat — a round trip earns the spread without moving energy
// through the battery, while a position kept to the gate would make the battery the counterparty
// of every arbitrageur (long where they sell dear, short where they buy cheap). A battery only
// delivers what the book was too thin to take back.
// Without an asset, what is left at the gate is imbalance.
// Quotes are modified in place when their price or size changes (one order per side and product).
// Stale quotes are what a market maker loses on: when a new forecast is issued (every
// forecastIntervalMinutes), everyone re-quotes at once, and a quote still resting at the old
// price is taken by whoever re-quotes first. So at the last wake-up before each issue it pulls
// all its quotes and quotes again at the first wake-up after it.

import * as z from 'zod';
import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import { Side } from '../../gen/flexarena/v1/market.js';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { eurToTicks } from '../../market/index.js';
import { cancel, modify, submit } from '../sdk/actions.js';
import { MarketView } from '../sdk/market-view.js';
import type { Strategy } from '../sdk/strategy.js';
import { eurPerMwh, mwLots, parseParams } from './params.js';
import { optionalNumber, stateObject } from './strategy-state.js';
import { HOUR_MS, KWH_PER_LOT_QH } from './strategy-utils.js';

const paramsSchema = z
  .object({
    halfSpreadEur: eurPerMwh(0.01, 1000).default(2),
    /** The exit order of a position asks its break-even plus this (EUR/MWh). */
    minProfitEur: eurPerMwh(0, 1000).default(0.5),
    /** Size of each quote, MW (default: a quarter of the battery's power, or 1 MW). */
    quoteMw: mwLots(0.1, 10_000).optional(),
    /** Reservation shift per MW held and per (1 + hours to gate), EUR/MWh. */
    // On the tick grid: it was rounded to a tick silently (0.125 shifted quotes as 0.13 did).
    inventoryAversionEur: eurPerMwh(0, 1000).default(0.1),
    /** Inventory limit per quarter-hour, MW (default: one quote's size — fill, unwind, quote again). */
    maxInventoryMw: mwLots(0.1, 10_000).optional(),
    /** Quarter-hours quoted: the next ones delivering within this many hours. */
    horizonHours: z.number().positive().max(48).default(4),
    flattenMinutes: z.number().min(0).max(240).default(35),
    flattenSlippageEur: eurPerMwh(0, 1000).default(20),
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** Forecasts are issued at multiples of this (0: never pull quotes for an issue). */
    forecastIntervalMinutes: z.number().int().min(0).max(1440).default(60),
    /** Weight of the battery's energy inventory in q (see the header). */
    energySkewShare: z.number().min(0).max(10).default(0.2),
  })
  .strict();

export type MarketMakerParams = z.infer<typeof paramsSchema>;

export interface Quote {
  side: 'buy' | 'sell';
  priceTicks: number;
  lots: number;
}

/** The two quotes for inventory q (lots), per the header's reservation price; ticks and lots. */
export function quotesFor(
  fairTicks: number,
  inventoryLots: number,
  hoursToGate: number,
  o: { halfSpreadTicks: number; aversionTicksPerMw: number; quoteLots: number; maxInventoryLots: number },
): Quote[] {
  const shift = Math.round(o.aversionTicksPerMw * (inventoryLots / 10) * (1 + Math.max(0, hoursToGate)));
  const r = fairTicks - shift;
  const out: Quote[] = [];
  const buyLots = Math.min(o.quoteLots, o.maxInventoryLots - inventoryLots);
  const sellLots = Math.min(o.quoteLots, o.maxInventoryLots + inventoryLots);
  if (buyLots > 0) out.push({ side: 'buy', priceTicks: r - o.halfSpreadTicks, lots: buyLots });
  if (sellLots > 0) out.push({ side: 'sell', priceTicks: r + o.halfSpreadTicks, lots: sellLots });
  return out;
}

export class MarketMaker implements Strategy {
  readonly name = 'market-maker';
  readonly params: MarketMakerParams;
  private view?: MarketView;
  private battery?: BatterySpec;
  private assetId?: string;
  private startSoc?: number;

  constructor(params: Record<string, unknown> = {}) {
    this.params = parseParams('market-maker', paramsSchema, params);
  }

  onWelcome(welcome: Welcome): void {
    this.view = MarketView.fromWelcome(welcome);
    const a = this.view.asset('battery');
    this.battery = a?.spec;
    this.assetId = a?.assetId;
  }

  private quoteLots(): number {
    const mw = this.params.quoteMw ?? (this.battery ? this.battery.powerMw / 4 : 1);
    return Math.max(1, Math.floor(mw * 10 + 1e-9));
  }

  private maxInventoryLots(): number {
    return this.params.maxInventoryMw === undefined
      ? this.quoteLots()
      : Math.floor(this.params.maxInventoryMw * 10 + 1e-9);
  }

  /** Restarted without it, its inventory (the SoC against the one it started with) would count from the SoC at the restart. */
  saveState(): { startSoc: number | null } {
    return { startSoc: this.startSoc ?? null };
  }

  loadState(state: unknown): void {
    this.startSoc = optionalNumber(this.name, stateObject(this.name, state), 'startSoc');
  }

  decide(wake: WakeUp): Action[] {
    const view = this.view;
    if (!view) return [];
    const p = this.params;
    const prices = MarketView.forecasts(wake);
    const books = MarketView.books(wake);
    const flattenMs = p.flattenMinutes * 60_000;
    const open = view
      .tradableQuarterHours(wake.timeMs, p.gateMarginMs)
      .filter(
        (q) => q.deliveryStartMs > wake.timeMs && q.deliveryStartMs <= wake.timeMs + p.horizonHours * HOUR_MS,
      );
    const quoting = this.beforeIssue(wake.timeMs, view)
      ? []
      : // A fill must leave at least one more wake-up before the flatten window to unwind it.
        open.filter((q) => q.gateClosureMs - wake.timeMs > flattenMs + view.decisionIntervalMs);
    const energyLots = this.energyInventoryLots(wake);
    const out: Action[] = [];
    const resting = new Map<string, WakeUp['openOrders']>();
    for (const o of wake.openOrders) resting.set(o.productId, [...(resting.get(o.productId) ?? []), o]);
    const quoted = new Set<string>();
    for (const q of quoting) {
      const book = books.get(q.productId);
      const fair = prices.get(q.productId) ?? mid(book);
      if (fair === undefined) continue;
      quoted.add(q.productId);
      const held = MarketView.heldLots(wake, q.productId);
      const inventory = held + Math.round(this.params.energySkewShare * energyLots);
      const quotes: Quote[] = quotesFor(fair, inventory, (q.gateClosureMs - wake.timeMs) / HOUR_MS, {
        halfSpreadTicks: eurToTicks(p.halfSpreadEur),
        aversionTicksPerMw: eurToTicks(p.inventoryAversionEur),
        quoteLots: this.quoteLots(),
        maxInventoryLots: this.maxInventoryLots(),
      })
        .filter((x) => Math.abs(held + (x.side === 'buy' ? x.lots : -x.lots)) <= this.maxInventoryLots())
        .map((x) => passive(x, book, resting.get(q.productId) ?? []));
      const exit = this.exitQuote(wake, q.productId);
      if (exit) {
        const i = quotes.findIndex((x) => x.side === exit.side);
        if (i >= 0) quotes.splice(i, 1);
        quotes.push(notCrossing(exit, quotes));
      }
      out.push(...this.requote(q.productId, quotes, resting.get(q.productId) ?? [], view));
    }
    // Quotes on products no longer quoted (near the gate) are withdrawn; positions there flattened.
    for (const [id, orders] of resting)
      if (!quoted.has(id)) for (const o of orders) out.push(cancel(o.orderId, 'mm-withdraw'));
    const closing = new Set(
      open.filter((q) => q.gateClosureMs - wake.timeMs <= flattenMs).map((q) => q.productId),
    );
    out.push(...this.flatten(wake, view, [...closing]));
    return out;
  }

  /** True when a forecast issue falls before the next wake-up: quotes would rest across it. */
  private beforeIssue(nowMs: number, view: MarketView): boolean {
    const every = this.params.forecastIntervalMinutes * 60_000;
    if (every <= 0) return false;
    const nextIssue = (Math.floor(nowMs / every) + 1) * every;
    return nextIssue <= nowMs + Math.max(view.decisionIntervalMs, 60_000);
  }

  /** Energy the open positions add to the SoC the battery started with, as lots over a quarter-hour. */
  private energyInventoryLots(wake: WakeUp): number {
    const b = this.battery;
    if (!b) return 0;
    const soc = MarketView.assetState(wake, this.assetId)?.socMwh ?? b.socInitialMwh;
    this.startSoc ??= soc;
    let lots = 0;
    for (const pos of wake.positions) {
      const s = MarketView.deliveryStart(pos.productId);
      if (s !== undefined && s > wake.timeMs)
        lots += pos.productId.startsWith('h-') ? 4 * pos.netLots : pos.netLots;
    }
    return lots + Math.round(((soc - this.startSoc) * 1000) / KWH_PER_LOT_QH);
  }

  private requote(
    productId: string,
    quotes: Quote[],
    resting: WakeUp['openOrders'],
    view: MarketView,
  ): Action[] {
    const out: Action[] = [];
    for (const side of ['buy', 'sell'] as const) {
      const want = quotes.find((q) => q.side === side);
      const mine = resting.filter((o) => o.side === (side === 'buy' ? Side.SIDE_BUY : Side.SIDE_SELL));
      const [keep, ...extra] = mine;
      for (const o of extra) out.push(cancel(o.orderId, 'mm-extra'));
      const price = want ? view.clampPrice(want.priceTicks) : 0;
      if (!want) {
        if (keep) out.push(cancel(keep.orderId, `mm-${side}`));
      } else if (!keep) {
        out.push(
          submit({ productId, side, priceTicks: price, quantityLots: want.lots, clientRef: `mm-${side}` }),
        );
      } else if (keep.priceTicks !== price || keep.remainingLots !== want.lots) {
        out.push(modify(keep.orderId, price, want.lots, `mm-${side}`));
      }
    }
    return out;
  }

  /** The exit order for a position: the whole of it at break-even ∓ minProfit; undefined when flat. */
  private exitQuote(wake: WakeUp, productId: string): Quote | undefined {
    const pos = wake.positions.find((x) => x.productId === productId);
    if (!pos || pos.netLots === 0) return undefined;
    const mwh = (pos.netLots / 10) * 0.25;
    const breakEvenTicks = (-pos.cashUnits / (this.view?.limits.cashUnitsPerEur ?? 100_000) / mwh) * 100;
    const minProfit = eurToTicks(this.params.minProfitEur);
    return pos.netLots > 0
      ? { side: 'sell', priceTicks: Math.ceil(breakEvenTicks + minProfit), lots: pos.netLots }
      : { side: 'buy', priceTicks: Math.floor(breakEvenTicks - minProfit), lots: -pos.netLots };
  }

  /** Inventory in products near the gate, traded away at the touch ± slippage. */
  private flatten(wake: WakeUp, view: MarketView, ids: string[]): Action[] {
    const slip = eurToTicks(this.params.flattenSlippageEur);
    const books = MarketView.books(wake);
    const out: Action[] = [];
    for (const id of ids) {
      const held = MarketView.heldLots(wake, id);
      if (held === 0) continue;
      const side = held > 0 ? 'sell' : 'buy';
      const book = books.get(id);
      const touch = side === 'buy' ? book?.asks[0]?.priceTicks : book?.bids[0]?.priceTicks;
      if (touch === undefined) continue;
      const limit = view.clampPrice(side === 'buy' ? touch + slip : touch - slip);
      out.push(
        submit({
          productId: id,
          side,
          priceTicks: limit,
          quantityLots: Math.abs(held),
          tif: 'IOC',
          clientRef: 'mm-flatten',
        }),
      );
    }
    return out;
  }
}

/** Others' best price on a side of the book: the levels less this agent's own resting orders. */
export function othersBest(
  book: WakeUp['books'][number] | undefined,
  own: WakeUp['openOrders'],
  side: 'bids' | 'asks',
): number | undefined {
  const ownSide = side === 'bids' ? Side.SIDE_BUY : Side.SIDE_SELL;
  for (const l of book?.[side] ?? []) {
    const mine = own
      .filter((o) => o.side === ownSide && o.priceTicks === l.priceTicks)
      .reduce((a, o) => a + o.remainingLots, 0);
    if (l.quantityLots > mine) return l.priceTicks;
  }
  return undefined;
}

/** A quote kept one tick behind the others' best opposite price, so it never trades on arrival. */
function passive(q: Quote, book: WakeUp['books'][number] | undefined, own: WakeUp['openOrders']): Quote {
  if (q.side === 'buy') {
    const ask = othersBest(book, own, 'asks');
    return ask !== undefined && q.priceTicks >= ask ? { ...q, priceTicks: ask - 1 } : q;
  }
  const bid = othersBest(book, own, 'bids');
  return bid !== undefined && q.priceTicks <= bid ? { ...q, priceTicks: bid + 1 } : q;
}

/**
 * The exit order kept one tick clear of the agent's own quote on the other side. Break-even is
 * where the position was opened, not where the market is: after the price moved its way, a long
 * position's exit sell lay below its own resting bid (maxInventoryMw above quoteMw leaves that bid
 * quoted), so the two crossed and the exit could only trade into its own order. Others' bids at
 * or above the exit's price still fill it as before.
 */
export function notCrossing(exit: Quote, quotes: readonly Quote[]): Quote {
  const other = quotes.find((x) => x.side !== exit.side);
  if (!other) return exit;
  if (exit.side === 'sell' && exit.priceTicks <= other.priceTicks)
    return { ...exit, priceTicks: other.priceTicks + 1 };
  if (exit.side === 'buy' && exit.priceTicks >= other.priceTicks)
    return { ...exit, priceTicks: other.priceTicks - 1 };
  return exit;
}

function mid(book: WakeUp['books'][number] | undefined): number | undefined {
  const bid = book?.bids[0]?.priceTicks;
  const ask = book?.asks[0]?.priceTicks;
  return bid !== undefined && ask !== undefined ? Math.round((bid + ask) / 2) : undefined;
}
