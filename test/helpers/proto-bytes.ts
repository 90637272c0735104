// Protobuf wire bytes written by hand, for tests that send what no encoder would: a field with
// another wire type than its proto type, a string that is not UTF-8. Each builder returns bytes
// as a number array so that messages are put together by spreading.

/** A base-128 varint; negative numbers as their 64-bit two's complement, as protobuf writes them. */
export function varint(n: number): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
}

export const tag = (field: number, wireType: number) => varint((field << 3) | wireType);
/** A varint field (wire type 0). */
export const vint = (field: number, n: number) => [...tag(field, 0), ...varint(n)];
/** A length-delimited field (wire type 2). */
export const ld = (field: number, body: number[]) => [...tag(field, 2), ...varint(body.length), ...body];
/** The UTF-8 bytes of `s`. */
export const text = (s: string) => [...Buffer.from(s)];
/** A string field. */
export const str = (field: number, s: string) => ld(field, text(s));

/** A double field (wire type 1). */
export function double(field: number, x: number): number[] {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return [...tag(field, 1), ...b];
}
