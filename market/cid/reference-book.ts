import { firstWithOthers } from '../../lib/index.js';
import type {
  CidCommand,
  CidConfig,
  CidEvent,
  Depth,
  DepthLevel,
  ModifyCommand,
  ProductDef,
  ProductStatus,
  RejectedEvent,
  RestingOrder,
  Side,
  SubmitCommand,
  TimeInForce,
} from '../types.js';
import * as reject from './rejections.js';

// A deliberately naive CID market — one flat array of orders, filtered and sorted on every look —
// with the same apply() semantics as CidMarket. It exists only so tests can cross-check the fast
// book; keep it obviously correct rather than fast. In particular, whether a FOK or AON order can
// fill in full is found by matching it against a throw-away copy of the book.

interface RefOrder {
  orderId: number;
  agentId: string;
  productId: string;
  side: Side;
  priceTicks: number;
  /** The visible clip of an iceberg, or the whole remainder of any other order. */
  visible: number;
  hidden: number;
  originalLots: number;
  tif: TimeInForce;
  entryTime: number;
  aon: boolean;
  peak?: number;
  clientRef?: string;
  /** Arrival sequence: breaks entryTime ties, since many orders share one virtual millisecond. */
  seq: number;
}

type Priced = SubmitCommand | ModifyCommand;

/** The rejection for the rules broken, the first named, the others in `also` and its message. */
function one(found: RejectedEvent[]): RejectedEvent {
  return firstWithOthers(found)!;
}

export class ReferenceBook {
  private orders: RefOrder[] = [];
  private readonly status = new Map<string, ProductStatus>();
  private lastTrade = new Map<string, number>();
  private nextOrderId = 1;
  private nextTradeId = 1;
  private nextSeq = 0;
  private lastTime = Number.NEGATIVE_INFINITY;

  constructor(private readonly config: CidConfig) {
    for (const p of config.products) this.status.set(p.id, 'pending');
  }

  apply(cmd: CidCommand): CidEvent[] {
    if (cmd.time < this.lastTime) throw new Error(`time went backwards: ${cmd.time} < ${this.lastTime}`);
    this.lastTime = cmd.time;
    if (cmd.type === 'advance') return this.advance(cmd.time);
    if (cmd.type === 'submit') return this.submit(cmd);
    const mine = this.orders.find((o) => o.orderId === cmd.orderId && o.agentId === cmd.agentId);
    if (mine === undefined) {
      // A modify of no order of the agent's: its price and quantity are checked all the same.
      const found = [reject.unknownOrder(cmd)];
      if (cmd.type === 'modify') found.push(...this.priceQuantityFaults(cmd));
      return [one(found)];
    }
    if (cmd.type === 'cancel') {
      this.orders = this.orders.filter((o) => o !== mine);
      return [withRef({ ...cancelled(mine, cmd.time), reason: 'user' as const }, cmd.clientRef)];
    }
    return this.modify(mine, cmd);
  }

  depth(productId: string, levels: number): Depth {
    const depth: Depth = {
      productId,
      bids: this.levels(productId, 'buy', levels),
      asks: this.levels(productId, 'sell', levels),
    };
    const last = this.lastTrade.get(productId);
    if (last !== undefined) depth.lastTradePriceTicks = last;
    return depth;
  }

  openOrders(agentId: string): RestingOrder[] {
    return this.orders
      .filter((o) => o.agentId === agentId)
      .sort((a, b) => a.orderId - b.orderId)
      .map(resting);
  }

  productStatus(productId: string): ProductStatus | undefined {
    return this.status.get(productId);
  }

