// Records that never reached JetStream, written as JSON lines into the run folder so that nothing
// is lost when NATS does not come back before the run ends. One line per record:
//   {"status":"undelivered","subject":"…","msgId":"…","payload":"<UTF-8 text>","attempts":3,
//    "unknownOutcomeSince":1764403200000,"lastError":"TIMEOUT"}
// `payload` holds the bytes as text when they are valid UTF-8, otherwise `payloadBase64` holds
// them. `status` is "undelivered" (still waiting when the outbox closed) or "rejected" (the stream
// refused it for good, e.g. too large). `unknownOutcomeSince` marks a record that may already be
// in the stream: a later outbox fed from this file asks the stream before it publishes it again.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { UndeliveredFileError } from './outbox-errors.js';
import type { OutboxRecord } from './outbox-record.js';

export type UndeliveredStatus = 'undelivered' | 'rejected';

export interface UndeliveredEntry {
  status: UndeliveredStatus;
  record: OutboxRecord;
}

interface Line {
  status: UndeliveredStatus;
  subject: string;
  msgId: string;
  payload?: string;
  payloadBase64?: string;
  attempts: number;
  unknownOutcomeSince?: number;
  lastError?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const WRITE_BATCH_BYTES = 1024 * 1024;

/** Writes the entries as JSON lines to `path` (created or replaced); returns how many were written. */
export async function writeUndeliveredFile(
  path: string,
  entries: Iterable<UndeliveredEntry>,
): Promise<number> {
  const fh = await open(path, 'w');
  let count = 0;
  try {
    let batch: string[] = [];
    let batchBytes = 0;
    for (const e of entries) {
      const line = `${JSON.stringify(toLine(e))}\n`;
      batch.push(line);
      batchBytes += line.length;
      count++;
      if (batchBytes >= WRITE_BATCH_BYTES) {
        await fh.write(batch.join(''));
        batch = [];
        batchBytes = 0;
      }
    }
    if (batch.length > 0) await fh.write(batch.join(''));
    await fh.sync();
  } finally {
    await fh.close();
  }
  return count;
}

/** Reads a file written by `writeUndeliveredFile`, in file order. */
export async function* readUndeliveredFile(path: string): AsyncGenerator<UndeliveredEntry> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const text of rl) {
    n++;
    if (text.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new UndeliveredFileError(path, n, 'not JSON', { cause: err });
    }
    yield fromLine(raw, path, n);
  }
}

function toLine(e: UndeliveredEntry): Line {
  const r = e.record;
  const line: Line = { status: e.status, subject: r.subject, msgId: r.msgId, attempts: r.attempts };
  try {
    line.payload = strictUtf8.decode(r.payload);
  } catch {
    line.payloadBase64 = Buffer.from(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength).toString(
      'base64',
    );
  }
  if (r.unknownSince !== undefined) line.unknownOutcomeSince = r.unknownSince;
  if (r.lastError !== undefined) line.lastError = r.lastError;
  return line;
}

function fromLine(raw: unknown, path: string, n: number): UndeliveredEntry {
  const fail = (msg: string) => new UndeliveredFileError(path, n, msg);
  if (typeof raw !== 'object' || raw === null) throw fail('expected a JSON object');
  const l = raw as Partial<Line>;
  if (l.status !== 'undelivered' && l.status !== 'rejected') {
    throw fail(`status must be "undelivered" or "rejected" (got ${JSON.stringify(l.status)})`);
  }
  if (typeof l.subject !== 'string' || l.subject === '') throw fail('subject must be a non-empty string');
  if (typeof l.msgId !== 'string' || l.msgId === '') throw fail('msgId must be a non-empty string');
  if (typeof l.attempts !== 'number' || !Number.isInteger(l.attempts) || l.attempts < 0) {
    throw fail('attempts must be an integer >= 0');
  }
  let payload: Uint8Array;
  if (typeof l.payload === 'string' && l.payloadBase64 === undefined)
    payload = new TextEncoder().encode(l.payload);
  else if (typeof l.payloadBase64 === 'string' && l.payload === undefined) {
    payload = new Uint8Array(Buffer.from(l.payloadBase64, 'base64'));
  } else throw fail('exactly one of payload (string) and payloadBase64 (string) is required');
  const record: OutboxRecord = { subject: l.subject, msgId: l.msgId, payload, attempts: l.attempts };
  if (l.unknownOutcomeSince !== undefined) {
    if (typeof l.unknownOutcomeSince !== 'number' || !Number.isFinite(l.unknownOutcomeSince)) {
      throw fail('unknownOutcomeSince must be a number (epoch ms)');
    }
    record.unknownSince = l.unknownOutcomeSince;
  }
  if (l.lastError !== undefined) {
    if (typeof l.lastError !== 'string') throw fail('lastError must be a string');
    record.lastError = l.lastError;
  }
  return { status: l.status, record };
}
