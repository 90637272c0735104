// The event tape: one JSON object per line, in sequencer order, with no wall-clock content,
// so the same configuration, seed and deterministic agents give a byte-identical file.
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';

export type TapeRecord = { type: string; t: number } & Record<string, unknown>;

export class TapeWriter {
  private readonly hash: Hash = createHash('sha256');
  private readonly out: WriteStream | undefined;
  private seq = 0;

  constructor(path?: string) {
    this.out = path ? createWriteStream(path) : undefined;
  }

  get count(): number {
    return this.seq;
  }

  write(record: TapeRecord): void {
    const line = `${JSON.stringify({ seq: this.seq++, ...record })}\n`;
    this.hash.update(line);
    this.out?.write(line);
  }

  /** Flushes and returns the sha256 of everything written. */
  async close(): Promise<string> {
    const digest = this.hash.digest('hex');
    if (this.out) {
      const out = this.out;
      await new Promise<void>((resolve, reject) => {
        out.end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
    }
    return digest;
  }
}