  private advance(time: number): CidEvent[] {
    const events: CidEvent[] = [];
    for (const p of this.config.products) {
      if (this.status.get(p.id) === 'pending' && p.openMs <= time) {
        this.status.set(p.id, 'open');
        events.push({ type: 'product-opened', time, productId: p.id });
      }
      if (this.status.get(p.id) !== 'closed' && p.gateClosureMs <= time) {
        const gone = this.orders.filter((o) => o.productId === p.id).sort((a, b) => a.orderId - b.orderId);
        this.orders = this.orders.filter((o) => o.productId !== p.id);
        for (const o of gone)
          events.push(withRef({ ...cancelled(o, time), reason: 'gate-closure' as const }, o.clientRef));
        this.status.set(p.id, 'closed');
        events.push({ type: 'gate-closed', time, productId: p.id });
      }
    }
    return events;
  }

  private submit(cmd: SubmitCommand): CidEvent[] {
    // Every broken rule, in the order CidMarket checks them; the first is the rejection's.
    const found: RejectedEvent[] = [];
    const product = this.config.products.find((p) => p.id === cmd.productId);
    if (product === undefined) found.push(reject.unknownProduct(cmd));
    if (cmd.side !== 'buy' && cmd.side !== 'sell') found.push(reject.invalidSide(cmd));
    if (!['GTC', 'IOC', 'FOK'].includes(cmd.tif)) found.push(reject.invalidTimeInForce(cmd));
    if (![undefined, 'NONE', 'AON'].includes(cmd.restriction)) found.push(reject.invalidRestriction(cmd));
    found.push(...this.priceQuantityFaults(cmd), ...this.icebergFaults(cmd));
    if (product !== undefined) found.push(...this.windowFaults(cmd, product));
    if (found.length > 0) return [one(found)];
    const aon = cmd.restriction === 'AON';
    const order: RefOrder = {
      orderId: this.nextOrderId,
      agentId: cmd.agentId,
      productId: cmd.productId,
      side: cmd.side,
      priceTicks: cmd.priceTicks,
      visible: cmd.quantityLots,
      hidden: 0,
      originalLots: cmd.quantityLots,
      tif: cmd.tif,
      entryTime: cmd.time,
      aon,
      seq: this.nextSeq,
    };
    if (cmd.peakLots !== undefined) order.peak = cmd.peakLots;
    if (cmd.clientRef !== undefined) order.clientRef = cmd.clientRef;
    // IOC + AON is a fill-or-kill.
    if (cmd.tif === 'FOK' || (aon && cmd.tif === 'IOC')) {
      const fillable = this.fillable(order, cmd.time);
      if (fillable < cmd.quantityLots) return [reject.fokNotFillable(cmd, fillable)];
    }
    this.nextOrderId++;
    this.nextSeq++;
    const accepted = withRef(
      {
        type: 'accepted' as const,
        time: cmd.time,
        orderId: order.orderId,
        agentId: cmd.agentId,
        productId: cmd.productId,
        side: cmd.side,
        priceTicks: cmd.priceTicks,
        quantityLots: cmd.quantityLots,
        tif: cmd.tif,
        ...(aon ? { restriction: 'AON' as const } : {}),
        ...(cmd.peakLots !== undefined ? { peakLots: cmd.peakLots } : {}),
      },
      cmd.clientRef,
    );
    return [accepted, ...this.execute(order, cmd)];
  }

  /**
   * An iceberg's peak (at most its quantity, when that is valid; otherwise only whole and
   * positive) and its two rules: GTC (unless the time in force is invalid anyway), not AON.
   */
  private icebergFaults(cmd: SubmitCommand): RejectedEvent[] {
    if (cmd.peakLots === undefined) return [];
    const found: RejectedEvent[] = [];
    const peak = cmd.peakLots;
    const quantityValid = this.priceQuantityFaults(cmd).every((r) => r.field !== 'quantityLots');
    if (!Number.isInteger(peak) || peak < 1 || (quantityValid && peak > cmd.quantityLots))
      found.push(reject.peakInvalid(cmd));
    if (['IOC', 'FOK'].includes(cmd.tif)) found.push(reject.icebergNotAllowed(cmd, 'tif'));
    if (cmd.restriction === 'AON') found.push(reject.icebergNotAllowed(cmd, 'restriction'));
    return found;
  }

