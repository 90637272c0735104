// Append-only overflow file of the outbox: records that do not fit the memory bound are written
// here in enqueue order and read back in the same order. Frames are length-prefixed:
//   u32 LE frame length (bytes after this field) | u32 LE header length | header JSON | payload
// The header holds subject, msgId and retry state; the payload is stored raw.
//
// `append` makes no system call: frames gather in memory and go to the file in one asynchronous
// positional write at a time (a slow disk must not hold up the simulation loop). Only if the disk
// falls behind by more than MAX_BUFFERED_BYTES does `append` write synchronously — then the disk,
// not NATS, is the bottleneck, and memory stays bounded. Reads (from the pump, not from enqueue)
// are synchronous and see only what has reached the file; `onWritten` tells the owner when more
// has. When the reader has caught up with the writer the file is truncated to zero, so disk use
// is bounded by what is actually waiting (plus what was read since the last catch-up).
// The spool bounds memory; it is not a crash log: a killed process loses it with the rest.
import { closeSync, ftruncateSync, openSync, readSync, rmSync, write, writeSync } from 'node:fs';
import { OutboxFullError, SpoolCorruptError } from './outbox-errors.js';
import { type OutboxRecord, recordBytes } from './outbox-record.js';

const READ_CHUNK_BYTES = 256 * 1024;
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const WRITE_RETRY_MS = 200;
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
  /** Bytes at the start of the file that are written and may be read. */
  private fileBytes = 0;
  /** The asynchronous write in progress, at position `fileBytes`. */
  private writing: Buffer | null = null;
  /** Bytes written synchronously after `writing`'s region while it was in progress. */
  private syncTailBytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readOffset = 0;
  private unread = 0;
  private writeQueued = false;
  /** An fs.write call has not called back yet. */
  private writeCallPending = false;
  private writeCallWaiters: Array<() => void> = [];
  /** The last failed write (it is retried); null once a write succeeds. */
  lastWriteError: Error | null = null;

  /**
   * Creates (or empties) the file at `path`. `onWritten` is called after each asynchronous write
   * has reached the file, i.e. when `read` may return more than before.
   */
  constructor(
    readonly path: string,
    readonly maxBytes: number,
    private readonly onWritten: () => void = () => undefined,
  ) {
    this.fd = openSync(path, 'w+');
  }

  /** Records appended and not yet read back. */
  get unreadRecords(): number {
    return this.unread;
  }

  /** Bytes the file holds or is about to hold. */
  get sizeBytes(): number {
    return this.fileBytes + (this.writing?.length ?? 0) + this.syncTailBytes + this.pendingBytes;
  }

  /** Bytes held in memory on their way to the file. */
  get bufferedBytes(): number {
    return (this.writing?.length ?? 0) + this.pendingBytes;
  }

  /** Appends one record; throws OutboxFullError (and keeps nothing) when `maxBytes` would be passed. */
  append(rec: OutboxRecord): void {
    if (this.fd === null) throw new Error(`spool ${this.path} is removed`);
    const frame = encodeFrame(rec);
    if (this.sizeBytes + frame.length > this.maxBytes) {
      throw new OutboxFullError(this.maxBytes, this.sizeBytes, frame.length);
    }
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    this.unread++;
    if (this.bufferedBytes > MAX_BUFFERED_BYTES) this.writePendingSync();
    else if (!this.writeQueued && this.writing === null) {
      // Next loop turn: one write for everything appended by the caller's current burst.
      this.writeQueued = true;
      setImmediate(() => {
        this.writeQueued = false;
        this.startWrite();
      });
    }
  }

  private startWrite(): void {
    if (this.fd === null || this.writing !== null || this.pendingBytes === 0) return;
    this.writing = this.takePending();
    this.writeFrom(0);
  }

  private writeFrom(done: number): void {
    const buf = this.writing;
    if (this.fd === null || buf === null) return;
    this.writeCallPending = true;
    write(this.fd, buf, done, buf.length - done, this.fileBytes + done, (err, n) => {
      this.writeCallPending = false;
      for (const w of this.writeCallWaiters.splice(0)) w();
      if (this.fd === null) return; // removed meanwhile
      if (err) {
        // Keep the bytes and try the same region again: nothing appended may be lost.
        this.lastWriteError = err;
        setTimeout(() => this.writeFrom(done), WRITE_RETRY_MS);
        return;
      }
      this.lastWriteError = null;
      if (done + n < buf.length) {
        this.writeFrom(done + n);
        return;
      }
      this.fileBytes += buf.length + this.syncTailBytes;
      this.syncTailBytes = 0;
      this.writing = null;
      if (this.pendingBytes > 0) this.startWrite();
      this.onWritten();
    });
  }

  /** The disk is behind by MAX_BUFFERED_BYTES: write the rest now, after the write in progress. */
  private writePendingSync(): void {
    if (this.fd === null || this.pendingBytes === 0) return;
    const buf = this.takePending();
    const at = this.fileBytes + (this.writing?.length ?? 0) + this.syncTailBytes;
    for (let done = 0; done < buf.length; )
      done += writeSync(this.fd, buf, done, buf.length - done, at + done);
    if (this.writing) this.syncTailBytes += buf.length;
    else this.fileBytes += buf.length;
  }

  private takePending(): Buffer {
    const buf =
      this.pending.length === 1
        ? (this.pending[0] as Buffer)
        : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return buf;
  }

  /**
   * Takes records from the front, in order, while they fit `maxRecords` and `maxBytes` (counted
   * with `recordBytes`) and have reached the file. Returns fewer (possibly none) otherwise.
   */
  read(maxRecords: number, maxBytes: number): OutboxRecord[] {
    const out: OutboxRecord[] = [];
    let bytes = 0;
    for (const { rec, end } of this.framesInFile(this.readOffset, this.fileBytes)) {
      const b = recordBytes(rec);
      if (out.length >= maxRecords || bytes + b > maxBytes) break;
      out.push(rec);
      bytes += b;
      this.readOffset = end;
      this.unread--;
    }
    if (this.unread === 0 && this.fd !== null && this.readOffset > 0) {
      // Caught up (so nothing is being written either): start the file over.
      ftruncateSync(this.fd, 0);
      this.fileBytes = 0;
      this.readOffset = 0;
    }
    return out;
  }

  /** Every unread record in order, written or still on its way, without taking any. */
  *unreadRecordsInOrder(): Generator<OutboxRecord> {
    for (const { rec } of this.framesInFile(this.readOffset, this.fileBytes)) yield rec;
    if (this.writing) yield* framesInBuffer(this.writing, this.path);
    const tailStart = this.fileBytes + (this.writing?.length ?? 0);
    for (const { rec } of this.framesInFile(tailStart, tailStart + this.syncTailBytes)) yield rec;
    for (const frame of this.pending) yield* framesInBuffer(frame, this.path);
  }

  private *framesInFile(from: number, to: number): Generator<{ rec: OutboxRecord; end: number }> {
    if (this.fd === null) return;
    let pos = from;
    let buf = Buffer.alloc(Math.min(READ_CHUNK_BYTES, Math.max(to - from, 4)));
    while (pos < to) {
      const want = Math.min(buf.length, to - pos);
      const got = readExactly(this.fd, buf, want, pos);
      if (got < 4) throw new SpoolCorruptError(`${this.path}: file ends inside a frame at offset ${pos}`);
      let p = 0;
      while (p + 4 <= got) {
        const frameLen = buf.readUInt32LE(p);
        if (frameLen < 4 || frameLen > MAX_FRAME_BYTES || pos + p + 4 + frameLen > to) {
          throw new SpoolCorruptError(`${this.path}: bad frame length ${frameLen} at offset ${pos + p}`);
        }
        if (p + 4 + frameLen > got) break;
        const rec = decodeFrame(buf.subarray(p + 4, p + 4 + frameLen), this.path, pos + p);
        p += 4 + frameLen;
        yield { rec, end: pos + p };
      }
      if (p === 0) {
        // The next frame is larger than the buffer: grow it to hold that frame whole.
        buf = Buffer.alloc(buf.readUInt32LE(0) + 4);
        continue;
      }
      pos += p;
    }
  }

  /** Closes and deletes the file (after the write in progress, so that it does not land in a reused fd). */
  async remove(): Promise<void> {
    while (this.writeCallPending) await new Promise<void>((r) => this.writeCallWaiters.push(r));
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null; // also stops a write retry that is waiting for its timer
    this.writing = null;
    this.pending = [];
    this.pendingBytes = 0;
    rmSync(this.path, { force: true });
  }
}

function* framesInBuffer(buf: Buffer, path: string): Generator<OutboxRecord> {
  for (let p = 0; p < buf.length; ) {
    const frameLen = buf.readUInt32LE(p);
    if (frameLen < 4 || p + 4 + frameLen > buf.length)
      throw new SpoolCorruptError(`${path}: bad buffered frame`);
    yield decodeFrame(buf.subarray(p + 4, p + 4 + frameLen), path, -1);
    p += 4 + frameLen;
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
