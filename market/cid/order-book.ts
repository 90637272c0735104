// The books behind CidMarket, built for a hot path that allocates nothing in steady state: order
// nodes and price levels are pooled and reused, agents and products are small integer indexes, and
// each side keeps its price levels in sorted arrays with the best level last.

/** Side codes of the low-level API (SubmitCommand uses 'buy' / 'sell'). */
export const BUY = 0;
export const SELL = 1;
/** Time-in-force codes of the low-level API. */
export const GTC = 0;
export const IOC = 1;
export const FOK = 2;

export const SIDE_NAMES = ['buy', 'sell'] as const;
export const TIF_NAMES = ['GTC', 'IOC', 'FOK'] as const;

/**
 * One order inside a book, linked into its level's FIFO. Nodes are recycled
 * when the order leaves the book, so a node is never handed out: queries copy it.
 *
 * For an iceberg, `visible` is the current clip and `hidden` the rest; for any other order
 * `visible` is the whole remainder and `hidden` is 0.
 */
export class OrderNode {
  orderId = 0;
  agent = 0;
  product = 0;
  side = BUY;
  tif = GTC;
  aon = false;
  priceTicks = 0;
  visible = 0;
  hidden = 0;
  /** Clip size of an iceberg, 0 for any other order. */
  peak = 0;
  originalLots = 0;
  entryTime = 0;
  clientRef: string | undefined = undefined;
  prev: OrderNode | null = null;
  next: OrderNode | null = null;
  level: PriceLevel | null = null;
  /** Position in its agent's order list (see CidMarket). */
  agentSlot = 0;
}

/** All orders at one price, oldest first (an intrusive doubly-linked list, so removal is O(1)). */
export class PriceLevel {
  priceTicks = 0;
  head: OrderNode | null = null;
  tail: OrderNode | null = null;
  /** Visible lots only: this is what depth shows. */
  visibleLots = 0;
  orderCount = 0;
}

/** Whether a taker with this side and limit may trade against a resting order at restingTicks. */
export function crosses(takerSide: number, limitTicks: number, restingTicks: number): boolean {
  return takerSide === BUY ? restingTicks <= limitTicks : restingTicks >= limitTicks;
}

/**
 * The price levels of one side of a book. Ranks are the price for bids and its negation for asks,
 * kept ascending in a plain array, so on both sides the best level is the last element: the
 * frequent "best level emptied by a trade" case is a pop and a new best price a push. Inserting or
 * dropping a level elsewhere shifts the levels better than it, by hand (splice would allocate).
 */
export class BookSide {
  // Not readonly: release() swaps emptied arrays for new ones.
  private ranks: number[] = [];
  private levels: PriceLevel[] = [];
  private readonly spare: PriceLevel[] = [];

  constructor(readonly side: number) {}

  get levelCount(): number {
    return this.levels.length;
  }

  /** The i-th level counted from the best one (0 = best), or null. */
  levelAt(i: number): PriceLevel | null {
    const n = this.levels.length;
    return i >= 0 && i < n ? this.levels[n - 1 - i]! : null;
  }

  best(): PriceLevel | null {
    const n = this.levels.length;
    return n === 0 ? null : this.levels[n - 1]!;
  }

  find(priceTicks: number): PriceLevel | null {
    const rank = this.side === BUY ? priceTicks : 0 - priceTicks;
    const i = this.lowerBound(rank);
    return i < this.ranks.length && this.ranks[i] === rank ? this.levels[i]! : null;
  }

  /** The level at this price, created (empty) if there is none. */
  levelFor(priceTicks: number): PriceLevel {
    const rank = this.side === BUY ? priceTicks : 0 - priceTicks;
    const ranks = this.ranks;
    const n = ranks.length;
    const i = n > 0 && rank > ranks[n - 1]! ? n : this.lowerBound(rank);
    if (i < n && ranks[i] === rank) return this.levels[i]!;
    const level = this.spare.pop() ?? new PriceLevel();
    level.priceTicks = priceTicks;
    // Open a gap at i by moving the better levels one up.
    ranks.push(rank);
    this.levels.push(level);
    for (let j = n; j > i; j--) {
      ranks[j] = ranks[j - 1]!;
      this.levels[j] = this.levels[j - 1]!;
    }
    ranks[i] = rank;
    this.levels[i] = level;
    return level;
  }

  /** Removes an empty level and keeps it for reuse. */
  drop(level: PriceLevel): void {
    const ranks = this.ranks;
    const levels = this.levels;
    const last = levels.length - 1;
    let i = last;
    if (levels[last] !== level) {
      i = this.lowerBound(this.side === BUY ? level.priceTicks : 0 - level.priceTicks);
      if (levels[i] !== level) bookBug('a level that is not in this side', level.priceTicks);
      for (let j = i; j < last; j++) {
        ranks[j] = ranks[j + 1]!;
        levels[j] = levels[j + 1]!;
      }
    }
    ranks.pop();
    levels.pop();
    level.head = null;
    level.tail = null;
    level.visibleLots = 0;
    level.orderCount = 0;
    this.spare.push(level);
  }