  private modify(order: RefOrder, cmd: ModifyCommand): CidEvent[] {
    const product = this.config.products.find((p) => p.id === order.productId)!;
    const found = [...this.priceQuantityFaults(cmd), ...this.windowFaults(cmd, product)];
    if (found.length > 0) return [one(found)];
    const remaining = order.visible + order.hidden;
    const keep = cmd.priceTicks === order.priceTicks && cmd.quantityLots < remaining;
    const modified = withRef(
      {
        type: 'modified' as const,
        time: cmd.time,
        orderId: order.orderId,
        agentId: order.agentId,
        productId: order.productId,
        priceTicks: cmd.priceTicks,
        quantityLots: cmd.quantityLots,
        priorityKept: keep,
      },
      cmd.clientRef,
    );
    if (keep) {
      // Hidden lots go first, then the visible clip.
      const cut = remaining - cmd.quantityLots;
      const fromHidden = Math.min(cut, order.hidden);
      order.hidden -= fromHidden;
      order.visible -= cut - fromHidden;
      return [modified];
    }
    this.orders = this.orders.filter((o) => o !== order);
    Object.assign(order, {
      priceTicks: cmd.priceTicks,
      visible: cmd.quantityLots,
      hidden: 0,
      originalLots: cmd.quantityLots,
      entryTime: cmd.time,
      seq: this.nextSeq++,
    });
    return [modified, ...this.execute(order, cmd)];
  }

  private priceQuantityFaults(cmd: Priced): RejectedEvent[] {
    const c = this.config;
    const ok = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
    return [
      ...(ok(cmd.priceTicks, c.priceMinTicks, c.priceMaxTicks) ? [] : [reject.priceOutOfRange(cmd, c)]),
      ...(ok(cmd.quantityLots, 1, c.maxQuantityLots) ? [] : [reject.quantityInvalid(cmd, c)]),
    ];
  }

  private windowFaults(cmd: Priced, product: ProductDef): RejectedEvent[] {
    if (cmd.time < product.openMs) return [reject.marketNotOpen(cmd, product)];
    if (cmd.time >= product.gateClosureMs) return [reject.gateClosed(cmd, product)];
    return [];
  }

  /** Resting orders the taker could trade against, in the order it would meet them. */
  private queueFor(taker: RefOrder): RefOrder[] {
    const crossing = (o: RefOrder) =>
      taker.side === 'buy' ? o.priceTicks <= taker.priceTicks : o.priceTicks >= taker.priceTicks;
    return this.orders
      .filter((o) => o.productId === taker.productId && o.side !== taker.side && crossing(o))
      .sort((a, b) => better(taker.side, a, b) || a.seq - b.seq);
  }

  /** What the taker would fill now: match a copy of it against a copy of the book, then undo all. */
  private fillable(taker: RefOrder, time: number): number {
    const saved = {
      orders: this.orders,
      lastTrade: this.lastTrade,
      nextTradeId: this.nextTradeId,
      nextSeq: this.nextSeq,
    };
    this.orders = this.orders.map((o) => ({ ...o }));
    this.lastTrade = new Map(this.lastTrade);
    const copy = { ...taker };
    this.match(copy, time);
    Object.assign(this, saved);
    return taker.visible - copy.visible;
  }

  /** Trades the taker until it is filled, the book runs out, or it meets an own order. */
  private match(taker: RefOrder, time: number): { events: CidEvent[]; selfTrade: boolean } {
    const events: CidEvent[] = [];
    while (taker.visible > 0) {
      // An AON order is only taken whole: pass over those larger than what the taker still wants.
      const maker = this.queueFor(taker).find((o) => !(o.aon && o.visible > taker.visible));
      if (maker === undefined) break;
      if (maker.agentId === taker.agentId) return { events, selfTrade: true };
      events.push(this.trade(taker, maker, Math.min(taker.visible, maker.visible), time));
    }
    return { events, selfTrade: false };
  }

