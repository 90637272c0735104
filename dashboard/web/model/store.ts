// Everything the page shows, as a function of the messages it has received since its last reset:
// one method per subject. No DOM and no I/O, so it is tested in Node with a real run's messages.
// Views read it and are redrawn for what `changed` names.
import { auctionDayStart, KWH_PER_LOT_QH, productStart, QH_MS } from './format.js';
import {
  type AuctionResultJson,
  type BalancingPeriodResultJson,
  type BookUpdateJson,
  type CapacityAuctionResultJson,
  type ClockTickJson,
  int,
  list,
  type PriceLevelJson,
  type PublicTradeJson,
  type RunEventJson,
  type SettlementRecordJson,
  type TradesUpdateJson,
} from './proto-json.js';

export type View = 'clock' | 'products' | 'book' | 'trades' | 'prices' | 'agents' | 'results' | 'ticker';

export interface Level {
  priceTicks: number;
  quantityLots: number;
  orderCount: number;
}

export interface Book {
  timeMs: number;
  bids: Level[];
  asks: Level[];
  lastTradePriceTicks?: number;
}

export interface Trade {
  tradeId: number;
  timeMs: number;
  productId: string;
  priceTicks: number;
  quantityLots: number;
  aggressor: 'buy' | 'sell' | '';
}

/** Prices of one delivery quarter-hour for the chart. */
export interface QuarterHourPrices {
  startMs: number;
  daTicks?: number;
  cidValue: number;
  cidLots: number;
  imbalanceShortTicks?: number;
  imbalanceLongTicks?: number;
}

export interface AgentView {
  id: string;
  strategy: string;
  profitCashUnits: number;
  /** Of the last settled quarter-hour. */
  positionKwh: number;
  socMwh: number;
  lastProductId: string;
  lastSettledMs: number;
  records: number;
}

export interface AuctionView {
  auctionId: string;
  firstPeriod: number;
  periods: number;
  avgPriceTicks: number;
  minPriceTicks: number;
  maxPriceTicks: number;
  volumeLots: number;
  /**
   * The energy those volumes deliver (kWh): each period is a quarter-hour, so a lot cleared in it
   * is 25 kWh. The lots summed over the periods are no MW figure: a 10 MW battery bidding the whole
   * day-ahead made 960 of them.
   */
  energyKwh: number;
  acceptedBlocks: number;
}

export interface CapacityView {
  productId: string;
  direction: string;
  demandLots: number;
  awardedLots: number;
  clearingPriceTicks?: number;
}

export interface BalancingView {
  productId: string;
  systemImbalanceKwh: number;
  activatedUpKwh: number;
  activatedDownKwh: number;
  upPriceTicks: number;
  downPriceTicks: number;
  imbalanceShortPriceTicks: number;
  imbalanceLongPriceTicks: number;
}

const TICKER = 40;
/** What the views draw of the latest rows: the chosen product's trades, the balancing table. */
export const TRADES_SHOWN = 100;
export const BALANCING_SHOWN = 12;
/** Levels of a book the book view shows per side. */
export const DEPTH_SHOWN = 20;

export class DashboardStore {
  run: { name: string; seed: number; event: string } | undefined;
  /** The last clock tick: the time and phase of the last decision point (or the run's start, end). */
  clock: { timeMs: number; phase: string } | undefined;
  /** A replay's position, as its player last said (virtual ms); undefined on a live page. */
  replayPositionMs: number | undefined;
  /** The first virtual time this page saw, when it joined after the run had started. */
  joinedLateAtMs: number | undefined;
  products: string[] = [];
  agentOrder: string[] = [];
  readonly books = new Map<string, Book>();
  readonly trades = new Map<string, Trade[]>();
  ticker: Trade[] = [];
  readonly quarterHours = new Map<number, QuarterHourPrices>();
  readonly auctions: AuctionView[] = [];
  readonly capacity: CapacityView[] = [];
  readonly balancing: BalancingView[] = [];
  readonly agents = new Map<string, AgentView>();
  /** Per agent, settled time and profit of each record, for the profit chart. */
  readonly profitSteps = new Map<string, { t: number; seq: number; profit: number }[]>();
  private readonly seenSettlements = new Set<number>();
  private readonly productSet = new Set<string>();
  private started = false;
  /** Which views need drawing again. */
  readonly changed = new Set<View>();
  /** Products whose book or trades changed since the views were last drawn. */
  readonly changedBooks = new Set<string>();
  readonly changedTrades = new Set<string>();
  /** Trades taken in since the views were last drawn (the page notes when they appear). */
  newTradeIds: number[] = [];
  /** Messages that could not be read, by subject. */
  readonly rejected: { subject: string; reason: string }[] = [];
  /**
   * Products whose trades before a replay's snapshot it left out (it carries the trades of the
   * products the page shows only): their lists hold the trades since, until restoreTrades().
   */
  readonly tradesOmitted = new Set<string>();

