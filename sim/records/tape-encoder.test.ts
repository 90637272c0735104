// The tape's bytes: exactly the JSON lines of the records, whatever their size or characters,
// handed on in chunks and hashed over those same bytes.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventRecord, type SequencedTapeRecord, type TapeEvent } from './records.js';
import { LINE_ROOM_BYTES, TapeEncoder } from './tape-encoder.js';

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

  it('never runs a line off a buffer that is shorter than the room left past a chunk', () => {
    // Lines of every length up to the room, so that chunks fill up at every possible offset.
    const recs: SequencedTapeRecord[] = [];
    for (let seq = 0, len = 0; seq < 400; seq++, len = (len * 7 + 9_973) % (LINE_ROOM_BYTES - 64))
      recs.push({ seq, type: 'batch', t: seq, blob: 'z'.repeat(len) });
    const chunks: Buffer[] = [];
    const enc = new TapeEncoder((c) => chunks.push(Buffer.from(c)));
    for (const r of recs) enc.tape(r);
    enc.seal();
    expect(Buffer.concat(chunks).toString('utf8')).toBe(recs.map((r) => `${JSON.stringify(r)}\n`).join(''));
    expect(chunks.length).toBeGreaterThan(20);
    expect(enc.rewrites).toBe(0);
    // A longer line does not fit in the room: it is written again into the next buffer.
    const long = new TapeEncoder(() => {});
    for (const r of recs.slice(0, 60)) long.tape(r);
    long.tape({ seq: 60, type: 'big', t: 0, blob: 'q'.repeat(2 * LINE_ROOM_BYTES) });
    long.seal();
    expect(long.rewrites).toBeGreaterThan(0);
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

  it('writes a market event as the line of its record, also where that record is not field-by-field', () => {
    class Classy {
      type = 'classy';
      time = 5;
      x = 1;
    }
    const events: TapeEvent[] = [
      {
        type: 'accepted',
        time: 1795276800026,
        orderId: 1,
        agentId: 'h-1',
        productId: 'qh-20261122-0000',
        side: 'sell',
        priceTicks: 5591,
        quantityLots: 100,
        tif: 'IOC',
        clientRef: 'discharge',
      } as TapeEvent,
      {
        type: 'cancelled',
        time: 1795276800026,
        orderId: 1,
        remainingLots: 100,
        reason: 'ioc-remainder',
        clientRef: undefined,
      } as TapeEvent,
      {
        type: 'trade',
        time: 1,
        tradeId: 7,
        fills: [{ lots: 2, price: -12.5 }],
        note: 'prix € — ½ ✓ 𝄞',
      } as TapeEvent,
      // Keys the record object orders or treats differently: seq, t, index-like keys, toJSON.
      { type: 'odd', time: 2, seq: 99 } as TapeEvent,
      { type: 'odd', time: 3, t: 'later' } as TapeEvent,
      { type: 'odd', time: 4, 10: 'ten', 2: 'two', z: 0 } as TapeEvent,
      { type: 'odd', time: 5, when: new Date(0) } as TapeEvent,
      { time: 6 } as TapeEvent,
      { type: 'odd', time: 7, toJSON: () => 'x' } as unknown as TapeEvent,
      new Classy() as TapeEvent,
      { type: 'big', time: 8, blob: 'y'.repeat(300_000) } as TapeEvent,
    ];
    const chunks: Buffer[] = [];
    const enc = new TapeEncoder((c) => chunks.push(Buffer.from(c)));
    let expected = '';
    for (let round = 0; round < 3_000; round++)
      events.forEach((ev, i) => {
        const seq = round * events.length + i;
        if (i === 10 && round % 100 !== 0) return;
        enc.tapeEvent(seq, ev);
        expected += `${JSON.stringify(eventRecord(seq, ev))}\n`;
      });
    enc.seal();
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
  });
});
