// Append-only overflow file of the outbox: records that do not fit the memory bound are written
// here in enqueue order and read back in the same order. Frames are length-prefixed:
//   u32 LE frame length (bytes after this field) | u32 LE header length | header JSON | payload
// The header holds subject, msgId and retry state; the payload is stored raw.
//
// Writes are synchronous (the caller's enqueue must not wait for a promise) but coalesced: frames
// gather in memory up to FLUSH_BYTES, or until the next turn of the event loop, and then go out in
// one write. When the reader has caught up with the writer the file is truncated to zero, so disk
// use is bounded by what is actually waiting (plus what was read since the last catch-up).
// The spool bounds memory; it is not a crash log: a killed process loses it with the rest.
import { closeSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { OutboxFullError, SpoolCorruptError } from './outbox-errors.js';
import { type OutboxRecord, recordBytes } from './outbox-record.js';

const FLUSH_BYTES = 64 * 1024;
const READ_CHUNK_BYTES = 256 * 1024;
/** A frame longer than this cannot come from `append` (the outbox bounds records far below it). */
const MAX_FRAME_BYTES = 1024 * 1024 * 1024;

interface FrameHeader {
  s: string;
  i: string;
  a: number;
  u?: number;
  e?: string;
}

export class SpoolFile {
  private fd: number | null;
  private writtenBytes = 0;
  private readOffset = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private unread = 0;
  private flushQueued = false;

  /** Creates (or empties) the file at `path`. */
  constructor(
    readonly path: string,
    readonly maxBytes: number,
  ) {
    this.fd = openSync(path, 'w+');
  }

  /** Records appended and not yet read back. */
  get unreadRecords(): number {
    return this.unread;
  }

  /** Bytes the file holds or is about to hold (flushed plus pending). */
  get sizeBytes(): number {
    return this.writtenBytes + this.pendingBytes;
  }

  /** Appends one record; throws OutboxFullError (and keeps nothing) when `maxBytes` would be passed. */
  append(rec: OutboxRecord): void {
    const frame = encodeFrame(rec);
    if (this.sizeBytes + frame.length > this.maxBytes) {
      throw new OutboxFullError(this.maxBytes, this.sizeBytes, frame.length);
    }
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    this.unread++;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => {
        this.flushQueued = false;
        this.flush();
      });
    }
  }

  /** Writes pending frames to the file. */
  flush(): void {
    if (this.fd === null || this.pendingBytes === 0) return;
    const buf =
      this.pending.length === 1
        ? (this.pending[0] as Buffer)
        : Buffer.concat(this.pending, this.pendingBytes);
    let done = 0;
    while (done < buf.length) {
      done += writeSync(this.fd, buf, done, buf.length - done, this.writtenBytes + done);
    }
    this.writtenBytes += buf.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /**
   * Takes records from the front, in order, while they fit `maxRecords` and `maxBytes` (counted
   * with `recordBytes`). Returns fewer (possibly none) when the next record does not fit.
   */
  read(maxRecords: number, maxBytes: number): OutboxRecord[] {
    const out: OutboxRecord[] = [];
    let bytes = 0;
    this.scanFrom(this.readOffset, (rec, end) => {
      const b = recordBytes(rec);
      if (out.length >= maxRecords || bytes + b > maxBytes) return false;
      out.push(rec);
      bytes += b;
      this.readOffset = end;
      this.unread--;
      return true;
    });
    if (this.unread === 0 && this.fd !== null) {
      // Caught up: start the file over so that it does not grow for the whole run.
      ftruncateSync(this.fd, 0);
      this.writtenBytes = 0;
      this.readOffset = 0;
    }
    return out;
  }

  /** Visits every unread record in order without taking it; stop early by returning false. */
  peek(visit: (rec: OutboxRecord) => boolean): void {
    this.scanFrom(this.readOffset, (rec) => visit(rec));
  }

  private scanFrom(offset: number, visit: (rec: OutboxRecord, endOffset: number) => boolean): void {
    this.flush();
    if (this.fd === null) return;
    let pos = offset;
    let buf = Buffer.alloc(READ_CHUNK_BYTES);
    while (pos < this.writtenBytes) {
      const want = Math.min(buf.length, this.writtenBytes - pos);
      const got = readExactly(this.fd, buf, want, pos);
      if (got < 4) throw new SpoolCorruptError(`${this.path}: file ends inside a frame at offset ${pos}`);
      let p = 0;
      while (p + 4 <= got) {
        const frameLen = buf.readUInt32LE(p);
        if (frameLen < 4 || frameLen > MAX_FRAME_BYTES || pos + p + 4 + frameLen > this.writtenBytes) {
          throw new SpoolCorruptError(`${this.path}: bad frame length ${frameLen} at offset ${pos + p}`);
        }
        if (p + 4 + frameLen > got) break;
        const rec = decodeFrame(buf.subarray(p + 4, p + 4 + frameLen), this.path, pos + p);
        p += 4 + frameLen;
        if (!visit(rec, pos + p)) return;
      }
      if (p === 0) {
        // The next frame is larger than the buffer: grow it to hold that frame whole.
        buf = Buffer.alloc(buf.readUInt32LE(0) + 4);
        continue;
      }
      pos += p;
    }
  }

  /** Closes and deletes the file. */
  remove(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.pending = [];
    this.pendingBytes = 0;
    rmSync(this.path, { force: true });
  }
}

function readExactly(fd: number, buf: Buffer, len: number, position: number): number {
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

function encodeFrame(rec: OutboxRecord): Buffer {
  const h: FrameHeader = { s: rec.subject, i: rec.msgId, a: rec.attempts };
  if (rec.unknownSince !== undefined) h.u = rec.unknownSince;
  if (rec.lastError !== undefined) h.e = rec.lastError;
  const header = Buffer.from(JSON.stringify(h), 'utf8');
  const frame = Buffer.allocUnsafe(8 + header.length + rec.payload.byteLength);
  frame.writeUInt32LE(frame.length - 4, 0);
  frame.writeUInt32LE(header.length, 4);
  header.copy(frame, 8);
  frame.set(rec.payload, 8 + header.length);
  return frame;
}

function decodeFrame(frame: Buffer, path: string, offset: number): OutboxRecord {
  const headerLen = frame.readUInt32LE(0);
  if (headerLen > frame.length - 4) {
    throw new SpoolCorruptError(`${path}: header length ${headerLen} exceeds frame at offset ${offset}`);
  }
  let h: FrameHeader;
  try {
    h = JSON.parse(frame.toString('utf8', 4, 4 + headerLen)) as FrameHeader;
  } catch (err) {
    throw new SpoolCorruptError(`${path}: unreadable header at offset ${offset}`, { cause: err });
  }
  // Copy the payload out: the read buffer is reused for the next chunk.
  const payload = new Uint8Array(frame.subarray(4 + headerLen));
  const rec: OutboxRecord = { subject: h.s, msgId: h.i, payload, attempts: h.a };
  if (h.u !== undefined) rec.unknownSince = h.u;
  if (h.e !== undefined) rec.lastError = h.e;
  return rec;
}
