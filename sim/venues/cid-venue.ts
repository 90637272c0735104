// The continuous intraday market as a venue: one CidMarket for every product of the run, the
// market clock (openings, gate closures), fills to both sides' ledgers, and public trades and
// depth coalesced per decision point.
import { CancelReason, type Fill, Side as ProtoSide } from '../../gen/flexarena/v1/market.js';
import { BookUpdate, type PublicTrade, TradesUpdate } from '../../gen/flexarena/v1/public.js';
import { type Action, type ActionResult, ActionStatus, type WakeUp } from '../../gen/flexarena/v1/session.js';
import { deepFreeze, firstWithOthers, ownMessage, withAlso } from '../../lib/index.js';
import {
  type CidCommand,
  type CidEvent,
  CidMarket,
  DEFAULT_CID_LIMITS,
  eurToTicks,
  type RejectedEvent,
  type TradeEvent,
  tradeCashUnits,
} from '../../market/index.js';
import type { RunConfig } from '../config/run-config.js';
import { actionToCommand, depthToProto, orderToProto, rejectCodeToProto } from '../core/convert.js';
import { PHASE } from '../core/phases.js';
import type { RunContext } from '../core/run-context.js';
import { protocolMessage } from '../door/field-path.js';
import type { ScheduledEvent, Venue } from './venue.js';

const MINUTE = 60_000;

const CANCEL_REASON = {
  user: CancelReason.CANCEL_REASON_USER,
  'ioc-remainder': CancelReason.CANCEL_REASON_IOC_REMAINDER,
  'self-trade': CancelReason.CANCEL_REASON_SELF_TRADE,
  'gate-closure': CancelReason.CANCEL_REASON_GATE_CLOSURE,
} as const;

export interface CidLimits {
  priceMinTicks: number;
  priceMaxTicks: number;
  maxQuantityLots: number;
}

/** The continuous market's order limits of a run. */
export function cidLimits(cfg: RunConfig): CidLimits {
  return {
    priceMinTicks: eurToTicks(cfg.market.cid.priceMinEur),
    priceMaxTicks: eurToTicks(cfg.market.cid.priceMaxEur),
    maxQuantityLots: DEFAULT_CID_LIMITS.maxQuantityLots,
  };
}

/** What a product's continuous trades added up to: price range, volume and turnover. */
export interface CidTradeStats {
  lowTicks: number;
  highTicks: number;
  volumeLots: number;
  /** Σ price ticks × lots: VWAP = turnover / volume exactly. */
  turnoverTickLots: number;
}

/** What an agent's last wake-up showed of its resting orders, and the ids events named since. */
interface ShownOrders {
  orders: WakeUp['openOrders'];
  touched: number[];
}

const ascending = (a: number, b: number) => a - b;
/** An order's wake-up message, frozen (its fields are all scalars, so this is a deep freeze). */
const frozenOrder = (o: Parameters<typeof orderToProto>[0]) => Object.freeze(orderToProto(o));

export class CidVenue implements Venue {
  readonly name = 'cid';
  readonly actionKinds = ['submit', 'cancel', 'modify'] as const;
  readonly market: CidMarket;
  private tradesSincePublish = new Map<string, PublicTrade[]>();
  private booksTouched = new Set<string>();
  /**
   * Wake-up messages kept while what they show is unchanged: the depth of each product since the
   * last event that named it, and each agent's resting orders as last shown. In-process strategies get
   * wake-ups frozen (sim/drivers/local-port.ts), and a frozen message that is handed out again is
   * not walked again; every decision point used to rebuild and refreeze ~100 depths and the
   * liquidity provider's ~1 200 resting orders, though most had not changed.
   */
  private readonly depthCache = new Map<string, WakeUp['books'][number]>();
  /**
   * Each open product's depth message as last built, kept after an event invalidates the cache:
   * the next message reuses its unchanged levels (depthToProto).
   */
  private readonly lastDepth = new Map<string, WakeUp['books'][number]>();
  /** See openPositions(); undefined until first asked. */
  private open: number[] | undefined;
  private positionOf: Map<string, number> | undefined;
  private readonly ordersShown = new Map<string, ShownOrders>();
  private readonly statsByProduct = new Map<string, CidTradeStats>();
  trades = 0;

  constructor(private readonly ctx: RunContext) {
    this.market = new CidMarket({ ...cidLimits(ctx.cfg), products: ctx.products.all });
  }

  scheduledEvents(): ScheduledEvent[] {
    const times = new Set<number>();
    for (const p of this.ctx.products.all) {
      times.add(p.openMs);
      times.add(p.gateClosureMs);
    }
    return [...times].map((time) => ({
      time,
      phase: PHASE.MARKET_CLOCK,
      label: 'cid clock',
      run: () => void this.apply({ type: 'advance', time }),
    }));
  }

