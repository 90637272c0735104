import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activationFlows, checkConservation } from './conservation.js';
import {
  activateEnergyBids,
  DEFAULT_ENERGY_MARKET_CONFIG,
  type EnergyBid,
  EnergyMarket,
} from './energy-market.js';
import { BALANCING_PRICE_LIMIT_TICKS, type BalancingDirection } from './types.js';

// Random bid sets for one period with a narrow price band (many equal-price levels, so the pro-rata
// split is exercised) and imbalances on both sides of the available volume.

const PERIOD = 7;
const KWH_PER_LOT = 25;

const bidsArb = fc
  .array(
    fc.record({
      agentId: fc.constantFrom('a', 'b', 'c'),
      direction: fc.constantFrom<BalancingDirection>('up', 'down'),
      quantityLots: fc.integer({ min: 1, max: 20 }),
      energyPriceTicks: fc.oneof(
        { weight: 9, arbitrary: fc.integer({ min: -4, max: 4 }).map((x) => x * 1000) },
        { weight: 1, arbitrary: fc.constantFrom(-BALANCING_PRICE_LIMIT_TICKS, BALANCING_PRICE_LIMIT_TICKS) },
      ),
    }),
    { maxLength: 14 },
  )
  .map((bodies) =>
    bodies.map((b, i): EnergyBid => ({ ...b, bidId: `e${String(i).padStart(2, '0')}`, period: PERIOD })),
  );

const imbalanceArb = fc.integer({ min: -3000, max: 3000 });

function offered(bid: EnergyBid): number {
  return bid.quantityLots * KWH_PER_LOT;
}

describe('activation properties', () => {
  it('activated energy never exceeds what was offered, and only the needed direction is activated', () => {
    fc.assert(
      fc.property(bidsArb, imbalanceArb, (bids, imbalance) => {
        const result = activateEnergyBids(PERIOD, bids, imbalance);
        const byId = new Map(bids.map((b) => [b.bidId, b]));
        for (const a of result.activations) {
          const bid = byId.get(a.bidId)!;
          expect(a.activatedKwh).toBeGreaterThan(0);
          expect(a.activatedKwh).toBeLessThanOrEqual(offered(bid));
          expect(a.offeredKwh).toBe(offered(bid));
          expect(a.direction).toBe(bid.direction);
          expect(a.direction).toBe(imbalance > 0 ? 'up' : 'down');
        }
        expect(new Set(result.activations.map((a) => a.bidId)).size).toBe(result.activations.length);
      }),
    );
  });

  it('activated up − activated down = sign(imbalance) × min(|imbalance|, available)', () => {
    fc.assert(
      fc.property(bidsArb, imbalanceArb, (bids, imbalance) => {
        const result = activateEnergyBids(PERIOD, bids, imbalance);
        const direction = imbalance > 0 ? 'up' : 'down';
        const available = bids.filter((b) => b.direction === direction).reduce((s, b) => s + offered(b), 0);
        const expected = Math.sign(imbalance) * Math.min(Math.abs(imbalance), available) + 0;
        expect(result.activatedUpKwh - result.activatedDownKwh).toBe(expected);
        expect(result.activatedUpKwh - result.activatedDownKwh + result.unresolvedKwh).toBe(imbalance);
        const sumUp = result.activations
          .filter((a) => a.direction === 'up')
          .reduce((s, a) => s + a.activatedKwh, 0);
        const sumDown = result.activations
          .filter((a) => a.direction === 'down')
          .reduce((s, a) => s + a.activatedKwh, 0);
        expect([sumUp, sumDown]).toStrictEqual([result.activatedUpKwh, result.activatedDownKwh]);
      }),
    );
  });

  it('merit order: no worse bid is activated while a better one has unused volume', () => {
    fc.assert(
      fc.property(bidsArb, imbalanceArb, (bids, imbalance) => {
        const result = activateEnergyBids(PERIOD, bids, imbalance);
        const activated = new Map(result.activations.map((a) => [a.bidId, a.activatedKwh]));
        // "better" = cheaper for up, higher price for down (see the sign convention).
        const better = (x: EnergyBid, y: EnergyBid) =>
          x.direction === 'up'
            ? x.energyPriceTicks < y.energyPriceTicks
            : x.energyPriceTicks > y.energyPriceTicks;
        for (const worse of bids) {
          if (!activated.has(worse.bidId)) continue;
          for (const b of bids) {
            if (b.direction === worse.direction && better(b, worse)) {
              expect(activated.get(b.bidId)).toBe(offered(b));
            }
          }
        }
      }),
    );
  });

  it('the period price is the marginal activated bid, or the limit when bids run out', () => {
    fc.assert(
      fc.property(bidsArb, imbalanceArb, (bids, imbalance) => {
        const result = activateEnergyBids(PERIOD, bids, imbalance);
        if (imbalance === 0) {
          expect([result.upPriceTicks, result.downPriceTicks]).toStrictEqual([null, null]);
          return;
        }
        const up = imbalance > 0;
        const price = up ? result.upPriceTicks : result.downPriceTicks;
        expect(up ? result.downPriceTicks : result.upPriceTicks).toBeNull();
        const prices = result.activations.map((a) => a.bidPriceTicks);
        if (result.unresolvedKwh !== 0) {
          expect(price).toBe(up ? BALANCING_PRICE_LIMIT_TICKS : -BALANCING_PRICE_LIMIT_TICKS);
        } else {
          expect(price).toBe(up ? Math.max(...prices) : Math.min(...prices));
        }
        for (const p of prices) {
          if (up) expect(p).toBeLessThanOrEqual(price!);
          else expect(p).toBeGreaterThanOrEqual(price!);
        }
      }),
    );
  });

  it('pay-as-cleared pays every provider at least pay-as-bid; activation cash and energy are conserved', () => {
    fc.assert(
      fc.property(bidsArb, imbalanceArb, (bids, imbalance) => {
        const cleared = activateEnergyBids(PERIOD, bids, imbalance);
        const asBid = activateEnergyBids(PERIOD, bids, imbalance, {
          ...DEFAULT_ENERGY_MARKET_CONFIG,
          activationPricing: 'pay-as-bid',
        });
        expect(asBid.activations.map((a) => a.activatedKwh)).toStrictEqual(
          cleared.activations.map((a) => a.activatedKwh),
        );
        cleared.activations.forEach((a, i) => {
          expect(a.cashUnits).toBeGreaterThanOrEqual(asBid.activations[i]!.cashUnits);
        });
        const report = checkConservation(activationFlows(cleared));
        expect(report.balanced, report.message).toBe(true);
      }),
    );
  });

  it('the market class gives the same result as the pure function, whatever the submission order', () => {
    fc.assert(
      fc.property(
        bidsArb.chain((bids) =>
          fc.tuple(fc.constant(bids), fc.shuffledSubarray(bids, { minLength: bids.length })),
        ),
        imbalanceArb,
        ([bids, shuffled], imbalance) => {
          const market = new EnergyMarket();
          for (const b of shuffled) expect(market.submit(b).accepted).toBe(true);
          expect(market.activate(PERIOD, imbalance)).toStrictEqual(
            activateEnergyBids(PERIOD, bids, imbalance),
          );
        },
      ),
    );
  });
});
