// A recorded tape's lines over its uncompressed bytes, for `flexarena run --resume` and the
// dashboard's replay, which compare every line they regenerate with the recorded one. The tape was
// read as one string and split: V8 makes no string longer than 2^29 − 24 characters (~512 MiB), so
// a tape beyond that (the pace line-up's after ~123 days: 544 MB uncompressed for 125 days) could
// not be resumed or replayed at all ("Cannot create a string longer than 0x1fffffe8 characters"),
// and a month's tape took 130 MB of strings besides. Here the bytes stay one Buffer (up to
// buffer.constants.MAX_LENGTH) with the offsets of the line ends; a line is decoded only when
// asked for, and compared as bytes.

const NEWLINE = 0x0a;

export class TapeLines {
  /** Offset of each line's newline. */
  private readonly ends: Float64Array;

  /** `bytes`: whole lines, each ending with a newline (a tape read up to its last whole line). */
  constructor(readonly bytes: Buffer) {
    let count = 0;
    for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) count++;
    this.ends = new Float64Array(count);
    let k = 0;
    for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) this.ends[k++] = i;
  }

  get length(): number {
    return this.ends.length;
  }

  /** Line `i` (0-based) without its newline, as bytes (a view, no copy); undefined past the end. */
  bytesAt(i: number): Buffer | undefined {
    if (!(i >= 0 && i < this.ends.length)) return undefined;
    return this.bytes.subarray(i === 0 ? 0 : this.ends[i - 1]! + 1, this.ends[i]!);
  }

  /** Line `i` (0-based) without its newline; undefined past the end. */
  at(i: number): string | undefined {
    return this.bytesAt(i)?.toString('utf8');
  }

  /** Whether line `i` is exactly `line` (bytes, without a newline). */
  matches(i: number, line: Uint8Array): boolean {
    const recorded = this.bytesAt(i);
    return recorded?.equals(line) ?? false;
  }
}
