// A check of raw protobuf bytes against the wire type each known field must arrive with, before the
// generated decoder sees them. ts-proto's decoders skip a field whose tag carries an unexpected
// wire type as if the field were unknown, so a price sent as a double (wire type 1) became the
// default 0 and a resting order at that price. This walks the wire format (recursively into
// embedded messages) by a table generated from the .proto files (gen/flexarena/v1/wire_fields.ts,
// scripts/protoc-gen-wire-fields.mjs) and reports the first field whose wire type does not fit.
// What protobuf allows stays allowed: unknown field numbers (any wire type; forward compatibility)
// and packed repeated scalars (wire type 2). Bytes that are not protobuf at all (a truncated value,
// wire type 6 or 7, field number 0, an end-group tag without its start) throw WireMalformed.
// A `string` field must also hold valid UTF-8 (proto3 says parsers should refuse it otherwise): the
// decoders would put U+FFFD in place of each bad sequence, so two different byte strings sent as ids
// would become one the agent never sent. `bytes` fields hold anything.
// Allocation-free on the happy path: paths are built only for what is reported, and an all-ASCII
// string (every id the arena hands out) is checked by a loop without a view of its bytes.
import { isUtf8 } from 'node:buffer';

/** One field of the generated table: the proto's name and type ("int64", "message", …). */
export interface WireFieldSpec {
  number: number;
  name: string;
  type: string;
  repeated?: boolean;
  /** For type "message" (and "group"): the fully qualified message name. */
  message?: string;
}

/** The protobuf encoding's names of the wire types. */
export const WIRE_TYPE_NAMES = ['VARINT', 'I64', 'LEN', 'SGROUP', 'EGROUP', 'I32'] as const;

/** The wire type a single value of each proto type is written with. */
const SCALAR_WIRE: Readonly<Record<string, number>> = {
  int32: 0,
  int64: 0,
  uint32: 0,
  uint64: 0,
  sint32: 0,
  sint64: 0,
  bool: 0,
  enum: 0,
  fixed64: 1,
  sfixed64: 1,
  double: 1,
  string: 2,
  bytes: 2,
  message: 2,
  group: 3,
  fixed32: 5,
  sfixed32: 5,
  float: 5,
};

export interface WireField {
  readonly number: number;
  readonly name: string;
  readonly type: string;
  readonly repeated: boolean;
  /** Bit w set: wire type w is right for this field. */
  readonly allowed: number;
  /** A packable repeated scalar: 0 for varints, 4 or 8 for fixed sizes; -1 when not packable. */
  readonly packedSize: number;
  /** Type "string": its bytes must be valid UTF-8 ("bytes" fields are not checked). */
  readonly utf8: boolean;
  /** The embedded message's fields (type "message"), resolved once the whole table is read. */
  message: WireMessage | undefined;
}

export interface WireMessage {
  readonly name: string;
  /** Fields by number (a sparse array: field numbers of one message are small). */
  readonly fields: readonly (WireField | undefined)[];
  field(name: string): WireField;
}

/** A field whose wire type does not fit, or a string field whose bytes are not UTF-8, and where. */
export interface WireMismatch {
  /** Proto field path from the message walked: "submit.price_ticks", "curve.points[2].quantity_lots". */
  path: string;
  field: WireField;
  /** The wire type that came (2, LEN, for a string that is not UTF-8). */
  got: number;
  /** Set when the wire type fitted but the string's bytes are not valid UTF-8: where they are in the buffer. */
  invalidUtf8?: { start: number; end: number };
}

export class WireMalformed extends Error {
  constructor(
    /** Where, as a field path from the message walked ("" for its own top level). */
    readonly path: string,
    readonly reason: string,
  ) {
    super(path ? `${path}: ${reason}` : reason);
  }
}

/** "wire type 0 (VARINT)" / "wire type 0 (VARINT) or 2 (LEN, packed)". */
export function expectedWireText(f: WireField): string {
  const single = SCALAR_WIRE[f.type]!;
  const name = `wire type ${single} (${WIRE_TYPE_NAMES[single]})`;
  return f.packedSize >= 0 ? `${name} or 2 (LEN, packed)` : name;
}

export function wireTypeText(w: number): string {
  return `wire type ${w} (${WIRE_TYPE_NAMES[w] ?? 'none such'})`;
}