  /**
   * A replayed run that was stopped by a signal: its clock stops at its last decision point with no
   * run-ended event, so the page says why there instead of showing that decision point's phase.
   */
  constructor(
    readonly runId: string,
    readonly interrupted?: { signal: string; lastDecisionMs: number },
  ) {}

  /** One message of the run: `subject` is the full NATS subject, `data` its decoded JSON. */
  apply(subject: string, data: unknown): void {
    const prefix = `flexarena.${this.runId}.`;
    if (!subject.startsWith(prefix)) {
      this.reject(subject, 'not a subject of this run');
      return;
    }
    const tail = subject.slice(prefix.length);
    // The run's manifest (settlement._manifest) goes out before its started event and carries no
    // virtual time: taken as a late join, it had a page open from the start say it joined at
    // 1970-01-01 00:00. Neither it nor the run's end message (_end) is market data.
    if (tail === 'settlement._manifest' || tail === 'settlement._end') return;
    if (!this.started && tail !== 'run') this.noteJoin(data);
    const handler = this.route(tail.split('.'));
    if (handler) handler(data);
    else this.reject(subject, 'unknown subject');
  }

  /** The handler of a subject below flexarena.<run>. (public.proto lists them). */
  private route(parts: string[]): ((data: unknown) => void) | undefined {
    const [head, mid, last] = parts;
    if (parts.length === 1 && head === 'clock') return (d) => this.onClock(d as ClockTickJson);
    if (parts.length === 1 && head === 'run') return (d) => this.onRun(d as RunEventJson);
    if (parts.length === 3 && head === 'cid' && last === 'trades')
      return (d) => this.onTrades(d as TradesUpdateJson);
    if (parts.length === 3 && head === 'cid' && last === 'book')
      return (d) => this.onBook(mid!, d as BookUpdateJson);
    if (parts.length !== 2) return undefined;
    if ((head === 'da' || head === 'ida') && mid === 'results')
      return (d) => this.onAuction(d as AuctionResultJson);
    if (head === 'balancing' && mid === 'capacity')
      return (d) => this.onCapacity(d as CapacityAuctionResultJson);
    if (head === 'balancing') return (d) => this.onBalancing(d as BalancingPeriodResultJson);
    if (head === 'settlement') return (d) => this.onSettlement(d as SettlementRecordJson);
    return undefined;
  }

  /** A settlement record, from core NATS or read back from JetStream: each is counted once (by seq). */
  onSettlement(r: SettlementRecordJson): void {
    const seq = int(r.seq);
    if (!Number.isSafeInteger(seq) || seq <= 0 || !r.agentId) {
      this.reject('settlement', 'no seq or agentId');
      return;
    }
    if (this.seenSettlements.has(seq)) return;
    this.seenSettlements.add(seq);
    const id = r.agentId;
    const a = this.agents.get(id) ?? this.newAgent(id);
    a.strategy = r.strategy ?? a.strategy;
    a.profitCashUnits += int(r.profitCashUnits);
    a.records++;
    const settled = int(r.settledAtMs);
    if (settled >= a.lastSettledMs) {
      a.lastSettledMs = settled;
      a.positionKwh = int(r.positionKwh);
      a.socMwh = int(r.socMwh);
      a.lastProductId = r.productId ?? '';
    }
    const steps = this.profitSteps.get(id) ?? [];
    this.profitSteps.set(id, steps);
    steps.push({ t: settled, seq, profit: int(r.profitCashUnits) });
    this.changed.add('agents');
  }

  private newAgent(id: string): AgentView {
    const a: AgentView = {
      id,
      strategy: '',
      profitCashUnits: 0,
      positionKwh: 0,
      socMwh: 0,
      lastProductId: '',
      lastSettledMs: Number.NEGATIVE_INFINITY,
      records: 0,
    };
    this.agents.set(id, a);
    if (!this.agentOrder.includes(id)) this.agentOrder.push(id);
    return a;
  }

