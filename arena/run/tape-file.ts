// The tape on disk: tape.jsonl.gz, the JSON lines of the tape gzip-compressed as they are written
// (node:zlib, streaming), and tape.sha256, the sha256 over the *uncompressed* lines — the
// determinism fingerprint is about the content, so it is the same whatever the compression and
// `zcat tape.jsonl.gz | sha256sum` reproduces it. A day of JSON lines compresses about 16× at
// level 1 (the demo: 12.3 MB → 0.75 MB); level 1 keeps the compression cheap next to the simulation.
// Run folders written before the tape was compressed (a plain tape.jsonl) are still read.

import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
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

/**
 * Compressed tape bytes held back until a checkpoint (see TapeFileSink) at most this long: a
 * writer that never calls checkpoint() (a test) then writes as it goes, and the file may end
 * inside a decision point.
 */
const HOLD_BYTES = 4 * 1024 * 1024;

/**
 * Lines (uncompressed bytes) between full flushes. A full flush costs the compression of the 32 KiB
 * after it; every 4 MiB (≈ 300 KB compressed, about a day of the demo scenario) that is a fraction of a
 * percent, and a tail reader decompresses at most this much plus one decision point's lines.
 */
export const FULL_FLUSH_EVERY_BYTES = 4 * 1024 * 1024;

/**
 * What a sync flush followed at once by a full flush leaves in the deflate stream: the sync flush's
 * empty stored block ends in 00 00 FF FF (byte-aligned), and the full flush adds another empty
 * stored block, a header byte 00 then 00 00 FF FF. Found by zlib's output as Node 20 makes it; a
 * zlib that wrote otherwise would only make the tail reader fall back to reading the whole tape.
 */
export const FULL_FLUSH_SIGNATURE = Buffer.from([0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff]);

/**
 * tape.jsonl.gz and its sha256 (over the uncompressed lines).
 *
 * What a process killed outright (SIGKILL, the OOM killer) leaves: the driver calls checkpoint()
 * when a decision point opens, before its agents are asked. The lines so far are then compressed
 * with a sync flush (zlib's Z_SYNC_FLUSH: the deflate stream is byte-aligned there, so everything
 * up to it decompresses without what follows) and written with one write(2) on the main thread;
 * compressed output is held back between checkpoints. So the file on disk always ends where a
 * decision point opened, its records before that decision point's answers — the boundary a
 * resumed run re-simulates to — and a kill costs only the decision points whose compression was
 * still under way on the thread pool (normally the one being answered). The bytes are in the
 * kernel, not on the disk: a kill loses nothing of them, a power cut may (no fsync per decision
 * point). The gzip trailer comes only at close(): readers accept a tape without it (readTapeText).
 *
 * Every FULL_FLUSH_EVERY_BYTES of lines, the checkpoint's sync flush is followed by a full one
 * (Z_FULL_FLUSH: also forgets the compressor's 32 KiB history), so decompression can start there
 * without anything before it: a reader that needs only the tape's end (tape-tail.ts, for a killed
 * run's note) decompresses from the last full flush instead of from the start of a tape of any
 * length. The two flushes in a row end in FULL_FLUSH_SIGNATURE, which the reader looks for.
 */
export class TapeFileSink implements RecordSink {
  private readonly gzip: Gzip;
  private readonly fd: number;
  private readonly done: Promise<void>;
  private readonly encoder: TapeEncoder;
  /** Compressed output not yet written (held back until the next checkpoint). */
  private held: Buffer[] = [];
  private heldBytes = 0;
  private failed: Error | undefined;
  /** Uncompressed bytes handed to zlib since the last full flush (counted as lines, so the same each run). */
  private sinceFullFlush = 0;

  private readonly fullFlushEveryBytes: number;

