// The fast writer and reader are the library's wire format exactly: same bytes for every int64
// and uint64 (safe or not), and the same decoded values.
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookDepth } from '../gen/flexarena/v1/market.js';
import { FastBinaryReader, FastBinaryWriter } from './proto-wire.js';

const EDGES = [
  0,
  1,
  -1,
  127,
  128,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 32 - 1,
  2 ** 32,
  -(2 ** 32),
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  999_900,
  -999_900,
  2 ** 7 - 1,
  2 ** 14 - 1,
  2 ** 14,
  2 ** 21 - 1,
  2 ** 21,
  2 ** 28 - 1,
  2 ** 28,
];

function bytes(w: BinaryWriter, f: (w: BinaryWriter) => void): number[] {
  f(w);
  return [...w.finish()];
}

describe('FastBinaryWriter / FastBinaryReader', () => {
  it('writes the same int64 bytes as the library, edges and random safe integers', () => {
    const check = (v: number) => {
      expect(bytes(new FastBinaryWriter(), (w) => w.int64(v))).toEqual(
        bytes(new BinaryWriter(), (w) => w.int64(v)),
      );
      const read = new FastBinaryReader(new BinaryWriter().int64(v).finish()).int64();
      expect(Number(read.toString())).toBe(v);
    };
    for (const v of EDGES) check(v);
    fc.assert(fc.property(fc.maxSafeInteger(), check), { numRuns: 5000 });
    fc.assert(fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), check), { numRuns: 5000 });
  });

  it('writes the same uint64 bytes and reads them back', () => {
    const check = (v: number) => {
      expect(bytes(new FastBinaryWriter(), (w) => w.uint64(v))).toEqual(
        bytes(new BinaryWriter(), (w) => w.uint64(v)),
      );
      expect(Number(new FastBinaryReader(new BinaryWriter().uint64(v).finish()).uint64().toString())).toBe(v);
    };
    for (const v of EDGES.filter((x) => x >= 0)) check(v);
    fc.assert(fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), check), { numRuns: 5000 });
  });

  it('reads a run of mixed int64 and uint64 values from one buffer, and refuses a cut-off varint', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...EDGES), fc.maxSafeInteger())), (values) => {
        const w = new BinaryWriter();
        for (const v of values) (v >= 0 ? w.uint64(v) : w.int64(v)).uint32(7);
        const r = new FastBinaryReader(w.finish());
        for (const v of values) {
          expect(Number(v >= 0 ? r.uint64() : r.int64())).toBe(v);
          expect(r.uint32()).toBe(7);
        }
        expect(r.pos).toBe(r.len);
      }),
      { numRuns: 500 },
    );
    for (const cut of [[0x80], [0x80, 0x80], [0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xff, 0xff]]) {
      expect(() => new FastBinaryReader(Uint8Array.from(cut)).int64()).toThrow();
      expect(() => new FastBinaryReader(Uint8Array.from(cut)).uint64()).toThrow();
    }
  });

  it('leaves values beyond the safe range to the library (bigint in, bigint out)', () => {
    for (const v of [2n ** 62n, -(2n ** 62n), 2n ** 63n - 1n, -(2n ** 63n)]) {
      const fast = bytes(new FastBinaryWriter(), (w) => w.int64(v));
      expect(fast).toEqual(bytes(new BinaryWriter(), (w) => w.int64(v)));
      expect(new FastBinaryReader(Uint8Array.from(fast)).int64()).toBe(
        new BinaryReader(Uint8Array.from(fast)).int64(),
      );
    }
    // Safe in float but not an integer the library would accept: its own error, not a silent change.
    expect(() => new FastBinaryWriter().int64(1.5)).toThrow();
  });

  it('encodes and decodes a generated message identically', () => {
    const depth: BookDepth = {
      productId: 'qh-20261122-0015',
      bids: [{ priceTicks: -999_900, quantityLots: 2 ** 40, orderCount: 3 }],
      asks: [{ priceTicks: 12_345, quantityLots: 7, orderCount: 1 }],
      lastTradePriceTicks: -(2 ** 33),
      hasLastTrade: true,
    };
    const slow = BookDepth.encode(depth).finish();
    const fast = BookDepth.encode(depth, new FastBinaryWriter()).finish();
    expect([...fast]).toEqual([...slow]);
    expect(BookDepth.decode(new FastBinaryReader(fast))).toEqual(BookDepth.decode(slow));
  });
});
