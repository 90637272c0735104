import { describe, expect, it } from 'vitest';
import {
  ClearAuctionOptionError,
  type ClearAuctionOptions,
  clearAuction,
  clearAuctionAsync,
  DEFAULT_MAX_ENUMERATED_BLOCKS,
} from './clear-auction.js';
import { block, curve, stepBuy, stepSell } from './test-helpers.js';
import { type AuctionBid, type AuctionConfig, type AuctionResult, defaultAuctionConfig } from './types.js';

// Hand-worked examples. Prices in ticks (5000 = 50.00 EUR/MWh), quantities in lots (10 = 1 MW);
// 15-minute periods, so 1 tick·lot of welfare = 25 cash units.

const CASH = 25;
const cfg = (periods: number): AuctionConfig => defaultAuctionConfig(periods);

function awardsOf(result: AuctionResult, period: number): Record<string, number> {
  return Object.fromEntries(
    result.awards.filter((a) => a.period === period).map((a) => [a.bidId, a.quantityLots]),
  );
}

describe('step curves, three buyers and three sellers', () => {
  // Period 0                      Period 1 (pro-rata curtailment on a step)
  //  bid  side  lots  limit        bid  side  lots  limit
  //  B1   buy   100   6000         B4   buy    10   5000
  //  B2   buy    80   5000         B5   buy    10   5000
  //  B3   buy    50   4000         B6   buy     5   7000
  //  S1   sell   70   3000         S4   sell   16   4000
  //  S2   sell   60   4500
  //  S3   sell  100   5500
  //
  // Period 0, aggregated (a step is marginal at its own price):
  //  price        demand  supply
  //  [3000,4000)   230     70
  //  [4000,4500)   180     70    (B3 out at 4000)
  //  [4500,5000)   180    130    (S2 in at 4500)   excess demand
  //  5000       100…180   130    B2 marginal       → clears at 5000
  //  (5000,5500)   100    130                       excess supply
  // Price 5000: B1 100 (in the money), S1 70 + S2 60 = 130 sold, so B2 gets the remaining 30, B3 0.
  // Welfare: 100·6000 + 30·5000 − 70·3000 − 60·4500 = 270 000 tick·lots.
  //
  // Period 1: below 5000 demand 25 > 16; above 5000 demand 5 < 16; at 5000 B4, B5 marginal. B6 takes 5,
  // 11 lots remain for B4 and B5 (10 each marginal): 5.5 each → floors 5 + 5, the leftover lot goes to
  // the earlier bid (equal remainders): B4 6, B5 5.
  // Welfare: 5·7000 + 6·5000 + 5·5000 − 16·4000 = 26 000 tick·lots.
  const bids: AuctionBid[] = [
    stepBuy('B1', 0, 6000, 100),
    stepBuy('B2', 0, 5000, 80),
    stepBuy('B3', 0, 4000, 50),
    stepSell('S1', 0, 3000, 70),
    stepSell('S2', 0, 4500, 60),
    stepSell('S3', 0, 5500, 100),
    stepBuy('B4', 1, 5000, 10),
    stepBuy('B5', 1, 5000, 10),
    stepBuy('B6', 1, 7000, 5),
    stepSell('S4', 1, 4000, 16),
  ];
  const result = clearAuction(cfg(2), bids);

  it('prices, volumes and awards', () => {
    expect(result.pricesTicks).toEqual([5000, 5000]);
    expect(result.volumesLots).toEqual([130, 16]);
    expect(awardsOf(result, 0)).toEqual({ B1: 100, B2: 30, S1: -70, S2: -60 });
    expect(awardsOf(result, 1)).toEqual({ B4: 6, B5: 5, B6: 5, S4: -16 });
    expect(result.method).toBe('curves-only');
  });

  it('welfare in cash units', () => {
    expect(result.welfareCashUnits).toBe((270_000 + 26_000) * CASH); // 74.00 EUR
  });

  it('awards are listed by period, then in input order', () => {
    expect(result.awards.map((a) => a.bidId)).toEqual(['B1', 'B2', 'S1', 'S2', 'B4', 'B5', 'B6', 'S4']);
  });

  it('the earlier bid wins the rounding tie: swapping B4 and B5 swaps their awards', () => {
    const swapped = bids.map((b) => (b.bidId === 'B4' ? bids[7]! : b.bidId === 'B5' ? bids[6]! : b));
    expect(awardsOf(clearAuction(cfg(2), swapped), 1)).toEqual({ B5: 6, B4: 5, B6: 5, S4: -16 });
  });
});

