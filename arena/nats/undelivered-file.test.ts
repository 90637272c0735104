import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UndeliveredFileError } from './outbox-errors.js';
import { readUndeliveredFile, type UndeliveredEntry, writeUndeliveredFile } from './undelivered-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flexarena-undelivered-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(path: string): Promise<UndeliveredEntry[]> {
  const out: UndeliveredEntry[] = [];
  for await (const e of readUndeliveredFile(path)) out.push(e);
  return out;
}

describe('undelivered-records file', () => {
  it('round-trips text and binary payloads, status and retry state', async () => {
    const path = join(dir, 'undelivered.jsonl');
    const entries: UndeliveredEntry[] = [
      {
        status: 'undelivered',
        record: {
          subject: 'a.b',
          msgId: 'run:1',
          payload: new TextEncoder().encode('{"eur":-12.5,"note":"Grüße"}'),
          attempts: 3,
          unknownSince: 1_764_403_200_000,
          lastError: 'TimeoutError: TIMEOUT',
        },
      },
      {
        status: 'rejected',
        record: { subject: 'a.c', msgId: 'run:2', payload: new Uint8Array([0xff, 0, 0xfe]), attempts: 1 },
      },
    ];
    expect(await writeUndeliveredFile(path, entries)).toBe(2);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    // Text payloads stay readable in the run folder; other bytes go base64.
    expect(JSON.parse(lines[0] as string).payload).toBe('{"eur":-12.5,"note":"Grüße"}');
    expect(JSON.parse(lines[1] as string).payloadBase64).toBe('/wD+');
    expect(await readAll(path)).toEqual(entries);
  });

  it('names the line and the field of a bad entry', async () => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(
      path,
      `${JSON.stringify({ status: 'undelivered', subject: 'a', msgId: 'x', payload: 'p', attempts: 0 })}\n` +
        `${JSON.stringify({ status: 'undelivered', subject: 'a', msgId: '', payload: 'p', attempts: 0 })}\n`,
    );
    await expect(readAll(path)).rejects.toThrow(UndeliveredFileError);
    await expect(readAll(path)).rejects.toThrow(/bad\.jsonl:2: msgId/);
  });
});
