// FNV-1a 64-bit over UTF-8, done in two 32-bit halves because BigInt arithmetic would make
// hashing a large book needlessly slow. Self-contained so the market library stays free of Node APIs.

const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
// The 64-bit prime is 2^40 + 0x1b3; the 2^40 part only reaches the high half (as lo << 8).
const PRIME_LO = 0x1b3;
const TWO_32 = 0x1_0000_0000;

const encoder = new TextEncoder();

export function fnv1a64(text: string): string {
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  for (const byte of encoder.encode(text)) {
    lo = (lo ^ byte) >>> 0;
    const loProduct = lo * PRIME_LO;
    hi = (hi * PRIME_LO + Math.floor(loProduct / TWO_32) + ((lo << 8) >>> 0)) % TWO_32;
    lo = loProduct % TWO_32;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
