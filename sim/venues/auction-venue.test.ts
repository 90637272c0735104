// The day-ahead and intraday auctions as a venue (auction-venue.ts): gates and clearing with the
// world's exogenous curves, agents' awards as positions and cash in the quarter-hour products,
// typed rejections naming the field and the limit.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CurveInterpolation } from '../../gen/flexarena/v1/auction.js';
import { RejectCode, Side } from '../../gen/flexarena/v1/market.js';
import { type Action, type ActionResult, ActionStatus } from '../../gen/flexarena/v1/session.js';
import type { CurvePoint } from '../../market/index.js';
import { type RunContext, WORLD_PARTY } from '../core/run-context.js';
import { emptyResult, type RecordingSink, unitContext } from '../core/test-support.js';
import { AuctionVenue } from './auction-venue.js';

const SAMPLE_CSV = fileURLToPath(new URL('../world/data/entsoe-sample-de-2024-06-01.csv', import.meta.url));
const DAY = '2026-11-22';
const DAY_MS = Date.parse(`${DAY}T00:00:00Z`);
const HOUR = 3_600_000;

function makeVenue(): { ctx: RunContext; venue: AuctionVenue; tape: RecordingSink } {
  const { ctx, tape } = unitContext({
    name: 'auctions',
    seed: 5,
    day: DAY,
    market: { balancing: { enabled: false } },
    agents: [
      { id: 'buyer', strategy: 'idle' },
      { id: 'seller', strategy: 'idle' },
    ],
  });
  return { ctx, venue: new AuctionVenue(ctx), tape };
}

function handle(venue: AuctionVenue, agent: string, action: Action, time = DAY_MS - 20 * HOUR): ActionResult {
  const result = emptyResult();
  venue.handle(agent, action, time, result);
  return result;
}

function curveBid(
  auctionId: string,
  bidId: string,
  period: number,
  points: CurvePoint[],
  interpolation = CurveInterpolation.CURVE_INTERPOLATION_STEP,
): Action {
  return {
    clientRef: bidId,
    kind: {
      $case: 'auctionBid',
      value: { auctionId, bidId, bid: { $case: 'curve', value: { period, interpolation, points } } },
    },
  };
}

function blockBid(auctionId: string, bidId: string, firstPeriod: number, lastPeriod: number): Action {
  return {
    clientRef: bidId,
    kind: {
      $case: 'auctionBid',
      value: {
        auctionId,
        bidId,
        bid: {
          $case: 'block',
          value: { side: Side.SIDE_BUY, firstPeriod, lastPeriod, priceTicks: 10_000, quantityLots: 5 },
        },
      },
    },
  };
}

/** Buys `lots` whatever the price (a price-taking step curve). */
const buyAnyPrice = (lots: number): CurvePoint[] => [
  { priceTicks: -50_000, quantityLots: lots },
  { priceTicks: 400_000, quantityLots: lots },
];

async function clear(venue: AuctionVenue, auctionId: string): Promise<void> {
  const ev = venue.scheduledEvents().find((e) => e.label === `auction ${auctionId}`)!;
  await ev.run();
}