describe('portfolio curves (net demand crossing zero)', () => {
  it('a battery portfolio that buys cheap and sells dear', () => {
    // BAT: buys 20 below 4000, nothing in [4000, 6000), sells 20 from 6000.
    // D: price-taking demand 30 (one point = flat). S: sells 40 from 5000.
    //  price         D + BAT   S    net
    //  [4000,5000)    30       0    +30
    //  5000           30      0…40  → clears at 5000, S sells 30 (marginal, curtailed)
    //  [5000,6000)    30      40    −10
    const result = clearAuction(cfg(1), [
      curve('BAT', 0, [
        [2000, 20],
        [4000, 0],
        [6000, -20],
      ]),
      curve('D', 0, [[0, 30]]),
      stepSell('S', 0, 5000, 40),
    ]);
    expect(result.pricesTicks).toEqual([5000]);
    expect(awardsOf(result, 0)).toEqual({ D: 30, S: -30 });
    expect(result.volumesLots).toEqual([30]);
  });

  it('the same portfolio sells when demand is high', () => {
    // D 50 price-taking; S 40 from 5000; BAT sells 20 from 6000. At 6000: 50 vs 40 + (0…20) → 6000, BAT sells 10.
    const result = clearAuction(cfg(1), [
      curve('BAT', 0, [
        [2000, 20],
        [4000, 0],
        [6000, -20],
      ]),
      curve('D', 0, [[0, 50]]),
      stepSell('S', 0, 5000, 40),
    ]);
    expect(result.pricesTicks).toEqual([6000]);
    expect(awardsOf(result, 0)).toEqual({ BAT: -10, D: 50, S: -40 });
  });
});

describe('linear curves', () => {
  it('exact crossing on the tick grid', () => {
    // Buyer: 100 at 0 falling linearly to 0 at 10000; seller: 0 at 0 to −100 at 10000. 100 − p/100 = p/100 at 5000.
    const result = clearAuction(cfg(1), [
      curve(
        'B',
        0,
        [
          [0, 100],
          [10_000, 0],
        ],
        'linear',
      ),
      curve(
        'S',
        0,
        [
          [0, 0],
          [10_000, -100],
        ],
        'linear',
      ),
    ]);
    expect(result.pricesTicks).toEqual([5000]);
    expect(awardsOf(result, 0)).toEqual({ B: 50, S: -50 });
  });

  it('crossing between ticks: price rounded, awards rounded by largest remainder', () => {
    // Seller reaches −100 at 9000: 100 − p/100 = p/90 → p_c = 90000/19 = 4736.84 → published 4737.
    // At p_c both trade 52.63 lots: floors 52 and −53 leave one lot, which goes to the larger fraction
    // (buyer .63 vs seller .37): B 53, S −53.
    // Welfare at the bids' own valuations: buyer ∫0^53 (10000 − 100ξ) = 389 550; seller ∫0^53 90ξ = 126 405.
    const result = clearAuction(cfg(1), [
      curve(
        'B',
        0,
        [
          [0, 100],
          [10_000, 0],
        ],
        'linear',
      ),
      curve(
        'S',
        0,
        [
          [0, 0],
          [9_000, -100],
        ],
        'linear',
      ),
    ]);
    expect(result.pricesTicks).toEqual([4737]);
    expect(awardsOf(result, 0)).toEqual({ B: 53, S: -53 });
    expect(result.volumesLots).toEqual([53]);
    expect(result.welfareCashUnits).toBe((389_550 - 126_405) * CASH);
  });

  it('linear demand against a step supply', () => {
    // Demand 100 − p/100; supply 30 from 2000 and 30 more from 6000.
    // At 2000 demand is 80 > 30; the demand falls to 30 at 7000, but at 6000 supply jumps to 60 while
    // demand is 40: the crossing is on the supply step at 6000 → price 6000, S2 sells 10.
    const result = clearAuction(cfg(1), [
      curve(
        'B',
        0,
        [
          [0, 100],
          [10_000, 0],
        ],
        'linear',
      ),
      stepSell('S1', 0, 2000, 30),
      stepSell('S2', 0, 6000, 30),
    ]);
    expect(result.pricesTicks).toEqual([6000]);
    expect(awardsOf(result, 0)).toEqual({ B: 40, S1: -30, S2: -10 });
  });
});