  handle(agentId: string, action: Action, time: number, result: ActionResult): void {
    const ledger = this.ctx.ledger(agentId);
    const command = actionToCommand(action, agentId, time);
    if (command.type === 'submit') ledger.orders++;
    const events = this.tooManyOpenOrders(command) ?? this.apply(command);
    for (const ev of events) {
      if (ev.type === 'rejected') {
        ledger.rejects++;
        Object.assign(result, {
          status: ActionStatus.ACTION_STATUS_REJECTED,
          rejectCode: rejectCodeToProto(ev.code),
          field: ev.field,
          limit: ev.limit,
          message: agentMessage(action, ev),
          orderId: ev.orderId ?? 0,
        });
      } else if (ev.type === 'accepted' || ev.type === 'modified') {
        result.status = ActionStatus.ACTION_STATUS_ACCEPTED;
        result.orderId = ev.orderId;
      } else if (
        ev.type === 'cancelled' &&
        ev.agentId === agentId &&
        (ev.reason === 'user' || ev.orderId === result.orderId)
      ) {
        // The rest of the order was cancelled at once (IOC remainder, self-trade prevention), or
        // this action was the agent's own cancel: the ack says how much and why.
        if (ev.reason === 'user') {
          result.status = ActionStatus.ACTION_STATUS_ACCEPTED;
          result.orderId = ev.orderId;
        }
        result.cancelledLots += ev.remainingLots;
        result.cancelReason = CANCEL_REASON[ev.reason];
      } else if (ev.type === 'trade' && (ev.buyAgentId === agentId || ev.sellAgentId === agentId)) {
        result.fills.push(fillFor(ev, agentId));
      }
    }
  }

  /** The agent's open orders and the public depth of open products, for a wake-up. */
  wakeUpPart(agentId: string, books: WakeUp['books']): Pick<WakeUp, 'openOrders' | 'books'> {
    return { openOrders: this.openOrders(agentId), books };
  }

  /**
   * The agent's resting orders, ascending by id. Only the orders that events named since the
   * agent's previous wake-up are looked up again; the rest keep their messages, and with no such
   * event the previous list itself is handed out again.
   */
  private openOrders(agentId: string): WakeUp['openOrders'] {
    const shown = this.ordersShown.get(agentId);
    if (!shown) {
      const orders = Object.freeze(this.market.openOrders(agentId).map(frozenOrder)) as WakeUp['openOrders'];
      this.ordersShown.set(agentId, { orders, touched: [] });
      return orders;
    }
    const { touched } = shown;
    if (touched.length === 0) return shown.orders;
    // Named ids ascending (an id may be named several times); both lists are then walked once.
    touched.sort(ascending);
    const out: WakeUp['openOrders'] = [];
    let t = 0;
    const shownOrders = shown.orders;
    // Indexed, not for-of: ~1 200 orders per wake-up, and an array iterator allocates a result
    // per step until the optimising compiler takes the loop over (a run of seconds often never).
    for (let k = 0; k < shownOrders.length; k++) {
      const m = shownOrders[k]!;
      while (t < touched.length && touched[t]! < m.orderId) this.pushResting(out, touched[t++]!);
      if (t < touched.length && touched[t] === m.orderId) this.pushResting(out, touched[t++]!);
      else out.push(m);
    }
    // The rest are orders entered since: order ids only grow, so they follow every shown one.
    while (t < touched.length) this.pushResting(out, touched[t++]!);
    touched.length = 0;
    // Frozen as made (each message too, in pushResting): an in-process strategy gets its wake-up
    // deep-frozen, and deepFreeze does not walk into a frozen list — a market maker's ~1 000 orders.
    shown.orders = Object.freeze(out) as WakeUp['openOrders'];
    return shown.orders;
  }

  /** The order's current message, once however often it was named. */
  private pushResting(out: WakeUp['openOrders'], orderId: number): void {
    if (out.length > 0 && out[out.length - 1]!.orderId === orderId) return;
    const o = this.market.getOrder(orderId);
    if (o) out.push(frozenOrder(o));
  }

  /**
   * An event named this order of this agent: its wake-up message must be looked up again. A list,
   * not a set: a pace run names ~45 000 orders (mostly the liquidity provider's quotes), and a set
   * was also asked about every order shown at each wake-up (~1 200 of the provider's); the
   * list is appended to and, once per wake-up, sorted and walked beside the shown orders.
   */
  private touch(agentId: string, orderId: number): void {
    this.ordersShown.get(agentId)?.touched.push(orderId);
  }

