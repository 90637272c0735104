import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clearAuction } from './clear-auction.js';
import { bruteSelection } from './test-helpers.js';
import type { AuctionBid, AuctionConfig, AuctionResult, BlockBid, CurveBid } from './types.js';

// Exactness of the branch-and-bound's block selection (issue 7 item 10) on auctions built to meet its
// pruning rules at their edges: step curves on a coarse price grid (flat overlaps of demand and supply,
// so prices stay put while blocks are added: blocks exactly at the money, surplus 0, decided by the
// volume / earliest-block tie-break), periods without curves (midpoint price), blocks at the price
// limits or too large for the curves, runs of identical blocks, buy–sell pairs with the same periods and
// quantity. Every search, however small its node limit, must return an admissible selection; when it
// says provenOptimal it must be the enumeration's selection, otherwise its gap bound must cover what it
// missed. maxEnumeratedBlocks 0 keeps the enumeration from stepping in for an unfinished search.
// (An independent brute force over 14 such families, 1–6 periods and 8–16 blocks, found no
// disagreement; this keeps the families that reach the rules most often, at a size that runs fast.)

const PMIN = -20;
const PMAX = 60;
const MID = Math.floor((PMIN + PMAX) / 2);
const GRID = [-20, -10, 0, 10, 20, 30, 40, 50, 60];
const CASH_PER_TICK_LOT = 25; // 15-minute periods

interface Instance {
  config: AuctionConfig;
  bids: AuctionBid[];
}

/** A step curve through grid prices: buys, sells or both, sometimes price-taking at a limit. */
const curveBody = (periods: number) =>
  fc
    .record({
      period: fc.integer({ min: 0, max: periods - 1 }),
      prices: fc.uniqueArray(fc.constantFrom(...GRID), { minLength: 1, maxLength: 4 }),
      quantities: fc.array(fc.integer({ min: -25, max: 25 }), { minLength: 4, maxLength: 4 }),
    })
    .map(({ period, prices, quantities }) => {
      const ps = [...prices].sort((a, b) => a - b);
      const qs = [...quantities].sort((a, b) => b - a).slice(0, ps.length);
      return { period, points: ps.map((priceTicks, i) => ({ priceTicks, quantityLots: qs[i]! })) };
    });

/** How a group of blocks is made: one, a run of identical ones, or a buy–sell pair. */
const blockGroup = (periods: number) =>
  fc.record({
    shape: fc.constantFrom('one', 'one', 'identical', 'identical', 'pair'),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    first: fc.integer({ min: 0, max: periods - 1 }),
    length: fc.integer({ min: 1, max: periods }),
    // On the grid (at the money on flat stretches), a tick off it, the midpoint or a limit.
    price: fc.oneof(
      fc.constantFrom(...GRID),
      fc.constantFrom(...GRID).map((p) => Math.max(PMIN, Math.min(PMAX, p + 1))),
      fc.constantFrom(...GRID).map((p) => Math.max(PMIN, Math.min(PMAX, p - 1))),
      fc.constantFrom(MID, PMIN, PMAX),
    ),
    spread: fc.integer({ min: 0, max: 2 }),
    quantity: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 30, max: 120 })),
    count: fc.integer({ min: 2, max: 4 }),
  });

function instance(): fc.Arbitrary<Instance> {
  return fc.integer({ min: 1, max: 4 }).chain((periods) =>
    fc
      .tuple(
        fc.array(curveBody(periods), { minLength: 0, maxLength: 3 * periods }),
        fc.array(blockGroup(periods), { minLength: 4, maxLength: 9 }),
      )
      .map(([curves, groups]) => {
        const bids: AuctionBid[] = curves.map(
          (c, i): CurveBid => ({
            kind: 'curve',
            bidId: `c${i}`,
            agentId: `a${i % 3}`,
            interpolation: 'step',
            ...c,
          }),
        );
        const blocks: BlockBid[] = [];
        const add = (side: 'buy' | 'sell', g: (typeof groups)[number], priceTicks: number) =>
          blocks.push({
            kind: 'block',
            bidId: `k${blocks.length}`,
            agentId: `a${blocks.length % 3}`,
            side,
            firstPeriod: g.first,
            lastPeriod: Math.min(periods - 1, g.first + g.length - 1),
            priceTicks: Math.max(PMIN, Math.min(PMAX, priceTicks)),
            quantityLots: g.quantity,
          });
        for (const g of groups) {
          if (blocks.length >= 12) break;
          if (g.shape === 'one') add(g.side, g, g.price);
          else if (g.shape === 'identical') for (let k = 0; k < g.count; k++) add(g.side, g, g.price);
          else {
            add('buy', g, g.price + g.spread);
            add('sell', g, g.price - g.spread);
          }
        }
        bids.push(...blocks.slice(0, 12));
        return { config: { periods, priceMinTicks: PMIN, priceMaxTicks: PMAX, maxQuantityLots: 200 }, bids };
      }),
  );
}

