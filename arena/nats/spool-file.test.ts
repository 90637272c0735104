import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxFullError, SpoolCorruptError } from './outbox-errors.js';
import type { OutboxRecord } from './outbox-record.js';
import { SpoolFile } from './spool-file.js';

let dir: string;
let spools: SpoolFile[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flexarena-spool-'));
});
afterEach(async () => {
  await Promise.allSettled(spools.map((s) => s.remove()));
  spools = [];
  rmSync(dir, { recursive: true, force: true });
});

/** A spool whose `written()` resolves once everything appended so far has reached the file. */
function openSpool(maxBytes = 1 << 30, name = 'spool') {
  let wake: () => void = () => undefined;
  const spool = new SpoolFile(join(dir, name), maxBytes, () => wake());
  spools.push(spool);
  const written = async () => {
    while (spool.bufferedBytes > 0) await new Promise<void>((r) => (wake = r));
  };
  return { spool, written, path: join(dir, name) };
}

function rec(i: number, payloadBytes = 20): OutboxRecord {
  const payload = new Uint8Array(payloadBytes);
  for (let k = 0; k < payloadBytes; k++) payload[k] = (i + k) % 256;
  return { subject: `s.${i % 3}`, msgId: `id-${i}`, payload, attempts: 0 };
}

function readAll(spool: SpoolFile, batch = 777): OutboxRecord[] {
  const out: OutboxRecord[] = [];
  for (
    let b = spool.read(batch, Number.POSITIVE_INFINITY);
    b.length > 0;
    b = spool.read(batch, Number.POSITIVE_INFINITY)
  ) {
    out.push(...b);
  }
  return out;
}

describe('SpoolFile', () => {
  it('reads records back in append order with their bytes and retry state intact', async () => {
    const { spool, written } = openSpool();
    const appended: OutboxRecord[] = [];
    for (let i = 0; i < 5_000; i++) {
      const r = rec(i, i % 50);
      if (i % 7 === 0) {
        r.unknownSince = 1_700_000_000_000 + i;
        r.attempts = 2;
        r.lastError = `TimeoutError ${i}`;
      }
      appended.push(r);
      spool.append(r);
    }
    expect(spool.unreadRecords).toBe(5_000);
    await written();
    expect(readAll(spool)).toEqual(appended);
    expect(spool.unreadRecords).toBe(0);
  });

  it('append makes no system call: nothing is readable before the asynchronous write lands', async () => {
    const { spool, written, path } = openSpool();
    for (let i = 0; i < 10; i++) spool.append(rec(i));
    expect(statSync(path).size).toBe(0);
    expect(spool.read(100, Number.POSITIVE_INFINITY)).toEqual([]);
    // ...but a report sees them already.
    expect([...spool.unreadRecordsInOrder()].map((r) => r.msgId)).toHaveLength(10);
    await written();
    expect(readAll(spool).map((r) => r.msgId)).toEqual(Array.from({ length: 10 }, (_, k) => `id-${k}`));
  });

  it('stops a read at the byte bound without losing the record that did not fit', async () => {
    const { spool, written } = openSpool();
    for (let i = 0; i < 10; i++) spool.append(rec(i, 100));
    await written();
    // recordBytes = 100 payload + 3 subject + 4 id = 107 each
    expect(spool.read(100, 3 * 107 + 50).map((r) => r.msgId)).toEqual(['id-0', 'id-1', 'id-2']);
    expect(spool.read(100, 10)).toEqual([]);
    expect(spool.read(100, Number.POSITIVE_INFINITY).map((r) => r.msgId)).toEqual([
      'id-3',
      'id-4',
      'id-5',
      'id-6',
      'id-7',
      'id-8',
      'id-9',
    ]);
  });

  it('handles a record larger than its read buffer', async () => {
    const { spool, written } = openSpool();
    const big = rec(1, 1_000_000);
    spool.append(rec(0));
    spool.append(big);
    spool.append(rec(2));
    await written();
    const back = spool.read(10, Number.POSITIVE_INFINITY);
    expect(back.map((r) => r.msgId)).toEqual(['id-0', 'id-1', 'id-2']);
    // Buffer.equals, not toEqual: a deep compare of a megabyte element by element takes seconds.
    expect(Buffer.from(back[1]?.payload ?? []).equals(Buffer.from(big.payload))).toBe(true);
  });

  it('keeps order when appends arrive while a write is in progress and when the disk falls behind', async () => {
    const { spool, written } = openSpool();
    let i = 0;
    // Bursts across loop turns, so several asynchronous writes follow each other...
    for (let burst = 0; burst < 20; burst++) {
      for (let k = 0; k < 200; k++) spool.append(rec(i++, 64));
      await new Promise((r) => setImmediate(r));
    }
    // ...and one burst of >16 MiB in a single turn, which forces synchronous writes behind them.
    for (let k = 0; k < 300; k++) spool.append(rec(i++, 64 * 1024));
    expect(spool.bufferedBytes).toBeLessThanOrEqual(16 * 1024 * 1024 + 64 * 1024 + 100);
    await written();
    const back = readAll(spool, 500);
    expect(back.map((r) => r.msgId)).toEqual(Array.from({ length: i }, (_, k) => `id-${k}`));
  });

  it('empties the file once the reader has caught up, and keeps order across that', async () => {
    const { spool, written, path } = openSpool();
    for (let i = 0; i < 100; i++) spool.append(rec(i));
    await written();
    expect(statSync(path).size).toBeGreaterThan(0);
    expect(readAll(spool)).toHaveLength(100);
    expect(statSync(path).size).toBe(0);
    expect(spool.sizeBytes).toBe(0);
    for (let i = 100; i < 110; i++) spool.append(rec(i));
    await written();
    expect(readAll(spool).map((r) => r.msgId)).toEqual(Array.from({ length: 10 }, (_, k) => `id-${100 + k}`));
  });

  it('refuses a record past maxBytes with OutboxFullError and keeps the earlier ones', async () => {
    const { spool, written } = openSpool(1_000);
    let taken = 0;
    let error: unknown;
    try {
      for (let i = 0; i < 100; i++) {
        spool.append(rec(i, 100));
        taken++;
      }
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OutboxFullError);
    expect((error as OutboxFullError).limitBytes).toBe(1_000);
    expect(taken).toBeGreaterThan(0);
    expect(spool.sizeBytes).toBeLessThanOrEqual(1_000);
    await written();
    expect(readAll(spool)).toHaveLength(taken);
  });

  it('lists unread records without taking them', async () => {
    const { spool, written } = openSpool();
    for (let i = 0; i < 5; i++) spool.append(rec(i));
    await written();
    spool.read(2, Number.POSITIVE_INFINITY);
    spool.append(rec(5)); // still in memory
    expect([...spool.unreadRecordsInOrder()].map((r) => r.msgId)).toEqual(['id-2', 'id-3', 'id-4', 'id-5']);
    expect(spool.unreadRecords).toBe(4);
  });

  it('reports a file changed under it as SpoolCorruptError', async () => {
    const { spool, written, path } = openSpool();
    spool.append(rec(0));
    await written();
    writeFileSync(path, Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect(() => spool.read(10, Number.POSITIVE_INFINITY)).toThrow(SpoolCorruptError);
  });
});
