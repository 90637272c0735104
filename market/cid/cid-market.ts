import type {
  AcceptedEvent,
  AdvanceCommand,
  CancelCommand,
  CancelledEvent,
  CancelReason,
  CidCommand,
  CidConfig,
  CidEvent,
  Depth,
  DepthLevel,
  ModifiedEvent,
  ModifyCommand,
  ProductDef,
  ProductStatus,
  RejectedEvent,
  RestingOrder,
  SubmitCommand,
  TradeEvent,
} from '../types.js';
import { type BookSide, crosses, OrderBook, OrderNode } from './order-book.js';
import * as reject from './rejections.js';
import { fnv1a64 } from './state-hash.js';

interface ProductState {
  readonly def: ProductDef;
  readonly book: OrderBook;
  status: ProductStatus;
}

type MatchOutcome = 'filled' | 'exhausted' | 'self-trade';

/**
 * The continuous intraday market: one price-time-priority book per product.
 *
 * Pure and deterministic: every input is a command, every output a list of events; no clock, no
 * randomness, no I/O. Business rejections are `rejected` events; exceptions mean a caller bug
 * (time going backwards, an unknown command type, a query for an unknown product).
 *
 * Conventions not spelled out in types.ts:
 * - Only accepted submits consume an order id, so ids stay dense.
 * - Events caused by a command echo that command's clientRef (so a cancel's `cancelled` carries the
 *   cancel's clientRef); gate-closure cancellations carry the order's own clientRef from its submit.
 * - productStatus() follows `advance` only; order validation uses the command time, so a gate that
 *   has passed rejects orders even before the `advance` that removes the resting ones.
 * - A cancel is accepted until the order is actually gone (its gate-closure `advance`), since
 *   withdrawing liquidity cannot hurt anyone.
 * - originalLots is the size at the latest entry into the book: a priority-losing modify resets it,
 *   an in-place reduction does not.
 */
export class CidMarket {
  private readonly config: CidConfig;
  private readonly productList: ProductState[] = [];
  private readonly productById = new Map<string, ProductState>();
  private readonly orders = new Map<number, OrderNode>();
  private readonly ordersByAgent = new Map<string, Set<number>>();
  private nextOrderId = 1;
  private nextTradeId = 1;
  private lastTime = Number.NEGATIVE_INFINITY;

  constructor(config: CidConfig) {
    assertValidConfig(config);
    // A private copy, so a caller mutating its config object cannot desynchronise the books.
    this.config = { ...config, products: config.products.map((p) => ({ ...p })) };
    for (const def of this.config.products) {
      const state: ProductState = { def, book: new OrderBook(def.id), status: 'pending' };
      this.productList.push(state);
      this.productById.set(def.id, state);
    }
  }

  apply(command: CidCommand): CidEvent[] {
    this.assertTime(command.time);
    const events = this.dispatch(command);
    this.lastTime = command.time;
    return events;
  }

  // ---- Queries ----

  depth(productId: string, levels: number): Depth {
    const { book } = this.requireProduct(productId);
    if (!Number.isInteger(levels) || levels < 0)
      throw new RangeError(`depth levels must be an integer >= 0, got ${levels}`);
    const depth: Depth = {
      productId,
      bids: aggregate(book.bids, levels),
      asks: aggregate(book.asks, levels),
    };
    if (book.lastTradePriceTicks !== undefined) depth.lastTradePriceTicks = book.lastTradePriceTicks;
    return depth;
  }

  openOrders(agentId: string): RestingOrder[] {
    const ids = [...(this.ordersByAgent.get(agentId) ?? [])].sort((a, b) => a - b);
    return ids.map((id) => snapshot(this.orders.get(id)!));
  }

  getOrder(orderId: number): RestingOrder | undefined {
    const node = this.orders.get(orderId);
    return node === undefined ? undefined : snapshot(node);
  }

  productStatus(productId: string): ProductStatus {
    return this.requireProduct(productId).status;
  }

  products(): ProductDef[] {
    return this.config.products.map((p) => ({ ...p }));
  }

  /** Hash of everything that influences future events, for replay checks. */
  stateHash(): string {
    const parts: string[] = [`cid-v1|t=${this.lastTime}|o=${this.nextOrderId}|tr=${this.nextTradeId}`];
    for (const { def, book, status } of this.productList) {
      parts.push(`|p=${JSON.stringify(def.id)}:${status}:${book.lastTradePriceTicks ?? '-'}`);
      serialiseSide(book.bids, parts);
      serialiseSide(book.asks, parts);
    }
    return fnv1a64(parts.join(''));
  }

