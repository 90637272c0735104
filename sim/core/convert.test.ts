// The depth message reuses the previous message's unchanged levels and sides, and is otherwise the
// same message as one built from nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Depth, DepthLevel } from '../../market/index.js';
import { depthToProto } from './convert.js';

/** A side best first: distinct prices, descending for bids, ascending for asks. */
const side = (descending: boolean) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 12 })
    .chain((prices) =>
      fc.tuple(
        ...prices
          .sort((a, b) => (descending ? b - a : a - b))
          .map((p) =>
            fc.record({
              priceTicks: fc.constant(p * 100),
              quantityLots: fc.integer({ min: 1, max: 3 }),
              orderCount: fc.integer({ min: 1, max: 2 }),
            }),
          ),
      ),
    )
    .map((levels) => levels as DepthLevel[]);
const depth = fc
  .record({ bids: side(true), asks: side(false), last: fc.option(fc.integer({ min: 1, max: 9 })) })
  .map(
    ({ bids, asks, last }): Depth => ({
      productId: 'qh-20261122-0015',
      bids,
      asks,
      ...(last === null ? {} : { lastTradePriceTicks: last }),
    }),
  );

describe('depthToProto', () => {
  it('builds the same message with or without the previous one, reusing its equal levels and sides', () => {
    fc.assert(
      fc.property(depth, depth, (before, now) => {
        const prev = depthToProto(before);
        const fresh = depthToProto(now);
        const reused = depthToProto(now, prev);
        expect(reused).toEqual(fresh);
        for (const [k, prevSide] of [
          ['bids', prev.bids],
          ['asks', prev.asks],
        ] as const) {
          const sideNow = reused[k];
          for (const l of sideNow) {
            const same = prevSide.find(
              (p) =>
                p.priceTicks === l.priceTicks &&
                p.quantityLots === l.quantityLots &&
                p.orderCount === l.orderCount,
            );
            // A level equal to one of the previous message's is that very object.
            if (same) expect(l).toBe(same);
          }
          if (JSON.stringify(sideNow) === JSON.stringify(prevSide)) expect(sideNow).toBe(prevSide);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('shares nothing it should not: a changed level is a new object, the previous message unchanged', () => {
    const prev = depthToProto({
      productId: 'p',
      bids: [
        { priceTicks: 300, quantityLots: 1, orderCount: 1 },
        { priceTicks: 200, quantityLots: 1, orderCount: 1 },
      ],
      asks: [],
    });
    const copy = structuredClone(prev);
    const next = depthToProto(
      {
        productId: 'p',
        bids: [
          { priceTicks: 300, quantityLots: 2, orderCount: 1 },
          { priceTicks: 200, quantityLots: 1, orderCount: 1 },
        ],
        asks: [],
      },
      prev,
    );
    expect(next.bids[0]).not.toBe(prev.bids[0]);
    expect(next.bids[1]).toBe(prev.bids[1]);
    expect(next.bids).not.toBe(prev.bids);
    expect(next.asks).toBe(prev.asks);
    expect(prev).toEqual(copy);
  });
});