/** Compiles the generated table; every message type a field names must be in it. */
export function compileWireSchema(
  table: Readonly<Record<string, readonly WireFieldSpec[]>>,
): Map<string, WireMessage> {
  const out = new Map<string, WireMessage>();
  for (const [name, specs] of Object.entries(table)) {
    const fields: (WireField | undefined)[] = [];
    const byName = new Map<string, WireField>();
    for (const s of specs) {
      const single = SCALAR_WIRE[s.type];
      if (single === undefined)
        throw new Error(`${name}.${s.name}: proto type "${s.type}" has no known wire type`);
      const repeated = s.repeated === true;
      const packedSize =
        !repeated || single === 2 || single === 3 ? -1 : single === 0 ? 0 : single === 1 ? 8 : 4;
      const f: WireField = {
        number: s.number,
        name: s.name,
        type: s.type,
        repeated,
        allowed: (1 << single) | (packedSize >= 0 ? 1 << 2 : 0),
        packedSize,
        utf8: s.type === 'string',
        message: undefined,
      };
      fields[s.number] = f;
      byName.set(s.name, f);
    }
    out.set(name, {
      name,
      fields,
      field(n: string): WireField {
        const f = byName.get(n);
        if (!f) throw new Error(`${name} has no field ${n}`);
        return f;
      },
    });
  }
  for (const [name, specs] of Object.entries(table))
    for (const s of specs) {
      if (s.type !== 'message' && s.type !== 'group') continue;
      const m = out.get(s.message ?? '');
      if (!m) throw new Error(`${name}.${s.name}: message type ${s.message} is not in the table`);
      out.get(name)!.fields[s.number]!.message = m;
    }
  return out;
}

/**
 * Splits a walk at one message type: each embedded message of type `unit` (an Action of a batch) is
 * checked on its own, its mismatch handed to `onUnit` instead of being reported for the whole.
 * Units are numbered per instance of the message holding them, which must have one field of that type.
 */
export interface WireUnits {
  unit: WireMessage;
  /** A message holding units starts (a later instance replaces an earlier one in the decoder). */
  onParent(): void;
  /** Unit `index` (its place among the units of its parent instance), its first mismatch, its bytes. */
  onUnit(index: number, mismatch: WireMismatch | undefined, start: number, end: number): void;
}

const MAX_DEPTH = 100;

function holdsUnit(msg: WireMessage, unit: WireMessage): boolean {
  for (const f of msg.fields) if (f?.message === unit) return true;
  return false;
}

// The last varint read and the position after it: module state instead of an object per value.
let varintLo = 0;

/** Reads a varint of at most 10 bytes at `pos` before `end`; its low 32 bits go to varintLo. */
function varint(buf: Uint8Array, pos: number, end: number): number {
  // Most tags and values are one byte.
  if (pos < end) {
    const b = buf[pos]!;
    if (b < 0x80) {
      varintLo = b;
      return pos + 1;
    }
  }
  let lo = 0;
  for (let k = 0; k < 10; k++) {
    if (pos + k >= end) return -1;
    const b = buf[pos + k]!;
    if (k < 5) lo |= (b & 0x7f) << (7 * k);
    if (b < 0x80) {
      varintLo = lo >>> 0;
      return pos + k + 1;
    }
  }
  return -2;
}

function varintOrThrow(buf: Uint8Array, pos: number, end: number, what: string): number {
  const next = varint(buf, pos, end);
  if (next === -1) throw new WireMalformed('', `${what}: the bytes end inside a varint`);
  if (next === -2) throw new WireMalformed('', `${what}: a varint longer than 10 bytes`);
  return next;
}

function named(f: WireField | undefined, fieldNo: number): string {
  return f ? f.name : `field ${fieldNo}`;
}

/** Skips a group's content after its start tag (field `fieldNo`); returns the position after its end tag. */
function skipGroup(buf: Uint8Array, pos: number, end: number, fieldNo: number, depth: number): number {
  if (depth > MAX_DEPTH) throw new WireMalformed('', `groups nested deeper than ${MAX_DEPTH}`);
  for (;;) {
    if (pos >= end)
      throw new WireMalformed('', `group of field ${fieldNo}: the bytes end before its end-group tag`);
    pos = varintOrThrow(buf, pos, end, 'tag');
    const tag = varintLo;
    const no = tag >>> 3;
    const wt = tag & 7;
    if (wt === 4) {
      if (no !== fieldNo)
        throw new WireMalformed('', `group of field ${fieldNo} closed by an end-group tag of field ${no}`);
      return pos;
    }
    pos = skipValue(buf, pos, end, no, wt, depth + 1);
  }
}