describe('tie rule: price indeterminacy → midpoint, half tick rounded down', () => {
  // Each row: one buyer step and one seller step of the same size, so every price between the two
  // limits balances; the published price is the midpoint of that interval.
  const rows: { buyLimit: number; sellLimit: number; interval: string; price: number }[] = [
    { buyLimit: 6000, sellLimit: 4000, interval: '[4000, 6000]', price: 5000 },
    { buyLimit: 6000, sellLimit: 4001, interval: '[4001, 6000]', price: 5000 }, // 5000.5 → 5000
    { buyLimit: 6001, sellLimit: 4000, interval: '[4000, 6001]', price: 5000 }, // 5000.5 → 5000
    { buyLimit: -1000, sellLimit: -2001, interval: '[-2001, -1000]', price: -1501 }, // -1500.5 → -1501
    { buyLimit: 5000, sellLimit: 5000, interval: '[5000, 5000]', price: 5000 },
  ];
  for (const row of rows) {
    it(`buy ≤ ${row.buyLimit}, sell ≥ ${row.sellLimit}: interval ${row.interval} → ${row.price}`, () => {
      const result = clearAuction(cfg(1), [
        stepBuy('B', 0, row.buyLimit, 100),
        stepSell('S', 0, row.sellLimit, 100),
      ]);
      expect(result.pricesTicks).toEqual([row.price]);
      expect(result.volumesLots).toEqual([100]);
    });
  }

  it('quantity indeterminacy: the maximal volume clears, the long side is curtailed pro rata', () => {
    // B buys 100 below 5000; S1 sells 60 from 3000; S2 sells 60 from 5000.
    // Below 5000: 100 vs 60; above: 0 vs 120 → price 5000, where B (0…100) and S2 (0…60) are both marginal.
    // Volume between 60 and 100 balances; the maximum, 100, clears: B 100, S1 60, S2 40.
    const result = clearAuction(cfg(1), [
      stepBuy('B', 0, 5000, 100),
      stepSell('S1', 0, 3000, 60),
      stepSell('S2', 0, 5000, 60),
    ]);
    expect(result.pricesTicks).toEqual([5000]);
    expect(awardsOf(result, 0)).toEqual({ B: 100, S1: -60, S2: -40 });
  });

  it('a period without bids gets the midpoint of the price limits', () => {
    const result = clearAuction(cfg(2), [stepBuy('B', 0, 6000, 10), stepSell('S', 0, 4000, 10)]);
    expect(result.pricesTicks).toEqual([5000, (-50_000 + 400_000) / 2]);
    expect(result.volumesLots).toEqual([10, 0]);
  });

  it('buyers only: every price from their limit to the maximum balances (at zero volume)', () => {
    // [6000, 400000] → 203000.
    const result = clearAuction(cfg(1), [stepBuy('B', 0, 6000, 10)]);
    expect(result.pricesTicks).toEqual([203_000]);
    expect(result.awards).toEqual([]);
  });
});

describe('price limits binding', () => {
  it('demand exceeding supply at the maximum price: price = max, buyers curtailed pro rata', () => {
    // D1 100 and D2 50 price-taking (flat), S 60 from 1000. Excess demand at every price, so the price is
    // 400000 where buys are curtailable: 60 lots split 100:50 → 40 and 20.
    const result = clearAuction(cfg(1), [
      curve('D1', 0, [[0, 100]]),
      curve('D2', 0, [[0, 50]]),
      stepSell('S', 0, 1000, 60),
    ]);
    expect(result.pricesTicks).toEqual([400_000]);
    expect(awardsOf(result, 0)).toEqual({ D1: 40, D2: 20, S: -60 });
    // Price-taking buys are valued at the maximum price.
    expect(result.welfareCashUnits).toBe((60 * 400_000 - 60 * 1000) * CASH);
  });

  it('supply exceeding demand at the minimum price: price = min, sellers curtailed', () => {
    const result = clearAuction(cfg(1), [
      curve('P1', 0, [[0, -100]]),
      curve('P2', 0, [[0, -50]]),
      stepBuy('B', 0, 2000, 30),
    ]);
    expect(result.pricesTicks).toEqual([-50_000]);
    expect(awardsOf(result, 0)).toEqual({ P1: -20, P2: -10, B: 30 });
  });

  it('curtailment rounding keeps bought = sold exactly', () => {
    // 10 lots of supply over three price-taking buyers of 7 each: 3.33 each → 3, 3, 3 + 1 to the first.
    const result = clearAuction(cfg(1), [
      curve('D1', 0, [[0, 7]]),
      curve('D2', 0, [[0, 7]]),
      curve('D3', 0, [[0, 7]]),
      stepSell('S', 0, 1000, 10),
    ]);
    expect(result.pricesTicks).toEqual([400_000]);
    expect(awardsOf(result, 0)).toEqual({ D1: 4, D2: 3, D3: 3, S: -10 });
  });
});

