// Day-ahead and intraday auctions as a venue: one AuctionBook per auction and delivery day,
// cleared at its gate closure with the world's exogenous curves beside the agents' bids. Awards
// become positions in the quarter-hour products, so settlement treats them like CID trades.

import {
  AuctionBlockStatus,
  AuctionKind,
  type AuctionSpec,
  CurveInterpolation,
  type AuctionResult as ProtoAuctionResult,
  AuctionResult as ProtoAuctionResultCodec,
} from '../../gen/flexarena/v1/auction.js';
import { Side } from '../../gen/flexarena/v1/market.js';
import { type Action, type ActionResult, ActionStatus } from '../../gen/flexarena/v1/session.js';
import { auctionId, ownMessage } from '../../lib/index.js';
import {
  type AuctionBid,
  AuctionBook,
  type AuctionConfig,
  type AuctionRejection,
  type AuctionResult,
  type AuctionScheduleEntry,
  auctionConfigFor,
  type ClearAuctionOptions,
  type CurvePoint,
  clearAuctionAsync,
  eurToTicks,
  tradeCashUnits,
  validateBid,
  withAlso,
} from '../../market/index.js';
import { rejectCodeToProto } from '../core/convert.js';
import { PHASE } from '../core/phases.js';
import { type RunContext, WORLD_PARTY } from '../core/run-context.js';
import { protocolMessage } from '../door/field-path.js';
import { auctionEntries, auctionGateMs } from './gate-times.js';
import type { ScheduledEvent, Venue } from './venue.js';

/** Auction-side quantity limit: the exogenous curves carry the whole system's load (≈ 100 GW). */
const AUCTION_MAX_LOTS = 5_000_000;

interface Auction {
  spec: AuctionSpec;
  entry: AuctionScheduleEntry;
  /** Global step of the auction's first period. */
  firstStep: number;
  config: AuctionConfig;
  /** Its bids until it clears; then the venue's one closed book, which refuses any late action. */
  book: AuctionBook;
  /** From its clearing until its quarter-hours are delivered (forgetDeliveredBefore). */
  result?: AuctionResult;
}

/**
 * The auction book's rejection in what the agent sent. The book keys an agent's bid by
 * "<agent>:<bid_id>" (bid ids are unique per agent, not per auction) and words its rejections with
 * that key ("bidId \"trader:b1\" must be unique …"), which the agent never sent: the message shows
 * the agent's bid_id instead. A closed gate the book files under bidId; the action is late for its
 * auction, so the rejection names auction_id, as a late CID order names its product_id, and says
 * when the gate closed.
 */
function inAgentTerms(
  r: AuctionRejection,
  auction: Auction,
  sent: { bidId: string; internalId: string; time: number },
): AuctionRejection {
  if (r.code === 'GATE_CLOSED') {
    const gate = new Date(auction.spec.gateClosureMs).toISOString();
    return {
      ...r,
      field: 'auction_id',
      limit: `< ${gate}`,
      message: `the gate of ${auction.spec.auctionId} closed at ${gate}; the action arrived at ${new Date(sent.time).toISOString()}`,
    };
  }
  return { ...r, message: r.message.replaceAll(JSON.stringify(sent.internalId), JSON.stringify(sent.bidId)) };
}

export class AuctionVenue implements Venue {
  readonly name = 'auctions';
  readonly actionKinds = ['auctionBid', 'cancelAuctionBid'] as const;
  readonly auctions = new Map<string, Auction>();
  /**
   * The auctions covering each delivery day's quarter-hours (by day index), in the order of
   * `auctions`, dropped once the day is delivered: the settlement of a quarter-hour reads the
   * prices of its own day's auctions, not a list of every auction of the run.
   */
  private readonly byDay = new Map<number, Auction[]>();
  /**
   * The book a cleared auction keeps: a closed book answers every submit and cancel with the same
   * gate-closed rejection whatever its bids, so one empty book serves all, and the bids of each
   * cleared auction (its own book) need not stay for the rest of the run.
   */
  private closedBook?: AuctionBook;

