// The tape's byte format and its fingerprint: one JSON object per line in sequencer order, and
// the sha256 over exactly those bytes. File writing belongs to the runtime; this part is shared
// by every driver, so an in-process run and a multi-process run are compared byte for byte.
import { createHash, type Hash } from 'node:crypto';
import type { RecordSink, SequencedTapeRecord } from './records.js';

/** Lines are handed on (and hashed) in chunks of about this many bytes. */
const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

export class TapeEncoder implements RecordSink {
  private readonly hash: Hash = createHash('sha256');
  private digest: string | undefined;
  /**
   * Encoded lines not yet hashed or written, as UTF-8 bytes in `buf[0, used)`. Each line's text is
   * encoded straight into this buffer: the earlier design concatenated the lines into a string and
   * hashed that (then the gzip stream encoded it a second time), and flattening and encoding those
   * concatenated strings cost about three times as much as hashing bytes (a pace run's tape is
   * ~37 MB). A full buffer is handed on as it is and a fresh one started, so no byte is copied.
   */
  private buf: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  count = 0;

  /** `write` receives the encoded lines (each with its newline) in chunks; omit it to only hash. */
  constructor(private readonly write?: (lines: Buffer) => void) {}

  tape(record: SequencedTapeRecord): void {
    if (this.digest !== undefined) throw new Error('tape record after the tape was sealed');
    const line = JSON.stringify(record);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit, plus the newline.
    const worst = line.length * 3 + 1;
    if (this.used + worst > this.buf.length) {
      this.flush();
      if (worst > this.buf.length) this.buf = Buffer.allocUnsafe(worst);
    }
    this.used += this.buf.write(line, this.used, 'utf8');
    this.buf[this.used++] = NEWLINE;
    this.count++;
    if (this.used >= CHUNK_BYTES) this.flush();
  }

  /** Hashes and writes every line encoded so far. */
  flush(): void {
    if (this.used === 0) return;
    const chunk = this.buf.subarray(0, this.used);
    this.hash.update(chunk);
    this.write?.(chunk);
    // The chunk now belongs to the writer (a stream may hold it until it is consumed).
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
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