// Bounds of the last length-delimited value skipped.
let lenStart = 0;

/** Skips one value of wire type `wt`; returns the position after it. */
function skipValue(
  buf: Uint8Array,
  pos: number,
  end: number,
  fieldNo: number,
  wt: number,
  depth: number,
): number {
  if (fieldNo === 0) throw new WireMalformed('', 'field number 0 does not exist');
  switch (wt) {
    case 0:
      return varintOrThrow(buf, pos, end, `field ${fieldNo}`);
    case 1:
      if (pos + 8 > end) throw new WireMalformed('', `field ${fieldNo}: the bytes end inside a 64-bit value`);
      return pos + 8;
    case 2: {
      pos = varintOrThrow(buf, pos, end, `field ${fieldNo}`);
      const len = varintLo;
      if (len > end - pos)
        throw new WireMalformed('', `field ${fieldNo}: a length of ${len} bytes where ${end - pos} remain`);
      lenStart = pos;
      return pos + len;
    }
    case 3:
      return skipGroup(buf, pos, end, fieldNo, depth);
    case 5:
      if (pos + 4 > end) throw new WireMalformed('', `field ${fieldNo}: the bytes end inside a 32-bit value`);
      return pos + 4;
    case 4:
      throw new WireMalformed('', `field ${fieldNo}: an end-group tag without its start`);
    default:
      throw new WireMalformed('', `field ${fieldNo}: wire type ${wt} does not exist`);
  }
}

/** The occurrences of field `fieldNo` in buf[start, before) (an element's index, for a path). */
function occurrencesBefore(buf: Uint8Array, start: number, before: number, fieldNo: number): number {
  let n = 0;
  let pos = start;
  while (pos < before) {
    pos = varint(buf, pos, before);
    const no = varintLo >>> 3;
    if (no === fieldNo) n++;
    pos = skipValue(buf, pos, before, no, varintLo & 7, 0);
  }
  return n;
}

function segment(f: WireField, index: number): string {
  return f.repeated ? `${f.name}[${index}]` : f.name;
}

function join(head: string, tail: string): string {
  return tail ? `${head}.${tail}` : head;
}

/**
 * Whether buf[start, end) is valid UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF,
 * no sequence cut short). All-ASCII is seen here; a string with any byte above 0x7f goes to Node's
 * own check.
 */
export function isValidUtf8(buf: Uint8Array, start: number, end: number): boolean {
  // The bytes OR-ed four at a time, one test per string (a test per byte cost 10% more of the check
  // of a 40-submit batch: scripts/bench/session-decode.ts).
  let high = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) high |= buf[i]! | buf[i + 1]! | buf[i + 2]! | buf[i + 3]!;
  for (; i < end; i++) high |= buf[i]!;
  return high < 0x80 || isUtf8(buf.subarray(start, end));
}

/** A packed run must be whole values: varints that end inside it, or a multiple of the value size. */
function checkPacked(f: WireField, buf: Uint8Array, start: number, end: number): void {
  if (f.packedSize > 0) {
    if ((end - start) % f.packedSize !== 0)
      throw new WireMalformed(
        f.name,
        `packed ${f.type} values take ${f.packedSize} bytes each; got ${end - start} bytes`,
      );
    return;
  }
  let pos = start;
  while (pos < end) {
    pos = varint(buf, pos, end);
    if (pos < 0) throw new WireMalformed(f.name, 'packed varints: the run ends inside a varint');
  }
}

/**
 * Walks buf[start, end) as message `msg`. Returns the first field (outside `units`) whose wire type
 * does not fit, with its path; throws WireMalformed for bytes that are not protobuf.
 */
export function checkWire(
  msg: WireMessage,
  buf: Uint8Array,
  start = 0,
  end = buf.length,
  units?: WireUnits,
): WireMismatch | undefined {
  return walk(msg, buf, start, end, 0, units, undefined);
}

/**
 * Every field of buf[start, end) (as message `msg`, outside `units`) whose wire type does not fit or
 * whose string is not UTF-8, in the order they come, so an error can name them all (checkWire stops
 * at the first). A second walk, made only once checkWire found one: the happy path does not pay for it.
 */
