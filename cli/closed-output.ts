// A command whose reader went away (`flexarena run … | head`, a terminal closed): the next write
// to standard output or error fails with EPIPE, which Node raises as an unhandled 'error' event —
// the command died with a stack trace, a run half-way with its private nats-server store left
// behind. The output is only a view of the work: the command goes on without it (a run finishes
// and writes its folder), writes to the closed stream are dropped, and the exit status is the
// command's own.
import type { Writable } from 'node:stream';

const CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

/** Drops what `stream` cannot deliver any more once its reader closed it; other errors stand. */
export function outliveClosedReader(stream: Writable): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== undefined && CLOSED.has(err.code)) return;
    throw err;
  });
}