  /** Walks all books and indexes; throws on the first broken invariant. */
  validateInternalState(): void {
    let resting = 0;
    for (const { def, book, status } of this.productList) {
      book.assertConsistent();
      if (status === 'closed' && book.orderCount > 0)
        throw new Error(`closed product ${def.id} still has orders`);
      for (const node of book.orders()) this.assertIndexed(node, def.id);
      resting += book.orderCount;
    }
    if (this.orders.size !== resting)
      throw new Error(`order index has ${this.orders.size} entries, books ${resting}`);
    let byAgent = 0;
    for (const ids of this.ordersByAgent.values()) byAgent += ids.size;
    if (byAgent !== resting) throw new Error(`agent index has ${byAgent} entries, books ${resting}`);
  }

  // ---- Commands ----

  private dispatch(command: CidCommand): CidEvent[] {
    switch (command.type) {
      case 'submit':
        return this.submit(command);
      case 'cancel':
        return this.cancel(command);
      case 'modify':
        return this.modify(command);
      case 'advance':
        return this.advance(command);
      default:
        throw new Error(`unknown command type ${JSON.stringify((command as { type?: unknown }).type)}`);
    }
  }

  private assertTime(time: number): void {
    if (!Number.isSafeInteger(time))
      throw new Error(`command time must be an integer ms timestamp, got ${time}`);
    if (time < this.lastTime) {
      throw new Error(`command time ${time} is before the previous command time ${this.lastTime}`);
    }
  }

  private submit(cmd: SubmitCommand): CidEvent[] {
    const product = this.productById.get(cmd.productId);
    if (product === undefined) return [reject.unknownProduct(cmd)];
    const invalid = this.checkSubmitFields(cmd) ?? checkWindow(cmd, product.def);
    if (invalid !== undefined) return [invalid];
    const { book } = product;
    if (cmd.tif === 'FOK') {
      const fillable = book.fillable(cmd.side, cmd.priceTicks, cmd.agentId, cmd.quantityLots);
      if (fillable < cmd.quantityLots) return [reject.fokNotFillable(cmd, fillable)];
    }
    const node = new OrderNode(
      this.nextOrderId++,
      cmd.agentId,
      cmd.productId,
      cmd.side,
      cmd.priceTicks,
      cmd.quantityLots,
      cmd.quantityLots,
      cmd.tif,
      cmd.time,
      cmd.clientRef,
    );
    const events: CidEvent[] = [acceptedEvent(cmd, node.orderId)];
    this.execute(book, node, cmd, events);
    return events;
  }

  private cancel(cmd: CancelCommand): CidEvent[] {
    const node = this.ownedOrder(cmd.agentId, cmd.orderId);
    if (node === undefined) return [reject.unknownOrder(cmd)];
    this.productById.get(node.productId)!.book.remove(node);
    this.unindex(node);
    return [cancelledEvent(node, cmd.time, 'user', cmd.clientRef)];
  }

  private modify(cmd: ModifyCommand): CidEvent[] {
    const node = this.ownedOrder(cmd.agentId, cmd.orderId);
    if (node === undefined) return [reject.unknownOrder(cmd)];
    const { def, book } = this.productById.get(node.productId)!;
    const invalid = this.checkPriceAndQuantity(cmd) ?? checkWindow(cmd, def);
    if (invalid !== undefined) return [invalid];
    if (cmd.priceTicks === node.priceTicks && cmd.quantityLots < node.remainingLots) {
      book.reduce(node, node.remainingLots - cmd.quantityLots);
      return [modifiedEvent(node, cmd, true)];
    }
    // Anything but a pure reduction is a new entry: back of the queue, and it may aggress.
    book.remove(node);
    node.priceTicks = cmd.priceTicks;
    node.remainingLots = cmd.quantityLots;
    node.originalLots = cmd.quantityLots;
    node.entryTime = cmd.time;
    const events: CidEvent[] = [modifiedEvent(node, cmd, false)];
    this.execute(book, node, cmd, events);
    return events;
  }

  private advance(cmd: AdvanceCommand): CidEvent[] {
    const events: CidEvent[] = [];
    for (const product of this.productList) {
      const { def } = product;
      if (product.status === 'pending' && def.openMs <= cmd.time) {
        product.status = 'open';
        events.push({ type: 'product-opened', time: cmd.time, productId: def.id });
      }
      if (product.status !== 'closed' && def.gateClosureMs <= cmd.time)
        this.closeGate(product, cmd.time, events);
    }
    return events;
  }

