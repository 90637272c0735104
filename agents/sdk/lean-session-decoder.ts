// What a strategy does not read is not decoded. For strategies that never read the public view
// (Strategy.ignoresPublicView, e.g. the idle baseline) a wake-up is decoded without its books and
// forecasts, and without the parts it names for strategies that read only some of it
// (Strategy.ignoresPublicViewParts: an optimiser reads the price forecasts alone). For strategies
// without onAck an ack is decoded without its per-action results (the SDK needs only its
// report_seq), and the acks inside a wake-up (Hello.acks_in_wake_up) are left out whole: the SDK
// would only mark their report_seq processed, and it marks the wake-up's own, larger one before
// the answer leaves. The fields are skipped on the wire, by tag and length, and never become
// objects; there is no public-view delta to apply and nothing of it to freeze (the open orders of
// a DELTA_PRIVATE session are still rebuilt, against base_wake_id). What is left is exactly the
// message the generated decoder gives with those fields at their defaults (protobuf decodes a
// message field by field, so leaving fields out of the bytes leaves them unset). Anything else is
// decoded as usual.
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { ActionAck, WakeUp } from '../../gen/flexarena/v1/session.js';
import { FastBinaryReader } from '../../lib/index.js';
import { AgentSdkError } from './errors.js';
import { decodeSessionResponse, type SessionResponse } from './session-envelope.js';
import { PUBLIC_VIEW_PARTS, type PublicViewPart } from './strategy.js';

/** SessionResponse.wake_up's and action_ack's field numbers. */
const WAKE_UP_FIELD = 2;
const ACTION_ACK_FIELD = 3;
/**
 * WakeUp's public-view fields (proto/flexarena/v1/session.proto): price_forecasts 7, books 8,
 * fundamentals_forecasts 16, public_view 18, closed_product_ids 20, expired_forecast_product_ids 21.
 * base_wake_id (19) stays: a DELTA_PRIVATE session's open orders are a delta against it too.
 */
const PUBLIC_FIELDS: ReadonlySet<number> = new Set([7, 8, 16, 18, 20, 21]);
/**
 * The fields of each part: books with closed_product_ids (the books a delta closes); the price and
 * the fundamentals forecasts each alone, and expired_forecast_product_ids (which expires entries
 * of both) when both are left out. public_view (18) stays while any part is kept: the SDK then
 * tracks the kept parts as deltas, and the left-out lists stay empty in every rebuilt view.
 */
const PART_FIELDS: Record<PublicViewPart, readonly number[]> = {
  books: [8, 20],
  priceForecasts: [7],
  fundamentalsForecasts: [16],
};
const EXPIRED_FORECAST_IDS_FIELD = 21;
/** WakeUp.acks (Hello.acks_in_wake_up). */
const WAKE_UP_ACKS_FIELD = 24;

/** WakeUp fields left out for `keep` (empty: the wake-up is decoded whole). */
function skippedWakeUpFields(keep: LeanDecoding): ReadonlySet<number> {
  const parts = new Set(keep.publicView ? (keep.ignoredParts ?? []) : PUBLIC_VIEW_PARTS);
  for (const part of parts)
    if (!Object.hasOwn(PART_FIELDS, part))
      throw new AgentSdkError(
        `ignoresPublicViewParts: "${String(part)}" is not one of ${PUBLIC_VIEW_PARTS.join(', ')}`,
      );
  if (parts.size === PUBLIC_VIEW_PARTS.length) return PUBLIC_FIELDS;
  const fields = new Set<number>();
  for (const part of parts) for (const f of PART_FIELDS[part]) fields.add(f);
  if (parts.has('priceForecasts') && parts.has('fundamentalsForecasts'))
    fields.add(EXPIRED_FORECAST_IDS_FIELD);
  return fields;
}
/** ActionAck.results (proto/flexarena/v1/session.proto). */
const ACK_RESULT_FIELDS: ReadonlySet<number> = new Set([2]);

/**
 * A message's bytes without the fields `skipped` (the kept fields' bytes as they were): the runs of
 * kept fields copied whole, each field's length read rather than its bytes viewed — a wake-up's
 * public view is hundreds of fields (one per book, forecast) at every wake-up.
 */
function withoutFields(bytes: Uint8Array, skipped: ReadonlySet<number>): Uint8Array {
  const r = new BinaryReader(bytes);
  const runs: number[] = [];
  let runStart = -1;
  let size = 0;
  while (r.pos < r.len) {
    const start = r.pos;
    const [no, type] = r.tag();
    skipValue(r, type, no);
    if (skipped.has(no)) {
      if (runStart >= 0) {
        runs.push(runStart, start);
        size += start - runStart;
        runStart = -1;
      }
    } else if (runStart < 0) runStart = start;
  }
  if (runStart >= 0) {
    runs.push(runStart, r.pos);
    size += r.pos - runStart;
  }
  if (size === bytes.length) return bytes;
  const out = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < runs.length; i += 2) {
    out.set(bytes.subarray(runs[i]!, runs[i + 1]!), at);
    at += runs[i + 1]! - runs[i]!;
  }
  return out;
}

/** BinaryReader.skip, without the view of the skipped bytes it builds, for length-delimited fields. */
function skipValue(r: BinaryReader, type: WireType, no: number): void {
  if (type !== WireType.LengthDelimited) {
    r.skip(type, no);
    return;
  }
  const len = r.uint32();
  r.pos += len;
  if (r.pos > r.len) throw new RangeError('premature EOF');
}

export interface LeanDecoding {
  /** Wake-ups without books, forecasts and the delta fields (Strategy.ignoresPublicView). */
  publicView: boolean;
  /** With `publicView`, the parts left out (Strategy.ignoresPublicViewParts); default none. */
  ignoredParts?: readonly PublicViewPart[];
  /** Acks without their per-action results (a strategy without onAck). */
  ackResults: boolean;
}

/**
 * A decoder of SessionResponse that gives what SessionResponse.decode gives, except for the parts
 * `keep` leaves out (at their defaults).
 */
export function leanSessionDecoder(keep: LeanDecoding): (bytes: Uint8Array) => SessionResponse {
  const full = (bytes: Uint8Array) => decodeSessionResponse(new FastBinaryReader(bytes));
  const wakeSkipped = keep.ackResults
    ? skippedWakeUpFields(keep)
    : new Set([...skippedWakeUpFields(keep), WAKE_UP_ACKS_FIELD]);
  const leanWake = wakeSkipped.size > 0;
  if (!leanWake && keep.ackResults) return full;
  return (bytes) => {
    const r = new BinaryReader(bytes);
    let field: number | undefined;
    let body: Uint8Array | undefined;
    while (r.pos < r.len) {
      const [no, type] = r.tag();
      // Another kind of message (or a malformed one): the generated decoder, errors and all.
      const lean = (no === WAKE_UP_FIELD && leanWake) || (no === ACTION_ACK_FIELD && !keep.ackResults);
      if (!lean || type !== WireType.LengthDelimited) return full(bytes);
      // A oneof given twice: the generated decoder keeps the last one, so does this.
      field = no;
      body = r.bytes();
    }
    if (!body) return full(bytes);
    return field === WAKE_UP_FIELD
      ? {
          kind: {
            $case: 'wakeUp',
            value: WakeUp.decode(new FastBinaryReader(withoutFields(body, wakeSkipped))),
          },
        }
      : {
          kind: {
            $case: 'actionAck',
            value: ActionAck.decode(new FastBinaryReader(withoutFields(body, ACK_RESULT_FIELDS))),
          },
        };
  };
}
