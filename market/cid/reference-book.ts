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
} from '../types.js';
import * as reject from './rejections.js';

// A deliberately naive CID market — one flat array of orders, filtered and sorted on every look —
// with the same apply() semantics as CidMarket. It exists only so tests can cross-check the fast
// book; keep it obviously correct rather than fast.

interface RefOrder extends RestingOrder {
  /** Arrival sequence: breaks entryTime ties, since many orders share one virtual millisecond. */
  seq: number;
}

type Priced = SubmitCommand | ModifyCommand;

export class ReferenceBook {
  private orders: RefOrder[] = [];
  private readonly status = new Map<string, ProductStatus>();
  private readonly lastTrade = new Map<string, number>();
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
    if (mine === undefined) return [reject.unknownOrder(cmd)];
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
      .map(({ seq: _seq, ...order }) => order);
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
    const product = this.config.products.find((p) => p.id === cmd.productId);
    if (product === undefined) return [reject.unknownProduct(cmd)];
    if (cmd.side !== 'buy' && cmd.side !== 'sell') return [reject.invalidSide(cmd)];
    if (!['GTC', 'IOC', 'FOK'].includes(cmd.tif)) return [reject.invalidTimeInForce(cmd)];
    const invalid = this.checkPriced(cmd, product);
    if (invalid !== undefined) return [invalid];
    const order: RefOrder = {
      orderId: this.nextOrderId,
      agentId: cmd.agentId,
      productId: cmd.productId,
      side: cmd.side,
      priceTicks: cmd.priceTicks,
      remainingLots: cmd.quantityLots,
      originalLots: cmd.quantityLots,
      tif: cmd.tif,
      entryTime: cmd.time,
      seq: this.nextSeq,
    };
    if (cmd.clientRef !== undefined) order.clientRef = cmd.clientRef;
    if (cmd.tif === 'FOK') {
      const fillable = this.fillable(order);
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
      },
      cmd.clientRef,
    );
    return [accepted, ...this.execute(order, cmd)];
  }

  private modify(order: RefOrder, cmd: ModifyCommand): CidEvent[] {
    const invalid = this.checkPriced(cmd, this.config.products.find((p) => p.id === order.productId)!);
    if (invalid !== undefined) return [invalid];
    const keep = cmd.priceTicks === order.priceTicks && cmd.quantityLots < order.remainingLots;
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
      order.remainingLots = cmd.quantityLots;
      return [modified];
    }
    this.orders = this.orders.filter((o) => o !== order);
    Object.assign(order, {
      priceTicks: cmd.priceTicks,
      remainingLots: cmd.quantityLots,
      originalLots: cmd.quantityLots,
      entryTime: cmd.time,
      seq: this.nextSeq++,
    });
    return [modified, ...this.execute(order, cmd)];
  }

  private checkPriced(cmd: Priced, product: ProductDef): RejectedEvent | undefined {
    const c = this.config;
    const ok = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
    if (!ok(cmd.priceTicks, c.priceMinTicks, c.priceMaxTicks)) return reject.priceOutOfRange(cmd, c);
    if (!ok(cmd.quantityLots, 1, c.maxQuantityLots)) return reject.quantityInvalid(cmd, c);
    if (cmd.time < product.openMs) return reject.marketNotOpen(cmd, product);
    if (cmd.time >= product.gateClosureMs) return reject.gateClosed(cmd, product);
    return undefined;
  }

  /** Resting orders the taker could trade against, in the order it would meet them. */
  private queueFor(taker: RefOrder): RefOrder[] {
    const crossing = (o: RefOrder) =>
      taker.side === 'buy' ? o.priceTicks <= taker.priceTicks : o.priceTicks >= taker.priceTicks;
    return this.orders
      .filter((o) => o.productId === taker.productId && o.side !== taker.side && crossing(o))
      .sort((a, b) => better(taker.side, a, b) || a.seq - b.seq);
  }

  private fillable(taker: RefOrder): number {
    let sum = 0;
    for (const o of this.queueFor(taker)) {
      if (o.agentId === taker.agentId) break;
      sum += o.remainingLots;
    }
    return sum;
  }

  private execute(taker: RefOrder, cmd: Priced): CidEvent[] {
    const events: CidEvent[] = [];
    let selfTrade = false;
    while (taker.remainingLots > 0) {
      const maker = this.queueFor(taker)[0];
      if (maker === undefined) break;
      if (maker.agentId === taker.agentId) {
        selfTrade = true;
        break;
      }
      events.push(this.trade(taker, maker, Math.min(taker.remainingLots, maker.remainingLots), cmd.time));
    }
    if (taker.remainingLots === 0) return events;
    if (selfTrade || taker.tif !== 'GTC') {
      const reason = selfTrade ? ('self-trade' as const) : ('ioc-remainder' as const);
      events.push(withRef({ ...cancelled(taker, cmd.time), reason }, cmd.clientRef));
    } else {
      this.orders.push(taker);
    }
    return events;
  }

  private trade(taker: RefOrder, maker: RefOrder, lots: number, time: number): CidEvent {
    taker.remainingLots -= lots;
    maker.remainingLots -= lots;
    if (maker.remainingLots === 0) this.orders = this.orders.filter((o) => o !== maker);
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
      return { priceTicks, quantityLots: at.reduce((s, o) => s + o.remainingLots, 0), orderCount: at.length };
    });
  }
}

/** Negative when a is the better price for a taker on takerSide. */
function better(takerSide: Side, a: RefOrder, b: RefOrder): number {
  return takerSide === 'buy' ? a.priceTicks - b.priceTicks : b.priceTicks - a.priceTicks;
}

function cancelled(o: RefOrder, time: number) {
  return {
    type: 'cancelled' as const,
    time,
    orderId: o.orderId,
    agentId: o.agentId,
    productId: o.productId,
    remainingLots: o.remainingLots,
  };
}

function withRef<T extends object>(event: T, clientRef: string | undefined): T & { clientRef?: string } {
  return clientRef === undefined ? event : { ...event, clientRef };
}
