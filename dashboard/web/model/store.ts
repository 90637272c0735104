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

function level(l: PriceLevelJson): Level {
  return { priceTicks: int(l.priceTicks), quantityLots: int(l.quantityLots), orderCount: int(l.orderCount) };
}

function aggressor(side: PublicTradeJson['aggressorSide']): Trade['aggressor'] {
  return side === 'SIDE_BUY' ? 'buy' : side === 'SIDE_SELL' ? 'sell' : '';
}
