import { firstWithOthers } from '../../lib/index.js';
import type {
  AcceptedEvent,
  CancelCommand,
  CancelledEvent,
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
import { PRODUCT_KIND_MINUTES } from '../types.js';
import { modifyFaults, submitFaults } from './command-faults.js';
import {
  CANCEL_REASONS,
  CidEventBuffer,
  EV_ACCEPTED,
  EV_CANCELLED,
  EV_GATE_CLOSED,
  EV_MODIFIED,
  EV_PRODUCT_OPENED,
  EV_REJECTED,
  EV_TRADE,
  REASON_GATE_CLOSURE,
  REASON_IOC_REMAINDER,
  REASON_SELF_TRADE,
  REASON_USER,
  REJ_GATE_CLOSED,
  REJ_ICEBERG,
  REJ_NOT_FILLABLE,
  REJ_NOT_OPEN,
  REJ_PEAK,
  REJ_PRICE,
  REJ_QUANTITY,
  REJ_RESTRICTION,
  REJ_SIDE,
  REJ_TIF,
  REJ_UNKNOWN_ORDER,
  REJ_UNKNOWN_PRODUCT,
  REJECT_CODES,
} from './event-buffer.js';
import {
  type BookSide,
  BUY,
  crosses,
  FOK,
  GTC,
  IOC,
  OrderBook,
  OrderNode,
  SELL,
  SIDE_NAMES,
  TIF_NAMES,
} from './order-book.js';
import * as reject from './rejections.js';
import { fnv1a64 } from './state-hash.js';

interface ProductState {
  readonly index: number;
  readonly def: ProductDef;
  readonly book: OrderBook;
  status: ProductStatus;
}

/**
 * An agent's resting orders, in no particular order: removal moves the last one into the gap
 * (OrderNode.agentSlot), so it is O(1) and touches at most one other, recently used, order — a
 * linked list would touch two random ones. openOrders() sorts by id.
 */
interface AgentState {
  readonly id: string;
  readonly orders: OrderNode[];
}

/**
 * A submit for the low-level entry point CidMarket.submitRaw: integer handles instead of strings,
 * so a caller can fill one object and reuse it for every order.
 */
export interface RawSubmit {
  time: number;
  /** From CidMarket.agentIndex(). */
  agent: number;
  /** From CidMarket.productIndex(); an unknown index is rejected as UNKNOWN_PRODUCT. */
  product: number;
  /** BUY (0) or SELL (1). */
  side: number;
  priceTicks: number;
  quantityLots: number;
  /** GTC (0), IOC (1) or FOK (2). */
  tif: number;
  aon: boolean;
  /** 0 for an ordinary order; otherwise the iceberg clip, which must be an integer in 1 .. quantityLots. */
  peakLots: number;
  clientRef: string | undefined;
}

/** A RawSubmit to fill in and reuse. */
export function newRawSubmit(): RawSubmit {
  return {
    time: 0,
    agent: 0,
    product: 0,
    side: BUY,
    priceTicks: 0,
    quantityLots: 0,
    tif: GTC,
    aon: false,
    peakLots: 0,
    clientRef: undefined,
  };
}

/**
 * Ids ID_CHUNK * k .. ID_CHUNK * (k + 1) - 1: for each, the node that last held it. Large enough
 * (256 KiB) for V8 to place it in large-object space, where scavenges never copy it.
 */
interface IdChunk {
  readonly nodes: (OrderNode | undefined)[];
  /** Orders of this chunk that rest right now. */
  live: number;
}

const ID_BITS = 16;
const ID_CHUNK = 1 << ID_BITS;
/** Ids index chunks with 32-bit shifts. */
const MAX_ORDER_ID = 0xffff_ffff;
const ID_MASK = ID_CHUNK - 1;

const FILLED = 0;
const EXHAUSTED = 1;
const SELF_TRADE = 2;

/**
 * The continuous intraday market: one price-time-priority book per product (quarter-hourly and
 * hourly products side by side; nothing in matching depends on the kind).
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
 * - Submit checks run in this order: product, side, tif, restriction, price, quantity, peakLots,
 *   iceberg combinations, trading window, then FOK fillability.
 *
 * Self-trade prevention (cancel newest): an incoming order that reaches an own resting order it
 * would trade with is cancelled (reason 'self-trade'); trades done before that stand and the resting
 * order keeps its place.
 *
 * AON (all-or-none, `restriction: 'AON'`):
 * - An incoming AON order executes in full, against one or more resting orders at once, or not at
 *   all. Whether it can is decided by walking the book exactly as matching would (see fillable).
 * - GTC AON that cannot execute in full rests, untraded, at the back of its level; it shows in depth
 *   like any order. IOC AON is a FOK: it is rejected (FOK_NOT_FILLABLE) unless it fills in full, and
 *   FOK AON is the same as FOK.
 * - A resting AON order is matched only by an incoming order whose remaining quantity covers the
 *   AON order's whole remainder. Otherwise matching passes over it and continues with the next order
 *   in the level and then the next levels (as EPEX does); the AON order keeps its place. Self-trade
 *   prevention only looks at orders that would actually trade, so an own AON order that is passed
 *   over does not stop the incoming order.
 * - Because of that, the book may look crossed: a resting AON bid may sit above the best ask. It
 *   executes only when an incoming order can take it whole, never by itself — also not after a
 *   priority-keeping reduction, which never matches. Among non-AON orders the book is never crossed.
 * - An AON order that cannot execute never triggers self-trade prevention (it does not trade).
 *
 * Icebergs (`peakLots`):
 * - On entry (and on a priority-losing modify) the whole quantity aggresses; what rests shows a clip
 *   of min(peakLots, remaining) and hides the rest. Depth counts the clip only; openOrders shows the
 *   owner remainingLots (clip + hidden), peakLots and hiddenLots.
 * - A resting iceberg trades its clip only. When the clip is used up and hidden lots are left, a new
 *   clip of min(peakLots, hidden) is shown at the back of its price level with entryTime = the time
 *   of that trade, so it loses time priority; an incoming order still sweeping the level meets the
 *   new clip again after the orders queued before it.
 * - A priority-keeping reduction (modify to the same price and a smaller quantity) takes the hidden
 *   lots first, then the clip.
 * - Refused with ICEBERG_NOT_ALLOWED: iceberg with IOC or FOK (an iceberg is a resting order) and
 *   iceberg with AON. peakLots must be an integer in 1 .. quantityLots (PEAK_INVALID).
 *
 * Two ways in: apply(command) returns CidEvent objects; the low-level entry points submitRaw,
 * cancelRaw, modifyRaw and advanceRaw take integer handles (productIndex, agentIndex) and write
 * the same events as records into the reusable buffer `events` without allocating. apply() is a
 * thin wrapper over the same core, so both give identical results.
 */
export class CidMarket {
  /** Records written by the last command, overwritten by the next one. */
  readonly events = new CidEventBuffer();
  private readonly config: CidConfig;
  private readonly productList: ProductState[] = [];
  private readonly productIndexById = new Map<string, number>();
  /**
   * Product indices by opening time and by gate closure (ties by index), each with a cursor past
   * the products whose time has come: a clock event visits only the products it opens or closes,
   * not every product of the run (a 90-day run has ~11 000, a few dozen open at a time).
   */
  private readonly byOpen: number[] = [];
  private readonly byGate: number[] = [];
  private nextOpen = 0;
  private nextGate = 0;
  /** The products a clock event opens or closes, reused. */
  private readonly due: number[] = [];
  private visits = 0;
  private readonly agentList: AgentState[] = [];
  private readonly agentIndexById = new Map<string, number>();
  /**
   * Resting orders by id. Ids are dense, so this is an array indexed by id, cut into fixed-size
   * chunks: growing it never copies, and a chunk none of whose orders rest any more is dropped.
   * A slot is not cleared when its order leaves (that would be one more cache miss per fill): a
   * lookup only believes a node that still carries that id and sits in a book.
   */
  private readonly idChunks: (IdChunk | null)[] = [];
  /** Nodes of orders that have left, for reuse: steady-state trading allocates no nodes. */
  private readonly spareNodes: OrderNode[] = [];
  private readonly scratch = newRawSubmit();
  private resting = 0;
  private nextOrderId = 1;
  private nextTradeId = 1;
  private lastTime = Number.NEGATIVE_INFINITY;
  /** The time of the command being applied. */
  private now = 0.5;

  constructor(config: CidConfig) {
    assertValidConfig(config);
    // A private copy, so a caller mutating its config object cannot desynchronise the books.
    this.config = { ...config, products: config.products.map((p) => ({ ...p })) };
    for (const def of this.config.products) {
      const index = this.productList.length;
      this.productList.push({ index, def, book: new OrderBook(def.id), status: 'pending' });
      this.productIndexById.set(def.id, index);
      this.byOpen.push(index);
      this.byGate.push(index);
    }
    const list = this.productList;
    this.byOpen.sort((a, b) => list[a]!.def.openMs - list[b]!.def.openMs || a - b);
    this.byGate.sort((a, b) => list[a]!.def.gateClosureMs - list[b]!.def.gateClosureMs || a - b);
  }

  apply(command: CidCommand): CidEvent[] {
    this.enter(command.time);
    this.events.reset();
    switch (command.type) {
      case 'submit':
        this.applySubmit(command);
        break;
      case 'cancel':
        this.cancelCore(this.agentIndex(command.agentId), command.orderId);
        break;
      case 'modify':
        this.modifyCore(
          this.agentIndex(command.agentId),
          command.orderId,
          command.priceTicks,
          command.quantityLots,
        );
        break;
      case 'advance':
        this.advanceCore();
        break;
      default:
        throw new Error(`unknown command type ${JSON.stringify((command as { type?: unknown }).type)}`);
    }
    this.lastTime = command.time;
    return this.eventsOf(command);
  }

  // ---- Low-level entry points ----

  /** Index of a product for the low-level entry points, or -1 if there is no such product. */
  productIndex(productId: string): number {
    return this.productIndexById.get(productId) ?? -1;
  }

  /** Index of an agent for the low-level entry points; registers the agent on first use. */
  agentIndex(agentId: string): number {
    let index = this.agentIndexById.get(agentId);
    if (index === undefined) {
      index = this.agentList.length;
      this.agentList.push({ id: agentId, orders: [] });
      this.agentIndexById.set(agentId, index);
    }
    return index;
  }

  /** The agent id behind an index from agentIndex() (e.g. the maker agent of a trade record). */
  agentIdOf(agent: number): string {
    return this.agentList[agent]!.id;
  }

  /** The product id behind an index from productIndex(). */
  productIdOf(product: number): string {
    return this.productList[product]!.def.id;
  }

  /** Like apply() for a submit; the events are in `events`. Returns their number. */
  submitRaw(order: RawSubmit): number {
    this.enter(order.time);
    this.checkAgent(order.agent);
    this.events.reset();
    this.submitCore(order);
    this.lastTime = this.now;
    return this.events.count;
  }

  cancelRaw(time: number, agent: number, orderId: number): number {
    this.enter(time);
    this.checkAgent(agent);
    this.events.reset();
    this.cancelCore(agent, orderId);
    this.lastTime = this.now;
    return this.events.count;
  }

  modifyRaw(time: number, agent: number, orderId: number, priceTicks: number, quantityLots: number): number {
    this.enter(time);
    this.checkAgent(agent);
    this.events.reset();
    this.modifyCore(agent, orderId, priceTicks, quantityLots);
    this.lastTime = this.now;
    return this.events.count;
  }

  advanceRaw(time: number): number {
    this.enter(time);
    this.events.reset();
    this.advanceCore();
    this.lastTime = this.now;
    return this.events.count;
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
    const index = this.agentIndexById.get(agentId);
    if (index === undefined) return [];
    return this.agentList[index]!.orders.map((n) => this.snapshot(n)).sort((a, b) => a.orderId - b.orderId);
  }

  /** How many orders `agentId` has resting, without building snapshots (a per-submit check). */
  openOrderCount(agentId: string): number {
    const index = this.agentIndexById.get(agentId);
    return index === undefined ? 0 : this.agentList[index]!.orders.length;
  }

  getOrder(orderId: number): RestingOrder | undefined {
    const node = this.restingNode(orderId);
    return node === null ? undefined : this.snapshot(node);
  }

  /** Products visited by clock events so far: the work of opening and closing (tests bound it). */
  get advanceVisits(): number {
    return this.visits;
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
      this.serialiseSide(book.bids, parts);
      this.serialiseSide(book.asks, parts);
    }
    return fnv1a64(parts.join(''));
  }

  /**
   * Walks all books and indexes; throws on the first broken invariant: levels sorted and consistent
   * with their orders, FIFO by entry time, every remainder an integer (clip > 0, hidden >= 0, iceberg
   * clips within the peak), only GTC orders resting, no cross among non-AON orders (best non-AON bid
   * < best non-AON ask; a resting AON order may cross, see the class comment), nothing left in a
   * closed product, and the id and agent indexes agreeing with the books.
   */
  validateInternalState(): void {
    let inBooks = 0;
    for (const { def, book, status, index } of this.productList) {
      const count = book.assertConsistent();
      if (status === 'closed' && count > 0) throw new Error(`closed product ${def.id} still has orders`);
      for (const side of [book.bids, book.asks]) {
        for (let i = 0; i < side.levelCount; i++) {
          for (let n = side.levelAt(i)!.head; n !== null; n = n.next) this.assertIndexed(n, index);
        }
      }
      inBooks += count;
    }
    let indexed = 0;
    for (const [c, chunk] of this.idChunks.entries()) {
      let live = 0;
      for (let i = 0; chunk !== null && i < ID_CHUNK; i++) {
        if (this.restingNode(c * ID_CHUNK + i) !== null) live++;
      }
      if (live !== (chunk?.live ?? 0))
        throw new Error(`id chunk ${c} counts ${chunk?.live} orders, holds ${live}`);
      indexed += live;
    }
    if (indexed !== inBooks || this.resting !== inBooks)
      throw new Error(`order index has ${indexed} entries (count ${this.resting}), books ${inBooks}`);
    let byAgent = 0;
    for (const [a, agent] of this.agentList.entries()) {
      for (const [slot, node] of agent.orders.entries()) {
        if (node.agent !== a || node.agentSlot !== slot || node.level === null)
          throw new Error(`agent ${agent.id}: order ${node.orderId} badly indexed`);
        if (this.restingNode(node.orderId) !== node)
          throw new Error(`agent ${agent.id}: order ${node.orderId} not resting`);
      }
      byAgent += agent.orders.length;
    }
    if (byAgent !== inBooks) throw new Error(`agent index has ${byAgent} entries, books ${inBooks}`);
  }

  // ---- Commands ----

  // Hot checks only call out to build their messages: V8 runs a function that formats numbers
  // into strings on its cold paths markedly slower, even when those paths never run.

  /**
   * Checks the command time and makes it `now` for the rest of the command. The core reads the
   * time from this field rather than taking it as an argument: a float passed to a call V8 does
   * not inline is boxed into a fresh heap number, i.e. garbage on every command.
   */
  private enter(time: number): void {
    if (!Number.isSafeInteger(time) || time < this.lastTime) badTime(time, this.lastTime);
    this.now = time;
  }

  private checkAgent(agent: number): void {
    if (!(agent >= 0 && agent < this.agentList.length && Number.isInteger(agent))) badAgentIndex(agent);
  }

  /** The string-typed checks of a submit, then the shared core. */
  private applySubmit(cmd: SubmitCommand): void {
    const agent = this.agentIndex(cmd.agentId);
    const product = this.productIndexById.get(cmd.productId);
    let code = -1;
    if (product === undefined) code = REJ_UNKNOWN_PRODUCT;
    else if (cmd.side !== 'buy' && cmd.side !== 'sell') code = REJ_SIDE;
    else if (cmd.tif !== 'GTC' && cmd.tif !== 'IOC' && cmd.tif !== 'FOK') code = REJ_TIF;
    else if (cmd.restriction !== undefined && cmd.restriction !== 'NONE' && cmd.restriction !== 'AON')
      code = REJ_RESTRICTION;
    if (code >= 0) {
      this.events.rejected(code, agent, 0, 0);
      return;
    }
    const raw = this.scratch;
    raw.time = cmd.time;
    raw.agent = agent;
    raw.product = product!;
    raw.side = cmd.side === 'buy' ? BUY : SELL;
    raw.priceTicks = cmd.priceTicks;
    raw.quantityLots = cmd.quantityLots;
    raw.tif = cmd.tif === 'GTC' ? GTC : cmd.tif === 'IOC' ? IOC : FOK;
    raw.aon = cmd.restriction === 'AON';
    // 0 means "no iceberg" to the core, so an explicit 0 must still reach it as an invalid peak.
    raw.peakLots = cmd.peakLots === undefined ? 0 : cmd.peakLots === 0 ? -1 : cmd.peakLots;
    raw.clientRef = cmd.clientRef;
    this.submitCore(raw);
    raw.clientRef = undefined;
  }

  private submitCore(o: RawSubmit): void {
    const ev = this.events;
    const product = this.productList[o.product];
    if (product === undefined) {
      ev.rejected(REJ_UNKNOWN_PRODUCT, o.agent, 0, 0);
      return;
    }
    const { side, tif, priceTicks, quantityLots, peakLots, aon } = o;
    const code =
      side !== BUY && side !== SELL
        ? REJ_SIDE
        : tif !== GTC && tif !== IOC && tif !== FOK
          ? REJ_TIF
          : this.checkPriceAndQuantity(priceTicks, quantityLots);
    if (code >= 0) {
      ev.rejected(code, o.agent, 0, 0);
      return;
    }
    if (peakLots !== 0) {
      // aux 0: an iceberg must be GTC; aux 1: an iceberg cannot be AON.
      const iceberg = !isIntegerIn(peakLots, 1, quantityLots)
        ? REJ_PEAK
        : tif !== GTC || aon
          ? REJ_ICEBERG
          : -1;
      if (iceberg >= 0) {
        ev.rejected(iceberg, o.agent, 0, tif !== GTC ? 0 : 1);
        return;
      }
    }
    const window = this.checkWindow(product.def);
    if (window >= 0) {
      ev.rejected(window, o.agent, 0, 0);
      return;
    }
    const book = product.book;
    if (tif === FOK || (aon && tif === IOC)) {
      const fillable = book.fillable(side, priceTicks, o.agent, quantityLots);
      if (fillable < quantityLots) {
        ev.rejected(REJ_NOT_FILLABLE, o.agent, 0, fillable);
        return;
      }
    }
    const node = this.spareNodes.pop() ?? new OrderNode();
    node.orderId = this.nextOrderId++;
    node.agent = o.agent;
    node.product = o.product;
    node.side = side;
    node.tif = tif;
    node.aon = aon;
    node.priceTicks = priceTicks;
    node.visible = quantityLots;
    node.hidden = 0;
    node.peak = peakLots;
    node.originalLots = quantityLots;
    node.entryTime = this.now;
    node.clientRef = o.clientRef;
    if (node.orderId > MAX_ORDER_ID) tooManyOrders();
    if ((node.orderId & ID_MASK) === 0 || this.idChunks.length === 0) this.openIdChunk(node.orderId);
    ev.accepted(node.orderId, o.agent, o.product);
    this.execute(book, node, false);
  }

  private cancelCore(agent: number, orderId: number): void {
    const node = this.ownedOrder(agent, orderId);
    if (node === null) {
      this.events.rejected(REJ_UNKNOWN_ORDER, agent, orderId, 0);
      return;
    }
    this.events.cancelled(orderId, agent, node.product, node.visible + node.hidden, REASON_USER);
    this.productList[node.product]!.book.remove(node);
    this.forget(node);
  }

  private modifyCore(agent: number, orderId: number, priceTicks: number, lots: number): void {
    const ev = this.events;
    const node = this.ownedOrder(agent, orderId);
    if (node === null) {
      ev.rejected(REJ_UNKNOWN_ORDER, agent, orderId, 0);
      return;
    }
    const { def, book } = this.productList[node.product]!;
    let code = this.checkPriceAndQuantity(priceTicks, lots);
    if (code < 0) code = this.checkWindow(def);
    if (code >= 0) {
      ev.rejected(code, agent, orderId, 0);
      return;
    }
    const remaining = node.visible + node.hidden;
    if (priceTicks === node.priceTicks && lots < remaining) {
      book.reduce(node, remaining - lots);
      ev.modified(orderId, agent, node.product, priceTicks, lots, true);
      return;
    }
    // Anything but a pure reduction is a new entry: back of the queue, and it may aggress.
    book.remove(node);
    node.priceTicks = priceTicks;
    node.visible = lots;
    node.hidden = 0;
    node.originalLots = lots;
    node.entryTime = this.now;
    ev.modified(orderId, agent, node.product, priceTicks, lots, false);
    this.execute(book, node, true);
  }

  /**
   * Opens and closes the products whose times have come, in product order (as a walk over every
   * product would: the events' order is part of the tape). Time never goes back (enter()), so a
   * product passed by a cursor has had its turn: a later event would find nothing to do for it.
   */
  private advanceCore(): void {
    const time = this.now;
    const list = this.productList;
    const due = this.due;
    due.length = 0;
    while (this.nextOpen < this.byOpen.length && list[this.byOpen[this.nextOpen]!]!.def.openMs <= time)
      due.push(this.byOpen[this.nextOpen++]!);
    while (this.nextGate < this.byGate.length && list[this.byGate[this.nextGate]!]!.def.gateClosureMs <= time)
      due.push(this.byGate[this.nextGate++]!);
    if (due.length === 0) return;
    due.sort((a, b) => a - b);
    this.visits += due.length;
    for (let i = 0; i < due.length; i++) {
      // A product both opening and closing now is in the list twice: its turn comes once.
      if (i > 0 && due[i] === due[i - 1]) continue;
      const product = list[due[i]!]!;
      const { def } = product;
      if (product.status === 'pending' && def.openMs <= time) {
        product.status = 'open';
        this.events.productEvent(EV_PRODUCT_OPENED, product.index);
      }
      if (product.status !== 'closed' && def.gateClosureMs <= time) this.closeGate(product);
    }
  }

  private closeGate(product: ProductState): void {
    const { book } = product;
    const nodes: OrderNode[] = [];
    for (const side of [book.bids, book.asks]) {
      for (let i = 0; i < side.levelCount; i++) {
        for (let n = side.levelAt(i)!.head; n !== null; n = n.next) nodes.push(n);
      }
    }
    nodes.sort((a, b) => a.orderId - b.orderId);
    for (const node of nodes) {
      this.events.cancelled(
        node.orderId,
        node.agent,
        product.index,
        node.visible + node.hidden,
        REASON_GATE_CLOSURE,
      );
      this.events.setClientRef(node.clientRef);
      book.remove(node);
      this.forget(node);
    }
    product.status = 'closed';
    // A closed book takes no more orders: the price levels it kept for reuse and its level arrays'
    // room (as many as it ever had at once) would stay allocated for the rest of the run, for every
    // product of it.
    book.bids.release();
    book.asks.release();
    this.events.productEvent(EV_GATE_CLOSED, product.index);
  }

  // ---- Matching ----

  /**
   * Matches an order that is not in the book, then rests, cancels or forgets what is left of it.
   * `indexed` says whether the order is in the indexes already (a modify) or new.
   */
  private execute(book: OrderBook, node: OrderNode, indexed: boolean): void {
    let outcome = EXHAUSTED;
    // An AON order trades only if it fills in full right now; IOC/FOK AON were checked on entry.
    if (!node.aon || book.fillable(node.side, node.priceTicks, node.agent, node.visible) >= node.visible) {
      outcome = this.match(book, node);
    }
    if (node.visible === 0) {
      if (indexed) this.unindex(node);
      this.release(node);
    } else if (outcome === SELF_TRADE || node.tif !== GTC) {
      this.events.cancelled(
        node.orderId,
        node.agent,
        node.product,
        node.visible,
        outcome === SELF_TRADE ? REASON_SELF_TRADE : REASON_IOC_REMAINDER,
      );
      if (indexed) this.unindex(node);
      this.release(node);
    } else {
      if (node.peak > 0 && node.visible > node.peak) {
        node.hidden = node.visible - node.peak;
        node.visible = node.peak;
      }
      book.add(node);
      if (!indexed) this.index(node);
    }
  }

  /**
   * Trades the incoming order (its whole quantity sits in `visible` while it matches) against the
   * opposite side, best level first, oldest order first, under the AON and iceberg rules above.
   */
  private match(book: OrderBook, taker: OrderNode): number {
    const makers = book.opposite(taker.side);
    const ev = this.events;
    let i = 0;
    while (taker.visible > 0) {
      const level = makers.levelAt(i);
      if (level === null || !crosses(taker.side, taker.priceTicks, level.priceTicks)) return EXHAUSTED;
      let dropped = false;
      let node = level.head;
      while (node !== null) {
        const next: OrderNode | null = node.next;
        if (node.aon && node.visible > taker.visible) {
          node = next; // all-or-none and more than the taker wants: pass over it
          continue;
        }
        // Cancel-newest self-trade prevention: the resting own order keeps its place.
        if (node.agent === taker.agent) return SELF_TRADE;
        const lots = Math.min(taker.visible, node.visible);
        ev.trade(
          taker.orderId,
          node.orderId,
          node.agent,
          taker.product,
          taker.side,
          level.priceTicks,
          lots,
          this.nextTradeId++,
        );
        book.lastTradePriceTicks = level.priceTicks;
        taker.visible -= lots;
        node.visible -= lots;
        level.visibleLots -= lots;
        if (node.visible === 0) {
          if (node.hidden > 0) {
            // The iceberg shows its next clip at the back of the level, with a new timestamp.
            const clip = Math.min(node.hidden, node.peak);
            node.hidden -= clip;
            node.visible = clip;
            level.visibleLots += clip;
            node.entryTime = this.now;
            book.moveToBack(node);
            if (taker.visible === 0) return FILLED;
            node = next ?? node; // it was the last order: the new clip is next in line
            continue;
          }
          dropped = level.orderCount === 1;
          book.remove(node);
          this.forget(node);
          if (dropped) break;
        }
        if (taker.visible === 0) return FILLED;
        node = next;
      }
      // Only AON orders too large for the taker are left at this level: try the next one.
      if (!dropped) i++;
    }
    return FILLED;
  }

  // ---- Validation ----

  /** A reject code, or -1. */
  private checkPriceAndQuantity(priceTicks: number, quantityLots: number): number {
    const { priceMinTicks, priceMaxTicks, maxQuantityLots } = this.config;
    if (!isIntegerIn(priceTicks, priceMinTicks, priceMaxTicks)) return REJ_PRICE;
    if (!isIntegerIn(quantityLots, 1, maxQuantityLots)) return REJ_QUANTITY;
    return -1;
  }

  /** A reject code for the trading window at `now`, or -1. */
  private checkWindow(product: ProductDef): number {
    if (this.now < product.openMs) return REJ_NOT_OPEN;
    if (this.now >= product.gateClosureMs) return REJ_GATE_CLOSED;
    return -1;
  }

  // ---- Indexes ----

  /** Makes room for ids from `firstId` on, dropping the previous chunk if no order of it rests. */
  private openIdChunk(firstId: number): void {
    const c = firstId >>> ID_BITS;
    while (this.idChunks.length < c) this.idChunks.push(null);
    const previous = this.idChunks.length - 1;
    if (previous >= 0 && this.idChunks[previous]?.live === 0) this.idChunks[previous] = null;
    this.idChunks.push({ nodes: new Array<OrderNode | undefined>(ID_CHUNK).fill(undefined), live: 0 });
  }

  private restingNode(orderId: number): OrderNode | null {
    if (!Number.isInteger(orderId) || orderId < 1 || orderId >= this.nextOrderId) return null;
    const chunk = this.idChunks[orderId >>> ID_BITS];
    if (chunk == null) return null;
    const node = chunk.nodes[orderId & ID_MASK];
    return node !== undefined && node.orderId === orderId && node.level !== null ? node : null;
  }

  private ownedOrder(agent: number, orderId: number): OrderNode | null {
    const node = this.restingNode(orderId);
    return node !== null && node.agent === agent ? node : null;
  }

  private index(node: OrderNode): void {
    const chunk = this.idChunks[node.orderId >>> ID_BITS]!;
    chunk.nodes[node.orderId & ID_MASK] = node;
    chunk.live++;
    this.resting++;
    const orders = this.agentList[node.agent]!.orders;
    node.agentSlot = orders.length;
    orders.push(node);
  }

  private unindex(node: OrderNode): void {
    const c = node.orderId >>> ID_BITS;
    const chunk = this.idChunks[c]!;
    // A chunk behind the one new ids come from is finished: drop it once it holds no order.
    if (--chunk.live === 0 && c < this.idChunks.length - 1) this.idChunks[c] = null;
    this.resting--;
    const orders = this.agentList[node.agent]!.orders;
    const last = orders.pop()!;
    if (last !== node) {
      orders[node.agentSlot] = last;
      last.agentSlot = node.agentSlot;
    }
  }

  /** For an order that has left its book: drop it from the indexes and recycle its node. */
  private forget(node: OrderNode): void {
    this.unindex(node);
    this.release(node);
  }

  private release(node: OrderNode): void {
    node.clientRef = undefined;
    node.prev = null;
    node.next = null;
    node.level = null;
    this.spareNodes.push(node);
  }

  private assertIndexed(node: OrderNode, product: number): void {
    const id = node.orderId;
    if (node.product !== product)
      throw new Error(`order ${id} of product ${node.product} sits in book ${product}`);
    if (this.restingNode(id) !== node) throw new Error(`order ${id} missing from the order index`);
    if (id >= this.nextOrderId) throw new Error(`order ${id} was never assigned`);
  }

  private requireProduct(productId: string): ProductState {
    const index = this.productIndexById.get(productId);
    if (index === undefined) throw new Error(`unknown product ${JSON.stringify(productId)}`);
    return this.productList[index]!;
  }

  // ---- Output ----

  private snapshot(node: OrderNode): RestingOrder {
    const order: RestingOrder = {
      orderId: node.orderId,
      agentId: this.agentList[node.agent]!.id,
      productId: this.productList[node.product]!.def.id,
      side: SIDE_NAMES[node.side]!,
      priceTicks: node.priceTicks,
      remainingLots: node.visible + node.hidden,
      originalLots: node.originalLots,
      tif: TIF_NAMES[node.tif]!,
      entryTime: node.entryTime,
    };
    if (node.aon) order.restriction = 'AON';
    if (node.peak > 0) {
      order.peakLots = node.peak;
      order.hiddenLots = node.hidden;
    }
    if (node.clientRef !== undefined) order.clientRef = node.clientRef;
    return order;
  }

  private serialiseSide(side: BookSide, parts: string[]): void {
    parts.push(`|${SIDE_NAMES[side.side]}`);
    for (let i = 0; i < side.levelCount; i++) {
      for (let n = side.levelAt(i)!.head; n !== null; n = n.next) {
        // Ordinary orders serialise exactly as before AON and icebergs existed, so hashes of old
        // runs stay valid; the new attributes are appended only when present.
        parts.push(
          `|${n.orderId},${JSON.stringify(this.agentList[n.agent]!.id)},${n.priceTicks},${n.visible},` +
            `${n.originalLots},${TIF_NAMES[n.tif]},${n.entryTime},${JSON.stringify(n.clientRef ?? null)}` +
            (n.aon ? ',aon' : '') +
            (n.peak > 0 ? `,ice=${n.peak}/${n.hidden}` : ''),
        );
      }
    }
  }

  /**
   * The records of the last command as the CidEvent objects apply() returns. `cmd` is that command
   * as a CidCommand: it supplies what records leave out (time, clientRef, the submit's fields and
   * the texts of rejections). For callers of the low-level entry points that want objects now and then.
   */
  eventsOf(cmd: CidCommand): CidEvent[] {
    const ev = this.events;
    const out: CidEvent[] = [];
    const time = cmd.time;
    const clientRef = cmd.type === 'advance' ? undefined : cmd.clientRef;
    for (let i = 0; i < ev.count; i++) {
      switch (ev.kind(i)) {
        case EV_ACCEPTED:
          out.push(acceptedEvent(cmd as SubmitCommand, ev.orderId(i)));
          break;
        case EV_TRADE:
          out.push(this.tradeEvent(i, time, (cmd as SubmitCommand | ModifyCommand).agentId));
          break;
        case EV_CANCELLED: {
          const reason = ev.code(i);
          out.push(
            withClientRef<CancelledEvent>(
              {
                type: 'cancelled',
                time,
                orderId: ev.orderId(i),
                agentId: this.agentList[ev.agent(i)]!.id,
                productId: this.productList[ev.product(i)]!.def.id,
                remainingLots: ev.lots(i),
                reason: CANCEL_REASONS[reason]!,
              },
              reason === REASON_GATE_CLOSURE ? ev.clientRef(i) : clientRef,
            ),
          );
          break;
        }
        case EV_MODIFIED:
          out.push(
            withClientRef<ModifiedEvent>(
              {
                type: 'modified',
                time,
                orderId: ev.orderId(i),
                agentId: this.agentList[ev.agent(i)]!.id,
                productId: this.productList[ev.product(i)]!.def.id,
                priceTicks: ev.priceTicks(i),
                quantityLots: ev.lots(i),
                priorityKept: ev.code(i) === 1,
              },
              clientRef,
            ),
          );
          break;
        case EV_REJECTED:
          out.push(
            this.rejectedEvent(cmd as Exclude<CidCommand, { type: 'advance' }>, ev.code(i), ev.aux(i)),
          );
          break;
        case EV_PRODUCT_OPENED:
          out.push({ type: 'product-opened', time, productId: this.productList[ev.product(i)]!.def.id });
          break;
        case EV_GATE_CLOSED:
          out.push({ type: 'gate-closed', time, productId: this.productList[ev.product(i)]!.def.id });
          break;
        default:
          throw new Error(`unknown event record kind ${ev.kind(i)}`);
      }
    }
    return out;
  }

  private tradeEvent(i: number, time: number, takerAgentId: string): TradeEvent {
    const ev = this.events;
    const makerAgentId = this.agentList[ev.agent(i)]!.id;
    const takerBuys = ev.side(i) === BUY;
    return {
      type: 'trade',
      time,
      tradeId: ev.tradeId(i),
      productId: this.productList[ev.product(i)]!.def.id,
      priceTicks: ev.priceTicks(i),
      quantityLots: ev.lots(i),
      buyOrderId: takerBuys ? ev.orderId(i) : ev.otherOrderId(i),
      sellOrderId: takerBuys ? ev.otherOrderId(i) : ev.orderId(i),
      buyAgentId: takerBuys ? takerAgentId : makerAgentId,
      sellAgentId: takerBuys ? makerAgentId : takerAgentId,
      aggressorSide: takerBuys ? 'buy' : 'sell',
    };
  }

  /**
   * Rejection texts are only built here, when a rejection actually happens: the rule the command
   * was refused for, and with it the other rules it breaks (command-faults.ts), in its `also`.
   */
  private rejectedEvent(
    cmd: SubmitCommand | CancelCommand | ModifyCommand,
    code: number,
    aux: number,
  ): RejectedEvent {
    const first = this.firstRejection(cmd, code, aux);
    const others = this.commandFaults(cmd).filter((r) => r.code !== first.code || r.field !== first.field);
    return others.length === 0 ? first : firstWithOthers([first, ...others])!;
  }

  /**
   * Every rule `cmd` breaks that the command itself shows, in the order they are checked (none
   * for a command the market would take): its fields, and its product's window. Rejecting a
   * command changes nothing, so after a rejection this is what the command met.
   */
  commandFaults(cmd: SubmitCommand | CancelCommand | ModifyCommand): RejectedEvent[] {
    if (cmd.type === 'submit') {
      const index = this.productIndexById.get(cmd.productId);
      return submitFaults(cmd, this.config, index === undefined ? undefined : this.productList[index]!.def);
    }
    const agent = this.agentIndexById.get(cmd.agentId);
    const node = agent === undefined ? null : this.ownedOrder(agent, cmd.orderId);
    const product = node === null ? undefined : this.productList[node.product]!.def;
    if (cmd.type === 'modify') return modifyFaults(cmd, this.config, product);
    return product === undefined ? [reject.unknownOrder(cmd)] : [];
  }

  private firstRejection(
    cmd: SubmitCommand | CancelCommand | ModifyCommand,
    code: number,
    aux: number,
  ): RejectedEvent {
    const submit = cmd as SubmitCommand;
    switch (REJECT_CODES[code]) {
      case 'UNKNOWN_PRODUCT':
        return reject.unknownProduct(submit);
      case 'INVALID_SIDE':
        return reject.invalidSide(submit);
      case 'INVALID_TIME_IN_FORCE':
        return reject.invalidTimeInForce(submit);
      case 'INVALID_RESTRICTION':
        return reject.invalidRestriction(submit);
      case 'PRICE_OUT_OF_RANGE':
        return reject.priceOutOfRange(cmd as SubmitCommand | ModifyCommand, this.config);
      case 'QUANTITY_INVALID':
        return reject.quantityInvalid(cmd as SubmitCommand | ModifyCommand, this.config);
      case 'PEAK_INVALID':
        return reject.peakInvalid(submit);
      case 'ICEBERG_NOT_ALLOWED':
        return reject.icebergNotAllowed(submit, aux === 0 ? 'tif' : 'restriction');
      case 'MARKET_NOT_OPEN':
        return reject.marketNotOpen(cmd as SubmitCommand | ModifyCommand, this.productOf(cmd));
      case 'GATE_CLOSED':
        return reject.gateClosed(cmd as SubmitCommand | ModifyCommand, this.productOf(cmd));
      case 'UNKNOWN_ORDER':
        return reject.unknownOrder(cmd as CancelCommand | ModifyCommand);
      case 'FOK_NOT_FILLABLE':
        return reject.fokNotFillable(submit, aux);
      default:
        throw new Error(`unknown reject code ${code}`);
    }
  }

  /** The product a window rejection is about: the submit's, or the modified order's. */
  private productOf(cmd: SubmitCommand | CancelCommand | ModifyCommand): ProductDef {
    if (cmd.type === 'submit') return this.requireProduct(cmd.productId).def;
    return this.productList[this.restingNode(cmd.orderId)!.product]!.def;
  }
}

