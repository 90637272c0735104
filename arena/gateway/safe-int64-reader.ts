// ts-proto (forceLong=number) throws while decoding a 64-bit field beyond ±(2^53−1), which grpc-js
// turns into INTERNAL "Error deserializing request" and the end of the session — so an agent that
// sends order_id 2^62 would lose its stream instead of getting UNKNOWN_ORDER. This reader gives
// such a value to the generated decoder as NaN (the one number that passes its range checks and
// can never be mistaken for a valid one); the core's door then rejects the action, naming the
// field and its limit. Values inside the safe range decode exactly as before. int64 and uint64
// (the protocol's 64-bit types) come from FastBinaryReader, a safe value as a plain number without
// a BigInt per field (an action batch of the liquidity provider holds a thousand of them).
import { FastBinaryReader } from '../../lib/index.js';

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const MIN = -MAX;

function safe(v: bigint | string): bigint | string {
  // FastBinaryReader's numbers are safe integers already.
  if (typeof v === 'number') return v;
  const b = typeof v === 'bigint' ? v : BigInt(v);
  return b > MAX || b < MIN ? 'NaN' : v;
}

export class SafeInt64Reader extends FastBinaryReader {
  override int64(): bigint {
    return safe(super.int64()) as bigint;
  }
  override uint64(): bigint {
    return safe(super.uint64()) as bigint;
  }
  override sint64(): bigint {
    return safe(super.sint64()) as bigint;
  }
  override fixed64(): bigint {
    return safe(super.fixed64()) as bigint;
  }
  override sfixed64(): bigint {
    return safe(super.sfixed64()) as bigint;
  }
}