  private closeGate(product: ProductState, time: number, events: CidEvent[]): void {
    const resting = [...product.book.orders()].sort((a, b) => a.orderId - b.orderId);
    for (const node of resting) {
      product.book.remove(node);
      this.unindex(node);
      events.push(cancelledEvent(node, time, 'gate-closure', node.clientRef));
    }
    product.status = 'closed';
    events.push({ type: 'gate-closed', time, productId: product.def.id });
  }

  // ---- Matching ----

  /** Matches an order that is not in the book, then rests, cancels or forgets what is left of it. */
  private execute(
    book: OrderBook,
    node: OrderNode,
    cmd: SubmitCommand | ModifyCommand,
    events: CidEvent[],
  ): void {
    const outcome = this.match(book, node, cmd.time, events);
    if (node.remainingLots === 0) {
      this.unindex(node);
    } else if (outcome === 'self-trade' || node.tif !== 'GTC') {
      const reason = outcome === 'self-trade' ? 'self-trade' : 'ioc-remainder';
      events.push(cancelledEvent(node, cmd.time, reason, cmd.clientRef));
      this.unindex(node);
    } else {
      book.add(node);
      this.index(node);
    }
  }

  private match(book: OrderBook, taker: OrderNode, time: number, events: CidEvent[]): MatchOutcome {
    const makers = book.opposite(taker.side);
    while (taker.remainingLots > 0) {
      const level = makers.best();
      if (level === undefined || !crosses(taker.side, taker.priceTicks, level.priceTicks)) return 'exhausted';
      const maker = level.head!;
      // Cancel-newest self-trade prevention: the resting own order keeps its place.
      if (maker.agentId === taker.agentId) return 'self-trade';
      const lots = Math.min(taker.remainingLots, maker.remainingLots);
      events.push(this.trade(taker, maker, lots, time));
      book.lastTradePriceTicks = maker.priceTicks;
      taker.remainingLots -= lots;
      if (book.reduce(maker, lots)) this.unindex(maker);
    }
    return 'filled';
  }

  private trade(taker: OrderNode, maker: OrderNode, lots: number, time: number): TradeEvent {
    const buy = taker.side === 'buy' ? taker : maker;
    const sell = taker.side === 'buy' ? maker : taker;
    return {
      type: 'trade',
      time,
      tradeId: this.nextTradeId++,
      productId: taker.productId,
      priceTicks: maker.priceTicks,
      quantityLots: lots,
      buyOrderId: buy.orderId,
      sellOrderId: sell.orderId,
      buyAgentId: buy.agentId,
      sellAgentId: sell.agentId,
      aggressorSide: taker.side,
    };
  }

  // ---- Validation ----

  private checkSubmitFields(cmd: SubmitCommand): RejectedEvent | undefined {
    if (cmd.side !== 'buy' && cmd.side !== 'sell') return reject.invalidSide(cmd);
    if (cmd.tif !== 'GTC' && cmd.tif !== 'IOC' && cmd.tif !== 'FOK') return reject.invalidTimeInForce(cmd);
    return this.checkPriceAndQuantity(cmd);
  }

  private checkPriceAndQuantity(cmd: SubmitCommand | ModifyCommand): RejectedEvent | undefined {
    const { priceMinTicks, priceMaxTicks, maxQuantityLots } = this.config;
    if (!isIntegerIn(cmd.priceTicks, priceMinTicks, priceMaxTicks))
      return reject.priceOutOfRange(cmd, this.config);
    if (!isIntegerIn(cmd.quantityLots, 1, maxQuantityLots)) return reject.quantityInvalid(cmd, this.config);
    return undefined;
  }

  // ---- Indexes ----

  private ownedOrder(agentId: string, orderId: number): OrderNode | undefined {
    const node = this.orders.get(orderId);
    return node !== undefined && node.agentId === agentId ? node : undefined;
  }

  private index(node: OrderNode): void {
    this.orders.set(node.orderId, node);
    let ids = this.ordersByAgent.get(node.agentId);
    if (ids === undefined) {
      ids = new Set();
      this.ordersByAgent.set(node.agentId, ids);
    }
    ids.add(node.orderId);
  }

  /** Safe to call for orders that never rested (fully filled or cancelled on entry). */
  private unindex(node: OrderNode): void {
    if (this.orders.delete(node.orderId)) this.ordersByAgent.get(node.agentId)!.delete(node.orderId);
  }

  private assertIndexed(node: OrderNode, productId: string): void {
    const id = node.orderId;
    if (node.productId !== productId)
      throw new Error(`order ${id} of ${node.productId} sits in book ${productId}`);
    if (this.orders.get(id) !== node) throw new Error(`order ${id} missing from the order index`);
    if (this.ordersByAgent.get(node.agentId)?.has(id) !== true)
      throw new Error(`order ${id} missing from agent index`);
    if (id >= this.nextOrderId) throw new Error(`order ${id} was never assigned`);
  }

