// For strategies that never read the public view (Strategy.ignoresPublicView, e.g. the idle
// baseline): a wake-up is decoded without its books and forecasts. The fields are skipped on the
// wire, by tag and length, and never become objects; there is no delta to apply and nothing to
// freeze. What is left is exactly the message the generated decoder gives with those fields at
// their defaults (protobuf decodes a message field by field, so leaving fields out of the bytes
// leaves them unset). Anything but a plain wake-up is decoded as usual.
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import { WakeUp } from '../../gen/flexarena/v1/session.js';
import { FastBinaryReader } from '../../lib/index.js';

/** SessionResponse.wake_up's field number. */
const WAKE_UP_FIELD = 2;
/**
 * WakeUp's public-view fields (proto/flexarena/v1/session.proto): price_forecasts 7, books 8,
 * fundamentals_forecasts 16, public_view 18, base_wake_id 19, closed_product_ids 20,
 * expired_forecast_product_ids 21.
 */
const PUBLIC_FIELDS: ReadonlySet<number> = new Set([7, 8, 16, 18, 19, 20, 21]);

/** The wake-up's bytes without the public fields (the kept fields' bytes as they were). */
function withoutPublicFields(bytes: Uint8Array): Uint8Array {
  const r = new BinaryReader(bytes);
  const keep: Uint8Array[] = [];
  let size = 0;
  while (r.pos < r.len) {
    const start = r.pos;
    const [no, type] = r.tag();
    r.skip(type, no);
    if (PUBLIC_FIELDS.has(no)) continue;
    keep.push(bytes.subarray(start, r.pos));
    size += r.pos - start;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const k of keep) {
    out.set(k, at);
    at += k.length;
  }
  return out;
}

/**
 * A SessionResponse as SessionResponse.decode gives it, except that a wake-up has no public view
 * (books, forecasts and the delta fields at their defaults).
 */
export function decodeWithoutPublicView(bytes: Uint8Array): SessionResponse {
  const r = new BinaryReader(bytes);
  let wake: Uint8Array | undefined;
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    // Another kind of message (or a malformed one): the generated decoder, errors and all.
    if (no !== WAKE_UP_FIELD || type !== WireType.LengthDelimited)
      return SessionResponse.decode(new FastBinaryReader(bytes));
    // A oneof given twice: the generated decoder keeps the last one, so does this.
    wake = r.bytes();
  }
  if (!wake) return SessionResponse.decode(new FastBinaryReader(bytes));
  return { kind: { $case: 'wakeUp', value: WakeUp.decode(new FastBinaryReader(withoutPublicFields(wake))) } };
}
