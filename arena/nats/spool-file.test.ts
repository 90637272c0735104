import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxFullError, SpoolCorruptError } from './outbox-errors.js';
import type { OutboxRecord } from './outbox-record.js';
import { SpoolFile } from './spool-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flexarena-spool-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function rec(i: number, payloadBytes = 20): OutboxRecord {
  const payload = new Uint8Array(payloadBytes);
  for (let k = 0; k < payloadBytes; k++) payload[k] = (i + k) % 256;
  return { subject: `s.${i % 3}`, msgId: `id-${i}`, payload, attempts: 0 };
}

describe('SpoolFile', () => {
  it('reads records back in append order with their bytes and retry state intact', () => {
    const spool = new SpoolFile(join(dir, 'spool'), 1 << 30);
    const written: OutboxRecord[] = [];
    for (let i = 0; i < 5_000; i++) {
      const r = rec(i, i % 50);
      if (i % 7 === 0) {
        r.unknownSince = 1_700_000_000_000 + i;
        r.attempts = 2;
        r.lastError = `TimeoutError ${i}`;
      }
      written.push(r);
      spool.append(r);
    }
    expect(spool.unreadRecords).toBe(5_000);
    const back: OutboxRecord[] = [];
    for (let batch = spool.read(777, Number.POSITIVE_INFINITY); batch.length > 0; ) {
      back.push(...batch);
      batch = spool.read(777, Number.POSITIVE_INFINITY);
    }
    expect(back).toEqual(written);
    expect(spool.unreadRecords).toBe(0);
    spool.remove();
  });

  it('stops a read at the byte bound without losing the record that did not fit', () => {
    const spool = new SpoolFile(join(dir, 'spool'), 1 << 30);
    for (let i = 0; i < 10; i++) spool.append(rec(i, 100));
    // recordBytes = 100 payload + 3 subject + 4 id = 107 each
    const first = spool.read(100, 3 * 107 + 50);
    expect(first.map((r) => r.msgId)).toEqual(['id-0', 'id-1', 'id-2']);
    expect(spool.read(100, 10)).toEqual([]);
    const rest = spool.read(100, Number.POSITIVE_INFINITY);
    expect(rest.map((r) => r.msgId)).toEqual(['id-3', 'id-4', 'id-5', 'id-6', 'id-7', 'id-8', 'id-9']);
    spool.remove();
  });

  it('handles a record larger than its read buffer', () => {
    const spool = new SpoolFile(join(dir, 'spool'), 1 << 30);
    const big = rec(1, 1_000_000);
    spool.append(rec(0));
    spool.append(big);
    spool.append(rec(2));
    const back = spool.read(10, Number.POSITIVE_INFINITY);
    expect(back.map((r) => r.msgId)).toEqual(['id-0', 'id-1', 'id-2']);
    // Buffer.equals, not toEqual: a deep compare of a megabyte element by element takes seconds.
    expect(Buffer.from(back[1]?.payload ?? []).equals(Buffer.from(big.payload))).toBe(true);
    spool.remove();
  });

  it('empties the file once the reader has caught up, and keeps order across that', () => {
    const path = join(dir, 'spool');
    const spool = new SpoolFile(path, 1 << 30);
    for (let i = 0; i < 100; i++) spool.append(rec(i));
    spool.flush();
    expect(statSync(path).size).toBeGreaterThan(0);
    expect(spool.read(1_000, Number.POSITIVE_INFINITY)).toHaveLength(100);
    expect(statSync(path).size).toBe(0);
    expect(spool.sizeBytes).toBe(0);
    for (let i = 100; i < 110; i++) spool.append(rec(i));
    expect(spool.read(1_000, Number.POSITIVE_INFINITY).map((r) => r.msgId)).toEqual(
      Array.from({ length: 10 }, (_, k) => `id-${100 + k}`),
    );
    spool.remove();
  });

  it('refuses a record past maxBytes with OutboxFullError and keeps the earlier ones', () => {
    const spool = new SpoolFile(join(dir, 'spool'), 1_000);
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
    expect(spool.read(1_000, Number.POSITIVE_INFINITY)).toHaveLength(taken);
    spool.remove();
  });

  it('peek visits unread records without taking them', () => {
    const spool = new SpoolFile(join(dir, 'spool'), 1 << 30);
    for (let i = 0; i < 5; i++) spool.append(rec(i));
    spool.read(2, Number.POSITIVE_INFINITY);
    const seen: string[] = [];
    spool.peek((r) => {
      seen.push(r.msgId);
      return seen.length < 2;
    });
    expect(seen).toEqual(['id-2', 'id-3']);
    expect(spool.unreadRecords).toBe(3);
    spool.remove();
  });

  it('reports a file changed under it as SpoolCorruptError', () => {
    const path = join(dir, 'spool');
    const spool = new SpoolFile(path, 1 << 30);
    spool.append(rec(0));
    spool.flush();
    writeFileSync(path, Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect(() => spool.read(10, Number.POSITIVE_INFINITY)).toThrow(SpoolCorruptError);
    spool.remove();
  });
});