  private execute(taker: RefOrder, cmd: Priced): CidEvent[] {
    // An AON order trades in full or not at all; if it cannot, it rests untraded (it is GTC here).
    const executable = !taker.aon || this.fillable(taker, cmd.time) === taker.visible;
    const { events, selfTrade } = executable ? this.match(taker, cmd.time) : { events: [], selfTrade: false };
    if (taker.visible === 0) return events;
    if (selfTrade || taker.tif !== 'GTC') {
      const reason = selfTrade ? ('self-trade' as const) : ('ioc-remainder' as const);
      events.push(withRef({ ...cancelled(taker, cmd.time), reason }, cmd.clientRef));
    } else {
      if (taker.peak !== undefined && taker.visible > taker.peak) {
        taker.hidden = taker.visible - taker.peak;
        taker.visible = taker.peak;
      }
      this.orders.push(taker);
    }
    return events;
  }

  private trade(taker: RefOrder, maker: RefOrder, lots: number, time: number): CidEvent {
    taker.visible -= lots;
    maker.visible -= lots;
    if (maker.visible === 0 && maker.hidden > 0) {
      // A new iceberg clip: a new timestamp and sequence, so the back of its price level.
      maker.visible = Math.min(maker.peak!, maker.hidden);
      maker.hidden -= maker.visible;
      maker.entryTime = time;
      maker.seq = this.nextSeq++;
    } else if (maker.visible === 0) {
      this.orders = this.orders.filter((o) => o !== maker);
    }
    this.lastTrade.set(maker.productId, maker.priceTicks);
    const buy = taker.side === 'buy' ? taker : maker;
    const sell = taker.side === 'buy' ? maker : taker;
    return {
      type: 'trade',
      time,
      tradeId: this.nextTradeId++,
      productId: maker.productId,
      priceTicks: maker.priceTicks,
      quantityLots: lots,
      buyOrderId: buy.orderId,
      sellOrderId: sell.orderId,
      buyAgentId: buy.agentId,
      sellAgentId: sell.agentId,
      aggressorSide: taker.side,
    };
  }

  private levels(productId: string, side: Side, count: number): DepthLevel[] {
    const mine = this.orders.filter((o) => o.productId === productId && o.side === side);
    const prices = [...new Set(mine.map((o) => o.priceTicks))].sort((a, b) =>
      side === 'buy' ? b - a : a - b,
    );
    return prices.slice(0, count).map((priceTicks) => {
      const at = mine.filter((o) => o.priceTicks === priceTicks);
      return { priceTicks, quantityLots: at.reduce((s, o) => s + o.visible, 0), orderCount: at.length };
    });
  }
}

/** Negative when a is the better price for a taker on takerSide. */
function better(takerSide: Side, a: RefOrder, b: RefOrder): number {
  return takerSide === 'buy' ? a.priceTicks - b.priceTicks : b.priceTicks - a.priceTicks;
}

function resting(o: RefOrder): RestingOrder {
  const order: RestingOrder = {
    orderId: o.orderId,
    agentId: o.agentId,
    productId: o.productId,
    side: o.side,
    priceTicks: o.priceTicks,
    remainingLots: o.visible + o.hidden,
    originalLots: o.originalLots,
    tif: o.tif,
    entryTime: o.entryTime,
  };
  if (o.aon) order.restriction = 'AON';
  if (o.peak !== undefined) {
    order.peakLots = o.peak;
    order.hiddenLots = o.hidden;
  }
  if (o.clientRef !== undefined) order.clientRef = o.clientRef;
  return order;
}

function cancelled(o: RefOrder, time: number) {
  return {
    type: 'cancelled' as const,
    time,
    orderId: o.orderId,
    agentId: o.agentId,
    productId: o.productId,
    remainingLots: o.visible + o.hidden,
  };
}

function withRef<T extends object>(event: T, clientRef: string | undefined): T & { clientRef?: string } {
  return clientRef === undefined ? event : { ...event, clientRef };
}
