// ts-proto (forceLong=number) throws while decoding a 64-bit field beyond ±(2^53−1), which grpc-js
// turns into INTERNAL "Error deserializing request" and the end of the session — so an agent that
// sends order_id 2^62 would lose its stream instead of getting UNKNOWN_ORDER. This reader gives
// such a value to the generated decoder as NaN (the one number that passes its range checks and
// can never be mistaken for a valid one); the core's door then rejects the action, naming the
// field and its limit. Values inside the safe range decode exactly as before.
import { BinaryReader } from '@bufbuild/protobuf/wire';

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const MIN = -MAX;

function safe(v: bigint | string): bigint | string {
  const b = typeof v === 'bigint' ? v : BigInt(v);
  return b > MAX || b < MIN ? 'NaN' : v;
}

export class SafeInt64Reader extends BinaryReader {
  override int64(): bigint | string {
    return safe(super.int64());
  }
  override uint64(): bigint | string {
    return safe(super.uint64());
  }
  override sint64(): bigint | string {
    return safe(super.sint64());
  }
  override fixed64(): bigint | string {
    return safe(super.fixed64());
  }
  override sfixed64(): bigint | string {
    return safe(super.sfixed64());
  }
}