  /**
   * `clearOptions` are the clearing's search limits; runs use the defaults (the limits are part of
   * the game: another limit may clear another way). Tests pass a small node limit to get a selection
   * that is not proven optimal without a second of search.
   */
  constructor(
    private readonly ctx: RunContext,
    private readonly clearOptions?: ClearAuctionOptions,
  ) {
    const a = ctx.cfg.market.auctions;
    const entries = auctionEntries(a);
    ctx.products.days.forEach((day, dayIndex) => {
      for (const entry of entries) {
        const id = auctionId(entry.id, day);
        const config = auctionConfigFor(entry, {
          priceMinTicks: eurToTicks(a.priceMinEur),
          priceMaxTicks: eurToTicks(a.priceMaxEur),
          maxQuantityLots: AUCTION_MAX_LOTS,
        });
        const firstStep = dayIndex * 96 + entry.firstPeriod;
        const auction: Auction = {
          entry,
          firstStep,
          config,
          book: new AuctionBook(config),
          spec: {
            auctionId: id,
            kind: entry.id === 'DA' ? AuctionKind.AUCTION_KIND_DAY_AHEAD : AuctionKind.AUCTION_KIND_INTRADAY,
            gateClosureMs: auctionGateMs(entry, day),
            firstPeriod: entry.firstPeriod,
            lastPeriod: entry.lastPeriod,
            priceMinTicks: config.priceMinTicks,
            priceMaxTicks: config.priceMaxTicks,
            periodProductIds: Array.from(
              { length: config.periods },
              (_, i) => ctx.products.quarterHours[firstStep + i]!.id,
            ),
          },
        };
        this.auctions.set(id, auction);
        const lastStep = firstStep + config.periods - 1;
        for (let d = Math.floor(firstStep / 96); d <= Math.floor(lastStep / 96); d++) {
          const list = this.byDay.get(d);
          if (list) list.push(auction);
          else this.byDay.set(d, [auction]);
        }
      }
    });
  }

  /** Clearing prices of quarter-hour `step`: the day-ahead one and the intraday auctions', in gate order. */
  pricesOf(step: number): { dayAheadTicks?: number; intradayTicks: number[] } {
    const out: { dayAheadTicks?: number; intradayTicks: number[] } = { intradayTicks: [] };
    const cleared = (this.byDay.get(Math.floor(step / 96)) ?? [])
      .filter((a) => a.result)
      .sort((a, b) => a.spec.gateClosureMs - b.spec.gateClosureMs);
    for (const a of cleared) {
      const price = a.result!.pricesTicks[step - a.firstStep];
      if (price === undefined || step < a.firstStep) continue;
      if (a.entry.id === 'DA') out.dayAheadTicks = price;
      else out.intradayTicks.push(price);
    }
    return out;
  }

  /**
   * Forgets the results of auctions whose quarter-hours were all delivered by `cutoffMs`: each was
   * read by its quarter-hours' settlements (pricesOf), which ran at their delivery ends. The
   * auction itself stays, for its spec and a late action's rejection.
   */
  forgetDeliveredBefore(cutoffMs: number): void {
    const { quarterHours } = this.ctx.products;
    for (const [day, auctions] of this.byDay) {
      const last = quarterHours[Math.min((day + 1) * 96, quarterHours.length) - 1];
      if (last === undefined || last.deliveryEndMs > cutoffMs) continue;
      for (const a of auctions) {
        const end = quarterHours[a.firstStep + a.config.periods - 1]!.deliveryEndMs;
        if (end <= cutoffMs) delete a.result;
      }
      this.byDay.delete(day);
    }
  }

  specs(): AuctionSpec[] {
    return [...this.auctions.values()].map((a) => a.spec);
  }

  scheduledEvents(): ScheduledEvent[] {
    return [...this.auctions.values()].map((a) => ({
      time: a.spec.gateClosureMs,
      phase: PHASE.GATES_AND_CLEARING,
      label: `auction ${a.spec.auctionId}`,
      run: () => this.clear(a),
    }));
  }

