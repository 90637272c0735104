import { describe, expect, it } from 'vitest';
import { AuctionKind } from '../../gen/flexarena/v1/auction.js';
import { ProductKind } from '../../gen/flexarena/v1/market.js';
import {
  BATTERY,
  batteryAsset,
  DAY,
  dayAheadAuction,
  makeWakeUp,
  makeWelcome,
  position,
  quarterHourProductSpecs,
} from '../strategies/test-fixtures.js';
import { MarketView, MarketViewError } from './market-view.js';

const HOUR = 3_600_000;

function hourProduct(startMs: number) {
  return {
    productId: `h-20261122-${String(new Date(startMs).getUTCHours()).padStart(2, '0')}00`,
    kind: ProductKind.PRODUCT_KIND_HOUR,
    deliveryStartMs: startMs,
    deliveryEndMs: startMs + HOUR,
    tradingOpenMs: DAY - 9 * HOUR,
    gateClosureMs: startMs - 5 * 60_000,
  };
}

function view() {
  const qhs = quarterHourProductSpecs(DAY, 1);
  const ida = {
    ...dayAheadAuction(DAY),
    auctionId: 'ida3-20261122',
    kind: AuctionKind.AUCTION_KIND_INTRADAY,
  };
  return MarketView.fromWelcome(
    makeWelcome({
      market: {
        priceMinTicks: -999_900,
        priceMaxTicks: 999_900,
        priceTickEurPerMwh: 0.01,
        quantityLotMw: 0.1,
        cashUnitsPerEur: 100_000,
        maxQuantityLots: 10_000,
        maxIdBytes: 64,
        maxClientRefBytes: 64,
        maxCurvePoints: 200,
        // Out of order on purpose: the view sorts by delivery start.
        products: [hourProduct(DAY + 9 * HOUR), ...qhs.slice().reverse(), hourProduct(DAY)],
      },
      assets: [batteryAsset()],
      auctions: [ida, dayAheadAuction(DAY)],
      capacityProductIds: ['afrr-20261122-0', 'afrr-20261122-5', 'afrr-20261123-0'],
      capacityGateClosureMs: DAY - 15 * HOUR,
      energyGateClosureLeadMs: 25 * 60_000,
    }),
  );
}

