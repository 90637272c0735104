// A recorded tape's lines over its bytes: what resume and the dashboard's replay compare with.
import { constants } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { readTapeAnswers } from './tape-answers.js';
import { TapeLines } from './tape-lines.js';

describe('TapeLines', () => {
  it('finds every line, decodes one when asked, and compares a line as bytes', () => {
    const lines = TapeLines.fromBytes(Buffer.from('{"seq":1}\n{"seq":2,"note":"é"}\n\n{"seq":4}\n'));
    expect(lines.length).toBe(4);
    expect([0, 1, 2, 3].map((i) => lines.at(i))).toEqual([
      '{"seq":1}',
      '{"seq":2,"note":"é"}',
      '',
      '{"seq":4}',
    ]);
    expect(lines.at(4)).toBeUndefined();
    expect(lines.at(-1)).toBeUndefined();
    expect(lines.matches(1, Buffer.from('{"seq":2,"note":"é"}'))).toBe(true);
    expect(lines.matches(1, Buffer.from('{"seq":2,"note":"e"}'))).toBe(false);
    expect(lines.matches(3, Buffer.from('{"seq":4}\n'))).toBe(false);
    expect(lines.matches(4, Buffer.from(''))).toBe(false);
    expect(TapeLines.fromBytes(Buffer.alloc(0)).length).toBe(0);
  });

  // A tape was read as one string: V8 makes none longer than 2^29 − 24 characters, and the pace
  // line-up's tape passes that after ~123 days (544 MB for 125) — such a run could be neither
  // resumed nor replayed. A tape one line longer than the longest string, its answers read back.
  it('reads the answers of a tape longer than the longest string V8 can make', () => {
    const filler = `{"seq":0,"type":"settlement","pad":"${'x'.repeat(1_000)}"}\n`;
    const batch = '{"seq":0,"type":"batch","t":0,"agent":"a","wakeId":7,"actions":[{"n":1}]}\n';
    const count = Math.ceil(constants.MAX_STRING_LENGTH / filler.length) + 1;
    const bytes = Buffer.allocUnsafe(count * filler.length + batch.length);
    bytes.fill(filler, 0, count * filler.length);
    bytes.write(batch, count * filler.length);
    expect(bytes.length).toBeGreaterThan(constants.MAX_STRING_LENGTH);
    const tape = readTapeAnswers(bytes, 'long/tape.jsonl.gz');
    expect(tape.lines.length).toBe(count + 1);
    expect(tape.answers.get('a:7')).toEqual({ kind: 'batch', actions: [{ n: 1 }] });
    expect(tape.lines.matches(count, Buffer.from(batch.trimEnd()))).toBe(true);
  });
});

describe('TapeLines.fromStream', () => {
  it('finds lines across chunk boundaries, hands each to onLine, and reads them back from its file', async () => {
    const text = '{"seq":1}\n{"seq":2,"note":"é"}\n\n{"seq":4,"long":"' + 'y'.repeat(3_000_000) + '"}\n{"cut';
    const bytes = Buffer.from(text);
    // Chunks that split lines, a newline, and the two bytes of the é.
    async function* chunks() {
      yield Buffer.alloc(0);
      for (let at = 0, k = 0; at < bytes.length; k++) {
        const size = [3, 16, 1, 7, 100_000, 1 << 20][k % 6]!;
        yield bytes.subarray(at, Math.min(bytes.length, at + size));
        at += size;
      }
    }
    const seen: string[] = [];
    const lines = await TapeLines.fromStream(chunks(), (i, line) => seen.push(`${i}:${line.toString()}`));
    try {
      const expected = text.split('\n').slice(0, 4);
      expect(lines.length).toBe(4);
      expect(seen).toEqual(expected.map((l, i) => `${i}:${l}`));
      // In any order, through the window and apart from it.
      for (const i of [3, 0, 2, 1, 3, 1]) {
        expect(lines.at(i)).toBe(expected[i]);
        expect(lines.apart(i)).toBe(expected[i]);
        expect(lines.matches(i, Buffer.from(expected[i]!))).toBe(true);
      }
      expect(lines.at(4)).toBeUndefined();
      expect(lines.matches(1, Buffer.from('{"seq":2,"note":"e"}'))).toBe(false);
    } finally {
      lines.close();
    }
  });
});
