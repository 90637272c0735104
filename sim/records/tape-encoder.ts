// The tape's byte format and its fingerprint: one JSON object per line in sequencer order, and
// the sha256 over exactly those bytes. File writing belongs to the runtime; this part is shared
// by every driver, so an in-process run and a multi-process run are compared byte for byte.
import { createHash, type Hash } from 'node:crypto';
import {
  JSON_BYTES_UNSUPPORTED,
  jsonByte,
  jsonGiveUp,
  jsonRaw,
  jsonString,
  jsonValue,
  writeJsonBytes,
  writeJsonBytesWith,
} from '../../lib/index.js';
import { eventRecord, type RecordSink, type SequencedTapeRecord, type TapeEvent } from './records.js';

/**
 * Lines are handed on (and hashed) in chunks of about this many bytes. Large enough that a gzip
 * stream keeps up: it compresses one chunk per event-loop turn, and an in-process run turns the loop
 * once per decision point (a pace run: ~100 KB of tape per decision point); a stream that falls
 * behind holds every chunk until it catches up, and none comes back for reuse.
 */
const CHUNK_BYTES = 256 * 1024;
/**
 * Room past CHUNK_BYTES in every buffer, so that a line that starts before the chunk is full does
 * not run off the buffer's end. Why it matters: the JSON writer finds a line that does not fit by
 * its stores past the end being dropped, and an out-of-bounds store deoptimises the compiled writer
 * (and the writers inlined into it) — at the end of each of the first chunks of a run, the tape's
 * whole writer went back to the interpreter and was compiled again, two or three times. The pace
 * run's longest lines are ~67 KB (the market maker's batches); a longer line is still written
 * correctly, through the rewrite below.
 */
export const LINE_ROOM_BYTES = 128 * 1024;
const BUFFER_BYTES = CHUNK_BYTES + LINE_ROOM_BYTES;
const NEWLINE = 0x0a;
/** append()'s mark of a record that is not a market event. */
const NO_SEQ = -1;
const SEQ_KEY = Buffer.from('{"seq":');
const TYPE_KEY = Buffer.from(',"type":');
const T_KEY = Buffer.from(',"t":');
const COMMA = 0x2c;
const COLON = 0x3a;
const CLOSE_BRACE = 0x7d;

/**
 * The bytes of JSON.stringify(eventRecord(seq, ev)), written field by field. Wherever that object
 * would not simply be seq, type, t and then the event's own fields in order — a field named like
 * one of those three or like an array index (such keys move to the front), or a toJSON — it gives
 * up, and the record goes through JSON.stringify.
 */
function writeEventRecord(seq: number, ev: TapeEvent): void {
  jsonRaw(SEQ_KEY);
  jsonValue(seq);
  jsonRaw(TYPE_KEY);
  if (!jsonValue(ev.type)) jsonGiveUp();
  jsonRaw(T_KEY);
  if (!jsonValue(ev.time)) jsonGiveUp();
  const fields = ev as unknown as Record<string, unknown>;
  for (const k in fields) {
    if (k === 'type' || k === 'time' || !Object.hasOwn(fields, k)) continue;
    const c = k.charCodeAt(0);
    if (k === 'seq' || k === 't' || k === 'toJSON' || (c >= 0x30 && c <= 0x39)) jsonGiveUp();
    const v = fields[k];
    const kind = typeof v;
    if (kind === 'undefined' || kind === 'function' || kind === 'symbol') continue;
    jsonByte(COMMA);
    jsonString(k);
    jsonByte(COLON);
    jsonValue(v);
  }
  jsonByte(CLOSE_BRACE);
}
/**
 * Chunks handed back by the writer are kept for reuse, at most this many. Why reuse: writing into
 * memory the process touches for the first time costs a page fault per 4 KiB, and on a virtual
 * machine such as the one the project runs on a fault costs microseconds (~2.5 µs measured on
 * 2026-11-30; an earlier note said 15–20 µs) — encoding a pace run's
 * 37 MB tape into fresh buffers took ~300 ms, into reused ones ~15 ms.
 */
const MAX_FREE_CHUNKS = 64;

/** The writer of the encoded lines: it calls `release` once it no longer needs the bytes. */
export type TapeChunkWriter = (lines: Buffer, release: () => void) => void;

