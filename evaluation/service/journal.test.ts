import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, JournalCorruptError } from './journal.js';

const record = (seq: number) => ({ kind: 'record' as const, data: { runId: 'r', seq } });

describe('Journal', () => {
  it('reads back what it appended, skipping a torn last line', () => {
    const journal = new Journal(mkdtempSync(join(tmpdir(), 'flexarena-journal-')));
    journal.append('r', record(1));
    journal.append('r', record(2));
    appendFileSync(join(journal.dir, 'r.jsonl'), '{"k":"record","d":{"runId":"r","se');
    expect(journal.read('r')).toEqual([record(1), record(2)]);
  });

  it('cuts a torn last line off, so that what is appended after a restart is read back', () => {
    const journal = new Journal(mkdtempSync(join(tmpdir(), 'flexarena-journal-')));
    journal.append('r', record(1));
    appendFileSync(join(journal.dir, 'r.jsonl'), '{"k":"record","d":{"runId":"r","se');
    // A restart: the journal is read back, then the redelivered message 2 and message 3 come.
    expect(journal.read('r')).toEqual([record(1)]);
    journal.append('r', record(2));
    journal.append('r', record(3));
    expect(journal.read('r')).toEqual([record(1), record(2), record(3)]);
  });

  it('refuses a line in the middle it cannot read: that acknowledged message would be lost', () => {
    const journal = new Journal(mkdtempSync(join(tmpdir(), 'flexarena-journal-')));
    journal.append('r', record(1));
    appendFileSync(join(journal.dir, 'r.jsonl'), 'garbage\n');
    journal.append('r', record(3));
    expect(() => journal.read('r')).toThrow(JournalCorruptError);
    expect(() => journal.read('r')).toThrow(/r\.jsonl:2: not a journal entry/);
    writeFileSync(join(journal.dir, 'r.jsonl'), '{"k":"other","d":1}\n{"k":"record","d":{}}\n');
    expect(() => journal.read('r')).toThrow(/r\.jsonl:1: not a journal entry/);
  });
});