function badTime(time: number, lastTime: number): never {
  if (!Number.isSafeInteger(time))
    throw new Error(`command time must be an integer ms timestamp, got ${time}`);
  throw new Error(`command time ${time} is before the previous command time ${lastTime}`);
}

function tooManyOrders(): never {
  throw new Error(`more than ${MAX_ORDER_ID} orders in one market`);
}

function badAgentIndex(agent: number): never {
  throw new Error(`agent index ${agent} was never handed out by agentIndex()`);
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
    const minutes = PRODUCT_KIND_MINUTES[p.kind];
    if (minutes === undefined) throw new Error(`product ${p.id}: unknown kind ${JSON.stringify(p.kind)}`);
    if (
      !Number.isSafeInteger(p.deliveryStartMs) ||
      !Number.isSafeInteger(p.deliveryEndMs) ||
      p.deliveryEndMs - p.deliveryStartMs !== minutes * 60_000
    ) {
      throw new Error(
        `product ${p.id}: a ${p.kind} product must deliver for ${minutes} minutes, ` +
          `got ${p.deliveryStartMs} .. ${p.deliveryEndMs}`,
      );
    }
  }
}

function aggregate(side: BookSide, levels: number): DepthLevel[] {
  const n = Math.min(levels, side.levelCount);
  const out: DepthLevel[] = [];
  for (let i = 0; i < n; i++) {
    const level = side.levelAt(i)!;
    out.push({ priceTicks: level.priceTicks, quantityLots: level.visibleLots, orderCount: level.orderCount });
  }
  return out;
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
  if (cmd.restriction === 'AON') event.restriction = 'AON';
  if (cmd.peakLots !== undefined) event.peakLots = cmd.peakLots;
  if (cmd.clientRef !== undefined) event.clientRef = cmd.clientRef;
  return event;
}

function withClientRef<T extends { clientRef?: string }>(event: T, clientRef: string | undefined): T {
  if (clientRef !== undefined) event.clientRef = clientRef;
  return event;
}