  handle(agentId: string, action: Action, time: number, result: ActionResult): void {
    const kind = action.kind;
    if (kind?.$case !== 'auctionBid' && kind?.$case !== 'cancelAuctionBid')
      throw new Error(`not an auction action: ${kind?.$case}`);
    const ledger = this.ctx.ledger(agentId);
    const auction = this.auctions.get(kind.value.auctionId);
    // `toAgent`: the result's message when it differs from the tape's (the others of a rejection
    // with `also`, each already in the protocol's names; the simulation puts the first in them).
    const reject = (code: string, field: string, limit: string, message: string, toAgent = message) => {
      ledger.rejects++;
      Object.assign(result, {
        status: ActionStatus.ACTION_STATUS_REJECTED,
        rejectCode: rejectCodeToProto(code),
        field,
        limit,
        message: toAgent,
      });
      // On the tape like the continuous market's rejections: before, only accepted bids were
      // there, so the arena's own record did not show an auction bid that was refused.
      this.ctx.out.tape({
        type: 'rejected',
        t: time,
        agentId,
        command: kind.$case === 'auctionBid' ? 'auction-bid' : 'cancel-auction-bid',
        auctionId: kind.value.auctionId,
        bidId: kind.value.bidId,
        code,
        field,
        limit,
        message,
        ...(action.clientRef ? { clientRef: action.clientRef } : {}),
      });
    };
    if (!auction) {
      reject(
        'UNKNOWN_AUCTION',
        'auction_id',
        `one of ${[...this.auctions.keys()].join(', ')}`,
        `auction_id: no auction ${JSON.stringify(kind.value.auctionId)} in this run`,
      );
      return;
    }
    const internalId = `${agentId}:${kind.value.bidId}`;
    const sent = { bidId: kind.value.bidId, internalId, time };
    const refused = (r: AuctionRejection) => {
      const a = inAgentTerms(r, auction, sent);
      if (r.also === undefined) {
        reject(a.code, a.field, a.limit, a.message);
        return;
      }
      // The simulation words a rejection's message in the protocol's names by its one field (the
      // first's); each other part opens with its own, so it is worded here, by that field. The
      // tape keeps the market's wording, as for any rejection.
      const others = r.also.map((x) => {
        const y = inAgentTerms(x, auction, sent);
        return protocolMessage(action, y.field, y.message);
      });
      const own = ownMessage(r);
      reject(
        a.code,
        a.field,
        a.limit,
        a.message,
        withAlso(inAgentTerms({ ...r, message: own }, auction, sent).message, others),
      );
    };
    if (kind.$case === 'cancelAuctionBid') {
      const r = auction.book.cancel(internalId, agentId);
      if (r.ok) {
        result.status = ActionStatus.ACTION_STATUS_ACCEPTED;
        // The tape holds the bid (auction-bid); without this record it would still show it live.
        this.ctx.out.tape({
          type: 'auction-bid-cancelled',
          t: time,
          auctionId: auction.spec.auctionId,
          bidId: internalId,
          agentId,
        });
      } else refused(r.rejection);
      return;
    }
    ledger.orders++;
    const { bid, periodFaults } = this.toBid(agentId, internalId, auction, kind.value);
    if (periodFaults !== undefined) {
      // Periods outside the auction's, named first as before; the bid's other broken rules after
      // them (validateBid with its own period checks left out: these are the periods' in our terms).
      refused(
        validateBid(auction.config, bid, {
          periods: false,
          before: periodFaults,
          after: auction.book.duplicateFaults(bid.bidId),
        })!,
      );
      return;
    }
    const r = auction.book.submit(bid);
    if (r.ok) {
      result.status = ActionStatus.ACTION_STATUS_ACCEPTED;
      this.ctx.out.tape({ type: 'auction-bid', t: time, auctionId: auction.spec.auctionId, bid });
    } else refused(r.rejection);
  }

  publish(): void {}