  /**
   * Lets the side's storage go: the book will hold no more orders (its gate closed). Both the
   * levels kept for reuse and the level arrays' room: an array emptied by pops keeps its capacity
   * (as many levels as the side ever had), which for every product of a run grew the heap by
   * ~50 kB a simulated day in the pace line-up.
   */
  release(): void {
    this.spare.length = 0;
    if (this.levels.length === 0) {
      this.levels = [];
      this.ranks = [];
    }
  }

  /** Throws unless ranks are strictly ascending and agree with the levels' prices. */
  assertSorted(where: string): void {
    if (this.ranks.length !== this.levels.length) {
      throw new Error(`${where}: ${this.ranks.length} ranks but ${this.levels.length} levels`);
    }
    for (let i = 0; i < this.ranks.length; i++) {
      const rank = this.ranks[i]!;
      if (i > 0 && this.ranks[i - 1]! >= rank) throw new Error(`${where}: price levels not strictly sorted`);
      const price = this.levels[i]!.priceTicks;
      if ((this.side === BUY ? price : 0 - price) !== rank) {
        throw new Error(`${where}: level for rank ${rank} is at price ${price}`);
      }
    }
  }

  private lowerBound(rank: number): number {
    const ranks = this.ranks;
    let lo = 0;
    let hi = ranks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ranks[mid]! < rank) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** One product's book: two sides with price-time priority. Orders are indexed by the market. */
export class OrderBook {
  readonly bids = new BookSide(BUY);
  readonly asks = new BookSide(SELL);
  lastTradePriceTicks: number | undefined = undefined;
  orderCount = 0;

  constructor(readonly productId: string) {}

  sideOf(side: number): BookSide {
    return side === BUY ? this.bids : this.asks;
  }

  /** The side an incoming order of `side` trades against. */
  opposite(side: number): BookSide {
    return side === BUY ? this.asks : this.bids;
  }

  /** Appends the order at the back of its price level. */
  add(node: OrderNode): void {
    if (node.level !== null) bookBug('an order that is already in a book', node.orderId);
    appendTo(this.sideOf(node.side).levelFor(node.priceTicks), node);
    this.orderCount++;
  }

  remove(node: OrderNode): void {
    const level = node.level;
    if (level === null) bookBug('an order that is not in a book', node.orderId);
    unlinkFrom(level, node);
    this.orderCount--;
    if (level.orderCount === 0) this.sideOf(node.side).drop(level);
  }

  /** Sends an order to the back of its level (an iceberg's new clip), keeping the level. */
  moveToBack(node: OrderNode): void {
    const level = node.level!;
    if (level.tail === node) return;
    unlinkFrom(level, node);
    appendTo(level, node);
  }

  /**
   * Takes lots off a resting order: from the hidden part first, then from the visible clip (a
   * priority-keeping reduction; a fill only ever touches the visible clip, see CidMarket.match).
   * The caller removes the order if nothing is left.
   */
  reduce(node: OrderNode, lots: number): void {
    const level = node.level;
    if (level === null || !(lots > 0) || lots >= node.visible + node.hidden) {
      bookBug('a reduction by all of an order or more', node.orderId);
    }
    const fromHidden = Math.min(lots, node.hidden);
    node.hidden -= fromHidden;
    node.visible -= lots - fromHidden;
    level.visibleLots -= lots - fromHidden;
  }

  /**
   * How much a taker could fill right now, counting at most `wanted`, by walking the book exactly
   * as matching would: a resting AON order is taken only if what the taker still wants covers all
   * of it (otherwise it is passed over), counting stops at the taker's own first order (self-trade
   * prevention stops matching there), and an iceberg whose clip is used up shows its next clip at
   * the back of the level, so its hidden lots count after the rest of the level.
   */
  fillable(takerSide: number, limitTicks: number, agent: number, wanted: number): number {
    const makers = this.opposite(takerSide);
    let left = wanted;
    for (let i = 0; i < makers.levelCount && left > 0; i++) {
      const level = makers.levelAt(i)!;
      if (!crosses(takerSide, limitTicks, level.priceTicks)) break;
      let requeued = 0;
      for (let node = level.head; node !== null && left > 0; node = node.next) {
        if (node.aon && node.visible > left) continue;
        if (node.agent === agent) return wanted - left;
        const lots = Math.min(left, node.visible);
        left -= lots;
        // A clip taken whole with hidden lots behind it reappears at the back of this level.
        if (lots === node.visible) requeued += node.hidden;
      }
      // Only requeued iceberg clips lie past the first pass, all of other agents and none AON.
      left -= Math.min(left, requeued);
    }
    return wanted - left;
  }

