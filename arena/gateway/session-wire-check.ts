// The wire-type check of every SessionRequest before ts-proto decodes it (lib/wire-check.ts says
// why): a field of the envelope (the request, hello, the batch's wake_id) sent with the wrong wire
// type makes the message undecodable — the session ends with INVALID_ARGUMENT, as for any bytes
// that are not a SessionRequest; a field inside one action makes only that action a stand-in the
// door rejects as INVALID_FIELD (sim/door/wire-refused.ts), and the rest of the batch goes on.
import { WIRE_FIELDS } from '../../gen/flexarena/v1/wire_fields.js';
import {
  checkWire,
  compileWireSchema,
  expectedWireText,
  WireMalformed,
  type WireMismatch,
  type WireUnits,
  wireTypeText,
} from '../../lib/wire-check.js';

const SCHEMA = compileWireSchema(WIRE_FIELDS);
const REQUEST = SCHEMA.get('flexarena.v1.SessionRequest')!;
const ACTION = SCHEMA.get('flexarena.v1.Action')!;

/** A field inside one action with the wrong wire type, as the door words it. */
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

function describe(m: WireMismatch): { limit: string; message: string } {
  const f = m.field;
  const type = `${f.repeated ? 'repeated ' : ''}${f.type}`;
  return {
    limit: `${expectedWireText(f)}, the wire type of ${type}`,
    message: `${m.path} (field ${f.number}, ${type}) must be sent with ${expectedWireText(f)}; got ${wireTypeText(m.got)}`,
  };
}

// The issues of the request being checked: one units object for every call, not a closure per
// message (the walker's call sites see one function).
let actions: Map<number, ActionWireIssue> | undefined;
const UNITS: WireUnits = {
  unit: ACTION,
  onParent() {
    actions = undefined;
  },
  onUnit(index, m, start, end) {
    if (m === undefined) return;
    actions ??= new Map();
    actions.set(index, { field: m.path, ...describe(m), start, end });
  },
};

/** Checks the bytes of one SessionRequest. */
export function checkSessionRequestWire(buf: Uint8Array): SessionWireCheck {
  actions = undefined;
  try {
    const m = checkWire(REQUEST, buf, 0, buf.length, UNITS);
    if (m !== undefined) return { ok: false, undecodable: describe(m).message };
  } catch (err) {
    if (err instanceof WireMalformed) return { ok: false, undecodable: err.message };
    throw err;
  }
  const found = actions;
  actions = undefined;
  return { ok: true, actions: found };
}
