// An action whose bytes did not fit the protocol's wire types (arena/gateway/session-wire-check.ts):
// a field sent with another wire type than its proto type has (a price_ticks as a double) would
// decode as the proto default, and a string whose bytes are not UTF-8 with U+FFFD in place of each
// bad sequence, so the gateway hands the door this stand-in instead of the decoded action. It keeps what is known for certain — the client_ref when that decoded, the action's bytes
// as they came (base64) — and the door rejects it as INVALID_FIELD naming the field. A plain JSON
// object, so the tape records it as it reached the door and a replay rejects it the same way.
import { RejectCode } from '../../gen/flexarena/v1/market.js';
import type { DoorRejection } from './validate-action.js';

export interface WireRefusedAction {
  clientRef: string;
  wireRefused: {
    /** Proto field path inside the Action: "submit.price_ticks". */
    field: string;
    /** What the field must be, in words: "wire type 0 (VARINT), the wire type of int64", "valid UTF-8, …". */
    limit: string;
    message: string;
    /** The action's bytes as they came, base64. */
    bytes: string;
    /** The action's other fields that did not fit, in the order they came; absent when there is one. */
    also?: { field: string; limit: string; message: string }[];
  };
}

export function wireRefusedAction(
  clientRef: string,
  refusal: WireRefusedAction['wireRefused'],
): WireRefusedAction {
  return { clientRef, wireRefused: refusal };
}

function refusalOf(w: unknown): DoorRejection {
  const { field, limit, message } = (typeof w === 'object' && w !== null ? w : {}) as Record<string, unknown>;
  return {
    code: RejectCode.REJECT_CODE_INVALID_FIELD,
    field: typeof field === 'string' ? field : 'kind',
    limit: typeof limit === 'string' ? limit : 'each field with the wire type of its proto type',
    message: typeof message === 'string' ? message : 'a field came with the wrong wire type',
  };
}

/**
 * The door's rejection for a stand-in (`raw.wireRefused` set), its other fields as `also`; from a
 * tape, each part is checked (a tape from before `also` has none).
 */
export function wireRefusal(raw: Record<string, unknown>): DoorRejection {
  const w = raw.wireRefused;
  const first = refusalOf(w);
  const also = typeof w === 'object' && w !== null ? (w as Record<string, unknown>).also : undefined;
  return Array.isArray(also) && also.length > 0 ? { ...first, also: also.map(refusalOf) } : first;
}
