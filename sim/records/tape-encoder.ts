// The tape's byte format and its fingerprint: one JSON object per line in sequencer order, and
// the sha256 over exactly those bytes. File writing belongs to the runtime; this part is shared
// by every driver, so an in-process run and a multi-process run are compared byte for byte.
import { createHash, type Hash } from 'node:crypto';
import type { RecordSink, SequencedTapeRecord } from './records.js';

export class TapeEncoder implements RecordSink {
  private readonly hash: Hash = createHash('sha256');
  private digest: string | undefined;
  count = 0;

  /** `write` receives each encoded line (with its newline); omit it to only hash. */
  constructor(private readonly write?: (line: string) => void) {}

  tape(record: SequencedTapeRecord): void {
    if (this.digest !== undefined) throw new Error('tape record after the tape was sealed');
    const line = `${JSON.stringify(record)}\n`;
    this.hash.update(line);
    this.count++;
    this.write?.(line);
  }

  /** The sha256 (hex) of every line written; no record may follow. */
  seal(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}