  private noteJoin(data: unknown): void {
    this.started = true;
    const t = (data as { timeMs?: number; settledAtMs?: number }) ?? {};
    this.joinedLateAtMs = int(t.timeMs ?? t.settledAtMs);
    this.changed.add('clock');
  }

  private onRun(e: RunEventJson): void {
    this.started = true;
    this.run = { name: e.name ?? '', seed: int(e.seed), event: e.event ?? '' };
    for (const id of list(e.agentIds)) if (!this.agentOrder.includes(id)) this.agentOrder.push(id);
    for (const p of list(e.productIds)) this.addProduct(p);
    if (!this.clock) this.clock = { timeMs: int(e.timeMs), phase: e.event ?? '' };
    this.changed.add('clock').add('agents');
  }

  /**
   * The virtual time the page is at, for its header: the last clock tick, or a replay's position
   * when that is later. Ticks come at decision points only; between two of them the replay plays
   * on (the market shown is the same until the next one), and the header said 09:45 while the
   * slider beside it said 09:59. The slider is right: every message up to its position has been
   * shown, so the run is at that time. Undefined until the run's first message.
   */
  get timeMs(): number | undefined {
    if (!this.clock) return undefined;
    return Math.max(this.clock.timeMs, this.replayPositionMs ?? Number.NEGATIVE_INFINITY);
  }

  /** A replay player's position (its state message). */
  onReplayPosition(positionMs: number): void {
    if (!Number.isFinite(positionMs) || positionMs === this.replayPositionMs) return;
    this.replayPositionMs = positionMs;
    this.changed.add('clock');
  }

  private onClock(c: ClockTickJson): void {
    this.clock = { timeMs: int(c.timeMs), phase: c.phase ?? '' };
    this.changed.add('clock');
  }

  private addProduct(id: string): void {
    if (this.productSet.has(id)) return;
    this.productSet.add(id);
    this.products.push(id);
    const p = productStart(id);
    if (p?.kind === 'qh') this.qh(p.startMs);
    this.changed.add('products').add('prices');
  }

  private qh(startMs: number): QuarterHourPrices {
    let q = this.quarterHours.get(startMs);
    if (!q) {
      q = { startMs, cidValue: 0, cidLots: 0 };
      this.quarterHours.set(startMs, q);
      this.sortedQuarterHours = undefined;
    }
    return q;
  }

  /**
   * The product the page shows until the user chooses one: the first with a book that has orders
   * (ProductView; the replay player sends its trades with a snapshot).
   */
  firstProductWithBook(): string | undefined {
    return this.products.find((p) => {
      const b = this.books.get(p);
      return b && (b.bids.length > 0 || b.asks.length > 0);
    });
  }

  /**
   * What the views draw of this store, for a replay that jumps to a time: the player sends it
   * instead of the whole history up to there (tens of MB for a month), and a store restored from
   * it draws exactly as this one, and goes on exactly as this one with the messages that follow.
   * Of the latest rows only as many as any view draws are kept (TRADES_SHOWN per product,
   * BALANCING_SHOWN, DEPTH_SHOWN levels a side); sums and every point of the charts are kept whole.
   * `tradesOf`: the products whose trades it carries (the page shows one product's; it asks for
   * another's when the user picks it): with every product's, a month's snapshot was 3.2 MB, two
   * thirds of it trades of products nobody looked at. Without it, every product's (checkpoints).
   */
  snapshot(opts: { tradesOf?: Iterable<string> } = {}): StoreSnapshot {
    const tradesOf = opts.tradesOf ? new Set(opts.tradesOf) : undefined;
    const level = (l: Level): [number, number, number] => [l.priceTicks, l.quantityLots, l.orderCount];
    const trade = (t: Trade): SnapshotTrade => [
      t.tradeId,
      t.timeMs,
      t.priceTicks,
      t.quantityLots,
      t.aggressor,
    ];
    return {
      v: 1,
      started: this.started,
      ...(this.run ? { run: this.run } : {}),
      ...(this.clock ? { clock: this.clock } : {}),
      ...(this.joinedLateAtMs !== undefined ? { joinedLateAtMs: this.joinedLateAtMs } : {}),
      products: this.products,
      agentOrder: this.agentOrder,
      books: [...this.books].map(([id, b]) => [
        id,
        b.timeMs,
        b.bids.slice(0, DEPTH_SHOWN).map(level),
        b.asks.slice(0, DEPTH_SHOWN).map(level),
        b.lastTradePriceTicks ?? null,
      ]),
      trades: [...this.trades]
        .filter(([id]) => !tradesOf || tradesOf.has(id))
        .map(([id, ts]) => [id, ts.slice(-TRADES_SHOWN).map(trade)]),
      ...(tradesOf ? { tradesOf: [...tradesOf].filter((p) => this.productSet.has(p)) } : {}),
      ticker: this.ticker.map((t) => [t.productId, ...trade(t)]),
      quarterHours: [...this.quarterHours.values()].map((q) => [
        q.startMs,
        q.daTicks ?? null,
        q.cidValue,
        q.cidLots,
        q.imbalanceShortTicks ?? null,
        q.imbalanceLongTicks ?? null,
      ]),
      auctions: this.auctions,
      capacity: this.capacity,
      balancing: this.balancing.slice(-BALANCING_SHOWN),
      agents: [...this.agents.values()].map((a) => ({
        ...a,
        lastSettledMs: Number.isFinite(a.lastSettledMs) ? a.lastSettledMs : null,
      })),
      profitSteps: [...this.profitSteps].map(([id, steps]) => [
        id,
        steps.flatMap((s) => [s.t, s.seq, s.profit]),
      ]),
    };
  }