describe('MarketView', () => {
  it('sorts quarter-hour and hourly products by delivery start and looks them up by id', () => {
    const v = view();
    expect(v.quarterHours).toHaveLength(96);
    expect(v.quarterHours[0]!.productId).toBe('qh-20261122-0000');
    expect(v.quarterHours[95]!.productId).toBe('qh-20261122-2345');
    expect(v.hours.map((h) => h.productId)).toEqual(['h-20261122-0000', 'h-20261122-0900']);
    expect(v.product('qh-20261122-0915')?.deliveryStartMs).toBe(DAY + 9.25 * HOUR);
    expect(v.product('qh-20261122-0910')).toBeUndefined();
    expect(v.deliveryWindow()).toEqual({ startMs: DAY, endMs: DAY + 24 * HOUR });
  });

  it('knows which quarter-hours are tradable: open, and the gate later than now + margin', () => {
    const v = view();
    // CID opens D-1 16:00; gates 5 minutes before delivery.
    expect(v.tradableQuarterHours(DAY - 9 * HOUR)).toHaveLength(0);
    const at = DAY + 10 * HOUR;
    const open = v.tradableQuarterHours(at);
    // 10:00's gate was 09:55; 10:15's is 10:10.
    expect(open[0]!.productId).toBe('qh-20261122-1015');
    expect(open).toHaveLength(55); // 10:15 … 23:45
    expect(v.tradableQuarterHours(at, 10 * 60_000)[0]!.productId).toBe('qh-20261122-1030');
    expect(v.isTradable('qh-20261122-1030', at, 10 * 60_000)).toBe(true);
    expect(v.isTradable('qh-20261122-1015', at, 10 * 60_000)).toBe(false);
    expect(v.isTradable('qh-20261122-1015', at)).toBe(true);
    expect(v.quarterHoursBetween(DAY + HOUR, DAY + 2 * HOUR)).toHaveLength(4);
  });

  it('parses product ids without the caller knowing their format', () => {
    expect(MarketView.parse('qh-20261122-0915')).toMatchObject({ kind: 'QH', dayToken: '20261122' });
    expect(MarketView.parse('qh-20261122-0910')).toBeUndefined();
    expect(MarketView.deliveryStart('h-20261122-0900')).toBe(DAY + 9 * HOUR);
    expect(MarketView.deliveryStart('nonsense')).toBeUndefined();
    expect(MarketView.periodOfDay('qh-20261122-0915')).toBe(37);
    expect(MarketView.periodOfDay('h-20261122-0900')).toBeUndefined();
    expect(MarketView.dayOf('afrr-20261123-0')).toBe('20261123');
    expect(MarketView.hourOf('qh-20261122-0945')).toBe('h-20261122-0900');
    expect(MarketView.quarterHoursOf('h-20261122-0900')).toHaveLength(4);
    expect(MarketView.quarterHoursOf('afrr-20261122-2')).toHaveLength(16);
  });

  it('gives limits, with protocol defaults for an empty market spec, and clamps prices to them', () => {
    const v = view();
    expect(v.limits).toEqual({
      priceMinTicks: -999_900,
      priceMaxTicks: 999_900,
      maxQuantityLots: 10_000,
      cashUnitsPerEur: 100_000,
    });
    expect(v.clampPrice(1_500_000)).toBe(999_900);
    expect(v.clampPrice(-1_500_000)).toBe(-999_900);
    const bare = MarketView.fromWelcome(makeWelcome({ market: undefined }));
    expect(bare.limits.priceMaxTicks).toBe(999_900);
    expect(bare.quarterHours).toHaveLength(0);
    expect(bare.deliveryWindow()).toBeUndefined();
  });

  it('lists auctions by kind and gate, and maps a quarter-hour to its auction period', () => {
    const v = view();
    expect(v.auctionsOf('day-ahead').map((a) => a.auctionId)).toEqual(['da-20261122']);
    expect(v.auctionsOf('intraday').map((a) => a.auctionId)).toEqual(['ida3-20261122']);
    expect(v.openAuctions(DAY - 12 * HOUR - 1)).toHaveLength(2);
    expect(v.openAuctions(DAY - 12 * HOUR - 1, 60_000)).toHaveLength(0);
    const da = v.auctionsOf('day-ahead')[0]!;
    expect(MarketView.auctionPeriod(da, 'qh-20261122-0915')).toBe(37);
    expect(MarketView.auctionPeriod(da, 'qh-20261123-0000')).toBeUndefined();
  });

  it('derives the balancing gates: a day later per capacity day, energy a lead before delivery', () => {
    const v = view();
    expect(v.capacityGateMs('afrr-20261122-5')).toBe(DAY - 15 * HOUR);
    expect(v.capacityGateMs('afrr-20261123-0')).toBe(DAY + 9 * HOUR);
    expect(v.capacityGateMs('afrr-20261124-0')).toBeUndefined();
    expect(v.energyGateMs('qh-20261122-1000')).toBe(DAY + 10 * HOUR - 25 * 60_000);
  });

  it('finds assets by kind and names the strategy when one is missing', () => {
    const v = view();
    expect(v.asset('battery')?.spec).toEqual(BATTERY);
    expect(v.asset('evFleet')).toBeUndefined();
    expect(() => v.requireAsset('evFleet', 'ev-bidder')).toThrow(MarketViewError);
    // The configuration's name of the type ("a evFleet asset" named the wire's oneof case).
    expect(() => v.requireAsset('evFleet', 'ev-bidder')).toThrow(
      'ev-bidder needs an asset of type ev-fleet in its run configuration',
    );
    expect(() => v.requireAsset('residentialPool', 'pool')).toThrow(
      /needs an asset of type residential-pool/,
    );
  });

  it('reads a wake-up: forecasts, books, held lots including the hourly product, asset state', () => {
    const wake = makeWakeUp({
      priceForecasts: [{ productId: 'qh-20261122-0915', priceTicks: 8_000 }],
      positions: [position('qh-20261122-0915', 30), position('h-20261122-0900', -10)],
      books: [
        { productId: 'qh-20261122-0915', bids: [], asks: [], hasLastTrade: false, lastTradePriceTicks: 0 },
      ],
      assets: [
        { assetId: 'agent.battery', socMwh: 7, clippedPeriods: 0, shortfallMwh: 0, householdSocMwh: [] },
      ],
    });
    expect(MarketView.forecasts(wake).get('qh-20261122-0915')).toBe(8_000);
    expect(MarketView.books(wake).has('qh-20261122-0915')).toBe(true);
    expect(MarketView.heldLots(wake, 'qh-20261122-0915')).toBe(20);
    expect(MarketView.heldLots(wake, 'qh-20261122-0930')).toBe(-10);
    expect(MarketView.heldLots(wake, 'qh-20261122-1000')).toBe(0);
    expect(MarketView.assetState(wake, 'agent.battery')?.socMwh).toBe(7);
    expect(MarketView.assetState(wake, 'other')?.socMwh).toBe(7); // the only state
  });
});

