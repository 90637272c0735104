// The end of a run folder's tape, read from the end: its last whole line and how many whole lines
// it has, without decompressing the tape from its start (a killed run's note, killed-run.ts, needs
// nothing else; a 125-day tape is ~544 MB uncompressed).
//
// How: every FULL_FLUSH_EVERY_BYTES of lines the tape writer ends a checkpoint with a sync flush
// and a full flush in a row (tape-file.ts). After them the deflate stream is byte-aligned and the
// compressor has forgotten its history, so raw inflate can start there; the two flushes leave the
// bytes FULL_FLUSH_SIGNATURE. The reader looks for the last of them in the file's end and inflates
// from there to the end of the file. Checks, against bytes that only look like the signature: the
// lines are whole JSON objects whose `seq` counts up by one — every tape line carries its index in
// the tape as `seq` (sim/records/records.ts: Output numbers tape records from 0 for every sink) —
// so the count is the last line's seq + 1.
//
// A tape with no full flush in its last MAX_TAIL_BYTES (written before full flushes existed, or
// shorter than FULL_FLUSH_EVERY_BYTES of lines) gives undefined: the caller reads it whole.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync, constants as zlib } from 'node:zlib';
import { FULL_FLUSH_SIGNATURE, tapePath } from './tape-file.js';

/**
 * How much of the file's end is read, at most, before giving up (the window grows ×4 up to it): the
 * last full flush lies within 4 MiB of lines of the end, fewer bytes once compressed.
 */
export const MAX_TAIL_BYTES = 4 * 1024 * 1024;
const FIRST_WINDOW_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

export interface TapeTail {
  /** The last whole line (without its newline); undefined when the tape holds none. */
  lastLine: string | undefined;
  /** Whole lines in the tape. */
  lines: number;
  /** Bytes of the file read to find them. */
  bytesRead: number;
}

/** The tape's last whole line and line count, read from its end; undefined when that cannot be done. */
export function readTapeTail(runDir: string, maxBytes = MAX_TAIL_BYTES): TapeTail | undefined {
  const { path, gzip } = tapePath(runDir);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    return gzip ? gzipTail(fd, size, maxBytes) : plainTail(fd, size, maxBytes);
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, start: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, start + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

function gzipTail(fd: number, size: number, maxBytes: number): TapeTail | undefined {
  let window = Math.min(FIRST_WINDOW_BYTES, maxBytes);
  /** Candidates at or after this file offset were tried in a smaller window. */
  let triedFrom = size;
  let bytesRead = 0;
  for (;;) {
    const start = Math.max(0, size - window);
    const buf = readAt(fd, start, size - start);
    bytesRead += buf.length;
    for (let i = lastMarkerBefore(buf, triedFrom - start); i >= 0; i = lastMarkerBefore(buf, i)) {
      const found = linesAfter(buf.subarray(i + FULL_FLUSH_SIGNATURE.length));
      if (found) return { ...found, bytesRead };
    }
    triedFrom = start;
    if (start === 0 || window >= maxBytes) return undefined;
    window = Math.min(window * 4, maxBytes);
  }
}

/** The offset of the last full-flush signature that starts before `end`, or −1. */
function lastMarkerBefore(buf: Buffer, end: number): number {
  if (end <= 0) return -1;
  return buf.lastIndexOf(FULL_FLUSH_SIGNATURE, end - 1);
}

/**
 * The deflate data after a full flush, inflated to the end of the file; the last whole line and
 * the count when it is a run of whole tape lines numbered without a gap, else undefined.
 */
function linesAfter(deflate: Buffer): Omit<TapeTail, 'bytesRead'> | undefined {
  let out: Buffer;
  try {
    // The file may end without the gzip trailer (the run never closed it): inflate what is there.
    out = inflateRawSync(deflate, { finishFlush: zlib.Z_SYNC_FLUSH });
  } catch {
    return undefined;
  }
  return numberedLines(out);
}

/** Whole lines of `bytes` (from its start) that carry seq n, n+1, …: the last and its seq + 1. */
function numberedLines(bytes: Buffer): Omit<TapeTail, 'bytesRead'> | undefined {
  const end = bytes.lastIndexOf(NEWLINE) + 1;
  if (end === 0) return undefined;
  const lines = bytes
    .subarray(0, end - 1)
    .toString('utf8')
    .split('\n');
  let prev: number | undefined;
  for (const line of lines) {
    const seq = seqOf(line);
    if (seq === undefined || (prev !== undefined && seq !== prev + 1)) return undefined;
    prev = seq;
  }
  return { lastLine: lines.at(-1), lines: prev! + 1 };
}

function seqOf(line: string): number | undefined {
  try {
    const seq = (JSON.parse(line) as { seq?: unknown }).seq;
    return Number.isSafeInteger(seq) && (seq as number) >= 0 ? (seq as number) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An uncompressed tape (tape.jsonl of older runs): the bytes after the second-to-last newline hold
 * the last whole line; read backwards until it is found.
 */
function plainTail(fd: number, size: number, maxBytes: number): TapeTail | undefined {
  let window = Math.min(64 * 1024, maxBytes);
  let bytesRead = 0;
  for (;;) {
    const start = Math.max(0, size - window);
    const buf = readAt(fd, start, size - start);
    bytesRead += buf.length;
    const end = buf.lastIndexOf(NEWLINE);
    if (end < 0 && start === 0) return { lastLine: undefined, lines: 0, bytesRead };
    if (end >= 0) {
      const from = end === 0 ? -1 : buf.lastIndexOf(NEWLINE, end - 1);
      if (from >= 0 || start === 0) {
        const found = numberedLines(buf.subarray(from + 1, end + 1));
        return found ? { ...found, bytesRead } : undefined;
      }
    }
    if (window >= maxBytes) return undefined;
    window = Math.min(window * 4, maxBytes);
  }
}