describe('block orders', () => {
  // Two periods. Block K sells 50 lots in both.
  //  Period 0: B1 buys 50 below 8000, B2 buys 200 below 1000, S1 sells 50 from 6000.
  //  Period 1: B3 buys 10 below 9000, B4 40 below 200, B5 100 below 100, S2 sells 10 from 8000.
  // Without K: period 0 balances on [6000, 8000] → 7000; period 1 on [8000, 9000] → 8500.
  //   Welfare: 50·8000 − 50·6000 + 10·9000 − 10·8000 = 110 000.
  // With K (K's 50 lots must be absorbed by the curves):
  //   period 0: B1 takes the 50 on [1000, 6000] → 3500; period 1: B3 10 + B4 40 on [100, 200] → 150.
  //   Welfare at limit L: 50·8000 + 10·9000 + 40·200 − 100·L = 498 000 − 100·L.
  // L = 3000: welfare 198 000 > 110 000, but K's average price (3500 + 150)/2 = 1825 < 3000 — it would be
  //   paradoxically accepted, so it is rejected; at the final prices (7000, 8500) it is in the money:
  //   paradoxically rejected.
  // L = 1000: 1825 >= 1000, accepted; welfare 398 000.
  const curves: AuctionBid[] = [
    stepBuy('B1', 0, 8000, 50),
    stepBuy('B2', 0, 1000, 200),
    stepSell('S1', 0, 6000, 50),
    stepBuy('B3', 1, 9000, 10),
    stepBuy('B4', 1, 200, 40),
    stepBuy('B5', 1, 100, 100),
    stepSell('S2', 1, 8000, 10),
  ];

  it('a block in the money by welfare but paradoxical at its own prices is rejected (PRB)', async () => {
    const bids = [...curves, block('K', 'sell', 0, 1, 3000, 50)];
    for (const result of [
      clearAuction(cfg(2), bids),
      clearAuction(cfg(2), bids, { method: 'enumeration' }),
      await clearAuctionAsync(cfg(2), bids),
    ]) {
      expect(result.provenOptimal).toBe(true);
      expect(result.acceptedBlocks).toEqual([]);
      expect(result.paradoxicallyRejectedBlocks).toEqual(['K']);
      expect(result.pricesTicks).toEqual([7000, 8500]);
      expect(result.welfareCashUnits).toBe(110_000 * CASH);
    }
  });

  it('the same block with a lower limit is accepted', async () => {
    const bids = [...curves, block('K', 'sell', 0, 1, 1000, 50)];
    for (const result of [
      clearAuction(cfg(2), bids),
      clearAuction(cfg(2), bids, { method: 'enumeration' }),
      await clearAuctionAsync(cfg(2), bids),
    ]) {
      expect(result.provenOptimal).toBe(true);
      expect(result.acceptedBlocks).toEqual(['K']);
      expect(result.paradoxicallyRejectedBlocks).toEqual([]);
      expect(result.pricesTicks).toEqual([3500, 150]);
      expect(awardsOf(result, 0)).toEqual({ B1: 50, K: -50 });
      expect(awardsOf(result, 1)).toEqual({ B3: 10, B4: 40, K: -50 });
      expect(result.volumesLots).toEqual([50, 50]);
      expect(result.welfareCashUnits).toBe(398_000 * CASH);
    }
  });

  it('a buy block that would raise the price above its limit is rejected, one that would not is accepted', () => {
    // S sells 100 from 2000; B buys 50 below 5000. Without blocks: 2000 (B 50, S 50).
    //  K60 (60 @ 3000): demand 110 > 100 → the price climbs to B's limit 5000 > 3000: paradoxical → rejected,
    //    and at 2000 it is in the money: PRB. (Welfare would be 200 000 + 180 000 − 200 000 = 180 000 > 150 000.)
    //  K40 (40 @ 3000): demand 90 <= 100, the price stays 2000 → accepted.
    const base = [stepSell('S', 0, 2000, 100), stepBuy('B', 0, 5000, 50)];
    const rejected = clearAuction(cfg(1), [...base, block('K60', 'buy', 0, 0, 3000, 60)]);
    expect(rejected.acceptedBlocks).toEqual([]);
    expect(rejected.paradoxicallyRejectedBlocks).toEqual(['K60']);
    expect(rejected.pricesTicks).toEqual([2000]);
    const accepted = clearAuction(cfg(1), [...base, block('K40', 'buy', 0, 0, 3000, 40)]);
    expect(accepted.acceptedBlocks).toEqual(['K40']);
    expect(accepted.pricesTicks).toEqual([2000]);
    expect(awardsOf(accepted, 0)).toEqual({ S: -90, B: 50, K40: 40 });
    expect(accepted.welfareCashUnits).toBe((50 * 5000 + 40 * 3000 - 90 * 2000) * CASH);
  });

  it('a block larger than the curves can absorb is rejected', () => {
    const result = clearAuction(cfg(1), [stepBuy('B', 0, 5000, 50), block('K', 'sell', 0, 0, 0, 80)]);
    expect(result.acceptedBlocks).toEqual([]);
    expect(result.paradoxicallyRejectedBlocks).toEqual(['K']);
  });

  it('two sell blocks: accepting both beats accepting one; without a price floor neither is admissible', () => {
    // B1 buys 50 below 8000, B2 buys 500 below 1000; KA sells 50 @ 500, KB sells 50 @ 900.
    //  selection  curves must buy  clearing interval  price  welfare
    //  none            0           [8000, 400000]    204000  0
    //  KA             50           [1000, 8000]        4500  50·8000 − 50·500 = 375 000
    //  KB             50           [1000, 8000]        4500  50·8000 − 50·900 = 355 000
    //  KA+KB         100           [1000, 1000]        1000  400 000 + 50 000 − 25 000 − 45 000 = 380 000
    // All admissible (prices >= limits); KA+KB wins.
    const result = clearAuction(cfg(1), [
      stepBuy('B1', 0, 8000, 50),
      stepBuy('B2', 0, 1000, 500),
      block('KA', 'sell', 0, 0, 500, 50),
      block('KB', 'sell', 0, 0, 900, 50),
    ]);
    expect(result.acceptedBlocks).toEqual(['KA', 'KB']);
    expect(result.pricesTicks).toEqual([1000]);
    expect(result.welfareCashUnits).toBe(380_000 * CASH);
    // Without B2 one block alone clears on [−50000, 8000] → −21000, below both limits (paradoxical), and
    // both together exceed what B1 can take: nothing is accepted, and at the final price 204000 both
    // blocks are in the money, so both are listed as paradoxically rejected.
    const noFloor = clearAuction(cfg(1), [
      stepBuy('B1', 0, 8000, 50),
      block('KA', 'sell', 0, 0, 500, 50),
      block('KB', 'sell', 0, 0, 900, 50),
    ]);
    expect(noFloor.acceptedBlocks).toEqual([]);
    expect(noFloor.pricesTicks).toEqual([204_000]);
    expect(noFloor.paradoxicallyRejectedBlocks).toEqual(['KA', 'KB']);
  });
});

