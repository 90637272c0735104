// A killed run's note reads the end of its tape, not all of it: on a tape of 60 MB of lines the
// reader reads a small part of the file and gives the note a full read gives. Tapes written before
// full flushes (sync flushes only) and plain tape.jsonl files give the same note as before.
import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { SequencedTapeRecord } from '../../sim/index.js';
import { TapeLines } from '../replay/tape-lines.js';
import { unclosedRunNote, unclosedRunNoteOf } from './killed-run.js';
import { LEGACY_TAPE_FILE, readTapeBytes, TAPE_FILE, TapeFileSink } from './tape-file.js';
import { readTapeTail } from './tape-tail.js';

const DAY0 = Date.UTC(2026, 10, 22);
const CONFIG = {
  name: 'tail',
  seed: 1,
  day: '2026-11-22',
  decisionIntervalMinutes: 15,
  agents: [{ id: 'idle', strategy: 'idle', asset: { type: 'battery', powerMw: 1, energyMwh: 2 } }],
};

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function runFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flexarena-tape-tail-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'config.yaml'), stringify(CONFIG));
  return dir;
}

/** A line as a run writes them, with numbers that do not repeat (compresses ~5×, as a tape does). */
function record(seq: number): SequencedTapeRecord {
  return {
    seq,
    type: 'batch',
    t: DAY0 + seq * 300,
    agent: `a${seq % 5}`,
    actions: [
      { clientRef: `r${(seq * 7919) % 100_003}`, priceTicks: (seq * 104_729) % 999_983, lots: seq % 37 },
    ],
  } as unknown as SequencedTapeRecord;
}

/**
 * Writes `n` lines, checkpointing every `every` as decision points do, and leaves the tape as a
 * killed run does: on disk up to the last checkpoint, not closed. Returns the sink (to close).
 */
async function killedTape(dir: string, n: number, every: number, fullFlushEveryBytes?: number) {
  const sink = new TapeFileSink(
    join(dir, TAPE_FILE),
    fullFlushEveryBytes === undefined ? {} : { fullFlushEveryBytes },
  );
  let last: Promise<void> = Promise.resolve();
  for (let seq = 0; seq < n; seq++) {
    sink.tape(record(seq));
    if ((seq + 1) % every === 0) {
      last = new Promise<void>((resolve) => sink.checkpoint(resolve));
      if ((seq + 1) % (every * 50) === 0) await last; // let zlib keep up
    }
  }
  await last;
  return sink;
}

/** What the note said before: the whole tape read, its last whole line and count. */
function noteFromWholeTape(dir: string): string {
  const lines = TapeLines.fromBytes(readTapeBytes(dir).bytes);
  return unclosedRunNote(dir, lines.at(lines.length - 1), lines.length);
}

describe('readTapeTail (a killed run’s tape, from its end)', () => {
  it('reads a small part of a large tape and gives the note a full read gives', async () => {
    const dir = runFolder();
    // 300 000 lines, ~60 MB uncompressed; a checkpoint every 200 lines (the last 100 after it are
    // not on disk, as a kill leaves them).
    const sink = await killedTape(dir, 300_100, 200);
    try {
      const size = statSync(join(dir, TAPE_FILE)).size;
      expect(size).toBeGreaterThan(5_000_000);
      const tail = readTapeTail(dir)!;
      expect(tail).toBeDefined();
      expect(tail.lines).toBe(300_000);
      expect(JSON.parse(tail.lastLine!)).toMatchObject({ seq: 299_999, type: 'batch' });
      // The last full flush lies within 4 MiB of lines (~0.8 MB compressed) of the end.
      expect(tail.bytesRead).toBeLessThan(size / 4);
      const before = noteFromWholeTape(dir);
      expect(before).toContain('its tape (300000 whole lines)');
      expect(unclosedRunNoteOf(dir)).toBe(before);
    } finally {
      await sink.close();
    }
    // Closed (the gzip trailer after the last block): the lines written since count too.
    const closed = readTapeTail(dir)!;
    expect(closed.lines).toBe(300_100);
  }, 120_000);

  it('finds the end of a tape whose last full flush is followed by sync flushes and a cut write', async () => {
    const dir = runFolder();
    const sink = await killedTape(dir, 5_000, 40, 64 * 1024);
    try {
      const path = join(dir, TAPE_FILE);
      expect(readTapeTail(dir)!.lines).toBe(5_000);
      // A file that ends inside a decision point's compressed lines (a write cut short): what
      // decompresses of them counts, up to the last whole line, as in a full read.
      truncateSync(path, statSync(path).size - 150);
      const tail = readTapeTail(dir)!;
      expect(tail.lines).toBeGreaterThan(4_960);
      expect(tail.lines).toBeLessThan(5_000);
      expect(unclosedRunNoteOf(dir)).toBe(noteFromWholeTape(dir));
    } finally {
      await sink.close();
    }
  });

  it('gives up on a tape with sync flushes only (older runs): the note then reads it whole, as before', async () => {
    const dir = runFolder();
    const sink = await killedTape(dir, 3_000, 40, Number.POSITIVE_INFINITY);
    try {
      expect(readTapeTail(dir)).toBeUndefined();
      expect(unclosedRunNoteOf(dir)).toBe(noteFromWholeTape(dir));
      expect(unclosedRunNoteOf(dir)).toContain('its tape (3000 whole lines)');
    } finally {
      await sink.close();
    }
  });

  it('reads the end of a plain tape.jsonl of older run folders', () => {
    const dir = runFolder();
    const lines = Array.from({ length: 2_000 }, (_, i) => `${JSON.stringify(record(i))}\n`).join('');
    // A last line cut by the kill: not a line.
    writeFileSync(join(dir, LEGACY_TAPE_FILE), `${lines}{"seq":2000,"type":"ba`);
    const tail = readTapeTail(dir)!;
    expect(tail.lines).toBe(2_000);
    expect(JSON.parse(tail.lastLine!)).toMatchObject({ seq: 1_999 });
    expect(tail.bytesRead).toBeLessThan(lines.length);
    expect(unclosedRunNoteOf(dir)).toBe(noteFromWholeTape(dir));
  });
});
