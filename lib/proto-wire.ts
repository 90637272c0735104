// Faster 64-bit integers for the protobuf wire, byte for byte the same as @bufbuild/protobuf's.
// The generated code (ts-proto, forceLong=number) hands every int64 field to the writer as a
// JavaScript number, and the library converts each one through BigInt before writing its varint;
// a wake-up carries thousands of them (prices and quantities of every book level), so that
// conversion was most of the arena's encoding time. Here a safe integer is split into its two
// 32-bit halves with plain arithmetic; anything else takes the library's own path. The reader does
// the reverse: a varint that fits a safe integer becomes a number (which the generated decoder's
// `longToNumber` accepts like the BigInt it gets otherwise); a larger one goes the library's way.
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';

const TWO_32 = 4294967296;

/** The library's varint internals (private in its typings, stable in its code; tested against it). */
interface WriterInternals {
  writeVarint64(lo: number, hi: number): unknown;
}
interface ReaderInternals {
  varint64(): void;
  varint64Lo: number;
  varint64Hi: number;
  buf: Uint8Array;
  pos: number;
  len: number;
}

/** The two's-complement halves of a safe integer, as the library's writeVarint64 expects them. */
function split(value: number): [lo: number, hi: number] {
  const abs = Math.abs(value);
  let lo = abs % TWO_32;
  let hi = Math.floor(abs / TWO_32);
  if (value < 0) {
    // Negate the 64-bit value: invert both halves and add one, carrying into the high half.
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  return [lo | 0, hi | 0];
}

export class FastBinaryWriter extends BinaryWriter {
  override int64(value: string | number | bigint): this {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return super.int64(value);
    // Below 2^31 the int64 varint is the uint32 varint (no sign extension needed).
    if (value >= 0 && value < 0x80000000) return this.uint32(value);
    const [lo, hi] = split(value);
    (this as unknown as WriterInternals).writeVarint64(lo, hi);
    return this;
  }

  override uint64(value: string | number | bigint): this {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return super.uint64(value);
    if (value < 0x80000000) return this.uint32(value);
    const [lo, hi] = split(value);
    (this as unknown as WriterInternals).writeVarint64(lo, hi);
    return this;
  }
}

/**
 * What `write` puts into `writer`, as a Buffer over the bytes finish() copies out (the writer keeps
 * its grown buffer for the next message: a writer reused for every message grows once instead of
 * from 128 bytes each time). If `write` throws — a value the wire cannot hold, a bug upstream —
 * the writer is emptied before the error goes on, so nothing of that message reaches the next.
 */
export function encodeToBuffer(writer: BinaryWriter, write: (w: BinaryWriter) => unknown): Buffer {
  let bytes: Uint8Array;
  try {
    write(writer);
    bytes = writer.finish();
  } catch (err) {
    writer.finish();
    throw err;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A varint of at most four bytes (a value below 2^28: most prices, quantities and ids) read in
 * place, the reader moved past it; -1, the reader untouched, for a longer one (or the buffer's end).
 */
function shortVarint(r: ReaderInternals): number {
  const buf = r.buf;
  const pos = r.pos;
  let v = 0;
  for (let k = 0; k < 4 && pos + k < r.len; k++) {
    const b = buf[pos + k]!;
    v |= (b & 0x7f) << (7 * k);
    if (b < 0x80) {
      r.pos = pos + k + 1;
      return v;
    }
  }
  return -1;
}

/**
 * A 64-bit field's value for a message to the agent. The gateway's reader hands a value beyond
 * ±(2^53−1) to the decoder as NaN (arena/gateway/safe-int64-reader.ts); written as is, a message
 * said "NaN" where the agent had sent 2^62.
 */
export function wireIntText(v: unknown): string {
  return typeof v === 'number' && Number.isNaN(v) ? 'a value beyond ±(2^53−1)' : String(v);
}

export class FastBinaryReader extends BinaryReader {
  override int64(): bigint {
    const r = this as unknown as ReaderInternals;
    const small = shortVarint(r);
    if (small >= 0) return small as unknown as bigint;
    r.varint64();
    const v = (r.varint64Hi | 0) * TWO_32 + (r.varint64Lo >>> 0);
    // Typed as the library's bigint: the generated decoder only calls toString() on it.
    if (Number.isSafeInteger(v)) return v as unknown as bigint;
    return BigInt.asIntN(64, (BigInt(r.varint64Hi >>> 0) << 32n) | BigInt(r.varint64Lo >>> 0));
  }

  override uint64(): bigint {
    const r = this as unknown as ReaderInternals;
    const small = shortVarint(r);
    if (small >= 0) return small as unknown as bigint;
    r.varint64();
    const v = (r.varint64Hi >>> 0) * TWO_32 + (r.varint64Lo >>> 0);
    if (Number.isSafeInteger(v)) return v as unknown as bigint;
    return (BigInt(r.varint64Hi >>> 0) << 32n) | BigInt(r.varint64Lo >>> 0);
  }
}