  openBooks(): WakeUp['books'] {
    const all = this.ctx.products.all;
    const out: WakeUp['books'] = [];
    for (const i of this.openPositions()) out.push(this.depthOf(all[i]!.id));
    return Object.freeze(out) as WakeUp['books'];
  }

  /**
   * The open products' positions in products.all, ascending: built from the market's statuses
   * once, then kept by its product-opened and gate-closed events (a run of days has hundreds of
   * products, a few dozen open, and the books are listed at every decision point).
   */
  private openPositions(): number[] {
    if (!this.open) {
      const all = this.ctx.products.all;
      this.positionOf = new Map(all.map((p, i) => [p.id, i]));
      this.open = [];
      for (let i = 0; i < all.length; i++)
        if (this.market.productStatus(all[i]!.id) === 'open') this.open.push(i);
    }
    return this.open;
  }

  /** Keeps openPositions() by a product's opening or gate closure. */
  private statusChanged(ev: CidEvent): void {
    const open = this.open;
    const i = this.positionOf?.get((ev as { productId: string }).productId);
    if (!open || i === undefined) return;
    let at = 0;
    while (at < open.length && open[at]! < i) at++;
    if (ev.type === 'product-opened') {
      if (open[at] !== i) open.splice(at, 0, i);
    } else if (open[at] === i) open.splice(at, 1);
  }

  /**
   * The product's depth message, built once per change of its book: the public book update at a
   * decision point and the wake-ups that follow it share it (any event naming the product drops it).
   */
  private depthOf(productId: string): WakeUp['books'][number] {
    let depth = this.depthCache.get(productId);
    if (!depth) {
      // Frozen as made (its unchanged levels are the previous message's, frozen already): an
      // in-process strategy gets its wake-up deep-frozen, and deepFreeze skips what is frozen.
      depth = deepFreeze(
        depthToProto(
          this.market.depth(productId, this.ctx.cfg.market.cid.depthLevels),
          this.lastDepth.get(productId),
        ),
      );
      this.depthCache.set(productId, depth);
      // Kept for open books only: a closed one is not shown again (and a year-long run has ~35 000).
      if (this.market.productStatus(productId) === 'open') this.lastDepth.set(productId, depth);
      else this.lastDepth.delete(productId);
    }
    return depth;
  }

  /** Trades since the previous decision point and the depth of every book they or orders touched. */
  publish(time: number): void {
    const out = this.ctx.out;
    for (const [productId, trades] of this.tradesSincePublish)
      out.publish(
        `cid.${productId}.trades`,
        'flexarena.v1.TradesUpdate',
        { productId, timeMs: time, trades },
        TradesUpdate,
      );
    this.tradesSincePublish = new Map();
    for (const productId of this.booksTouched)
      out.publish(
        `cid.${productId}.book`,
        'flexarena.v1.BookUpdate',
        { timeMs: time, depth: this.depthOf(productId) },
        BookUpdate,
      );
    this.booksTouched = new Set();
  }

  /**
   * A submit that could rest while the agent already has `limits.maxOpenOrders` resting orders is
   * refused (on the tape like any rejection), so one agent cannot grow the books without bound.
   * IOC and FOK orders never rest, so they stay allowed: an agent at the limit can still trade.
   * The liquidity role (the rest of the market, set up by the run's owner) is not limited.
   */
  private tooManyOpenOrders(command: CidCommand): CidEvent[] | undefined {
    if (command.type !== 'submit' || command.tif !== 'GTC' || this.ctx.isLiquidity(command.agentId))
      return undefined;
    const max = this.ctx.cfg.limits.maxOpenOrders;
    if (this.market.openOrderCount(command.agentId) < max) return undefined;
    const limit = `at most ${max} open orders per agent (limits.maxOpenOrders)`;
    const tooMany: RejectedEvent = {
      type: 'rejected',
      time: command.time,
      agentId: command.agentId,
      command: 'submit',
      code: 'TOO_MANY_OPEN_ORDERS',
      field: 'submit',
      limit,
      message: `submit: the agent already has ${max} open orders; ${limit}, cancel some or use IOC/FOK`,
      ...(command.clientRef === undefined ? {} : { clientRef: command.clientRef }),
    };
    // The order's own broken rules too, as the market names them when it refuses one.
    const ev = firstWithOthers([tooMany, ...this.market.commandFaults(command)])!;
    this.ctx.out.tapeEvent(taped(ev));
    return [ev];
  }

