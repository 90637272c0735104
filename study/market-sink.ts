// What the public sees of the market in one run, collected from the output seam like any other
// subscriber would see it on NATS: continuous trades (TradesUpdate), book snapshots (BookUpdate,
// coalesced per decision point) and auction results. A study compares these figures between the
// counterfactual runs of one world seed.
import type { AuctionResult } from '../gen/flexarena/v1/auction.js';
import type { BookUpdate, TradesUpdate } from '../gen/flexarena/v1/public.js';
import { parseProductId } from '../lib/index.js';
import { lotsToMw, ticksToEur } from '../market/index.js';
import type { PublicRecord, RecordSink } from '../sim/index.js';

export interface MarketFigures {
  /** Volume-weighted (MWh) price of every continuous intraday trade, EUR/MWh; null without trades. */
  cidVwapEur: number | null;
  cidTradedMwh: number;
  cidTrades: number;
  /** Day-ahead clearing prices: plain mean over periods and volume-weighted; null without a day-ahead auction. */
  daMeanEur: number | null;
  daVwapEur: number | null;
  /**
   * Mean over day-ahead auctions of the day's highest minus lowest clearing price, EUR/MWh: what a
   * battery earns by moving energy across the day, and what its own bids compress.
   */
  daSpreadEur: number | null;
  /**
   * Every day-ahead clearing price in auction and period order, EUR/MWh. Runs of one world seed
   * hold the same auctions, so the study compares them period by period: a battery raises cheap
   * periods and lowers dear ones, changes that cancel in the mean price.
   */
  daPricesEur: number[];
  /** Book snapshots published (one per touched book and decision point) and those with both sides. */
  bookUpdates: number;
  twoSidedBooks: number;
  /** Mean best ask − best bid over the two-sided snapshots, EUR/MWh. */
  spreadEur: number | null;
  /** Mean MW at the best bid plus the best ask, and in all published levels of both sides. */
  topDepthMw: number | null;
  depthMw: number | null;
}

/** Energy of `lots` of a product (MW × its delivery hours). */
function energyMwh(productId: string, lots: number): number {
  const p = parseProductId(productId);
  const hours = p ? (p.deliveryEndMs - p.deliveryStartMs) / 3_600_000 : 0.25;
  return lotsToMw(lots) * hours;
}

export class MarketFiguresSink implements RecordSink {
  private cidTurnover = 0;
  private cidEnergy = 0;
  private cidTrades = 0;
  private daPriceSum = 0;
  private daPeriods = 0;
  private daTurnover = 0;
  private daVolume = 0;
  private daSpreadSum = 0;
  private daAuctions = 0;
  private readonly daPrices: number[] = [];
  private books = 0;
  private twoSided = 0;
  private spreadSum = 0;
  private topSum = 0;
  private depthSum = 0;

  public(record: PublicRecord): void {
    if (record.type === 'flexarena.v1.TradesUpdate') this.trades(record.message as TradesUpdate);
    else if (record.type === 'flexarena.v1.BookUpdate') this.book(record.message as BookUpdate);
    else if (record.type === 'flexarena.v1.AuctionResult' && record.topic === 'da.results')
      this.dayAhead(record.message as AuctionResult);
  }

  private trades(u: TradesUpdate): void {
    for (const t of u.trades) {
      const e = energyMwh(t.productId || u.productId, t.quantityLots);
      this.cidTurnover += ticksToEur(t.priceTicks) * e;
      this.cidEnergy += e;
      this.cidTrades++;
    }
  }

  private book(u: BookUpdate): void {
    const d = u.depth;
    if (!d) return;
    this.books++;
    const lots = (levels: readonly { quantityLots: number }[]) =>
      levels.reduce((s, l) => s + l.quantityLots, 0);
    this.depthSum += lotsToMw(lots(d.bids) + lots(d.asks));
    const bid = d.bids[0];
    const ask = d.asks[0];
    if (bid && ask) {
      this.twoSided++;
      this.spreadSum += ticksToEur(ask.priceTicks - bid.priceTicks);
      this.topSum += lotsToMw(bid.quantityLots + ask.quantityLots);
    }
  }

  private dayAhead(r: AuctionResult): void {
    if (r.pricesTicks.length > 0) {
      this.daAuctions++;
      this.daSpreadSum += ticksToEur(Math.max(...r.pricesTicks) - Math.min(...r.pricesTicks));
    }
    r.pricesTicks.forEach((p, i) => {
      this.daPrices.push(ticksToEur(p));
      const v = lotsToMw(r.volumesLots[i] ?? 0);
      this.daPriceSum += ticksToEur(p);
      this.daPeriods++;
      this.daTurnover += ticksToEur(p) * v;
      this.daVolume += v;
    });
  }

  figures(): MarketFigures {
    return {
      cidVwapEur: this.cidEnergy > 0 ? this.cidTurnover / this.cidEnergy : null,
      cidTradedMwh: this.cidEnergy,
      cidTrades: this.cidTrades,
      daMeanEur: this.daPeriods > 0 ? this.daPriceSum / this.daPeriods : null,
      daVwapEur: this.daVolume > 0 ? this.daTurnover / this.daVolume : null,
      daSpreadEur: this.daAuctions > 0 ? this.daSpreadSum / this.daAuctions : null,
      daPricesEur: [...this.daPrices],
      bookUpdates: this.books,
      twoSidedBooks: this.twoSided,
      spreadEur: this.twoSided > 0 ? this.spreadSum / this.twoSided : null,
      topDepthMw: this.twoSided > 0 ? this.topSum / this.twoSided : null,
      depthMw: this.books > 0 ? this.depthSum / this.books : null,
    };
  }
}