  private requireProduct(productId: string): ProductState {
    const product = this.productById.get(productId);
    if (product === undefined) throw new Error(`unknown product ${JSON.stringify(productId)}`);
    return product;
  }
}

function checkWindow(cmd: SubmitCommand | ModifyCommand, product: ProductDef): RejectedEvent | undefined {
  if (cmd.time < product.openMs) return reject.marketNotOpen(cmd, product);
  if (cmd.time >= product.gateClosureMs) return reject.gateClosed(cmd, product);
  return undefined;
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function assertValidConfig(config: CidConfig): void {
  const { priceMinTicks, priceMaxTicks, maxQuantityLots, products } = config;
  if (
    !Number.isSafeInteger(priceMinTicks) ||
    !Number.isSafeInteger(priceMaxTicks) ||
    priceMinTicks > priceMaxTicks
  ) {
    throw new Error(`invalid CID price range ${priceMinTicks} .. ${priceMaxTicks}`);
  }
  if (!Number.isSafeInteger(maxQuantityLots) || maxQuantityLots < 1) {
    throw new Error(`invalid CID maxQuantityLots ${maxQuantityLots}`);
  }
  const seen = new Set<string>();
  for (const p of products) {
    if (seen.has(p.id)) throw new Error(`duplicate CID product id ${JSON.stringify(p.id)}`);
    seen.add(p.id);
    if (
      !Number.isSafeInteger(p.openMs) ||
      !Number.isSafeInteger(p.gateClosureMs) ||
      p.openMs > p.gateClosureMs
    ) {
      throw new Error(
        `product ${p.id}: openMs ${p.openMs} must be an integer <= gateClosureMs ${p.gateClosureMs}`,
      );
    }
  }
}

function aggregate(side: BookSide, levels: number): DepthLevel[] {
  const out: DepthLevel[] = [];
  const n = Math.min(levels, side.levelCount);
  for (let i = 0; i < n; i++) {
    const level = side.levelAt(i)!;
    out.push({ priceTicks: level.priceTicks, quantityLots: level.totalLots, orderCount: level.orderCount });
  }
  return out;
}

function serialiseSide(side: BookSide, parts: string[]): void {
  parts.push(`|${side.side}`);
  for (let i = 0; i < side.levelCount; i++) {
    for (let n = side.levelAt(i)!.head; n !== null; n = n.next) {
      parts.push(
        `|${n.orderId},${JSON.stringify(n.agentId)},${n.priceTicks},${n.remainingLots},${n.originalLots},` +
          `${n.tif},${n.entryTime},${JSON.stringify(n.clientRef ?? null)}`,
      );
    }
  }
}

function snapshot(node: OrderNode): RestingOrder {
  const order: RestingOrder = {
    orderId: node.orderId,
    agentId: node.agentId,
    productId: node.productId,
    side: node.side,
    priceTicks: node.priceTicks,
    remainingLots: node.remainingLots,
    originalLots: node.originalLots,
    tif: node.tif,
    entryTime: node.entryTime,
  };
  if (node.clientRef !== undefined) order.clientRef = node.clientRef;
  return order;
}

function acceptedEvent(cmd: SubmitCommand, orderId: number): AcceptedEvent {
  const event: AcceptedEvent = {
    type: 'accepted',
    time: cmd.time,
    orderId,
    agentId: cmd.agentId,
    productId: cmd.productId,
    side: cmd.side,
    priceTicks: cmd.priceTicks,
    quantityLots: cmd.quantityLots,
    tif: cmd.tif,
  };
  if (cmd.clientRef !== undefined) event.clientRef = cmd.clientRef;
  return event;
}

function cancelledEvent(
  node: OrderNode,
  time: number,
  reason: CancelReason,
  clientRef: string | undefined,
): CancelledEvent {
  const event: CancelledEvent = {
    type: 'cancelled',
    time,
    orderId: node.orderId,
    agentId: node.agentId,
    productId: node.productId,
    remainingLots: node.remainingLots,
    reason,
  };
  if (clientRef !== undefined) event.clientRef = clientRef;
  return event;
}

function modifiedEvent(node: OrderNode, cmd: ModifyCommand, priorityKept: boolean): ModifiedEvent {
  const event: ModifiedEvent = {
    type: 'modified',
    time: cmd.time,
    orderId: node.orderId,
    agentId: node.agentId,
    productId: node.productId,
    priceTicks: cmd.priceTicks,
    quantityLots: cmd.quantityLots,
    priorityKept,
  };
  if (cmd.clientRef !== undefined) event.clientRef = cmd.clientRef;
  return event;
}