describe('MarketView over a long run', () => {
  // The questions a strategy asks at every wake-up walked every product and auction of the run
  // (a 90-day run: 8 640 quarter-hours), so a wake-up cost more the longer the run. Now they read
  // only the stretch that answers them, with the answers a walk gives.
  const days = 90;
  let reads = 0;
  /** The spec with its time fields counted when read. */
  function counted<T extends object>(spec: T, fields: string[]): T {
    return new Proxy(spec, {
      get(target, key, receiver) {
        if (typeof key === 'string' && fields.includes(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
  }
  function longView(shuffle: (qh: ReturnType<typeof quarterHourProductSpecs>[number], i: number) => void) {
    const qhs = quarterHourProductSpecs(DAY, days);
    qhs.forEach(shuffle);
    const auctions = Array.from({ length: days }, (_, d) => [
      dayAheadAuction(DAY + d * 86_400_000),
      {
        ...dayAheadAuction(DAY + d * 86_400_000),
        auctionId: `ida1-${d}`,
        kind: AuctionKind.AUCTION_KIND_INTRADAY,
        gateClosureMs: DAY + d * 86_400_000 - 2 * HOUR,
      },
    ]).flat();
    const fields = ['deliveryStartMs', 'tradingOpenMs', 'gateClosureMs'];
    return {
      qhs,
      auctions,
      view: MarketView.fromWelcome(
        makeWelcome({
          market: { ...makeWelcome().market!, products: qhs.map((p) => counted(p, fields)) },
          auctions: auctions.map((a) => counted(a, fields)),
        }),
      ),
    };
  }

  it('reads a bounded stretch of products and auctions per question', () => {
    const { view } = longView(() => {});
    const now = DAY + 45 * 86_400_000 + 9 * HOUR;
    reads = 0;
    expect(view.tradableQuarterHours(now, 5 * 60_000).length).toBeGreaterThan(0);
    expect(view.quarterHoursBetween(now, now + 24 * HOUR)).toHaveLength(96);
    expect(view.openAuctions(now, 0, 'day-ahead')).toHaveLength(44);
    expect(view.openAuctions(now)).toHaveLength(88);
    // The walks read 26 250 of these fields.
    expect(reads).toBeLessThan(2 * 96 * 3);
  });

  it('answers as a walk over every product and auction, whatever the products’ times', () => {
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    // Openings and gates out of delivery order, with ties.
    const { qhs, auctions, view } = longView((p, i) => {
      if (i % 7 === 0) p.tradingOpenMs += random(40) * HOUR;
      if (i % 5 === 0) p.gateClosureMs -= random(30) * HOUR;
    });
    const byStart = [...qhs].sort((a, b) => a.deliveryStartMs - b.deliveryStartMs);
    const byGate = [...auctions].sort((a, b) => a.gateClosureMs - b.gateClosureMs);
    const ids = (ps: { productId: string }[]) => ps.map((p) => p.productId);
    const auctionIds = (as: { auctionId: string }[]) => as.map((a) => a.auctionId);
    for (let k = 0; k < 400; k++) {
      const now = DAY - 2 * 86_400_000 + random(days + 4) * 86_400_000 + random(96) * 15 * 60_000;
      const margin = [0, 5 * 60_000, 3 * HOUR][random(3)]!;
      expect(ids(view.tradableQuarterHours(now, margin))).toStrictEqual(
        ids(byStart.filter((p) => p.tradingOpenMs <= now && p.gateClosureMs > now + margin)),
      );
      const to = now + random(3 * 96) * 15 * 60_000 - 3 * HOUR;
      expect(ids(view.quarterHoursBetween(now, to))).toStrictEqual(
        ids(byStart.filter((p) => p.deliveryStartMs >= now && p.deliveryStartMs < to)),
      );
      const kind = ([undefined, 'day-ahead', 'intraday'] as const)[random(3)];
      const want = AuctionKind[kind === 'day-ahead' ? 'AUCTION_KIND_DAY_AHEAD' : 'AUCTION_KIND_INTRADAY'];
      expect(auctionIds(view.openAuctions(now, margin, kind))).toStrictEqual(
        auctionIds(byGate.filter((a) => (!kind || a.kind === want) && a.gateClosureMs > now + margin)),
      );
    }
    expect(view.quarterHoursBetween(DAY, Number.NaN)).toStrictEqual([]);
    expect(view.tradableQuarterHours(Number.NaN)).toStrictEqual([]);
    expect(view.openAuctions(Number.NaN)).toStrictEqual([]);
  });
});