export class TapeEncoder implements RecordSink {
  private readonly hash: Hash = createHash('sha256');
  private digest: string | undefined;
  /**
   * Encoded lines not yet hashed or written, as UTF-8 bytes in `buf[0, used)`. Each line's text is
   * encoded straight into this buffer: the earlier design concatenated the lines into a string and
   * hashed that (then the gzip stream encoded it a second time), and flattening and encoding those
   * concatenated strings cost about three times as much as hashing bytes (a pace run's tape is
   * ~37 MB). A full buffer is handed on as it is and another one started, so no byte is copied;
   * buffers the writer released are taken again before a new one is allocated.
   */
  private buf: Buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private readonly free: Buffer[] = [];
  count = 0;
  /** Lines that did not fit in what was left of a buffer and were written again into the next. */
  rewrites = 0;

  /**
   * `write` receives the encoded lines (each with its newline) in chunks; omit it to only hash. A
   * writer that never calls `release` may keep its chunks for good: each chunk is then fresh memory.
   */
  constructor(private readonly write?: TapeChunkWriter) {}

  tape(record: SequencedTapeRecord): void {
    this.append(NO_SEQ, record);
  }

  /** The line of eventRecord(seq, ev), written without building that object. */
  tapeEvent(seq: number, ev: TapeEvent): void {
    this.append(seq, ev);
  }

  /** A record (seq NO_SEQ) or a market event's record. */
  private append(seq: number, value: SequencedTapeRecord | TapeEvent): void {
    if (this.digest !== undefined) throw new Error('tape record after the tape was sealed');
    // The line's bytes straight into the chunk (no string in between); a line that does not fit
    // in what is left of the chunk is written again into the next one.
    let end = this.writeLine(seq, value);
    if (end === JSON_BYTES_UNSUPPORTED && this.used > 0) {
      this.rewrites++;
      this.flush();
      end = this.writeLine(seq, value);
    }
    if (end === JSON_BYTES_UNSUPPORTED)
      this.stringLine(seq === NO_SEQ ? (value as SequencedTapeRecord) : eventRecord(seq, value as TapeEvent));
    else this.used = end;
    this.count++;
    if (this.used >= CHUNK_BYTES) this.flush();
  }

  /** The line with its newline from `used` on; its end, or JSON_BYTES_UNSUPPORTED. */
  private writeLine(seq: number, value: SequencedTapeRecord | TapeEvent): number {
    const end =
      seq === NO_SEQ
        ? writeJsonBytes(value, this.buf, this.used)
        : writeJsonBytesWith(this.buf, this.used, writeEventRecord, seq, value as TapeEvent);
    if (end === JSON_BYTES_UNSUPPORTED || end >= this.buf.length) return JSON_BYTES_UNSUPPORTED;
    this.buf[end] = NEWLINE;
    return end + 1;
  }

  /**
   * The line through JSON.stringify: a record that is not plain data (see lib/json-bytes.ts), or one
   * larger than a chunk, which gets a buffer of its own.
   */
  private stringLine(record: SequencedTapeRecord): void {
    const line = JSON.stringify(record);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit, plus the newline.
    const worst = line.length * 3 + 1;
    if (this.used + worst > this.buf.length) {
      this.flush();
      if (worst > this.buf.length) this.buf = Buffer.allocUnsafe(worst);
    }
    this.used += this.buf.write(line, this.used, 'utf8');
    this.buf[this.used++] = NEWLINE;
  }

  /** Hashes and writes every line encoded so far. */
  flush(): void {
    if (this.used === 0) return;
    const chunk = this.buf.subarray(0, this.used);
    this.hash.update(chunk);
    this.used = 0;
    // Without a writer the hash has consumed the bytes: the buffer is reused at once.
    if (!this.write) return;
    // The chunk now belongs to the writer (a stream may hold it until it is consumed).
    const whole = this.buf;
    let released = false;
    this.write(chunk, () => {
      if (released || this.free.length >= MAX_FREE_CHUNKS) return;
      released = true;
      this.free.push(whole);
    });
    this.buf = this.free.pop() ?? Buffer.allocUnsafe(BUFFER_BYTES);
  }

  /** The sha256 (hex) of every line written, after writing the last ones; no record may follow. */
  seal(): string {
    if (this.digest === undefined) {
      this.flush();
      this.digest = this.hash.digest('hex');
    }
    return this.digest;
  }
}
