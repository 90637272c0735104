// The tape on disk: tape.jsonl.gz, the JSON lines of the tape gzip-compressed as they are written
// (node:zlib, streaming), and tape.sha256, the sha256 over the *uncompressed* lines — the
// determinism fingerprint is about the content, so it is the same whatever the compression and
// `zcat tape.jsonl.gz | sha256sum` reproduces it. A day of JSON lines compresses about 16× at
// level 1 (the demo: 12.3 MB → 0.75 MB); level 1 keeps the compression cheap next to the simulation.
// Run folders written before the tape was compressed (a plain tape.jsonl) are still read.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createGunzip, createGzip, type Gzip, gunzipSync, constants as zlib } from 'node:zlib';
import { FlexArenaError } from '../../lib/index.js';
import { type RecordSink, type SequencedTapeRecord, TapeEncoder, type TapeEvent } from '../../sim/index.js';

export const TAPE_FILE = 'tape.jsonl.gz';
/** The uncompressed tape of run folders written before compression. */
export const LEGACY_TAPE_FILE = 'tape.jsonl';
export const TAPE_SHA_FILE = 'tape.sha256';

/** The tape of a run folder is missing or unreadable. */
export class TapeFileError extends FlexArenaError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${message}`, options);
  }
}

/** tape.jsonl.gz and its sha256 (over the uncompressed lines). */
export class TapeFileSink implements RecordSink {
  private readonly gzip: Gzip;
  private readonly out: WriteStream;
  private readonly done: Promise<void>;
  private readonly encoder: TapeEncoder;

  constructor(path: string) {
    this.gzip = createGzip({ level: zlib.Z_BEST_SPEED });
    this.out = createWriteStream(path);
    this.done = new Promise((resolve, reject) => {
      this.out.on('finish', resolve);
      this.out.on('error', reject);
      this.gzip.on('error', reject);
    });
    this.gzip.pipe(this.out);
    // The gzip stream calls back once it has consumed a chunk: its buffer is then reused.
    this.encoder = new TapeEncoder((lines, release) => this.gzip.write(lines, release));
  }

  get count(): number {
    return this.encoder.count;
  }

  tape(record: SequencedTapeRecord): void {
    this.encoder.tape(record);
  }

  tapeEvent(seq: number, event: TapeEvent): void {
    this.encoder.tapeEvent(seq, event);
  }

  /** Writes the last lines, finishes the compressed file; returns the tape's sha256. */
  async close(): Promise<string> {
    const sha256 = this.encoder.seal();
    this.gzip.end();
    await this.done;
    return sha256;
  }
}

function tapePath(runDir: string): { path: string; gzip: boolean } {
  const gz = join(runDir, TAPE_FILE);
  if (existsSync(gz)) return { path: gz, gzip: true };
  const plain = join(runDir, LEGACY_TAPE_FILE);
  if (existsSync(plain)) return { path: plain, gzip: false };
  throw new TapeFileError(gz, `missing (and no ${LEGACY_TAPE_FILE} either): is this a run folder?`);
}

/** The whole uncompressed tape of a run folder as text (tests, replay: tapes that fit in memory). */
export function readTapeText(runDir: string): string {
  const { path, gzip } = tapePath(runDir);
  try {
    const bytes = readFileSync(path);
    return (gzip ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (err) {
    throw new TapeFileError(path, `cannot be read: ${(err as Error).message}`, { cause: err });
  }
}

/** The tape's records, parsed. */
export function readTapeRecords(runDir: string): Record<string, unknown>[] {
  return readTapeText(runDir)
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The uncompressed tape as a stream (any size), for `flexarena tape`. */
export function openTapeStream(runDir: string): NodeJS.ReadableStream & { path: string } {
  const { path, gzip } = tapePath(runDir);
  const raw = createReadStream(path);
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  return Object.assign(stream, { path });
}

/** The sha256 recorded in a run folder's tape.sha256. */
export function recordedTapeSha256(runDir: string): string {
  const path = join(runDir, TAPE_SHA_FILE);
  if (!existsSync(path)) throw new TapeFileError(path, 'missing');
  return readFileSync(path, 'utf8').trim().split(/\s+/)[0]!;
}

/**
 * Reads the whole tape (streaming, any size), hashes the uncompressed lines and compares the hash
 * with tape.sha256; throws TapeFileError when they differ.
 */
export async function verifyTape(runDir: string): Promise<{ sha256: string; lines: number; bytes: number }> {
  const recorded = recordedTapeSha256(runDir);
  const stream = openTapeStream(runDir);
  const hash = createHash('sha256');
  let lines = 0;
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
    }
  } catch (err) {
    throw new TapeFileError(stream.path, `cannot be read: ${(err as Error).message}`, { cause: err });
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== recorded)
    throw new TapeFileError(
      stream.path,
      `its content has sha256 ${sha256}, but ${TAPE_SHA_FILE} records ${recorded}: the tape was changed or is incomplete`,
    );
  return { sha256, lines, bytes };
}
