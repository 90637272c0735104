// The prices at which a quarter-hour's energy actually changed hands (proto QuarterHourPrices):
// the day-ahead and intraday auction clearing prices, and the continuous trades of the
// quarter-hour's product together with its hour's product (an hourly position counts in each of
// its quarter-hours). Every settlement record of the quarter-hour carries them, so an evaluator
// can compute perfect-foresight bounds and price impact from the records alone.
import type { QuarterHourPrices } from '../../gen/flexarena/v1/evaluation.js';
import type { AuctionVenue } from '../venues/auction-venue.js';
import type { CidTradeStats, CidVenue } from '../venues/cid-venue.js';

export function quarterHourPrices(
  step: number,
  productIds: readonly string[],
  cid: CidVenue,
  auctions: AuctionVenue | undefined,
): QuarterHourPrices {
  const stats = productIds.map((id) => cid.tradeStats(id)).filter((s): s is CidTradeStats => s !== undefined);
  const auction = auctions?.pricesOf(step) ?? { intradayTicks: [] };
  const out: QuarterHourPrices = {
    intradayAuctionTicks: auction.intradayTicks,
    cidVolumeLots: stats.reduce((sum, s) => sum + s.volumeLots, 0),
    cidTurnoverTickLots: stats.reduce((sum, s) => sum + s.turnoverTickLots, 0),
  };
  if (auction.dayAheadTicks !== undefined) out.dayAheadTicks = auction.dayAheadTicks;
  if (stats.length > 0) {
    out.cidLowTicks = Math.min(...stats.map((s) => s.lowTicks));
    out.cidHighTicks = Math.max(...stats.map((s) => s.highTicks));
  }
  return out;
}