describe('AuctionVenue', () => {
  it('schedules DA and IDA1-3 at their gates with the periods they cover', () => {
    const { venue } = makeVenue();
    const specs = Object.fromEntries(venue.specs().map((s) => [s.auctionId, s]));
    expect(Object.keys(specs)).toEqual(['da-20261122', 'ida1-20261122', 'ida2-20261122', 'ida3-20261122']);
    expect(specs['da-20261122']).toMatchObject({
      gateClosureMs: DAY_MS - 12 * HOUR,
      firstPeriod: 0,
      lastPeriod: 95,
    });
    expect(specs['ida1-20261122']!.gateClosureMs).toBe(DAY_MS - 9 * HOUR);
    expect(specs['ida2-20261122']!.gateClosureMs).toBe(DAY_MS - 2 * HOUR);
    const ida3 = specs['ida3-20261122']!;
    expect(ida3).toMatchObject({ gateClosureMs: DAY_MS + 10 * HOUR, firstPeriod: 48, lastPeriod: 95 });
    expect(ida3.periodProductIds).toHaveLength(48);
    expect(ida3.periodProductIds[0]).toBe('qh-20261122-1200');
    expect(ida3.periodProductIds.at(-1)).toBe('qh-20261122-2345');
    const events = venue.scheduledEvents();
    expect(events.map((e) => [e.label, e.time, e.phase])).toEqual(
      venue.specs().map((s) => [`auction ${s.auctionId}`, s.gateClosureMs, 1]),
    );
  });

  // The rest of the market bids what it expects before the gate: the day-ahead cleared at the
  // realised price, noise and spikes included, so its result told every agent the realised day at
  // D-1 12:00; then on the forecast issued at the gate instant, which no agent had when it bid.
  it('clears the day-ahead where the last forecast issued before its gate puts the rest of the market', async () => {
    const { ctx, venue, tape } = makeVenue();
    await clear(venue, 'da-20261122');
    const result = venue.auctions.get('da-20261122')!.result!;
    expect(result.pricesTicks).toHaveLength(96);
    const gate = DAY_MS - 12 * HOUR;
    const atGate = ctx.world.forecastAt(gate - 1);
    // A forecast is issued at the gate instant itself, with other prices: not the one used.
    const issuedAtGate = ctx.world.forecastAt(gate);
    expect(ctx.world.forecastIssueTimes(gate, gate)).toEqual([gate]);
    expect(result.pricesTicks.some((p, step) => Math.abs(p - issuedAtGate.at(step)!.priceTicks) > 1)).toBe(
      true,
    );
    // world.ts: the forecast's curves cross at its price; the clearing is on the tick grid (tie
    // rule: midpoint of the clearing interval, rounded), so allow one tick.
    let offRealised = 0;
    result.pricesTicks.forEach((p, step) => {
      expect(Math.abs(p - atGate.at(step)!.priceTicks), `step ${step}`).toBeLessThanOrEqual(1);
      if (Math.abs(p - ctx.world.realised(step).priceTicks) > 100) offRealised++;
    });
    // The forecast's errors: most quarter-hours clear more than 1 EUR/MWh off the realised price.
    expect(offRealised).toBeGreaterThan(48);
    const rec = tape.records.find((r) => r.type === 'auction-result')!;
    expect(rec).toMatchObject({ auctionId: 'da-20261122', t: DAY_MS - 12 * HOUR, firstPeriod: 0 });
    expect(rec.pricesTicks).toEqual(result.pricesTicks);
  });

  it("clears the day-ahead at an ENTSO-E world's prices (historical day-ahead prices)", async () => {
    const day = '2024-06-01';
    const { ctx } = unitContext(
      {
        name: 'csv-auctions',
        seed: 5,
        day,
        world: { source: { entsoeCsv: 'entsoe-sample-de-2024-06-01.csv', mapCode: 'DE_LU' } },
        market: { balancing: { enabled: false } },
        agents: [{ id: 'buyer', strategy: 'idle' }],
      },
      [],
      { entsoeCsv: { text: readFileSync(SAMPLE_CSV, 'utf8'), source: SAMPLE_CSV } },
    );
    const venue = new AuctionVenue(ctx);
    await clear(venue, 'da-20240601');
    venue.auctions.get('da-20240601')!.result!.pricesTicks.forEach((p, step) => {
      expect(Math.abs(p - ctx.world.realised(step).priceTicks), `step ${step}`).toBeLessThanOrEqual(1);
    });
  });

  it("awards an agent's curve bid in the right quarter-hour products with exact cash", async () => {
    const { ctx, venue } = makeVenue();
    const da = 'da-20261122';
    expect(handle(venue, 'buyer', curveBid(da, 'b10', 10, buyAnyPrice(20))).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    expect(handle(venue, 'seller', curveBid(da, 's11', 11, buyAnyPrice(-30))).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    // A step curve: buy 40 lots below 0 EUR/MWh, nothing above; prices here are far higher.
    const lowBid = [
      { priceTicks: 0, quantityLots: 40 },
      { priceTicks: 1, quantityLots: 0 },
    ];
    handle(venue, 'buyer', curveBid(da, 'b12', 12, lowBid));
    await clear(venue, da);
    const prices = venue.auctions.get(da)!.result!.pricesTicks;
    const buyer = ctx.ledger('buyer');
    const seller = ctx.ledger('seller');
    expect(buyer.netLots('qh-20261122-0230')).toBe(20);
    expect(seller.netLots('qh-20261122-0245')).toBe(-30);
    expect(buyer.netLots('qh-20261122-0300')).toBe(0);
    expect(prices[12]!).toBeGreaterThan(1);
    // Buys pay lots × price × 25 (one lot for a quarter-hour = 25 kWh), sales receive it.
    expect(buyer.position('qh-20261122-0230').cashUnits).toBe(-20 * prices[10]! * 25);
    expect(seller.position('qh-20261122-0245').cashUnits).toBe(30 * prices[11]! * 25);
    expect(buyer.cash.auction).toBe(-20 * prices[10]! * 25);
    expect(seller.cash.auction).toBe(30 * prices[11]! * 25);
    expect(buyer.cash.cid).toBe(0);
    const reports = buyer.takeReports();
    expect(reports.auctionAwards).toEqual([
      {
        auctionId: da,
        bidId: 'b10',
        period: 10,
        productId: 'qh-20261122-0230',
        quantityLots: 20,
        priceTicks: prices[10],
      },
    ]);
    expect(reports.auctionResults).toHaveLength(1);
    expect(reports.auctionResults[0]!.pricesTicks).toEqual(prices);
  });

  it('nets the awards of every period to zero across agents and the world, cash included', async () => {
    const { ctx, venue } = makeVenue();
    const da = 'da-20261122';
    for (let p = 0; p < 96; p += 7) {
      handle(venue, 'buyer', curveBid(da, `b${p}`, p, buyAnyPrice(10 + p)));
      handle(venue, 'seller', curveBid(da, `s${p}`, p + 1, buyAnyPrice(-(5 + p))));
    }
    handle(venue, 'buyer', blockBid(da, 'blk', 40, 47));
    await clear(venue, da);
    for (const qh of ctx.products.quarterHours) {
      const lots = ctx.allLedgers().map((l) => l.netLots(qh.id));
      expect(
        lots.reduce((a, b) => a + b, 0),
        qh.id,
      ).toBe(0);
      // The world's netted curve takes the other side of whatever the agents were awarded.
      const agents = ['buyer', 'seller'].reduce((s, id) => s + ctx.ledger(id).netLots(qh.id), 0);
      expect(ctx.world_.netLots(qh.id) + agents).toBe(0);
    }
    expect(ctx.allLedgers().reduce((s, l) => s + l.cash.auction, 0)).toBe(0);
    expect(ctx.tso.cash.auction).toBe(0);
  });

  it('rejects periods outside the auction with PERIOD_OUT_OF_RANGE naming the field and limit', () => {
    const { venue } = makeVenue();
    const cases: [Action, string, string][] = [
      [curveBid('ida3-20261122', 'x1', 47, buyAnyPrice(1)), 'curve.period', '>= 48 and <= 95'],
      [curveBid('da-20261122', 'x2', 96, buyAnyPrice(1)), 'curve.period', '>= 0 and <= 95'],
      [blockBid('ida3-20261122', 'x3', 40, 60), 'block.first_period', '>= 48 and <= 95'],
      [blockBid('ida3-20261122', 'x4', 60, 96), 'block.last_period', '>= 48 and <= 95'],
      // Within the auction, but before the block's own first period: the limit is first_period.
      [blockBid('da-20261122', 'x5', 10, 9), 'block.last_period', '>= 10 (block.first_period) and <= 95'],
      [blockBid('ida3-20261122', 'x6', 60, 50), 'block.last_period', '>= 60 (block.first_period) and <= 95'],
    ];
    for (const [action, field, limit] of cases) {
      const r = handle(venue, 'buyer', action);
      expect(r).toMatchObject({
        status: ActionStatus.ACTION_STATUS_REJECTED,
        rejectCode: RejectCode.REJECT_CODE_PERIOD_OUT_OF_RANGE,
        field,
        limit,
      });
      expect(r.message).toContain(field);
    }
  });

  it('rejects an unknown auction with UNKNOWN_AUCTION', () => {
    const { ctx, venue } = makeVenue();
    const r = handle(venue, 'buyer', curveBid('da-20261123', 'x', 0, buyAnyPrice(1)));
    expect(r).toMatchObject({
      status: ActionStatus.ACTION_STATUS_REJECTED,
      rejectCode: RejectCode.REJECT_CODE_UNKNOWN_AUCTION,
      field: 'auction_id',
    });
    expect(r.limit).toContain('da-20261122');
    expect(r.message).toContain('da-20261123');
    const c = handle(venue, 'buyer', {
      clientRef: '',
      kind: { $case: 'cancelAuctionBid', value: { auctionId: 'ida4-20261122', bidId: 'x' } },
    });
    expect(c.rejectCode).toBe(RejectCode.REJECT_CODE_UNKNOWN_AUCTION);
    expect(ctx.ledger('buyer').rejects).toBe(2);
  });

  it('rejects bids and cancels after the gate with GATE_CLOSED, and keeps what was accepted', async () => {
    const { ctx, venue } = makeVenue();
    const da = 'da-20261122';
    handle(venue, 'buyer', curveBid(da, 'early', 20, buyAnyPrice(7)));
    await clear(venue, da);
    const late = handle(venue, 'buyer', curveBid(da, 'late', 21, buyAnyPrice(7)), DAY_MS - 11 * HOUR);
    // Before, the field was bid_id and the message did not say which gate or when it closed.
    expect(late).toMatchObject({
      status: ActionStatus.ACTION_STATUS_REJECTED,
      rejectCode: RejectCode.REJECT_CODE_GATE_CLOSED,
      field: 'auction_id',
      limit: '< 2026-11-21T12:00:00.000Z',
      message:
        'the gate of da-20261122 closed at 2026-11-21T12:00:00.000Z; the action arrived at 2026-11-21T13:00:00.000Z',
    });
    const cancel = handle(venue, 'buyer', {
      clientRef: '',
      kind: { $case: 'cancelAuctionBid', value: { auctionId: da, bidId: 'early' } },
    });
    expect(cancel).toMatchObject({ rejectCode: RejectCode.REJECT_CODE_GATE_CLOSED, field: 'auction_id' });
    expect(ctx.ledger('buyer').netLots('qh-20261122-0500')).toBe(7);
    expect(ctx.ledger('buyer').netLots('qh-20261122-0515')).toBe(0);
    // The other auctions of the day are still open.
    expect(handle(venue, 'buyer', curveBid('ida1-20261122', 'late', 21, buyAnyPrice(7))).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
  });

  it("refuses a bid id the agent already has live in the auction, naming the agent's own id", () => {
    const { venue } = makeVenue();
    const da = 'da-20261122';
    expect(handle(venue, 'buyer', curveBid(da, 'b1', 30, buyAnyPrice(9))).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    // Before: 'bidId "buyer:b1" must be …', the book's key for the bid.
    expect(handle(venue, 'buyer', curveBid(da, 'b1', 31, buyAnyPrice(9)))).toMatchObject({
      rejectCode: RejectCode.REJECT_CODE_DUPLICATE_BID_ID,
      field: 'bidId',
      message: 'bidId "b1" must be unique among the live bids of this auction',
    });
    // Another agent's b1 is another bid.
    expect(handle(venue, 'seller', curveBid(da, 'b1', 31, buyAnyPrice(9))).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
  });

  it('lets an agent cancel its own live bid, not anyone else’s', async () => {
    const { ctx, venue } = makeVenue();
    const da = 'da-20261122';
    handle(venue, 'buyer', curveBid(da, 'b', 30, buyAnyPrice(9)));
    const cancel = (agent: string) =>
      handle(venue, agent, {
        clientRef: '',
        kind: { $case: 'cancelAuctionBid', value: { auctionId: da, bidId: 'b' } },
      });
    // The message shows the bid id the agent sent; before, the book's key "seller:b".
    expect(cancel('seller')).toMatchObject({
      rejectCode: RejectCode.REJECT_CODE_UNKNOWN_BID,
      field: 'bidId',
      message: 'bidId "b" is not a live bid of this agent',
    });
    expect(cancel('buyer').status).toBe(ActionStatus.ACTION_STATUS_ACCEPTED);
    await clear(venue, da);
    expect(ctx.ledger('buyer').netLots('qh-20261122-0730')).toBe(0);
  });

  it('puts refused auction bids and cancels, and accepted cancels, on the tape', async () => {
    // Before, only accepted bids (auction-bid) were on the tape: a refused bid or cancel, and a
    // withdrawn bid, left no trace in the arena's own record, where every refused CID order does.
    const { venue, tape } = makeVenue();
    const da = 'da-20261122';
    handle(venue, 'buyer', curveBid(da, 'b', 30, buyAnyPrice(9)));
    handle(venue, 'buyer', curveBid(da, 'b', 31, buyAnyPrice(9)));
    handle(venue, 'buyer', curveBid('da-20261123', 'x', 0, buyAnyPrice(1)));
    handle(venue, 'seller', {
      clientRef: 'c1',
      kind: { $case: 'cancelAuctionBid', value: { auctionId: da, bidId: 'b' } },
    });
    handle(venue, 'buyer', {
      clientRef: 'c2',
      kind: { $case: 'cancelAuctionBid', value: { auctionId: da, bidId: 'b' } },
    });
    const rejected = tape.records.filter((r) => r.type === 'rejected');
    expect(rejected).toMatchObject([
      {
        agentId: 'buyer',
        command: 'auction-bid',
        auctionId: da,
        bidId: 'b',
        code: 'DUPLICATE_BID_ID',
        clientRef: 'b',
      },
      {
        agentId: 'buyer',
        command: 'auction-bid',
        auctionId: 'da-20261123',
        code: 'UNKNOWN_AUCTION',
        field: 'auction_id',
        // The message names the field too, as the door's messages do.
        message: 'auction_id: no auction "da-20261123" in this run',
      },
      { agentId: 'seller', command: 'cancel-auction-bid', bidId: 'b', code: 'UNKNOWN_BID', clientRef: 'c1' },
    ]);
    for (const r of rejected) expect(r.limit).not.toBe('');
    expect(tape.records.filter((r) => r.type === 'auction-bid-cancelled')).toMatchObject([
      { auctionId: da, bidId: 'buyer:b', agentId: 'buyer' },
    ]);
  });

  it('clears IDA3 over periods 48..95 only', async () => {
    const { ctx, venue } = makeVenue();
    const ida3 = 'ida3-20261122';
    handle(
      venue,
      'buyer',
      curveBid(ida3, 'noon', 48, buyAnyPrice(11), CurveInterpolation.CURVE_INTERPOLATION_LINEAR),
    );
    handle(venue, 'seller', curveBid(ida3, 'late', 95, buyAnyPrice(-12)));
    await clear(venue, ida3);
    const result = venue.auctions.get(ida3)!.result!;
    expect(result.pricesTicks).toHaveLength(48);
    const touched = ctx.products.quarterHours
      .map((qh, step) => {
        const p = ctx.world_.positions.get(qh.id);
        return { step, lots: p ? p.boughtLots + p.soldLots : 0 };
      })
      .filter((x) => x.lots > 0)
      .map((x) => x.step);
    expect(touched.length).toBeGreaterThan(0);
    expect(Math.min(...touched)).toBeGreaterThanOrEqual(48);
    expect(ctx.ledger('buyer').netLots('qh-20261122-1200')).toBe(11);
    expect(ctx.ledger('seller').netLots('qh-20261122-2345')).toBe(-12);
    const award = ctx.ledger('buyer').takeReports().auctionAwards[0]!;
    expect(award).toMatchObject({
      period: 48,
      productId: 'qh-20261122-1200',
      priceTicks: result.pricesTicks[0],
    });
    for (let step = 0; step < 48; step++)
      expect(ctx.world_.positions.has(ctx.products.quarterHours[step]!.id)).toBe(false);
    // The intraday auction's exogenous side is a linear curve around the last forecast before its gate.
    const forecast = ctx.world.forecastAt(DAY_MS + 10 * HOUR - 1);
    for (let i = 0; i < 48; i++) {
      const f = forecast.at(48 + i)!.priceTicks;
      expect(Math.abs(result.pricesTicks[i]! - f), `period ${48 + i}`).toBeLessThanOrEqual(10);
    }
  });

  it('does not report the world its own awards, and keeps world bids out of the public result', async () => {
    const { ctx, venue, tape } = makeVenue();
    handle(venue, 'buyer', blockBid('da-20261122', 'blk', 0, 3));
    await clear(venue, 'da-20261122');
    expect(ctx.world_.takeReports().auctionAwards).toEqual([]);
    const rec = tape.records.find((r) => r.type === 'auction-result')!;
    for (const id of rec.acceptedBlocks as string[]) expect(id.startsWith(`${WORLD_PARTY}:`)).toBe(false);
  });
});

describe('an auction bid breaking several rules', () => {
  it('names them all: the periods outside the auction first, as before, then the bid’s other rules', () => {
    const { venue, tape } = makeVenue();
    const action = blockBid('ida3-20261122', 'm1', 40, 30);
    (action.kind!.value as { bid: { value: { priceTicks: number } } }).bid.value.priceTicks = 400_001;
    const r = handle(venue, 'buyer', action);
    expect(r).toMatchObject({
      status: ActionStatus.ACTION_STATUS_REJECTED,
      rejectCode: RejectCode.REJECT_CODE_PERIOD_OUT_OF_RANGE,
      field: 'block.first_period',
      limit: '>= 48 and <= 95',
    });
    const [head, rest] = r.message.split('; also: ');
    expect(head).toBe('block.first_period 40 is outside the periods of ida3-20261122 (48..95)');
    // The others in the protocol's names already (the simulation words the first by its field);
    // the tape keeps the market's wording.
    expect(rest).toBe(
      'auction_bid.block.last_period 30 is outside the periods of ida3-20261122 (48..95); ' +
        'auction_bid.block.price_ticks must be an integer >= -50000 and <= 400000; got 400001',
    );
    expect(tape.records.at(-1)).toMatchObject({
      type: 'rejected',
      field: 'block.first_period',
      message: `${head}; also: block.last_period 30 is outside the periods of ida3-20261122 (48..95); priceTicks must be an integer >= -50000 and <= 400000; got 400001`,
    });
  });

  it('names a bid id already live after the bid’s own rules, on either path (periods outside, or not)', () => {
    const { venue } = makeVenue();
    expect(handle(venue, 'buyer', blockBid('ida3-20261122', 'm1', 50, 60)).status).toBe(
      ActionStatus.ACTION_STATUS_ACCEPTED,
    );
    const outside = handle(venue, 'buyer', blockBid('ida3-20261122', 'm1', 40, 60));
    expect(outside).toMatchObject({ rejectCode: RejectCode.REJECT_CODE_PERIOD_OUT_OF_RANGE });
    expect(outside.message).toMatch(
      /; also: auction_bid\.bid_id "m1" must be unique among the live bids of this auction$/,
    );
    const inside = blockBid('ida3-20261122', 'm1', 50, 60);
    (inside.kind!.value as { bid: { value: { priceTicks: number } } }).bid.value.priceTicks = 400_001;
    const r = handle(venue, 'buyer', inside);
    expect(r).toMatchObject({ rejectCode: RejectCode.REJECT_CODE_PRICE_OUT_OF_RANGE, field: 'priceTicks' });
    expect(r.message).toMatch(
      /; also: auction_bid\.bid_id "m1" must be unique among the live bids of this auction$/,
    );
  });
});