describe('entry points', () => {
  function manyBlocks(n: number): AuctionBid[] {
    const bids: AuctionBid[] = [];
    for (let t = 0; t < 4; t++) {
      bids.push(stepBuy(`B${t}`, t, 6000 + 100 * t, 300), stepBuy(`Bl${t}`, t, 1000, 500));
      bids.push(stepSell(`S${t}`, t, 3000 + 200 * t, 200), stepSell(`Sh${t}`, t, 9000, 500));
    }
    for (let i = 0; i < n; i++) {
      const first = i % 4;
      bids.push(
        block(
          `K${i}`,
          i % 3 === 0 ? 'buy' : 'sell',
          first,
          Math.min(3, first + (i % 2)),
          2500 + 350 * i,
          20 + 5 * i,
        ),
      );
    }
    return bids;
  }

  it('more blocks than the enumeration limit: branch-and-bound, proven optimal, the same result as enumeration', async () => {
    const bids = manyBlocks(DEFAULT_MAX_ENUMERATED_BLOCKS + 1);
    const searched = clearAuction(cfg(4), bids);
    expect(searched.method).toBe('branch-and-bound');
    expect(searched.provenOptimal).toBe(true);
    expect(searched.welfareGapBoundCashUnits).toBe(0);
    expect(searched.searchNodes).toBeGreaterThan(0);
    const enumerated = clearAuction(cfg(4), bids, { method: 'enumeration' });
    expect(enumerated.method).toBe('enumeration');
    expect(enumerated.provenOptimal).toBe(true);
    expect(enumerated.searchNodes).toBe(0);
    // Identical selection (same tie rule), hence identical prices, awards and welfare.
    expect(searched).toEqual({
      ...enumerated,
      method: 'branch-and-bound',
      searchNodes: searched.searchNodes,
    });
    expect(await clearAuctionAsync(cfg(4), bids)).toEqual(searched);
  });

  it('a search stopped by its node limit says so; up to maxEnumeratedBlocks, enumeration takes over', () => {
    const bids = manyBlocks(DEFAULT_MAX_ENUMERATED_BLOCKS + 1);
    const optimum = clearAuction(cfg(4), bids, { method: 'enumeration' });
    const stopped = clearAuction(cfg(4), bids, { maxSearchNodes: 1, maxEnumeratedBlocks: 0 });
    expect(stopped.method).toBe('branch-and-bound');
    expect(stopped.searchNodes).toBe(1);
    expect(stopped.provenOptimal).toBe(false);
    expect(optimum.welfareCashUnits - stopped.welfareCashUnits).toBeLessThanOrEqual(
      stopped.welfareGapBoundCashUnits,
    );
    const fallback = clearAuction(cfg(4), bids, { maxSearchNodes: 1, maxEnumeratedBlocks: 13 });
    expect(fallback.method).toBe('enumeration');
    expect(fallback.provenOptimal).toBe(true);
    expect(fallback.searchNodes).toBe(1);
    expect(fallback.welfareCashUnits).toBe(optimum.welfareCashUnits);
  });

  it('invalid options are refused with the field and its limit', () => {
    const bids = manyBlocks(2);
    const cases: [ClearAuctionOptions, string][] = [
      [{ maxSearchNodes: 0 }, 'maxSearchNodes'],
      [{ maxSearchNodes: 1.5 }, 'maxSearchNodes'],
      [{ maxEnumeratedBlocks: 31 }, 'maxEnumeratedBlocks'],
      [{ certificatePropagations: -1 }, 'certificatePropagations'],
      [{ certificatePropagations: 0.5 }, 'certificatePropagations'],
      [{ method: 'mip' as 'auto' }, 'method'],
    ];
    for (const [options, field] of cases) {
      let error: unknown;
      try {
        clearAuction(cfg(4), bids, options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ClearAuctionOptionError);
      expect((error as ClearAuctionOptionError).field).toBe(field);
      expect((error as Error).message).toContain(field);
    }
    expect(() => clearAuction(cfg(4), manyBlocks(31), { method: 'enumeration' })).toThrow(
      /method must be 'auto' for more than 30 blocks/,
    );
  });

  it('deterministic and does not touch its input', () => {
    const bids = manyBlocks(5).map((b) => Object.freeze(b));
    const a = clearAuction(cfg(4), bids);
    const b = clearAuction(cfg(4), bids);
    expect(a).toEqual(b);
  });

  it('throws on invalid input (the book rejects such bids before they get here)', () => {
    expect(() => clearAuction(cfg(1), [stepBuy('B', 3, 100, 1)])).toThrow(RangeError);
    expect(() => clearAuction(cfg(1), [stepBuy('B', 0, 100, 1), stepSell('B', 0, 100, 1)])).toThrow(
      /duplicate/,
    );
    expect(() => clearAuction({ ...cfg(1), priceMinTicks: 10, priceMaxTicks: 10 }, [])).toThrow(RangeError);
  });
});
