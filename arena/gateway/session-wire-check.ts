// The wire-type check of every SessionRequest before ts-proto decodes it (lib/wire-check.ts says
// why): a field of the envelope (the request, hello, the batch's wake_id) sent with the wrong wire
// type, or a string of it that is not valid UTF-8, makes the message undecodable — the session ends with INVALID_ARGUMENT, as for any bytes
// that are not a SessionRequest; a field inside one action makes only that action a stand-in the
// door rejects as INVALID_FIELD (sim/door/wire-refused.ts), and the rest of the batch goes on.
import { WIRE_FIELDS } from '../../gen/flexarena/v1/wire_fields.js';
import {
  checkWire,
  compileWireSchema,
  expectedWireText,
  UTF8_STRING_LIMIT,
  WireMalformed,
  type WireMismatch,
  type WireUnits,
  wireTypeText,
} from '../../lib/index.js';

const SCHEMA = compileWireSchema(WIRE_FIELDS);
const REQUEST = SCHEMA.get('flexarena.v1.SessionRequest')!;
const ACTION = SCHEMA.get('flexarena.v1.Action')!;

/** A field inside one action with the wrong wire type or a string not UTF-8, as the door words it. */
export interface ActionWireIssue {
  /** Proto field path inside the Action ("submit.price_ticks"). */
  field: string;
  limit: string;
  message: string;
  /** Where the action's bytes are in the request (for the stand-in's copy of them). */
  start: number;
  end: number;
}

export type SessionWireCheck =
  | { ok: true; actions: ReadonlyMap<number, ActionWireIssue> | undefined }
  | { ok: false; undecodable: string };

/** At most this many of a string's bytes are shown (in hex) when they are not UTF-8. */
const SHOWN_BYTES = 16;

function hexBytes(buf: Uint8Array, start: number, end: number): string {
  const shown = Array.from(buf.subarray(start, Math.min(end, start + SHOWN_BYTES)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join(' ');
  return end - start > SHOWN_BYTES ? `${shown} …` : shown;
}

function describe(m: WireMismatch, buf: Uint8Array): { limit: string; message: string } {
  const f = m.field;
  const type = `${f.repeated ? 'repeated ' : ''}${f.type}`;
  const bad = m.invalidUtf8;
  if (bad !== undefined) {
    const n = bad.end - bad.start;
    return {
      // The words the door (for in-process strategies' strings) and the SDKs use for the same rule.
      limit: UTF8_STRING_LIMIT,
      message: `${m.path} (field ${f.number}, ${type}) must be valid UTF-8; got ${n} byte${n === 1 ? '' : 's'} that are not: ${hexBytes(buf, bad.start, bad.end)}`,
    };
  }
  return {
    limit: `${expectedWireText(f)}, the wire type of ${type}`,
    message: `${m.path} (field ${f.number}, ${type}) must be sent with ${expectedWireText(f)}; got ${wireTypeText(m.got)}`,
  };
}

// The issues of the request being checked, and its bytes: one units object for every call, not a
// closure per message (the walker's call sites see one function).
let actions: Map<number, ActionWireIssue> | undefined;
const EMPTY = new Uint8Array(0);
let checking: Uint8Array = EMPTY;
const UNITS: WireUnits = {
  unit: ACTION,
  onParent() {
    actions = undefined;
  },
  onUnit(index, m, start, end) {
    if (m === undefined) return;
    actions ??= new Map();
    actions.set(index, { field: m.path, ...describe(m, checking), start, end });
  },
};

/** Checks the bytes of one SessionRequest. */
export function checkSessionRequestWire(buf: Uint8Array): SessionWireCheck {
  actions = undefined;
  checking = buf;
  try {
    const m = checkWire(REQUEST, buf, 0, buf.length, UNITS);
    if (m !== undefined) return { ok: false, undecodable: describe(m, buf).message };
  } catch (err) {
    if (err instanceof WireMalformed) return { ok: false, undecodable: err.message };
    throw err;
  } finally {
    checking = EMPTY;
  }
  const found = actions;
  actions = undefined;
  return { ok: true, actions: found };
}