/**
 * Blocks exactly at the price of a flat stretch: each has surplus 0 and adds no welfare, so the choice is
 * the volume tie-break (a subset sum within what the stretch absorbs), then the earliest block.
 */
function atTheMoney(): fc.Arbitrary<Instance> {
  return fc
    .record({
      periods: fc.integer({ min: 1, max: 2 }),
      price: fc.constantFrom(0, 10, 20, 30),
      // The curve buys `before` below the price and sells `after` above it: at the price it takes
      // anything in [-after, before].
      before: fc.integer({ min: 0, max: 20 }),
      after: fc.integer({ min: 0, max: 20 }),
      blocks: fc.array(
        fc.record({
          side: fc.constantFrom('buy' as const, 'sell' as const, 'sell' as const),
          whole: fc.boolean(),
          quantity: fc.integer({ min: 1, max: 6 }),
          off: fc.constantFrom(0, 0, 0, 0, 1, -1),
        }),
        { minLength: 6, maxLength: 12 },
      ),
    })
    .map(({ periods, price, before, after, blocks }) => {
      const bids: AuctionBid[] = [];
      for (let t = 0; t < periods; t++)
        bids.push({
          kind: 'curve',
          bidId: `c${t}`,
          agentId: 'a0',
          period: t,
          interpolation: 'step',
          points: [
            { priceTicks: price - 10, quantityLots: before },
            { priceTicks: price, quantityLots: -after },
          ],
        });
      blocks.forEach((b, i) => {
        bids.push({
          kind: 'block',
          bidId: `k${i}`,
          agentId: `a${i % 3}`,
          side: b.side,
          firstPeriod: 0,
          lastPeriod: b.whole ? periods - 1 : 0,
          priceTicks: price + b.off,
          quantityLots: b.quantity,
        });
      });
      return { config: { periods, priceMinTicks: PMIN, priceMaxTicks: PMAX, maxQuantityLots: 200 }, bids };
    });
}

function blocksOf(bids: readonly AuctionBid[]): BlockBid[] {
  return bids.filter((b): b is BlockBid => b.kind === 'block');
}

/** The result's selection cleared by the tick-scanning brute force (test-helpers.ts). */
function cleared(inst: Instance, result: AuctionResult) {
  const accepted = blocksOf(inst.bids).map((b) => result.acceptedBlocks.includes(b.bidId));
  return bruteSelection(inst.config, inst.bids, accepted);
}

describe('block selection exactness at the edges of the pruning rules (step curves, ≤ 12 blocks)', () => {
  it.each([
    ['grid curves, identical runs, pairs, limits, empty periods', instance, 120],
    ['blocks at the money on a flat stretch (volume and earliest-block tie-break)', atTheMoney, 120],
  ])('%s: proven ⇒ the enumeration’s selection; unproven ⇒ within the gap bound', (_, arbitrary, numRuns) => {
    let proven = 0;
    let unproven = 0;
    fc.assert(
      fc.property(arbitrary(), (inst) => {
        const reference = clearAuction(inst.config, inst.bids, { method: 'enumeration' });
        const refWelfare = cleared(inst, reference).welfare;
        const runs: AuctionResult[] = [clearAuction(inst.config, inst.bids, { maxEnumeratedBlocks: 0 })];
        for (const maxSearchNodes of [1, 2, 3, 5])
          for (const certificatePropagations of [0, 1, 1_000_000])
            runs.push(
              clearAuction(inst.config, inst.bids, {
                maxSearchNodes,
                maxEnumeratedBlocks: 0,
                certificatePropagations,
              }),
            );
        for (const result of runs) {
          const mine = cleared(inst, result);
          expect(mine.admissible).toBe(true);
          expect(result.pricesTicks).toEqual(mine.prices);
          expect(result.welfareCashUnits).toBe(mine.welfare * CASH_PER_TICK_LOT);
          if (result.provenOptimal) {
            proven++;
            expect(result.welfareGapBoundCashUnits).toBe(0);
            expect(result.acceptedBlocks).toEqual(reference.acceptedBlocks);
          } else {
            unproven++;
            expect(result.welfareGapBoundCashUnits).toBeGreaterThanOrEqual(
              (refWelfare - mine.welfare) * CASH_PER_TICK_LOT,
            );
          }
        }
        // Without a node limit to speak of, the search always finishes at this size.
        expect(runs[0]!.provenOptimal).toBe(true);
      }),
      { numRuns },
    );
    // Both outcomes must actually be exercised.
    expect(proven).toBeGreaterThan(100);
    expect(unproven).toBeGreaterThan(50);
  });
});
