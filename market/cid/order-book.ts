import type { Side, TimeInForce } from '../types.js';

/**
 * One order inside a book. Mutable and linked into its level's FIFO, so it is never handed out:
 * queries copy it into a plain RestingOrder.
 */
export class OrderNode {
  prev: OrderNode | null = null;
  next: OrderNode | null = null;
  level: PriceLevel | null = null;

  constructor(
    readonly orderId: number,
    readonly agentId: string,
    readonly productId: string,
    readonly side: Side,
    public priceTicks: number,
    public remainingLots: number,
    public originalLots: number,
    readonly tif: TimeInForce,
    public entryTime: number,
    readonly clientRef: string | undefined,
  ) {}
}

/** All orders at one price, oldest first (an intrusive doubly-linked list, so removal is O(1)). */
export class PriceLevel {
  head: OrderNode | null = null;
  tail: OrderNode | null = null;
  totalLots = 0;
  orderCount = 0;

  constructor(readonly priceTicks: number) {}
}

/** Whether a taker with this side and limit may trade against a resting order at restingTicks. */
export function crosses(takerSide: Side, limitTicks: number, restingTicks: number): boolean {
  return takerSide === 'buy' ? restingTicks <= limitTicks : restingTicks >= limitTicks;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The price levels of one side of a book. */
export class BookSide {
  // Ranks are the price for bids and its negation for asks, kept ascending, so on both sides the
  // best level is the last element: the frequent "best level emptied by a trade" case is then a
  // pop, and a new best price is a push, instead of shifting the whole array.
  private readonly ranks: number[] = [];
  private readonly byRank = new Map<number, PriceLevel>();

  constructor(readonly side: Side) {}

  get levelCount(): number {
    return this.ranks.length;
  }

  /** The i-th level counted from the best one (0 = best). */
  levelAt(i: number): PriceLevel | undefined {
    const rank = this.ranks[this.ranks.length - 1 - i];
    return rank === undefined ? undefined : this.byRank.get(rank);
  }

  best(): PriceLevel | undefined {
    return this.levelAt(0);
  }

  append(node: OrderNode): void {
    const level = this.levelFor(node.priceTicks);
    node.level = level;
    node.prev = level.tail;
    node.next = null;
    if (level.tail === null) level.head = node;
    else level.tail.next = node;
    level.tail = node;
    level.totalLots += node.remainingLots;
    level.orderCount++;
  }

  unlink(node: OrderNode): void {
    const level = node.level;
    if (level === null) throw new Error(`order ${node.orderId} is not linked into a level`);
    if (node.prev === null) level.head = node.next;
    else node.prev.next = node.next;
    if (node.next === null) level.tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = null;
    node.next = null;
    node.level = null;
    level.totalLots -= node.remainingLots;
    level.orderCount--;
    if (level.orderCount === 0) this.dropLevel(level);
  }

  /** Throws unless ranks are strictly ascending and agree one-to-one with the level map. */
  assertSorted(where: string): void {
    if (this.byRank.size !== this.ranks.length) {
      throw new Error(`${where}: ${this.ranks.length} ranks but ${this.byRank.size} levels`);
    }
    for (let i = 0; i < this.ranks.length; i++) {
      const rank = this.ranks[i]!;
      if (i > 0 && this.ranks[i - 1]! >= rank) throw new Error(`${where}: price levels not strictly sorted`);
      const level = this.byRank.get(rank);
      if (level === undefined || this.rankOf(level.priceTicks) !== rank) {
        throw new Error(`${where}: level for rank ${rank} missing or at the wrong price`);
      }
    }
  }

  private rankOf(priceTicks: number): number {
    return this.side === 'buy' ? priceTicks : 0 - priceTicks;
  }

  private levelFor(priceTicks: number): PriceLevel {
    const rank = this.rankOf(priceTicks);
    const existing = this.byRank.get(rank);
    if (existing !== undefined) return existing;
    const level = new PriceLevel(priceTicks);
    this.byRank.set(rank, level);
    const last = this.ranks[this.ranks.length - 1];
    if (last === undefined || rank > last) this.ranks.push(rank);
    else this.ranks.splice(lowerBound(this.ranks, rank), 0, rank);
    return level;
  }

  private dropLevel(level: PriceLevel): void {
    const rank = this.rankOf(level.priceTicks);
    this.byRank.delete(rank);
    if (this.ranks[this.ranks.length - 1] === rank) this.ranks.pop();
    else this.ranks.splice(lowerBound(this.ranks, rank), 1);
  }
}

/** One product's book: two sides with price-time priority and an order index for O(1) removal by id. */
export class OrderBook {
  readonly bids = new BookSide('buy');
  readonly asks = new BookSide('sell');
  lastTradePriceTicks: number | undefined = undefined;
  private readonly byId = new Map<number, OrderNode>();

  constructor(readonly productId: string) {}

  get orderCount(): number {
    return this.byId.size;
  }

  get(orderId: number): OrderNode | undefined {
    return this.byId.get(orderId);
  }

  orders(): IterableIterator<OrderNode> {
    return this.byId.values();
  }

  sideOf(side: Side): BookSide {
    return side === 'buy' ? this.bids : this.asks;
  }

  /** The side an incoming order of `side` trades against. */
  opposite(side: Side): BookSide {
    return side === 'buy' ? this.asks : this.bids;
  }

  /** Appends the order at the back of its price level. */
  add(node: OrderNode): void {
    if (this.byId.has(node.orderId))
      throw new Error(`order ${node.orderId} is already in book ${this.productId}`);
    this.byId.set(node.orderId, node);
    this.sideOf(node.side).append(node);
  }

  remove(node: OrderNode): void {
    if (this.byId.get(node.orderId) !== node) {
      throw new Error(`order ${node.orderId} is not in book ${this.productId}`);
    }
    this.sideOf(node.side).unlink(node);
    this.byId.delete(node.orderId);
  }

  removeById(orderId: number): OrderNode | undefined {
    const node = this.byId.get(orderId);
    if (node !== undefined) this.remove(node);
    return node;
  }

  /**
   * Takes lots off a resting order in place (a fill, or a priority-keeping reduction) and removes
   * the order once nothing is left. Returns whether it was removed.
   */
  reduce(node: OrderNode, lots: number): boolean {
    const level = node.level;
    if (level === null || lots <= 0 || lots > node.remainingLots) {
      throw new Error(`cannot take ${lots} lots off order ${node.orderId}`);
    }
    node.remainingLots -= lots;
    level.totalLots -= lots;
    if (node.remainingLots > 0) return false;
    this.remove(node);
    return true;
  }

  /**
   * How much a taker could fill right now, counting at most `wanted`. Counting stops at the first
   * order of the taker's own agent, because matching would stop there too (self-trade prevention).
   */
  fillable(takerSide: Side, limitTicks: number, agentId: string, wanted: number): number {
    const makers = this.opposite(takerSide);
    let sum = 0;
    for (let i = 0; i < makers.levelCount && sum < wanted; i++) {
      const level = makers.levelAt(i)!;
      if (!crosses(takerSide, limitTicks, level.priceTicks)) break;
      for (let node = level.head; node !== null && sum < wanted; node = node.next) {
        if (node.agentId === agentId) return sum;
        sum += node.remainingLots;
      }
    }
    return Math.min(sum, wanted);
  }

  /** Throws on any broken invariant; meant for tests and debug runs, it walks the whole book. */
  assertConsistent(): void {
    const where = `book ${this.productId}`;
    const linked = this.assertSide(this.bids, where) + this.assertSide(this.asks, where);
    if (linked !== this.byId.size) {
      throw new Error(`${where}: ${linked} orders linked into levels but ${this.byId.size} indexed`);
    }
    const bid = this.bids.best();
    const ask = this.asks.best();
    if (bid !== undefined && ask !== undefined && bid.priceTicks >= ask.priceTicks) {
      throw new Error(`${where}: crossed, best bid ${bid.priceTicks} >= best ask ${ask.priceTicks}`);
    }
  }

  private assertSide(side: BookSide, where: string): number {
    side.assertSorted(`${where} ${side.side}`);
    let count = 0;
    for (let i = 0; i < side.levelCount; i++) {
      count += this.assertLevel(
        side.side,
        side.levelAt(i)!,
        `${where} ${side.side} @${side.levelAt(i)!.priceTicks}`,
      );
    }
    return count;
  }

  private assertLevel(side: Side, level: PriceLevel, where: string): number {
    let count = 0;
    let lots = 0;
    let prev: OrderNode | null = null;
    for (let node = level.head; node !== null; node = node.next) {
      this.assertNode(node, side, level, prev, where);
      count++;
      lots += node.remainingLots;
      prev = node;
    }
    if (count === 0) throw new Error(`${where}: empty level kept`);
    if (level.tail !== prev) throw new Error(`${where}: tail is not the last order`);
    if (count !== level.orderCount) throw new Error(`${where}: orderCount ${level.orderCount} != ${count}`);
    if (lots !== level.totalLots) throw new Error(`${where}: totalLots ${level.totalLots} != sum ${lots}`);
    return count;
  }

  private assertNode(
    node: OrderNode,
    side: Side,
    level: PriceLevel,
    prev: OrderNode | null,
    where: string,
  ): void {
    const id = node.orderId;
    if (node.level !== level || node.prev !== prev) throw new Error(`${where}: order ${id} badly linked`);
    if (node.side !== side || node.priceTicks !== level.priceTicks) {
      throw new Error(`${where}: order ${id} has side ${node.side} price ${node.priceTicks}`);
    }
    if (!Number.isInteger(node.remainingLots) || node.remainingLots <= 0) {
      throw new Error(`${where}: order ${id} has remainder ${node.remainingLots}`);
    }
    if (prev !== null && prev.entryTime > node.entryTime) {
      throw new Error(`${where}: order ${id} (entry ${node.entryTime}) queued behind a later order`);
    }
    if (this.byId.get(id) !== node) throw new Error(`${where}: order ${id} not indexed`);
  }
}