  /**
   * Throws on any broken invariant; meant for tests and debug runs, it walks the whole book.
   * `crossed` is checked among non-AON orders only: a resting AON order that no incoming order
   * could take whole legitimately rests at a price that crosses the other side.
   */
  assertConsistent(): number {
    const where = `book ${this.productId}`;
    const linked = this.assertSide(this.bids, where) + this.assertSide(this.asks, where);
    if (linked !== this.orderCount) {
      throw new Error(`${where}: ${linked} orders linked into levels but orderCount ${this.orderCount}`);
    }
    const bid = bestNonAon(this.bids);
    const ask = bestNonAon(this.asks);
    if (bid !== undefined && ask !== undefined && bid >= ask) {
      throw new Error(`${where}: crossed, best non-AON bid ${bid} >= best non-AON ask ${ask}`);
    }
    return linked;
  }

  private assertSide(side: BookSide, where: string): number {
    side.assertSorted(`${where} ${SIDE_NAMES[side.side]}`);
    let count = 0;
    for (let i = 0; i < side.levelCount; i++) {
      const level = side.levelAt(i)!;
      count += assertLevel(side.side, level, `${where} ${SIDE_NAMES[side.side]} @${level.priceTicks}`);
    }
    return count;
  }
}

/** Out of line on purpose: formatting numbers into strings slows V8's hot functions even when unused. */
function bookBug(what: string, id: number): never {
  throw new Error(`order book misuse: ${what} (${id})`);
}

function appendTo(level: PriceLevel, node: OrderNode): void {
  node.level = level;
  node.prev = level.tail;
  node.next = null;
  if (level.tail === null) level.head = node;
  else level.tail.next = node;
  level.tail = node;
  level.visibleLots += node.visible;
  level.orderCount++;
}

function unlinkFrom(level: PriceLevel, node: OrderNode): void {
  if (node.prev === null) level.head = node.next;
  else node.prev.next = node.next;
  if (node.next === null) level.tail = node.prev;
  else node.next.prev = node.prev;
  node.prev = null;
  node.next = null;
  node.level = null;
  level.visibleLots -= node.visible;
  level.orderCount--;
}

function bestNonAon(side: BookSide): number | undefined {
  for (let i = 0; i < side.levelCount; i++) {
    const level = side.levelAt(i)!;
    for (let node = level.head; node !== null; node = node.next) if (!node.aon) return level.priceTicks;
  }
  return undefined;
}

function assertLevel(side: number, level: PriceLevel, where: string): number {
  let count = 0;
  let lots = 0;
  let prev: OrderNode | null = null;
  for (let node = level.head; node !== null; node = node.next) {
    assertNode(node, side, level, prev, where);
    count++;
    lots += node.visible;
    prev = node;
  }
  if (count === 0) throw new Error(`${where}: empty level kept`);
  if (level.tail !== prev) throw new Error(`${where}: tail is not the last order`);
  if (count !== level.orderCount) throw new Error(`${where}: orderCount ${level.orderCount} != ${count}`);
  if (lots !== level.visibleLots)
    throw new Error(`${where}: visibleLots ${level.visibleLots} != sum ${lots}`);
  return count;
}

function assertNode(
  node: OrderNode,
  side: number,
  level: PriceLevel,
  prev: OrderNode | null,
  where: string,
): void {
  const id = node.orderId;
  if (node.level !== level || node.prev !== prev) throw new Error(`${where}: order ${id} badly linked`);
  if (node.side !== side || node.priceTicks !== level.priceTicks) {
    throw new Error(`${where}: order ${id} has side ${node.side} price ${node.priceTicks}`);
  }
  if (!Number.isInteger(node.visible) || node.visible <= 0) {
    throw new Error(`${where}: order ${id} has visible remainder ${node.visible}`);
  }
  if (!Number.isInteger(node.hidden) || node.hidden < 0) {
    throw new Error(`${where}: order ${id} has hidden remainder ${node.hidden}`);
  }
  if (node.peak === 0 ? node.hidden !== 0 : node.visible > node.peak || node.aon) {
    throw new Error(
      `${where}: order ${id} breaks the iceberg rules (peak ${node.peak}, visible ${node.visible})`,
    );
  }
  if (node.tif !== GTC) throw new Error(`${where}: order ${id} rests with tif ${TIF_NAMES[node.tif]}`);
  if (prev !== null && prev.entryTime > node.entryTime) {
    throw new Error(`${where}: order ${id} (entry ${node.entryTime}) queued behind a later order`);
  }
}