  private apply(command: CidCommand): CidEvent[] {
    const events = this.market.apply(command);
    for (const ev of events) {
      this.ctx.out.tapeEvent(ev.type === 'rejected' ? taped(ev) : ev);
      if (ev.type === 'trade') this.onTrade(ev);
      else if (ev.type === 'product-opened' || ev.type === 'gate-closed') this.statusChanged(ev);
      if ('productId' in ev) {
        this.booksTouched.add(ev.productId);
        this.depthCache.delete(ev.productId);
      }
      if (ev.type === 'trade') {
        this.touch(ev.buyAgentId, ev.buyOrderId);
        this.touch(ev.sellAgentId, ev.sellOrderId);
      } else if (ev.type === 'accepted' || ev.type === 'cancelled' || ev.type === 'modified')
        this.touch(ev.agentId, ev.orderId);
    }
    return events;
  }

  /**
   * Forgets the products delivered by `cutoffMs`, once each is settled (the caller asks only then):
   * their trade statistics, read by their quarter-hours' settlement records and by nothing after,
   * and their closed books' last depth messages, which no wake-up shows (only open books are
   * listed) and no event names again. Kept, both grew by every product of the run.
   */
  forgetDeliveredBefore(cutoffMs: number): void {
    const byId = this.ctx.products.byId;
    for (const map of [this.statsByProduct, this.depthCache] as Map<string, unknown>[])
      for (const productId of map.keys()) {
        const p = byId.get(productId);
        if (p && p.deliveryEndMs <= cutoffMs) map.delete(productId);
      }
  }

  /** The trades of `productId` so far; undefined when it has not traded. */
  tradeStats(productId: string): CidTradeStats | undefined {
    return this.statsByProduct.get(productId);
  }

  private onTrade(ev: TradeEvent): void {
    this.trades++;
    const st = this.statsByProduct.get(ev.productId);
    if (st) {
      st.lowTicks = Math.min(st.lowTicks, ev.priceTicks);
      st.highTicks = Math.max(st.highTicks, ev.priceTicks);
      st.volumeLots += ev.quantityLots;
      st.turnoverTickLots += ev.priceTicks * ev.quantityLots;
    } else
      this.statsByProduct.set(ev.productId, {
        lowTicks: ev.priceTicks,
        highTicks: ev.priceTicks,
        volumeLots: ev.quantityLots,
        turnoverTickLots: ev.priceTicks * ev.quantityLots,
      });
    const product = this.ctx.products.byId.get(ev.productId)!;
    const cash = tradeCashUnits(
      ev.priceTicks,
      ev.quantityLots,
      (product.deliveryEndMs - product.deliveryStartMs) / MINUTE,
    );
    for (const [agentId, sign] of [
      [ev.buyAgentId, 1],
      [ev.sellAgentId, -1],
    ] as const) {
      const ledger = this.ctx.ledger(agentId);
      ledger.addTrade(ev.productId, sign * ev.quantityLots, -sign * cash, 'cid');
      ledger.report('fills', fillFor(ev, agentId));
    }
    let list = this.tradesSincePublish.get(ev.productId);
    if (!list) {
      list = [];
      this.tradesSincePublish.set(ev.productId, list);
    }
    list.push({
      tradeId: ev.tradeId,
      timeMs: ev.time,
      productId: ev.productId,
      priceTicks: ev.priceTicks,
      quantityLots: ev.quantityLots,
      aggressorSide: ev.aggressorSide === 'buy' ? ProtoSide.SIDE_BUY : ProtoSide.SIDE_SELL,
    });
  }
}

export function fillFor(ev: TradeEvent, agentId: string): Fill {
  const isBuy = ev.buyAgentId === agentId;
  return {
    tradeId: ev.tradeId,
    orderId: isBuy ? ev.buyOrderId : ev.sellOrderId,
    productId: ev.productId,
    side: isBuy ? ProtoSide.SIDE_BUY : ProtoSide.SIDE_SELL,
    priceTicks: ev.priceTicks,
    quantityLots: ev.quantityLots,
    timeMs: ev.time,
    aggressor: ev.aggressorSide === (isBuy ? 'buy' : 'sell'),
  };
}

/**
 * A rejection as the tape keeps it: its message names every broken rule, as the auction's and the
 * balancing markets' rejected records do, without the `also` list beside it.
 */
function taped(ev: RejectedEvent): RejectedEvent {
  if (ev.also === undefined) return ev;
  const { also: _, ...record } = ev;
  return record;
}

/**
 * A rejection's message as the agent reads it. The simulation puts the first rule's words in the
 * protocol's names by its field (submit.peak_lots); each other rule opens with a field of its own,
 * so it is put in them here, by that field (as the auction venue does).
 */
function agentMessage(action: Action, ev: RejectedEvent): string {
  if (ev.also === undefined) return ev.message;
  return withAlso(
    ownMessage(ev),
    ev.also.map((r) => protocolMessage(action, r.field, r.message)),
  );
}