  /**
   * Proto bid → library bid; protocol periods are quarter-hours of the day, the library's are the
   * auction's. Periods outside the auction's come back as `periodFaults` (each named), with the bid
   * as sent (its periods shifted, not clamped) so the rest of it can still be checked.
   */
  private toBid(
    agentId: string,
    bidId: string,
    auction: Auction,
    msg: Extract<NonNullable<Action['kind']>, { $case: 'auctionBid' }>['value'],
  ): { bid: AuctionBid; periodFaults: AuctionRejection[] | undefined } {
    const first = auction.spec.firstPeriod;
    const last = auction.spec.lastPeriod;
    let periodFaults: AuctionRejection[] | undefined;
    const fault = (r: AuctionRejection) => {
      if (periodFaults === undefined) periodFaults = [r];
      else periodFaults.push(r);
    };
    const outOfRange = (field: string, p: number) => {
      fault({
        code: 'PERIOD_OUT_OF_RANGE',
        field,
        limit: `>= ${first} and <= ${last}`,
        message: `${field} ${p} is outside the periods of ${auction.spec.auctionId} (${first}..${last})`,
      });
    };
    const bid = msg.bid;
    if (bid?.$case === 'curve') {
      const c = bid.value;
      if (c.period < first || c.period > last) outOfRange('curve.period', c.period);
      return {
        bid: {
          kind: 'curve',
          bidId,
          agentId,
          period: c.period - first,
          interpolation:
            c.interpolation === CurveInterpolation.CURVE_INTERPOLATION_LINEAR ? 'linear' : 'step',
          points: c.points.map((p) => ({ priceTicks: p.priceTicks, quantityLots: p.quantityLots })),
        },
        periodFaults,
      };
    }
    if (bid?.$case === 'block') {
      const b = bid.value;
      const firstBad = b.firstPeriod < first || b.firstPeriod > last;
      if (firstBad) outOfRange('block.first_period', b.firstPeriod);
      if (b.lastPeriod > last || (firstBad && b.lastPeriod < first))
        outOfRange('block.last_period', b.lastPeriod);
      // Inside the auction's periods but before the block's own start: the rule broken is the
      // order of the two, so the limit names first_period (an auction range the value lies in
      // would say nothing).
      else if (!firstBad && b.lastPeriod < b.firstPeriod)
        fault({
          code: 'PERIOD_OUT_OF_RANGE',
          field: 'block.last_period',
          limit: `>= ${b.firstPeriod} (block.first_period) and <= ${last}`,
          message: `block.last_period ${b.lastPeriod} is before block.first_period ${b.firstPeriod}: a block covers first_period..last_period of ${auction.spec.auctionId}`,
        });
      return {
        bid: {
          kind: 'block',
          bidId,
          agentId,
          side: b.side === Side.SIDE_SELL ? 'sell' : 'buy',
          firstPeriod: b.firstPeriod - first,
          lastPeriod: b.lastPeriod - first,
          priceTicks: b.priceTicks,
          quantityLots: b.quantityLots,
        },
        periodFaults,
      };
    }
    throw new Error('auction bid without curve or block must have been rejected by validation');
  }

  private async clear(auction: Auction): Promise<void> {
    auction.book.close();
    const bids = [...auction.book.bids(), ...this.exogenousBids(auction)];
    const result = await clearAuctionAsync(auction.config, bids, this.clearOptions);
    auction.result = result;
    const agentBlocks = auction.book.bids().filter((b) => b.kind === 'block' && b.agentId !== WORLD_PARTY);
    auction.book = this.closedBook ??= closedAuctionBook(auction.config);
    const id = auction.spec.auctionId;
    const ctx = this.ctx;
    for (const award of result.awards) {
      const product = ctx.products.quarterHours[auction.firstStep + award.period]!;
      const price = result.pricesTicks[award.period]!;
      const cash =
        tradeCashUnits(price, Math.abs(award.quantityLots), 15) * (award.quantityLots > 0 ? -1 : 1);
      const ledger = ctx.ledger(award.agentId);
      ledger.addTrade(product.id, award.quantityLots, cash, 'auction');
      if (award.agentId !== WORLD_PARTY) {
        ledger.report('auctionAwards', {
          auctionId: id,
          bidId: award.bidId.slice(award.agentId.length + 1),
          period: auction.spec.firstPeriod + award.period,
          productId: product.id,
          quantityLots: award.quantityLots,
          priceTicks: price,
        });
      }
    }
    // The agents' blocks (the world bids curves only): each agent learns the fate of its own,
    // privately and under the bid_id it sent. The book keys a bid "<agent>:<bid_id>".
    const accepted = new Set(result.acceptedBlocks);
    const paradoxical = new Set(result.paradoxicallyRejectedBlocks);
    for (const b of agentBlocks)
      ctx.ledger(b.agentId).report('auctionBlockOutcomes', {
        auctionId: id,
        bidId: b.bidId.slice(b.agentId.length + 1),
        status: accepted.has(b.bidId)
          ? AuctionBlockStatus.AUCTION_BLOCK_STATUS_ACCEPTED
          : paradoxical.has(b.bidId)
            ? AuctionBlockStatus.AUCTION_BLOCK_STATUS_PARADOXICALLY_REJECTED
            : AuctionBlockStatus.AUCTION_BLOCK_STATUS_REJECTED,
      });
    const acceptedBlocks = agentBlocks.filter((b) => accepted.has(b.bidId)).map((b) => b.bidId);
    const paradoxicallyRejectedBlocks = agentBlocks
      .filter((b) => paradoxical.has(b.bidId))
      .map((b) => b.bidId);
    // Public (every agent's wake-up, NATS): prices, volumes and block counts, never whose blocks.
    const publicResult: ProtoAuctionResult = {
      auctionId: id,
      firstPeriod: auction.spec.firstPeriod,
      pricesTicks: result.pricesTicks,
      volumesLots: result.volumesLots,
      provenOptimal: result.provenOptimal,
      welfareGapBoundCashUnits: result.welfareGapBoundCashUnits,
      acceptedBlockCount: acceptedBlocks.length,
      paradoxicallyRejectedBlockCount: paradoxicallyRejectedBlocks.length,
      timeMs: auction.spec.gateClosureMs,
    };
    // The tape is the arena's own record, not public: it keeps which blocks were taken, by their
    // internal keys (the record as it always was).
    ctx.out.tape({
      type: 'auction-result',
      t: auction.spec.gateClosureMs,
      auctionId: id,
      firstPeriod: publicResult.firstPeriod,
      pricesTicks: publicResult.pricesTicks,
      volumesLots: publicResult.volumesLots,
      acceptedBlocks,
      paradoxicallyRejectedBlocks,
      provenOptimal: publicResult.provenOptimal,
      welfareGapBoundCashUnits: publicResult.welfareGapBoundCashUnits,
      method: result.method,
      welfareCashUnits: result.welfareCashUnits,
      searchNodes: result.searchNodes,
    });
    for (const a of ctx.cfg.agents) ctx.ledger(a.id).report('auctionResults', publicResult);
    ctx.out.publish(
      auction.entry.id === 'DA' ? 'da.results' : 'ida.results',
      'flexarena.v1.AuctionResult',
      publicResult,
      ProtoAuctionResultCodec,
    );
  }

