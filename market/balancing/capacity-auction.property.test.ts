import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CapacityBid, type CapacityDemand, clearCapacityAuction } from './capacity-auction.js';
import { compareIds } from './rejections.js';
import type { BalancingDirection } from './types.js';

// Random bid sets over few products and a narrow price band, so ties, partial acceptances and
// skipped indivisible bids are common.

const bidBody = fc.record({
  agentId: fc.constantFrom('a', 'b', 'c', 'd'),
  product: fc.integer({ min: 0, max: 2 }),
  direction: fc.constantFrom<BalancingDirection>('up', 'down'),
  quantityLots: fc.integer({ min: 1, max: 40 }),
  capacityPriceTicks: fc.integer({ min: 0, max: 8 }).map((x) => x * 250),
  divisible: fc.option(fc.boolean(), { nil: undefined }),
});

const bidsArb = fc.array(bidBody, { maxLength: 25 }).map((bodies) =>
  bodies.map((b, i): CapacityBid => {
    const bid: CapacityBid = { ...b, bidId: `b${String(i).padStart(3, '0')}` };
    if (b.divisible === undefined) delete bid.divisible;
    return bid;
  }),
);

const lots = fc.integer({ min: 0, max: 120 });
const demandArb: fc.Arbitrary<CapacityDemand> = fc.record({
  up: fc.tuple(lots, lots, lots, lots, lots, lots),
  down: fc.tuple(lots, lots, lots, lots, lots, lots),
});

describe('capacity auction properties', () => {
  it('awards respect demand, offers and divisibility', () => {
    fc.assert(
      fc.property(bidsArb, demandArb, (bids, demand) => {
        const result = clearCapacityAuction(bids, demand);
        const byId = new Map(bids.map((b) => [b.bidId, b]));
        for (const p of result.products) {
          const sum = p.awards.reduce((s, a) => s + a.awardedLots, 0);
          expect(sum).toBe(p.awardedLots);
          expect(p.awardedLots + p.unmetLots).toBe(p.demandLots);
          expect(p.unmetLots).toBeGreaterThanOrEqual(0);
          for (const a of p.awards) {
            const bid = byId.get(a.bidId)!;
            expect([bid.product, bid.direction]).toStrictEqual([p.product, p.direction]);
            expect(a.awardedLots).toBeGreaterThan(0);
            expect(a.awardedLots).toBeLessThanOrEqual(bid.quantityLots);
            if (bid.divisible === false) expect(a.awardedLots).toBe(bid.quantityLots);
          }
          // Unmet demand means every divisible bid of this product and direction was taken in full.
          if (p.unmetLots > 0) {
            for (const bid of bids) {
              if (bid.product !== p.product || bid.direction !== p.direction || bid.divisible === false)
                continue;
              expect(p.awards.find((a) => a.bidId === bid.bidId)?.awardedLots).toBe(bid.quantityLots);
            }
          }
        }
      }),
    );
  });

  it('merit order: no bid ranked after a divisible bid with unused volume is awarded', () => {
    fc.assert(
      fc.property(bidsArb, demandArb, (bids, demand) => {
        const result = clearCapacityAuction(bids, demand);
        const awarded = new Map(result.awards.map((a) => [a.bidId, a.awardedLots]));
        for (const cheap of bids) {
          if (cheap.divisible === false || (awarded.get(cheap.bidId) ?? 0) === cheap.quantityLots) continue;
          for (const other of bids) {
            if (other.product !== cheap.product || other.direction !== cheap.direction) continue;
            const rankedAfter =
              other.capacityPriceTicks > cheap.capacityPriceTicks ||
              (other.capacityPriceTicks === cheap.capacityPriceTicks &&
                compareIds(other.bidId, cheap.bidId) > 0);
            if (rankedAfter) expect(awarded.has(other.bidId)).toBe(false);
          }
        }
      }),
    );
  });

  it('pay-as-cleared pays at least pay-as-bid, for the same awards', () => {
    fc.assert(
      fc.property(bidsArb, demandArb, (bids, demand) => {
        const asBid = clearCapacityAuction(bids, demand, 'pay-as-bid');
        const asCleared = clearCapacityAuction(bids, demand, 'pay-as-cleared');
        const lotsOf = (r: typeof asBid) => r.awards.map((a) => [a.bidId, a.awardedLots]);
        expect(lotsOf(asCleared)).toStrictEqual(lotsOf(asBid));
        asCleared.awards.forEach((a, i) => {
          expect(a.paymentCashUnits).toBeGreaterThanOrEqual(asBid.awards[i]!.paymentCashUnits);
        });
        expect(asCleared.totalPaymentCashUnits).toBeGreaterThanOrEqual(asBid.totalPaymentCashUnits);
        for (const p of asCleared.products) {
          for (const a of p.awards) {
            expect(a.settlementPriceTicks).toBe(p.clearingPriceTicks);
            expect(a.bidPriceTicks).toBeLessThanOrEqual(p.clearingPriceTicks!);
          }
        }
      }),
    );
  });

  it('the result does not depend on submission order', () => {
    fc.assert(
      fc.property(
        bidsArb.chain((bids) =>
          fc.tuple(fc.constant(bids), fc.shuffledSubarray(bids, { minLength: bids.length })),
        ),
        demandArb,
        ([bids, shuffled], demand) => {
          expect(clearCapacityAuction(shuffled, demand)).toStrictEqual(clearCapacityAuction(bids, demand));
        },
      ),
    );
  });
});
