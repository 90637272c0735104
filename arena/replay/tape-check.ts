// The tape a re-simulation produces, compared line by line with a recorded one: the dashboard's
// replay and `flexarena run --resume` drive the core again from a run's configuration and the
// answers on its tape, and must regenerate that tape byte for byte — a difference means another
// configuration or another version of FlexArena, and is named by its line.
import { FlexArenaError } from '../../lib/index.js';
import { type RecordSink, type SequencedTapeRecord, TapeEncoder, type TapeEvent } from '../../sim/index.js';
import type { TapeLines } from './tape-lines.js';

const NEWLINE = 0x0a;

/** Re-simulating a tape produced a different line (or more lines than it holds). */
export class TapeMismatchError extends FlexArenaError {
  constructor(
    readonly path: string,
    /** 1-based. */
    readonly line: number,
    readonly beyondEnd: boolean,
  ) {
    super(
      `re-simulating ${path} produced a different tape at line ${line}` +
        (beyondEnd ? ' (beyond the recorded end)' : '') +
        ': the run cannot be re-simulated faithfully (was its config.yaml changed, or was it made by another version of FlexArena?)',
    );
  }
}

/**
 * A tape sink that compares every line with `recorded` while `comparing` (then counts them in
 * `lines`); once it stops comparing (a resumed run has caught up) it only hashes. `tolerateEnd`:
 * lines beyond the recorded ones set `beyondEnd` instead of throwing (a killed run's tape ends
 * inside a decision point).
 */
export class TapeCheck implements RecordSink {
  lines = 0;
  beyondEnd = false;
  comparing = true;
  private readonly encoder: TapeEncoder;

  constructor(
    private readonly recorded: TapeLines,
    private readonly path: string,
    private readonly tolerateEnd = false,
  ) {
    this.encoder = new TapeEncoder((chunk, release) => this.compare(chunk, release));
  }

  tape(record: SequencedTapeRecord): void {
    this.encoder.tape(record);
  }

  tapeEvent(seq: number, event: TapeEvent): void {
    this.encoder.tapeEvent(seq, event);
  }

  /** Every line so far has been compared; true when they are exactly the recorded ones. */
  caughtUp(): boolean {
    this.encoder.flush();
    return !this.beyondEnd && this.lines === this.recorded.length;
  }

  /** The sha256 of every line produced (no line may follow). */
  seal(): string {
    return this.encoder.seal();
  }

  private compare(chunk: Buffer, release: () => void): void {
    if (!this.comparing) {
      release();
      return;
    }
    // Compared as bytes before the chunk is released (every chunk ends with a newline).
    try {
      for (
        let start = 0, end = chunk.indexOf(NEWLINE);
        end !== -1;
        start = end + 1, end = chunk.indexOf(NEWLINE, start)
      ) {
        if (this.lines >= this.recorded.length && this.tolerateEnd) {
          this.beyondEnd = true;
          return;
        }
        if (!this.recorded.matches(this.lines, chunk.subarray(start, end)))
          throw new TapeMismatchError(this.path, this.lines + 1, this.lines >= this.recorded.length);
        this.lines++;
      }
    } finally {
      release();
    }
  }
}
