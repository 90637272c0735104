// Per-party private state kept by the arena: positions per product, cash by category, what is
// still to be reported at the next wake-up, and counters for the results. A party is an agent
// or one of the arena's own counterparties ("world", "tso").

import type { AuctionAward, AuctionBlockOutcome, AuctionResult } from '../../gen/flexarena/v1/auction.js';
import type {
  Activation,
  BalancingPeriodResult,
  CapacityAward,
  PeriodSettlement,
} from '../../gen/flexarena/v1/balancing.js';
import type { Fill, Position } from '../../gen/flexarena/v1/market.js';
import { parseProductId } from '../../lib/index.js';

const DAY_MS = 86_400_000;

export interface ProductPosition {
  boughtLots: number;
  soldLots: number;
  cashUnits: number;
}

export const CASH_KINDS = [
  'cid',
  'auction',
  'capacity',
  'balancingEnergy',
  'imbalance',
  'penalty',
  'positionValue',
] as const;
export type CashKind = (typeof CASH_KINDS)[number];

/** What an agent learns at its next wake-up. */
export interface PendingReports {
  fills: Fill[];
  auctionAwards: AuctionAward[];
  auctionResults: AuctionResult[];
  capacityAwards: CapacityAward[];
  activations: Activation[];
  balancingResults: BalancingPeriodResult[];
  settlements: PeriodSettlement[];
  /** The fate of the agent's own auction blocks (private; the public result only counts them). */
  auctionBlockOutcomes: AuctionBlockOutcome[];
}

function emptyReports(): PendingReports {
  return {
    fills: [],
    auctionAwards: [],
    auctionResults: [],
    capacityAwards: [],
    activations: [],
    balancingResults: [],
    settlements: [],
    auctionBlockOutcomes: [],
  };
}

export type CashByKind = Record<CashKind, number>;

export function zeroCash(): CashByKind {
  return { cid: 0, auction: 0, capacity: 0, balancingEnergy: 0, imbalance: 0, penalty: 0, positionValue: 0 };
}

export class AgentLedger {
  readonly positions = new Map<string, ProductPosition>();
  /**
   * Cash by the product it belongs to (a quarter-hour, an hour, an aFRR capacity block) and kind,
   * so settlement records can attribute every cash flow to a delivery quarter-hour.
   */
  readonly cashByProduct = new Map<string, CashByKind>();
  /** Lots bought plus lots sold per product (CID and auctions). */
  readonly tradedLotsByProduct = new Map<string, number>();
  readonly cash: CashByKind = zeroCash();
  private pending: PendingReports = emptyReports();
  /** The position messages last handed out, in the order of `positions`. */
  private shownPositions: Position[] = Object.freeze([]) as unknown as Position[];
  /** Each product's index in `shownPositions`. */
  private readonly shownIndex = new Map<string, number>();
  /** Products whose position may have changed since the messages were last handed out. */
  private readonly positionsChanged = new Set<string>();
  /** Start (UTC 00:00) of the day of the last `positionMessages` call. */
  private shownDayStartMs = Number.NEGATIVE_INFINITY;
  tradedLots = 0;
  imbalanceKwhAbs = 0;
  orders = 0;
  rejects = 0;
  missedDeadlines = 0;
  disconnected = false;

  constructor(
    readonly agentId: string,
    readonly strategy: string,
  ) {}

  position(productId: string): ProductPosition {
    let p = this.positions.get(productId);
    if (!p) {
      p = { boughtLots: 0, soldLots: 0, cashUnits: 0 };
      this.positions.set(productId, p);
    }
    // The caller may change it: its message is compared again at the next wake-up.
    this.positionsChanged.add(productId);
    return p;
  }

  netLots(productId: string): number {
    const p = this.positions.get(productId);
    return p ? p.boughtLots - p.soldLots : 0;
  }

  /** A trade or an auction award: `lots` > 0 bought, < 0 sold; cash to the party. */
  addTrade(productId: string, lots: number, cashUnits: number, kind: 'cid' | 'auction'): void {
    const p = this.position(productId);
    if (lots > 0) p.boughtLots += lots;
    else p.soldLots -= lots;
    p.cashUnits += cashUnits;
    this.addCash(kind, cashUnits, productId);
    this.tradedLots += Math.abs(lots);
    this.tradedLotsByProduct.set(productId, (this.tradedLotsByProduct.get(productId) ?? 0) + Math.abs(lots));
  }

  /** Cash of `kind` for `productId` (the quarter-hour, hour or capacity product it belongs to). */
  addCash(kind: CashKind, units: number, productId: string): void {
    this.cash[kind] += units;
    let c = this.cashByProduct.get(productId);
    if (!c) {
      c = zeroCash();
      this.cashByProduct.set(productId, c);
    }
    c[kind] += units;
  }

  /** Puts reports back in front of what is pending (a resumed agent gets them again). */
  prependReports(r: PendingReports): void {
    for (const k of Object.keys(r) as (keyof PendingReports)[])
      (this.pending[k] as unknown[]) = [...r[k], ...this.pending[k]];
  }

  get totalCashUnits(): number {
    return CASH_KINDS.reduce((s, k) => s + this.cash[k], 0);
  }