  /**
   * The rest of the market, as it sees the day when it bids: the last forecast issued before the
   * gate — the one the agents' last wake-up before the gate carried, not one published at the
   * gate instant, after every bid is in (that would give the outside market news no agent could
   * have). Day-ahead:
   * the world's merit-order supply and load curves at that forecast, netted (they cross at its
   * price; the realised price, with its noise, spikes and the forecasts' errors, is not known
   * yet). A world whose price is a file's (ENTSO-E day-ahead prices) clears at the file's price.
   * Intraday auctions: a linear curve of the given depth around that forecast's price (the
   * residual re-trading of everyone else).
   */
  private exogenousBids(auction: Auction): AuctionBid[] {
    const { world } = this.ctx;
    const { priceMinTicks: lo, priceMaxTicks: hi } = auction.config;
    const out: AuctionBid[] = [];
    const dayAhead = auction.entry.id === 'DA';
    const forecast =
      dayAhead && world.config.source !== 'synthetic'
        ? undefined
        : world.forecastAt(auction.spec.gateClosureMs - 1);
    const depthLotsPerTick = (this.ctx.cfg.market.auctions.intradayDepthMwPerEur * 10) / 100;
    for (let period = 0; period < auction.config.periods; period++) {
      const step = auction.firstStep + period;
      let points: CurvePoint[];
      const point = forecast?.at(step);
      if (dayAhead)
        points = point ? world.forecastNetCurve(point, lo, hi) : world.exogenousNetCurve(step, lo, hi);
      else {
        const f = point?.priceTicks ?? world.realised(step).priceTicks;
        points = [];
        for (let k = -10; k <= 10; k++) {
          const p = f + k * 1000;
          if (p >= lo && p <= hi)
            points.push({ priceTicks: p, quantityLots: Math.round(-k * 1000 * depthLotsPerTick) });
        }
      }
      if (points.length > 0)
        out.push({
          kind: 'curve',
          bidId: `${WORLD_PARTY}:${auction.spec.auctionId}-${period}`,
          agentId: WORLD_PARTY,
          period,
          interpolation: 'linear',
          points,
        });
    }
    return out;
  }
}

/** A closed book without bids: what a cleared auction answers late actions with. */
function closedAuctionBook(config: AuctionConfig): AuctionBook {
  const book = new AuctionBook(config);
  book.close();
  return book;
}
