import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clearAuction } from './clear-auction.js';
import { curveQuantityAt } from './curve.js';
import { bruteBestWelfare, bruteRange, bruteSelection } from './test-helpers.js';
import type { AuctionBid, AuctionConfig, AuctionResult, BlockBid, CurveBid } from './types.js';

// Small random auctions checked against a brute force that scans every price tick of every period for
// every block subset (test-helpers.ts). With step curves everything is integral, so the tolerance on
// welfare is zero: the library's welfare must equal the best admissible subset's welfare exactly.
// Larger block counts (13–16) against brute force: block-search.test.ts.

const PMIN = -20;
const PMAX = 60;
const MAXQ = 30;
const CASH_PER_TICK_LOT = 25; // 15-minute periods

function configFor(periods: number): AuctionConfig {
  return { periods, priceMinTicks: PMIN, priceMaxTicks: PMAX, maxQuantityLots: MAXQ };
}

const curveBody = (periods: number, interpolation: 'step' | 'linear') =>
  fc
    .record({
      period: fc.integer({ min: 0, max: periods - 1 }),
      prices: fc.uniqueArray(fc.integer({ min: PMIN, max: PMAX }), { minLength: 1, maxLength: 4 }),
      quantities: fc.array(fc.integer({ min: -MAXQ, max: MAXQ }), { minLength: 4, maxLength: 4 }),
      agent: fc.constantFrom('a1', 'a2', 'a3'),
    })
    .map(({ period, prices, quantities, agent }) => {
      const ps = [...prices].sort((a, b) => a - b);
      const qs = [...quantities].sort((a, b) => b - a).slice(0, ps.length);
      return {
        kind: 'curve' as const,
        agentId: agent,
        period,
        interpolation,
        points: ps.map((priceTicks, i) => ({ priceTicks, quantityLots: qs[i]! })),
      };
    });

const blockBody = (periods: number) =>
  fc
    .record({
      side: fc.constantFrom('buy' as const, 'sell' as const),
      first: fc.integer({ min: 0, max: periods - 1 }),
      length: fc.integer({ min: 1, max: periods }),
      priceTicks: fc.integer({ min: PMIN, max: PMAX }),
      quantityLots: fc.integer({ min: 1, max: 15 }),
      agent: fc.constantFrom('a1', 'a2', 'a3'),
    })
    .map(({ side, first, length, priceTicks, quantityLots, agent }) => ({
      kind: 'block' as const,
      agentId: agent,
      side,
      firstPeriod: first,
      lastPeriod: Math.min(periods - 1, first + length - 1),
      priceTicks,
      quantityLots,
    }));

interface Instance {
  config: AuctionConfig;
  bids: AuctionBid[];
}

function instance(interpolation: 'step' | 'linear', maxBlocks: number): fc.Arbitrary<Instance> {
  return fc.integer({ min: 1, max: 4 }).chain((periods) =>
    fc
      .tuple(
        fc.array(curveBody(periods, interpolation), { minLength: 0, maxLength: 3 * periods }),
        fc.array(blockBody(periods), { minLength: 0, maxLength: maxBlocks }),
      )
      .map(([curves, blocks]) => {
        const bids: AuctionBid[] = [
          ...curves.map((c, i): CurveBid => ({ ...c, bidId: `c${i}` })),
          ...blocks.map((b, i): BlockBid => ({ ...b, bidId: `k${i}` })),
        ];
        return { config: configFor(periods), bids };
      }),
  );
}

/** Everything that must hold for any result, whatever the block selection. */
function checkInvariants({ config, bids }: Instance, result: AuctionResult): void {
  const byId = new Map(bids.map((b) => [b.bidId, b]));
  const blocks = bids.filter((b): b is BlockBid => b.kind === 'block');
  for (let t = 0; t < config.periods; t++) {
    const price = result.pricesTicks[t]!;
    expect(Number.isInteger(price)).toBe(true);
    expect(price).toBeGreaterThanOrEqual(PMIN);
    expect(price).toBeLessThanOrEqual(PMAX);
    const awards = result.awards.filter((a) => a.period === t);
    // Buyers' awards equal sellers' awards exactly, in whole lots.
    expect(awards.reduce((s, a) => s + a.quantityLots, 0)).toBe(0);
    for (const a of awards) expect(Number.isInteger(a.quantityLots) && a.quantityLots !== 0).toBe(true);
    expect(result.volumesLots[t]).toBe(awards.reduce((s, a) => s + Math.max(a.quantityLots, 0), 0));
  }
  for (const a of result.awards) {
    const bid = byId.get(a.bidId)!;
    expect(a.agentId).toBe(bid.agentId);
    if (bid.kind === 'block') {
      expect(result.acceptedBlocks).toContain(bid.bidId);
      expect(a.quantityLots).toBe(bid.side === 'buy' ? bid.quantityLots : -bid.quantityLots);
    }
  }
  for (const b of blocks) {
    const n = b.lastPeriod - b.firstPeriod + 1;
    const awards = result.awards.filter((a) => a.bidId === b.bidId);
    let sum = 0;
    for (let t = b.firstPeriod; t <= b.lastPeriod; t++) sum += result.pricesTicks[t]!;
    const limitSum = b.priceTicks * n;
    if (result.acceptedBlocks.includes(b.bidId)) {
      expect(awards.map((a) => a.period)).toEqual(Array.from({ length: n }, (_, i) => b.firstPeriod + i));
      // Never paradoxically accepted.
      if (b.side === 'sell') expect(sum).toBeGreaterThanOrEqual(limitSum);
      else expect(sum).toBeLessThanOrEqual(limitSum);
    } else {
      expect(awards).toEqual([]);
      const inTheMoney = b.side === 'sell' ? sum > limitSum : sum < limitSum;
      expect(result.paradoxicallyRejectedBlocks.includes(b.bidId)).toBe(inTheMoney);
    }
  }
}