  /** A store as `snapshot()` of another one left it (a fresh store, after a replay's reset). */
  restore(s: StoreSnapshot): void {
    const level = ([priceTicks, quantityLots, orderCount]: [number, number, number]): Level => ({
      priceTicks,
      quantityLots,
      orderCount,
    });
    const trade = (
      productId: string,
      [tradeId, timeMs, priceTicks, quantityLots, aggressor]: SnapshotTrade,
    ) => ({
      tradeId,
      timeMs,
      productId,
      priceTicks,
      quantityLots,
      aggressor,
    });
    this.started = s.started;
    this.run = s.run;
    this.clock = s.clock;
    this.joinedLateAtMs = s.joinedLateAtMs;
    for (const p of s.products) {
      this.productSet.add(p);
      this.products.push(p);
    }
    this.agentOrder = [...s.agentOrder];
    for (const [id, timeMs, bids, asks, last] of s.books)
      this.books.set(id, {
        timeMs,
        bids: bids.map(level),
        asks: asks.map(level),
        ...(last !== null ? { lastTradePriceTicks: last } : {}),
      });
    for (const [id, ts] of s.trades)
      this.trades.set(
        id,
        ts.map((t) => trade(id, t)),
      );
    if (s.tradesOf) {
      const carried = new Set(s.tradesOf);
      for (const p of s.products) if (!carried.has(p)) this.tradesOmitted.add(p);
    }
    this.ticker = s.ticker.map(([productId, ...t]) => trade(productId, t));
    for (const [startMs, da, cidValue, cidLots, short, long] of s.quarterHours)
      this.quarterHours.set(startMs, {
        startMs,
        cidValue,
        cidLots,
        ...(da !== null ? { daTicks: da } : {}),
        ...(short !== null ? { imbalanceShortTicks: short } : {}),
        ...(long !== null ? { imbalanceLongTicks: long } : {}),
      });
    this.auctions.push(...s.auctions);
    this.capacity.push(...s.capacity);
    this.balancing.push(...s.balancing);
    for (const a of s.agents)
      this.agents.set(a.id, { ...a, lastSettledMs: a.lastSettledMs ?? Number.NEGATIVE_INFINITY });
    for (const [id, flat] of s.profitSteps) {
      const steps: { t: number; seq: number; profit: number }[] = [];
      for (let i = 0; i < flat.length; i += 3) {
        steps.push({ t: flat[i]!, seq: flat[i + 1]!, profit: flat[i + 2]! });
        // Every record counted is a step: the same records are not counted again.
        this.seenSettlements.add(flat[i + 1]!);
      }
      this.profitSteps.set(id, steps);
    }
    for (const v of ['clock', 'products', 'book', 'trades', 'prices', 'agents', 'results', 'ticker'] as const)
      this.changed.add(v);
  }

