// The tape's bytes: exactly the JSON lines of the records, whatever their size or characters,
// handed on in chunks and hashed over those same bytes.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SequencedTapeRecord } from './records.js';
import { TapeEncoder } from './tape-encoder.js';

function records(): SequencedTapeRecord[] {
  const out: SequencedTapeRecord[] = [];
  for (let seq = 0; seq < 20_000; seq++)
    out.push({
      seq,
      type: 'batch',
      t: seq * 900,
      agent: `a${seq % 3}`,
      note: seq % 11 === 0 ? 'prix € — ½ ✓ 𝄞' : 'x',
    });
  // ~1.3 MB: several chunks. A line longer than a chunk, in the middle, and one of multi-byte
  // characters only.
  out.splice(2_500, 0, { seq: -1, type: 'big', t: 0, blob: 'y'.repeat(300_000) });
  out.splice(2_600, 0, { seq: -2, type: 'wide', t: 0, blob: '€'.repeat(40_000) });
  return out;
}

describe('TapeEncoder', () => {
  it('writes exactly the JSON lines of the records and hashes those bytes', () => {
    const recs = records();
    const expected = recs.map((r) => `${JSON.stringify(r)}\n`).join('');
    const chunks: Buffer[] = [];
    const enc = new TapeEncoder((c) => chunks.push(Buffer.from(c)));
    for (const r of recs) enc.tape(r);
    const sha = enc.seal();
    const written = Buffer.concat(chunks);
    expect(written.toString('utf8')).toBe(expected);
    expect(sha).toBe(createHash('sha256').update(expected, 'utf8').digest('hex'));
    expect(enc.count).toBe(recs.length);
    // Every chunk ends at the end of a line.
    for (const c of chunks) expect(c[c.length - 1]).toBe(0x0a);
    expect(chunks.length).toBeGreaterThan(5);
  });

  it('hands on chunks the writer may keep: later lines never overwrite them', () => {
    const kept: Buffer[] = [];
    const enc = new TapeEncoder((c) => kept.push(c));
    const recs = records();
    for (const r of recs) enc.tape(r);
    enc.seal();
    expect(Buffer.concat(kept).toString('utf8')).toBe(recs.map((r) => `${JSON.stringify(r)}\n`).join(''));
  });

  it('reuses the chunks a writer released, without changing a byte it was handed', () => {
    const copies: Buffer[] = [];
    const memory = new Set<ArrayBufferLike>();
    const enc = new TapeEncoder((c, release) => {
      copies.push(Buffer.from(c));
      memory.add(c.buffer);
      release();
      release(); // a second call changes nothing
    });
    const recs = records();
    for (const r of recs) enc.tape(r);
    enc.seal();
    expect(Buffer.concat(copies).toString('utf8')).toBe(recs.map((r) => `${JSON.stringify(r)}\n`).join(''));
    expect(copies.length).toBeGreaterThan(5);
    // The first buffer, and one larger buffer for each line longer than a chunk.
    expect(memory.size).toBeLessThanOrEqual(3);
  });

  it('hashes alone without a writer, and refuses records after the seal', () => {
    const enc = new TapeEncoder();
    enc.tape({ seq: 0, type: 'run-start', t: 0 });
    expect(enc.seal()).toBe(
      createHash('sha256').update('{"seq":0,"type":"run-start","t":0}\n').digest('hex'),
    );
    expect(() => enc.tape({ seq: 1, type: 'x', t: 0 })).toThrow(/sealed/);
  });
});
