// The wire-type check of every SessionRequest before ts-proto decodes it (lib/wire-check.ts says
// why): a field of the envelope (the request, hello, the batch's wake_id) sent with the wrong wire
// type, or a string of it that is not valid UTF-8, makes the message undecodable — the session ends with INVALID_ARGUMENT, as for any bytes
// that are not a SessionRequest; a field inside one action makes only that action a stand-in the
// door rejects as INVALID_FIELD (sim/door/wire-refused.ts), and the rest of the batch goes on.
// Either way every such field is named, the first as `field`/`limit` and the others after it
// ("; also: …", the door's words for an action with several bad fields), so one round fixes them all.
import { WIRE_FIELDS } from '../../gen/flexarena/v1/wire_fields.js';
import {
  allWireMismatches,
  checkWire,
  compileWireSchema,
  expectedWireText,
  UTF8_STRING_LIMIT,
  WireMalformed,
  type WireMismatch,
  type WireUnits,
  wireTypeText,
  withAlso,
} from '../../lib/index.js';

const SCHEMA = compileWireSchema(WIRE_FIELDS);
const REQUEST = SCHEMA.get('flexarena.v1.SessionRequest')!;
const ACTION = SCHEMA.get('flexarena.v1.Action')!;

/** One field with the wrong wire type or a string not UTF-8, as the door words it. */
export interface WireFieldIssue {
  /** Proto field path inside the Action ("submit.price_ticks"). */
  field: string;
  limit: string;
  message: string;
}

/** The fields of one action with the wrong wire type or a string not UTF-8: the first, then the others. */
export interface ActionWireIssue extends WireFieldIssue {
  /** The action's other such fields, in the order they came; absent when there is one. */
  also?: WireFieldIssue[];
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

/** The walk stopped looking at an action's first bad field; a second walk of its bytes finds them all. */
function withOthers(issue: ActionWireIssue, buf: Uint8Array): ActionWireIssue {
  const [, ...others] = allWireMismatches(ACTION, buf, issue.start, issue.end);
  if (others.length === 0) return issue;
  return { ...issue, also: others.map((o) => ({ field: o.path, ...describe(o, buf) })) };
}

/** Actions are walked (and named) on their own: a whole request's second walk leaves them out. */
const SKIP_UNITS: WireUnits = { unit: ACTION, onParent() {}, onUnit() {} };

/** The message for an undecodable request: every mismatch of its envelope, the first leading. */
function undecodable(buf: Uint8Array, m: WireMismatch): string {
  const [first = m, ...others] = allWireMismatches(REQUEST, buf, 0, buf.length, SKIP_UNITS);
  return withAlso(
    describe(first, buf).message,
    others.map((o) => describe(o, buf).message),
  );
}

/** Checks the bytes of one SessionRequest. */
export function checkSessionRequestWire(buf: Uint8Array): SessionWireCheck {
  actions = undefined;
  checking = buf;
  try {
    const m = checkWire(REQUEST, buf, 0, buf.length, UNITS);
    if (m !== undefined) return { ok: false, undecodable: undecodable(buf, m) };
  } catch (err) {
    if (err instanceof WireMalformed) return { ok: false, undecodable: err.message };
    throw err;
  } finally {
    checking = EMPTY;
  }
  // Set by onUnit during the walk (TypeScript sees only the assignment above).
  const found = actions as Map<number, ActionWireIssue> | undefined;
  actions = undefined;
  // After the walk, not inside onUnit: the walker keeps its position in module state.
  if (found !== undefined) for (const [i, issue] of found) found.set(i, withOthers(issue, buf));
  return { ok: true, actions: found };
}