  /** The last TRADES_SHOWN trades of a product, as a snapshot carries them. */
  tradesSnapshot(productId: string): SnapshotTrade[] {
    return (this.trades.get(productId) ?? [])
      .slice(-TRADES_SHOWN)
      .map((t) => [t.tradeId, t.timeMs, t.priceTicks, t.quantityLots, t.aggressor]);
  }

  /**
   * A product's trades that a snapshot left out, as the replay player sends them when the page
   * asks: the last ones up to what the page has received, so they replace what it holds.
   */
  restoreTrades(productId: string, trades: SnapshotTrade[]): void {
    if (!this.tradesOmitted.delete(productId)) return;
    this.trades.set(
      productId,
      trades.map(([tradeId, timeMs, priceTicks, quantityLots, aggressor]) => ({
        tradeId,
        timeMs,
        productId,
        priceTicks,
        quantityLots,
        aggressor,
      })),
    );
    this.changedTrades.add(productId);
    this.changed.add('trades');
  }

  /** The quarter-hours in delivery order; sorted again only when one was added. */
  private sortedQuarterHours: QuarterHourPrices[] | undefined;

  private onTrades(u: TradesUpdateJson): void {
    const productId = u.productId ?? '';
    this.addProduct(productId);
    const start = productStart(productId);
    const all = this.trades.get(productId) ?? [];
    this.trades.set(productId, all);
    for (const t of list(u.trades)) {
      const trade: Trade = {
        tradeId: int(t.tradeId),
        timeMs: int(t.timeMs),
        productId,
        priceTicks: int(t.priceTicks),
        quantityLots: int(t.quantityLots),
        aggressor: aggressor(t.aggressorSide),
      };
      all.push(trade);
      this.ticker.push(trade);
      this.newTradeIds.push(trade.tradeId);
      // The VWAP line of the chart is of the quarter-hour products' own trades.
      if (start?.kind === 'qh') {
        const q = this.qh(start.startMs);
        q.cidValue += trade.priceTicks * trade.quantityLots;
        q.cidLots += trade.quantityLots;
      }
    }
    if (this.ticker.length > TICKER) this.ticker = this.ticker.slice(-TICKER);
    this.changedTrades.add(productId);
    this.changed.add('trades').add('ticker').add('prices');
  }

  private onBook(productId: string, u: BookUpdateJson): void {
    this.addProduct(productId);
    const d = u.depth ?? {};
    this.books.set(productId, {
      timeMs: int(u.timeMs),
      bids: list(d.bids).map(level),
      asks: list(d.asks).map(level),
      ...(d.hasLastTrade ? { lastTradePriceTicks: int(d.lastTradePriceTicks) } : {}),
    });
    this.changedBooks.add(productId);
    this.changed.add('book');
  }

  private onAuction(r: AuctionResultJson): void {
    const prices = list(r.pricesTicks).map(int);
    const volumes = list(r.volumesLots).map(int);
    const auctionId = r.auctionId ?? '';
    const firstPeriod = int(r.firstPeriod);
    this.auctions.push({
      auctionId,
      firstPeriod,
      periods: prices.length,
      avgPriceTicks: prices.length ? Math.round(prices.reduce((s, p) => s + p, 0) / prices.length) : 0,
      minPriceTicks: prices.length ? Math.min(...prices) : 0,
      maxPriceTicks: prices.length ? Math.max(...prices) : 0,
      volumeLots: volumes.reduce((s, v) => s + v, 0),
      energyKwh: volumes.reduce((s, v) => s + v, 0) * KWH_PER_LOT_QH,
      acceptedBlocks: int(r.acceptedBlockCount),
    });
    const day = auctionDayStart(auctionId);
    if (auctionId.startsWith('da-') && day !== undefined)
      prices.forEach((p, i) => {
        this.qh(day + (firstPeriod + i) * QH_MS).daTicks = p;
      });
    this.changed.add('results').add('prices');
  }

  private onCapacity(r: CapacityAuctionResultJson): void {
    for (const p of list(r.products))
      this.capacity.push({
        productId: p.productId ?? '',
        direction: p.direction ?? '',
        demandLots: int(p.demandLots),
        awardedLots: int(p.awardedLots),
        ...(p.hasClearingPrice ? { clearingPriceTicks: int(p.clearingPriceTicks) } : {}),
      });
    this.changed.add('results');
  }

