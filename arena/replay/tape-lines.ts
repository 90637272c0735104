// A recorded tape's lines, for `flexarena run --resume` and the dashboard's replay, which compare
// every line they regenerate with the recorded one. The tape was read as one string and split: V8
// makes no string longer than 2^29 − 24 characters (~512 MiB), so a tape beyond that (the pace
// line-up's after ~123 days: 544 MB uncompressed for 125 days) could not be resumed or replayed at
// all. It then was one Buffer with the offsets of the line ends — still the whole uncompressed tape
// in memory beside the re-simulation for as long as it ran (133 MB for a month, 544 MB for four).
// Here a run's tape is gunzipped as a stream into a temporary file (unlinked at once, as the
// replay's feed is) and only the offsets of the line ends stay in memory; lines are read back with
// positional reads — through a window that the sequential comparison moves forward, or on their
// own for the answers, which are read a little ahead of it — and compared as bytes.
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NEWLINE = 0x0a;
/** Bytes read at once for the sequential comparison. */
const WINDOW = 1 << 20;

/** Where a tape's uncompressed bytes are: in memory (tests, small tapes) or in a file. */
interface ByteSource {
  /** Bytes [start, end): a view that stays valid (no buffer is reused). */
  read(start: number, end: number, window: boolean): Buffer;
  close(): void;
}

class MemorySource implements ByteSource {
  constructor(private readonly bytes: Buffer) {}
  read(start: number, end: number): Buffer {
    return this.bytes.subarray(start, end);
  }
  close(): void {}
}

class FileSource implements ByteSource {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;
  private closed = false;

  constructor(
    private readonly fd: number,
    /** Bytes in the file. */
    private readonly size: number,
  ) {}

  read(start: number, end: number, window: boolean): Buffer {
    if (start >= this.windowStart && end <= this.windowStart + this.window.length)
      return this.window.subarray(start - this.windowStart, end - this.windowStart);
    if (!window || end - start > WINDOW) return this.pread(start, end);
    this.window = this.pread(start, Math.min(this.size, start + WINDOW));
    this.windowStart = start;
    return this.window.subarray(0, end - start);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private pread(start: number, end: number): Buffer {
    const into = Buffer.allocUnsafe(end - start);
    for (let done = 0; done < into.length; ) {
      const n = readSync(this.fd, into, done, into.length - done, start + done);
      if (n === 0) throw new Error(`the tape's temporary copy ended at ${start + done}`);
      done += n;
    }
    return into;
  }
}

/** Growable list of line-end offsets. */
class Ends {
  data = new Float64Array(1 << 14);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  done(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** Called with each whole line (without its newline) as it is read; `line` is valid during the call only. */
export type OnLine = (index: number, line: Buffer) => void;

export class TapeLines {
  private constructor(
    /** Offset of each line's newline. */
    private readonly ends: Float64Array,
    private readonly source: ByteSource,
  ) {}

  /** `bytes`: whole lines, each ending with a newline (anything after the last newline is not a line). */
  static fromBytes(bytes: Buffer, onLine?: OnLine): TapeLines {
    const ends = new Ends();
    for (
      let start = 0, i = bytes.indexOf(NEWLINE);
      i !== -1;
      start = i + 1, i = bytes.indexOf(NEWLINE, i + 1)
    ) {
      onLine?.(ends.length, bytes.subarray(start, i));
      ends.push(i);
    }
    return new TapeLines(ends.done(), new MemorySource(bytes));
  }

  /**
   * The lines of an uncompressed byte stream, kept in an unlinked temporary file: only the line
   * ends stay in memory, and at most one chunk and one line at a time while reading. Bytes after
   * the last newline (a line cut by a kill) are not a line. Call close() when done.
   */
  static async fromStream(chunks: AsyncIterable<Buffer>, onLine?: OnLine): Promise<TapeLines> {
    const dir = mkdtempSync(join(tmpdir(), 'flexarena-tape-'));
    const path = join(dir, 'tape');
    const fd = openSync(path, 'w+');
    unlinkSync(path);
    rmdirSync(dir);
    const ends = new Ends();
    let written = 0;
    /** The start of a line the previous chunks ended inside. */
    let carry: Buffer[] = [];
    try {
      for await (const chunk of chunks) {
        for (let done = 0; done < chunk.length; )
          done += writeSync(fd, chunk, done, chunk.length - done, written + done);
        let start = 0;
        for (let i = chunk.indexOf(NEWLINE); i !== -1; start = i + 1, i = chunk.indexOf(NEWLINE, i + 1)) {
          if (onLine) {
            const line = carry.length
              ? Buffer.concat([...carry, chunk.subarray(0, i)])
              : chunk.subarray(start, i);
            onLine(ends.length, line);
          }
          carry = [];
          ends.push(written + i);
        }
        // Copied: a stream may reuse its chunk's memory.
        if (start < chunk.length && onLine) carry.push(Buffer.from(chunk.subarray(start)));
        written += chunk.length;
      }
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    return new TapeLines(ends.done(), new FileSource(fd, written));
  }

  get length(): number {
    return this.ends.length;
  }

  /** Line `i` (0-based) without its newline, as bytes; undefined past the end. */
  bytesAt(i: number): Buffer | undefined {
    return this.lineBytes(i, true);
  }

  /** Line `i` (0-based) without its newline; undefined past the end. */
  at(i: number): string | undefined {
    return this.bytesAt(i)?.toString('utf8');
  }

  /**
   * Line `i` read on its own, without moving the window the sequential comparison reads through
   * (an answer is read a little ahead of the line being compared).
   */
  apart(i: number): string | undefined {
    return this.lineBytes(i, false)?.toString('utf8');
  }

  /** Whether line `i` is exactly `line` (bytes, without a newline). */
  matches(i: number, line: Uint8Array): boolean {
    const recorded = this.bytesAt(i);
    return recorded?.equals(line) ?? false;
  }

  /** Closes the temporary file (a tape read from a stream); no line can be read after. */
  close(): void {
    this.source.close();
  }

  private lineBytes(i: number, window: boolean): Buffer | undefined {
    if (!(i >= 0 && i < this.ends.length)) return undefined;
    return this.source.read(i === 0 ? 0 : this.ends[i - 1]! + 1, this.ends[i]!, window);
  }
}
