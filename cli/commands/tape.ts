// `flexarena tape <run-dir>`: the run's tape, uncompressed, on standard output (the file is
// tape.jsonl.gz; `zcat` does the same), or with --verify a check of its content against
// tape.sha256.
import { once } from 'node:events';
import type { Command } from 'commander';
import {
  isUnclosedRun,
  openTapeStream,
  TapeFileError,
  type TapeStream,
  unclosedRunNote,
  verifyTape,
} from '../../arena/index.js';

export function registerTape(program: Command): void {
  program
    .command('tape')
    .description("print a run's tape (tape.jsonl.gz) uncompressed, one JSON record per line")
    .argument('<run-dir>', 'a run folder')
    .option('--verify', 'instead of printing, check the content against tape.sha256')
    .action(async (runDir: string, opts: { verify?: boolean }) => {
      if (opts.verify) {
        const v = await verifyTape(runDir);
        process.stdout.write(
          `tape ok: ${v.lines} lines, ${v.bytes} bytes uncompressed, sha256 ${v.sha256}\n`,
        );
        return;
      }
      // A closed pipe (`flexarena tape run | head`) ends the output quietly.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      const tape = openTapeStream(runDir);
      await copyToStdout(tape);
      // A killed run's tape: every whole line is printed; what it is, and where it ends, on stderr.
      if (isUnclosedRun(runDir) || tape.cutBytes > 0)
        process.stderr.write(`${unclosedRunNote(runDir, tape.lastLine || undefined)}\n`);
    });
}

/**
 * The tape's lines to standard output, waiting for it to drain. A file that cannot be read (not
 * gzip, corrupt inside) is a TapeFileError naming it, as `--verify`, the dashboard and
 * `run --resume` say it; piped with stream.pipeline, zlib's error also destroyed standard output,
 * whose error handler threw it again: a stack trace ('incorrect header check') and no file named.
 */
async function copyToStdout(tape: TapeStream): Promise<void> {
  try {
    for await (const chunk of tape as AsyncIterable<Buffer>)
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  } catch (err) {
    throw new TapeFileError(tape.path, `cannot be read: ${(err as Error).message}`, { cause: err });
  }
}