  private onBalancing(r: BalancingPeriodResultJson): void {
    const row: BalancingView = {
      productId: r.productId ?? '',
      systemImbalanceKwh: int(r.systemImbalanceKwh),
      activatedUpKwh: int(r.activatedUpKwh),
      activatedDownKwh: int(r.activatedDownKwh),
      upPriceTicks: int(r.upPriceTicks),
      downPriceTicks: int(r.downPriceTicks),
      imbalanceShortPriceTicks: int(r.imbalanceShortPriceTicks),
      imbalanceLongPriceTicks: int(r.imbalanceLongPriceTicks),
    };
    this.balancing.push(row);
    const start = productStart(row.productId);
    if (start) {
      const q = this.qh(start.startMs);
      q.imbalanceShortTicks = row.imbalanceShortPriceTicks;
      q.imbalanceLongTicks = row.imbalanceLongPriceTicks;
    }
    this.changed.add('results').add('prices');
  }

  private reject(subject: string, reason: string): void {
    this.rejected.push({ subject, reason });
  }

  /** The chart's columns: delivery start (s), DA, CID VWAP and imbalance price (EUR/MWh), null where none. */
  priceColumns(): [number[], (number | null)[], (number | null)[], (number | null)[]] {
    if (this.sortedQuarterHours?.length !== this.quarterHours.size)
      this.sortedQuarterHours = [...this.quarterHours.values()].sort((a, b) => a.startMs - b.startMs);
    const qhs = this.sortedQuarterHours;
    return [
      qhs.map((q) => q.startMs / 1000),
      qhs.map((q) => (q.daTicks === undefined ? null : q.daTicks / 100)),
      qhs.map((q) => (q.cidLots > 0 ? q.cidValue / q.cidLots / 100 : null)),
      qhs.map((q) => (q.imbalanceShortTicks === undefined ? null : q.imbalanceShortTicks / 100)),
    ];
  }

  /** Cumulative profit (EUR) per agent over settlement time: x (s) and one column per agent of `agentOrder`. */
  profitColumns(): number[][] {
    const times = [...new Set([...this.profitSteps.values()].flatMap((s) => s.map((x) => x.t)))].sort(
      (a, b) => a - b,
    );
    const cols = this.agentOrder.map((id) => {
      const steps = [...(this.profitSteps.get(id) ?? [])].sort((a, b) => a.t - b.t || a.seq - b.seq);
      let i = 0;
      let cum = 0;
      return times.map((t) => {
        while (i < steps.length && steps[i]!.t <= t) cum += steps[i++]!.profit;
        return cum / 100_000;
      });
    });
    return [times.map((t) => t / 1000), ...cols];
  }
}

export type SnapshotTrade = [
  tradeId: number,
  timeMs: number,
  priceTicks: number,
  quantityLots: number,
  aggressor: Trade['aggressor'],
];
type SnapshotLevel = [priceTicks: number, quantityLots: number, orderCount: number];

/** A store's state as far as the views draw it (JSON): `DashboardStore.snapshot()`. */
export interface StoreSnapshot {
  v: 1;
  started: boolean;
  run?: { name: string; seed: number; event: string };
  clock?: { timeMs: number; phase: string };
  joinedLateAtMs?: number;
  products: string[];
  agentOrder: string[];
  books: [
    productId: string,
    timeMs: number,
    bids: SnapshotLevel[],
    asks: SnapshotLevel[],
    lastTradePriceTicks: number | null,
  ][];
  trades: [productId: string, trades: SnapshotTrade[]][];
  /** The products whose trades `trades` carries; absent: every product's. */
  tradesOf?: string[];
  ticker: [productId: string, ...SnapshotTrade][];
  quarterHours: [
    startMs: number,
    daTicks: number | null,
    cidValue: number,
    cidLots: number,
    short: number | null,
    long: number | null,
  ][];
  auctions: AuctionView[];
  capacity: CapacityView[];
  balancing: BalancingView[];
  agents: (Omit<AgentView, 'lastSettledMs'> & { lastSettledMs: number | null })[];
  /** Per agent, its records' settled time, seq and profit, three numbers each. */
  profitSteps: [agentId: string, flat: number[]][];
}

function level(l: PriceLevelJson): Level {
  return { priceTicks: int(l.priceTicks), quantityLots: int(l.quantityLots), orderCount: int(l.orderCount) };
}

function aggressor(side: PublicTradeJson['aggressorSide']): Trade['aggressor'] {
  return side === 'SIDE_BUY' ? 'buy' : side === 'SIDE_SELL' ? 'sell' : '';
}
