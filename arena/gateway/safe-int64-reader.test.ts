// The session decoder's reader: every 64-bit value inside ±(2^53−1) decodes to itself, every value
// outside to NaN (for the door to reject), whatever its size — through the generated decoder, as
// the gateway uses it.
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModifyOrder } from '../../gen/flexarena/v1/session.js';
import { SafeInt64Reader } from './safe-int64-reader.js';

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** ModifyOrder{order_id: id (int64)} on the wire, for any signed 64-bit id. */
function modifyBytes(id: bigint): Uint8Array {
  return new BinaryWriter().tag(1, 0).int64(id).finish();
}

function expected(id: bigint): number {
  return id > MAX || id < -MAX ? Number.NaN : Number(id);
}

describe('SafeInt64Reader', () => {
  it('decodes safe int64 values exactly and unsafe ones as NaN (edges and random 64-bit values)', () => {
    const check = (id: bigint) => {
      const got = ModifyOrder.decode(new SafeInt64Reader(modifyBytes(id))).orderId;
      expect(Object.is(got, expected(id)), `order_id ${id} decoded as ${got}`).toBe(true);
    };
    const edges = [0n, 1n, -1n, 2n ** 31n, -(2n ** 31n), 2n ** 32n, MAX, -MAX, MAX + 1n, -MAX - 1n];
    for (const e of [...edges, 2n ** 62n, -(2n ** 63n), 2n ** 63n - 1n]) check(e);
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), check), { numRuns: 5000 });
    fc.assert(fc.property(fc.bigInt({ min: -MAX - 10n, max: MAX + 10n }), check), { numRuns: 2000 });
    fc.assert(fc.property(fc.bigInt({ min: MAX - 1000n, max: MAX + 1000n }), check), { numRuns: 2000 });
  });

  it('decodes uint64 values beyond 2^53 as NaN', () => {
    const r = new SafeInt64Reader(
      new BinaryWriter()
        .uint64(2n ** 60n)
        .uint64(42n)
        .finish(),
    );
    expect(Number(r.uint64())).toBeNaN();
    expect(Number(r.uint64())).toBe(42);
  });
});
