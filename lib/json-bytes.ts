// JSON.stringify's exact UTF-8 bytes, written straight into a buffer. The tape is JSON lines, and
// producing each line as a JavaScript string first (JSON.stringify), then encoding it into the
// tape's buffer, made ~100 MB of short-lived strings in a pace run (37 MB of tape) and was the
// largest single cost of an in-process run's output. This writer walks plain data — objects with
// Object.prototype or no prototype, arrays, strings, numbers, booleans, null — and writes the bytes
// JSON.stringify would give. Anything else (an object with toJSON, a Date, a Map, a typed array, a
// BigInt) makes it give up on the value as a whole: the caller then uses JSON.stringify itself, so
// the bytes are the same whichever way they were made.

/** The value could not be written here: not plain data, or more bytes than the buffer has room for. */
export const JSON_BYTES_UNSUPPORTED = -1;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const ZERO = 0x30;
const MINUS = 0x2d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

/** Thrown inside the writer to abandon a value; never leaves this module. */
const GIVE_UP = Symbol('json-bytes: give up');

const EMPTY = Buffer.alloc(0);

// The writer's state while one value is written (it runs synchronously to its end).
let out: Buffer = EMPTY;
let pos = 0;

/**
 * Writes the UTF-8 bytes of `JSON.stringify(value)` into `buf` from offset `at` and returns the
 * offset after them, or JSON_BYTES_UNSUPPORTED when `value` is not plain data or its bytes do not fit
 * before `buf.length` (the bytes from `at` on are then unspecified; nothing before `at` is touched).
 */
export function writeJsonBytes(value: unknown, buf: Buffer, at: number): number {
  return writeJsonBytesWith(buf, at, writeTop, value, undefined);
}

function writeTop(value: unknown): void {
  if (!jsonValue(value)) throw GIVE_UP;
}

/**
 * Runs `write(a, b)`, which writes JSON piece by piece with the json* functions below, into `buf`
 * from `at`; returns the offset after the bytes, or JSON_BYTES_UNSUPPORTED as writeJsonBytes does
 * (also when `write` calls jsonGiveUp). For a JSON text that is not one object's serialisation,
 * such as a record whose first fields come from elsewhere, without building that object.
 */
export function writeJsonBytesWith<A, B>(
  buf: Buffer,
  at: number,
  write: (a: A, b: B) => void,
  a: A,
  b: B,
): number {
  out = buf;
  pos = at;
  try {
    write(a, b);
  } catch (err) {
    if (err === GIVE_UP) return JSON_BYTES_UNSUPPORTED;
    throw err;
  } finally {
    out = EMPTY;
  }
  // Stores past the end of a typed array are dropped, so running over is found here, once.
  return pos > buf.length ? JSON_BYTES_UNSUPPORTED : pos;
}

// The pieces, for a writer run by writeJsonBytesWith.

/** These bytes as they are (ASCII punctuation and keys the caller knows need no escaping). */
export function jsonRaw(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) out[pos++] = bytes[i]!;
}

/** One byte as it is. */
export function jsonByte(c: number): void {
  out[pos++] = c;
}

/** Abandons the text: writeJsonBytesWith returns JSON_BYTES_UNSUPPORTED. */
export function jsonGiveUp(): never {
  throw GIVE_UP;
}

/** A JSON value as JSON.stringify writes it; false (nothing written) where it leaves the value out. */
export function jsonValue(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
      jsonString(v);
      return true;
    case 'number':
      writeNumber(v);
      return true;
    case 'boolean':
      jsonRaw(v ? TRUE : FALSE);
      return true;
    case 'object':
      if (v === null) jsonRaw(NULL);
      else if (Array.isArray(v)) writeArray(v);
      else writeObject(v as Record<string, unknown>);
      return true;
    case 'bigint':
      // JSON.stringify throws for it: let it say so.
      throw GIVE_UP;
    default:
      return false;
  }
}

function writeArray(a: readonly unknown[]): void {
  if (Object.getPrototypeOf(a) !== Array.prototype) throw GIVE_UP;
  out[pos++] = OPEN_BRACKET;
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out[pos++] = COMMA;
    if (!jsonValue(a[i])) jsonRaw(NULL);
  }
  out[pos++] = CLOSE_BRACKET;
}

function writeObject(o: Record<string, unknown>): void {
  const proto = Object.getPrototypeOf(o);
  if ((proto !== Object.prototype && proto !== null) || typeof o.toJSON === 'function') throw GIVE_UP;
  out[pos++] = OPEN_BRACE;
  let first = true;
  // for-in visits own enumerable string keys in JSON.stringify's order; a plain object inherits none.
  for (const k in o) {
    const v = o[k];
    const t = typeof v;
    if (t === 'undefined' || t === 'function' || t === 'symbol') continue;
    if (!first) out[pos++] = COMMA;
    first = false;
    jsonString(k);
    out[pos++] = COLON;
    jsonValue(v);
  }
  out[pos++] = CLOSE_BRACE;
}

/** A quoted JSON string; printable ASCII byte by byte, anything else as JSON.stringify writes it. */
export function jsonString(s: string): void {
  const start = pos;
  out[pos++] = QUOTE;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === QUOTE || c === BACKSLASH || c > 0x7e) {
      pos = start;
      writeEscaped(s);
      return;
    }
    out[pos++] = c;
  }
  out[pos++] = QUOTE;
}

function writeEscaped(s: string): void {
  const json = JSON.stringify(s);
  // UTF-8 needs at most 3 bytes per UTF-16 unit; write() would silently stop at the end.
  if (pos + 3 * json.length > out.length) throw GIVE_UP;
  pos += out.write(json, pos, 'utf8');
}

function writeNumber(n: number): void {
  if (!Number.isFinite(n)) {
    jsonRaw(NULL);
    return;
  }
  if (Number.isSafeInteger(n)) {
    // Digits of the magnitude, as String(n) has them for every integer below 1e21 (-0 gives "0").
    let x = n;
    if (x < 0) {
      out[pos++] = MINUS;
      x = -x;
    }
    let digits = 1;
    for (let t = x; t >= 10; t = Math.floor(t / 10)) digits++;
    pos += digits;
    for (let p = pos - 1; p >= pos - digits; p--) {
      const q = Math.floor(x / 10);
      out[p] = ZERO + (x - q * 10);
      x = q;
    }
    return;
  }
  // Fractions and large magnitudes: the shortest round-trip form, which is ASCII.
  const s = String(n);
  for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i);
}