export function allWireMismatches(
  msg: WireMessage,
  buf: Uint8Array,
  start = 0,
  end = buf.length,
  units?: WireUnits,
): WireMismatch[] {
  const all: WireMismatch[] = [];
  walk(msg, buf, start, end, 0, units, all);
  return all;
}

function walk(
  msg: WireMessage,
  buf: Uint8Array,
  start: number,
  end: number,
  depth: number,
  units: WireUnits | undefined,
  /** When given, every mismatch is pushed here (paths from `msg`), not only the first returned. */
  all: WireMismatch[] | undefined,
): WireMismatch | undefined {
  if (depth > MAX_DEPTH) throw new WireMalformed('', `messages nested deeper than ${MAX_DEPTH}`);
  // A new instance of a message that holds units (even none): the decoder replaces an earlier one.
  if (units !== undefined && holdsUnit(msg, units.unit)) units.onParent();
  const fields = msg.fields;
  let first: WireMismatch | undefined;
  let unitIndex = 0;
  let pos = start;
  // The field being read, for the path of a WireMalformed thrown below (-1: its tag).
  let cur = -1;
  try {
    while (pos < end) {
      const tagAt = pos;
      cur = -1;
      // One-byte tags (fields 1-15) and one-byte varints and lengths inline: most of a batch.
      let tag = buf[pos]!;
      if (tag < 0x80) pos++;
      else {
        pos = varintOrThrow(buf, pos, end, 'tag');
        tag = varintLo;
      }
      const no = tag >>> 3;
      const wt = tag & 7;
      const f = fields[no];
      cur = no;
      const b = pos < end ? buf[pos]! : 0x80;
      if (wt === 0 && b < 0x80 && no !== 0) pos++;
      else if (wt === 2 && b < 0x80 && no !== 0 && pos + 1 + b <= end) {
        lenStart = pos + 1;
        pos = lenStart + b;
      } else pos = skipValue(buf, pos, end, no, wt, depth);
      cur = -1;
      // Unknown field numbers pass, whatever their wire type (protobuf's forward compatibility).
      if (f === undefined) continue;
      if ((f.allowed & (1 << wt)) === 0) {
        const m = { path: f.name, field: f, got: wt };
        all?.push(m);
        first ??= m;
        continue;
      }
      if (wt !== 2) continue;
      const inner = f.message;
      if (inner === undefined) {
        if (f.packedSize >= 0) checkPacked(f, buf, lenStart, pos);
        else if (f.utf8 && (first === undefined || all !== undefined) && !isValidUtf8(buf, lenStart, pos)) {
          const invalidUtf8 = { start: lenStart, end: pos };
          const index = f.repeated ? occurrencesBefore(buf, start, tagAt, no) : 0;
          const m = { path: segment(f, index), field: f, got: 2, invalidUtf8 };
          all?.push(m);
          first ??= m;
        }
        continue;
      }
      const valueStart = lenStart;
      if (units !== undefined && inner === units.unit) {
        let m: WireMismatch | undefined;
        try {
          m = walk(inner, buf, valueStart, pos, depth + 1, undefined, undefined);
        } catch (err) {
          throw err instanceof WireMalformed
            ? new WireMalformed(join(segment(f, unitIndex), err.path), err.reason)
            : err;
        }
        units.onUnit(unitIndex++, m, valueStart, pos);
        continue;
      }
      let m: WireMismatch | undefined;
      const innerAll: WireMismatch[] | undefined = all === undefined ? undefined : [];
      try {
        m = walk(inner, buf, valueStart, pos, depth + 1, units, innerAll);
      } catch (err) {
        if (!(err instanceof WireMalformed)) throw err;
        const index = f.repeated ? occurrencesBefore(buf, start, tagAt, no) : 0;
        throw new WireMalformed(join(segment(f, index), err.path), err.reason);
      }
      if (m !== undefined && (first === undefined || all !== undefined)) {
        const head = segment(f, f.repeated ? occurrencesBefore(buf, start, tagAt, no) : 0);
        if (all !== undefined) for (const x of innerAll!) all.push({ ...x, path: join(head, x.path) });
        first ??= { ...m, path: join(head, m.path) };
      }
    }
  } catch (err) {
    if (cur < 0 || !(err instanceof WireMalformed)) throw err;
    throw new WireMalformed(join(named(fields[cur], cur), err.path), err.reason);
  }
  return first;
}