function checkAgainstBruteForce(inst: Instance, result: AuctionResult): void {
  const { config, bids } = inst;
  checkInvariants(inst, result);
  // Every curve award lies in its bid's range at the clearing price (absent = 0).
  for (const bid of bids) {
    if (bid.kind !== 'curve') continue;
    const award = result.awards.find((a) => a.bidId === bid.bidId)?.quantityLots ?? 0;
    const [lo, hi] = bruteRange(bid, result.pricesTicks[bid.period]!, config);
    expect(award).toBeGreaterThanOrEqual(lo);
    expect(award).toBeLessThanOrEqual(hi);
  }
  // The chosen selection, cleared by brute force, gives the same prices and is admissible…
  const blocks = bids.filter((b) => b.kind === 'block');
  const accepted = blocks.map((b) => result.acceptedBlocks.includes(b.bidId));
  const mine = bruteSelection(config, bids, accepted);
  expect(mine.admissible).toBe(true);
  expect(result.pricesTicks).toEqual(mine.prices);
  expect(result.welfareCashUnits).toBe(mine.welfare * CASH_PER_TICK_LOT);
  // …and no admissible selection has more welfare.
  expect(mine.welfare).toBe(bruteBestWelfare(config, bids));
}

describe('clearAuction against brute force (step curves, 0-4 blocks)', () => {
  it('default (branch-and-bound): optimal welfare, same prices, no PAB, awards net to zero and match the bids', () => {
    fc.assert(
      fc.property(instance('step', 4), (inst) => {
        checkAgainstBruteForce(inst, clearAuction(inst.config, inst.bids));
      }),
      { numRuns: 300 },
    );
  });

  it('enumeration: the same', () => {
    fc.assert(
      fc.property(instance('step', 4), (inst) => {
        checkAgainstBruteForce(inst, clearAuction(inst.config, inst.bids, { method: 'enumeration' }));
      }),
      { numRuns: 150 },
    );
  });

  it('branch-and-bound and enumeration give the same result with up to 10 blocks', () => {
    fc.assert(
      fc.property(instance('step', 10), (inst) => {
        const searched = clearAuction(inst.config, inst.bids);
        const enumerated = clearAuction(inst.config, inst.bids, { method: 'enumeration' });
        checkInvariants(inst, searched);
        expect(searched.provenOptimal).toBe(true);
        expect({ ...searched, method: enumerated.method, searchNodes: 0 }).toEqual(enumerated);
      }),
      { numRuns: 150 },
    );
  });
});

describe('clearAuction with linear curves', () => {
  it('balanced integer awards within 1 lot of the bid at a price within half a tick', () => {
    fc.assert(
      fc.property(instance('linear', 2), (inst) => {
        const result = clearAuction(inst.config, inst.bids);
        checkInvariants(inst, result);
        for (const bid of inst.bids) {
          if (bid.kind !== 'curve') continue;
          const award = result.awards.find((a) => a.bidId === bid.bidId)?.quantityLots ?? 0;
          const p = result.pricesTicks[bid.period]!;
          // Demand is non-increasing: the bid's quantities over [p − ½, p + ½] span [qHigh, qLow].
          let qLow = curveQuantityAt(bid, p - 0.5);
          let qHigh = curveQuantityAt(bid, p + 0.5);
          if (p === PMIN) qLow = Math.max(qLow, 0);
          if (p === PMAX) qHigh = Math.min(qHigh, 0);
          expect(award).toBeGreaterThanOrEqual(Math.floor(qHigh) - 1);
          expect(award).toBeLessThanOrEqual(Math.ceil(qLow) + 1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('branch-and-bound and enumeration select the same blocks (the same evaluation, so the same welfare)', () => {
    fc.assert(
      fc.property(instance('linear', 8), (inst) => {
        const searched = clearAuction(inst.config, inst.bids);
        const enumerated = clearAuction(inst.config, inst.bids, { method: 'enumeration' });
        checkInvariants(inst, searched);
        expect(searched.provenOptimal).toBe(true);
        expect({ ...searched, method: enumerated.method, searchNodes: 0 }).toEqual(enumerated);
      }),
      { numRuns: 100 },
    );
  });
});
