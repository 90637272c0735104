// The tape on disk: compressed as it is written, its hash over the uncompressed lines, read back
// (also from the plain tape.jsonl of older run folders), verified, and a changed tape refused.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SequencedTapeRecord } from '../../sim/index.js';
import {
  LEGACY_TAPE_FILE,
  openTapeStream,
  readTapeFile,
  readTapeRecords,
  readTapeText,
  TAPE_FILE,
  TapeFileError,
  TapeFileSink,
  verifyTape,
} from './tape-file.js';

async function writeTape(n: number): Promise<{ dir: string; sha: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'flexarena-tape-'));
  const sink = new TapeFileSink(join(dir, TAPE_FILE));
  for (let seq = 0; seq < n; seq++)
    sink.tape({
      seq,
      type: 'batch',
      t: 1_000 * seq,
      agent: 'a',
      actions: [{ clientRef: `r${seq % 7}` }],
    } as SequencedTapeRecord);
  const sha = await sink.close();
  writeFileSync(join(dir, 'tape.sha256'), `${sha}  tape.jsonl\n`);
  return { dir, sha };
}

describe('tape file', () => {
  it('is gzip on disk, hashed over the uncompressed lines, and reads back record by record', async () => {
    const { dir, sha } = await writeTape(20_000);
    const gz = readFileSync(join(dir, TAPE_FILE));
    const text = gunzipSync(gz).toString('utf8');
    expect(createHash('sha256').update(text).digest('hex')).toBe(sha);
    expect(readTapeText(dir)).toBe(text);
    const records = readTapeRecords(dir);
    expect(records).toHaveLength(20_000);
    expect(records[19_999]).toMatchObject({ seq: 19_999, type: 'batch' });
    // Repetitive JSON lines: far smaller compressed.
    expect(gz.length * 5).toBeLessThan(text.length);
    expect(await verifyTape(dir)).toEqual({ sha256: sha, lines: 20_000, bytes: text.length });
  });

  it('refuses a changed tape in verification, and reads the plain tape.jsonl of older run folders', async () => {
    const { dir, sha } = await writeTape(100);
    const text = readTapeText(dir);
    writeFileSync(join(dir, TAPE_FILE), gzipSync(text.replace('"r3"', '"r4"')));
    const err = await verifyTape(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TapeFileError);
    expect((err as Error).message).toMatch(
      /tape.jsonl.gz: its content has sha256 [0-9a-f]{64}, but tape.sha256 records/,
    );
    // An older run folder: the same content, uncompressed.
    writeFileSync(join(dir, TAPE_FILE), gzipSync(text));
    renameSync(join(dir, TAPE_FILE), join(dir, 'old.gz'));
    writeFileSync(join(dir, LEGACY_TAPE_FILE), text);
    expect(readTapeText(dir)).toBe(text);
    expect((await verifyTape(dir)).sha256).toBe(sha);
    expect(() => readTapeText(join(dir, 'nowhere'))).toThrow(TapeFileError);
  });

  it('says a folder without a tape is no run folder in verification (not a run that never closed it)', async () => {
    // `flexarena tape runs --verify` said "runs/tape.sha256: missing: the run never closed its tape
    // (killed outright, or still running)" for the folder of the run folders.
    const dir = mkdtempSync(join(tmpdir(), 'flexarena-tape-'));
    const err = await verifyTape(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TapeFileError);
    expect((err as Error).message).toContain(
      'tape.jsonl.gz: missing (and no tape.jsonl either): is this a run folder?',
    );
    // A folder that is not there is said of the folder, as `dashboard` and `report` say it.
    const none = await verifyTape(join(dir, 'nosuch')).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(TapeFileError);
    expect((none as Error).message).toBe(`${join(dir, 'nosuch')}: no such folder`);
  });

  it('is on disk whole up to its last checkpoint while open (a process killed then leaves that much)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexarena-tape-'));
    const path = join(dir, TAPE_FILE);
    const sink = new TapeFileSink(path);
    const record = (seq: number) =>
      ({
        seq,
        type: 'batch',
        t: seq,
        agent: 'a',
        actions: [{ clientRef: `r${seq}` }],
      }) as SequencedTapeRecord;
    for (let seq = 0; seq < 3_000; seq++) sink.tape(record(seq));
    const written = new Promise<void>((resolve) => sink.checkpoint(resolve));
    // Lines after the checkpoint are not on disk until the next one (or close).
    for (let seq = 3_000; seq < 3_100; seq++) sink.tape(record(seq));
    await written;
    // What a reader finds if the process died now: every line before the checkpoint, whole.
    const found = readTapeFile(dir);
    expect(found.unfinished).toBe(true);
    const lines = found.text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3_000);
    expect(JSON.parse(lines[2_999]!)).toMatchObject({ seq: 2_999 });
    await sink.close();
    expect(readTapeFile(dir).unfinished).toBe(false);
    expect(readTapeRecords(dir)).toHaveLength(3_100);
  });

  it('reads a tape cut anywhere (an older killed run) to its last whole line, also as a stream', async () => {
    const { dir } = await writeTape(5_000);
    const text = readTapeText(dir);
    const gz = readFileSync(join(dir, TAPE_FILE));
    writeFileSync(join(dir, TAPE_FILE), gz.subarray(0, Math.floor(gz.length / 2)));
    const found = readTapeFile(dir);
    expect(found.unfinished).toBe(true);
    expect(found.text.length).toBeGreaterThan(0);
    expect(found.text.endsWith('\n')).toBe(true);
    expect(text.startsWith(found.text)).toBe(true);
    const stream = openTapeStream(dir);
    const chunks: Buffer[] = [];
    for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
    const streamed = Buffer.concat(chunks).toString('utf8');
    expect(text.startsWith(streamed)).toBe(true);
    expect(streamed.endsWith('\n')).toBe(true);
    expect(`${stream.lastLine}\n`).toBe(streamed.slice(streamed.lastIndexOf('\n', streamed.length - 2) + 1));
  });
});