  /** `fullFlushEveryBytes`: FULL_FLUSH_EVERY_BYTES unless a test wants full flushes sooner. */
  constructor(path: string, opts: { fullFlushEveryBytes?: number } = {}) {
    this.fullFlushEveryBytes = opts.fullFlushEveryBytes ?? FULL_FLUSH_EVERY_BYTES;
    this.gzip = createGzip({ level: zlib.Z_BEST_SPEED });
    this.fd = openSync(path, 'w');
    // A 'data' listener keeps the stream flowing: each output chunk is handed over as zlib makes
    // it, before the callback of the write (or flush) that produced it runs.
    this.gzip.on('data', (chunk: Buffer) => {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      if (this.heldBytes >= HOLD_BYTES) this.writeOrFail();
    });
    this.done = new Promise((resolve, reject) => {
      this.gzip.on('end', () => {
        try {
          this.writeHeld();
          closeSync(this.fd);
          resolve();
        } catch (err) {
          reject(err);
        }
      });
      this.gzip.on('error', reject);
    });
    // The gzip stream calls back once it has consumed a chunk: its buffer is then reused.
    this.encoder = new TapeEncoder((lines, release) => {
      this.sinceFullFlush += lines.length;
      this.gzip.write(lines, release);
    });
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

  /**
   * A decision point opens: every line so far goes to the file, compressed and sync-flushed, as
   * soon as the thread pool has compressed it; then `written` runs (settlements.jsonl follows the
   * tape to the same point). Not awaited: the run goes on while zlib works.
   */
  checkpoint(written?: () => void): void {
    this.encoder.flush();
    const done = () => {
      if (this.writeOrFail()) written?.();
    };
    if (this.sinceFullFlush < this.fullFlushEveryBytes) {
      this.gzip.flush(zlib.Z_SYNC_FLUSH, done);
      return;
    }
    this.sinceFullFlush = 0;
    this.gzip.flush(zlib.Z_SYNC_FLUSH);
    this.gzip.flush(zlib.Z_FULL_FLUSH, done);
  }

  /** Writes what is held; a failure (disk full) surfaces at close(), where the run then fails. */
  private writeOrFail(): boolean {
    try {
      this.writeHeld();
      return true;
    } catch (err) {
      this.failed ??= err as Error;
      return false;
    }
  }

  /** Writes the last lines, finishes the compressed file; returns the tape's sha256. */
  async close(): Promise<string> {
    const sha256 = this.encoder.seal();
    this.gzip.end();
    await this.done;
    if (this.failed) throw this.failed;
    return sha256;
  }

  private writeHeld(): void {
    if (this.heldBytes === 0) return;
    const bytes = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    writeAll(this.fd, bytes);
  }
}

/** write(2) until every byte is written (a regular file takes them in one call, but need not). */
export function writeAll(fd: number, bytes: Buffer): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
}

export function tapePath(runDir: string): { path: string; gzip: boolean } {
  // Said of the folder itself, as `dashboard` and `report` say it, not of a tape inside it.
  if (!existsSync(runDir)) throw new TapeFileError(runDir, 'no such folder');
  const gz = join(runDir, TAPE_FILE);
  if (existsSync(gz)) return { path: gz, gzip: true };
  const plain = join(runDir, LEGACY_TAPE_FILE);
  if (existsSync(plain)) return { path: plain, gzip: false };
  throw new TapeFileError(gz, `missing (and no ${LEGACY_TAPE_FILE} either): is this a run folder?`);
}

/** A run folder's tape, uncompressed, up to its last whole line. */
export interface TapeText {
  path: string;
  /** Whole lines only, each with its newline. */
  text: string;
  /**
   * The file lacks gzip's end (its trailer), or ends inside a line: the run never closed its tape
   * (killed outright, or still running). `text` then holds every whole line it has.
   */
  unfinished: boolean;
}

/** A run folder's tape as bytes, uncompressed, up to its last whole line (see TapeText). */
export interface TapeBytes {
  path: string;
  /** Whole lines only, each with its newline. */
  bytes: Buffer;
  unfinished: boolean;
}

/** The tape read as far as it goes: a tape that was never closed (a killed run) up to its last whole line. */
export function readTapeFile(runDir: string): TapeText {
  const { path, bytes, unfinished } = readTapeBytes(runDir);
  return { path, text: bytes.toString('utf8'), unfinished };
}

