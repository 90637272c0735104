// The tape's byte format and its fingerprint: one JSON object per line in sequencer order, and
// the sha256 over exactly those bytes. File writing belongs to the runtime; this part is shared
// by every driver, so an in-process run and a multi-process run are compared byte for byte.
import { createHash, type Hash } from 'node:crypto';
import type { RecordSink, SequencedTapeRecord } from './records.js';

/** Lines are handed on (and hashed) in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

export class TapeEncoder implements RecordSink {
  private readonly hash: Hash = createHash('sha256');
  private digest: string | undefined;
  /** Encoded lines not yet hashed or written: one hash update and one write per chunk, not per line. */
  private pending = '';
  count = 0;

  /** `write` receives the encoded lines (each with its newline) in chunks; omit it to only hash. */
  constructor(private readonly write?: (lines: string) => void) {}

  tape(record: SequencedTapeRecord): void {
    if (this.digest !== undefined) throw new Error('tape record after the tape was sealed');
    this.pending += `${JSON.stringify(record)}\n`;
    this.count++;
    if (this.pending.length >= CHUNK_CHARS) this.flush();
  }

  /** Hashes and writes every line encoded so far. */
  flush(): void {
    if (this.pending.length === 0) return;
    this.hash.update(this.pending);
    this.write?.(this.pending);
    this.pending = '';
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