  report<K extends keyof PendingReports>(kind: K, item: PendingReports[K][number]): void {
    (this.pending[kind] as PendingReports[K][number][]).push(item);
  }

  takeReports(): PendingReports {
    const out = this.pending;
    this.pending = emptyReports();
    return out;
  }

  /**
   * The positions a wake-up at `nowMs` shows, as messages: every product the agent traded whose
   * delivery ends after 00:00 UTC of `nowMs`'s day. A delivered product's position was settled
   * (its settlement came in a wake-up's `settlements`) and never changes again; were it kept, the
   * list would grow by every product traded for the whole run (~100 a day for a battery trading
   * quarter-hours, 3 600 after a month) and every wake-up — each strategy's scan of it, the SDKs'
   * copy, a complete wake-up's bytes — would cost more with each day: a 90-day run took 3× as long
   * per day at its end as at its start. Delivered positions leave once a day, at the first call of
   * a new day, so a DELTA_PRIVATE session gets a private snapshot once a day (a position leaving
   * the list) and deltas otherwise.
   * A position keeps its message while it is unchanged, and the list itself is handed out again
   * when nothing changed: in-process strategies get the wake-up frozen — a message handed out
   * again is not rebuilt nor walked again. (Ids that are not quarter-hours or hours never leave.)
   */
  positionMessages(nowMs: number): Position[] {
    const dayStartMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
    if (dayStartMs > this.shownDayStartMs) {
      this.shownDayStartMs = dayStartMs;
      this.dropDeliveredBefore(dayStartMs);
    }
    if (this.positionsChanged.size === 0) return this.shownPositions;
    let out: Position[] | undefined;
    // Only the products changed since the last wake-up are looked at (an agent holds positions in
    // a hundred products or more, and trades a few between wake-ups). A product seen for the first
    // time is appended: the set holds new products in the order they entered `positions`, so the
    // messages stay in that order.
    for (const productId of this.positionsChanged) {
      const p = this.positions.get(productId)!;
      const i = this.shownIndex.get(productId);
      const old = i === undefined ? undefined : this.shownPositions[i];
      if (
        old !== undefined &&
        old.boughtLots === p.boughtLots &&
        old.soldLots === p.soldLots &&
        old.cashUnits === p.cashUnits
      )
        continue;
      // Spread, not slice: the shown list is frozen, and V8 (Node 20) slices a frozen array on a
      // slow path (~50× slower for a few hundred entries).
      out ??= [...this.shownPositions];
      const message: Position = Object.freeze({
        productId,
        netLots: p.boughtLots - p.soldLots,
        boughtLots: p.boughtLots,
        soldLots: p.soldLots,
        cashUnits: p.cashUnits,
      });
      if (i === undefined) {
        this.shownIndex.set(productId, out.length);
        out.push(message);
      } else out[i] = message;
    }
    this.positionsChanged.clear();
    // Frozen as made (messages and list): an in-process strategy gets its wake-up deep-frozen, and
    // deepFreeze does not walk into what is frozen already.
    if (out) this.shownPositions = Object.freeze(out) as Position[];
    return this.shownPositions;
  }

  /**
   * Forgets the products whose delivery ended by `cutoffMs`: their positions, cash and traded lots
   * by product. The caller asks only once every such product is settled (its settlement records
   * read these maps at their quarter-hours' settlement, and nothing after): kept, the three maps grew
   * by every product the party ever traded (the world and the TSO trade all of them), ~1 MB a
   * simulated day over a run's ledgers. The totals (`cash`, `tradedLots`, …) stay. The shown
   * position list keeps its messages until `positionMessages` drops them, which it does for the
   * same products at the first call of a day whose start is `cutoffMs` or later.
   */
  forgetDeliveredBefore(cutoffMs: number): void {
    const delivered = (productId: string) => {
      const end = parseProductId(productId)?.deliveryEndMs;
      return end !== undefined && end <= cutoffMs;
    };
    for (const map of [this.positions, this.cashByProduct, this.tradedLotsByProduct] as Map<
      string,
      unknown
    >[])
      for (const productId of map.keys()) if (delivered(productId)) map.delete(productId);
    // A party that is never woken (the world, the TSO) would otherwise collect every product here.
    for (const productId of this.positionsChanged)
      if (delivered(productId)) this.positionsChanged.delete(productId);
  }

  /** Takes the positions of products delivered by `dayStartMs` off the shown list (order kept). */
  private dropDeliveredBefore(dayStartMs: number): void {
    const delivered = (productId: string) => {
      const end = parseProductId(productId)?.deliveryEndMs;
      return end !== undefined && end <= dayStartMs;
    };
    if (!this.shownPositions.some((m) => delivered(m.productId))) return;
    const kept = this.shownPositions.filter((m) => !delivered(m.productId));
    this.shownIndex.clear();
    for (const [i, m] of kept.entries()) this.shownIndex.set(m.productId, i);
    this.shownPositions = Object.freeze(kept) as Position[];
    // Nor is a pending change of a delivered product shown (none comes: trading closes before delivery).
    for (const productId of this.positionsChanged)
      if (delivered(productId)) this.positionsChanged.delete(productId);
  }
}