/**
 * readTapeFile without making the tape one string, for tapes of any length (V8 makes no string
 * longer than ~512 MiB; a long run's tape is longer: arena/replay/tape-lines.ts).
 */
export function readTapeBytes(runDir: string): TapeBytes {
  const { path, gzip } = tapePath(runDir);
  let bytes: Buffer;
  let unfinished = false;
  try {
    bytes = readFileSync(path);
    if (gzip) {
      try {
        bytes = gunzipSync(bytes);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'Z_BUF_ERROR') throw err;
        // "unexpected end of file": no trailer. Everything up to the last sync flush decompresses.
        bytes = gunzipSync(bytes, { finishFlush: zlib.Z_SYNC_FLUSH });
        unfinished = true;
      }
    }
  } catch (err) {
    throw new TapeFileError(path, `cannot be read: ${(err as Error).message}`, { cause: err });
  }
  const end = bytes.lastIndexOf(NEWLINE) + 1;
  if (end < bytes.length) unfinished = true;
  return { path, bytes: bytes.subarray(0, end), unfinished };
}

/**
 * The whole uncompressed tape of a run folder as text (tests, replay: tapes that fit in memory);
 * a tape that was never closed (a killed run), up to its last whole line.
 */
export function readTapeText(runDir: string): string {
  return readTapeFile(runDir).text;
}

/** The tape's records, parsed. */
export function readTapeRecords(runDir: string): Record<string, unknown>[] {
  return readTapeText(runDir)
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const NEWLINE = 0x0a;

/**
 * Passes whole lines only: the bytes after the last newline (a line cut by a kill) are dropped at
 * the end, and counted. Keeps the last whole line, to say where a cut tape ends.
 */
class WholeLines extends Transform {
  private tail: Buffer = Buffer.alloc(0);
  /** Bytes after the last newline, dropped. */
  cutBytes = 0;
  lastLine = '';

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const bytes = this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk;
    const end = bytes.lastIndexOf(NEWLINE) + 1;
    if (end > 0) {
      const prev = bytes.lastIndexOf(NEWLINE, end - 2) + 1;
      this.lastLine = bytes.subarray(prev, end - 1).toString('utf8');
    }
    this.tail = Buffer.from(bytes.subarray(end));
    done(null, end > 0 ? bytes.subarray(0, end) : undefined);
  }

  override _flush(done: TransformCallback): void {
    this.cutBytes = this.tail.length;
    done();
  }
}

export type TapeStream = NodeJS.ReadableStream & {
  path: string;
  /** After the end: the bytes of an unfinished last line (dropped), and the last whole line. */
  readonly cutBytes: number;
  readonly lastLine: string;
};

/**
 * The uncompressed tape as a stream (any size), for `flexarena tape`: whole lines, and a tape that
 * was never closed (a killed run) up to its last whole line, without an error.
 */
export function openTapeStream(runDir: string): TapeStream {
  const { path, gzip } = tapePath(runDir);
  const raw = createReadStream(path);
  const lines = new WholeLines();
  const stream = gzip ? raw.pipe(createGunzip({ finishFlush: zlib.Z_SYNC_FLUSH })) : raw;
  raw.on('error', (err) => lines.destroy(err));
  if (stream !== raw) stream.on('error', (err: Error) => lines.destroy(err));
  stream.pipe(lines);
  return Object.assign(lines, { path });
}

/** The sha256 recorded in a run folder's tape.sha256. */
export function recordedTapeSha256(runDir: string): string {
  const path = join(runDir, TAPE_SHA_FILE);
  if (!existsSync(path))
    throw new TapeFileError(
      path,
      'missing: the run never closed its tape (killed outright, or still running), so there is no hash to verify against',
    );
  return readFileSync(path, 'utf8').trim().split(/\s+/)[0]!;
}

/**
 * Reads the whole tape (streaming, any size), hashes the uncompressed lines and compares the hash
 * with tape.sha256; throws TapeFileError when they differ.
 */
export async function verifyTape(runDir: string): Promise<{ sha256: string; lines: number; bytes: number }> {
  // A folder without a tape is no run folder, not a run that never closed its tape.
  tapePath(runDir);
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
