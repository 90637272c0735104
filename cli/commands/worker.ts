// `flexarena worker --nats <url>`: plays tournament games from the JetStream work queue (any number
// of workers, on any host with this repository), publishing each result; runs until stopped.
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_NATS_OUTAGE_LIMIT_MS } from '../../arena/index.js';
import {
  ACK_WAIT_MS_LIMITS,
  ackWaitMsOption,
  NATS_URL_HELP,
  natsUrlOf,
  natsUrlOption,
  natsUrlSource,
} from '../nats-options.js';
import { intOption, nameOption, parseNatsOutageLimit, pathOption, stopOnSignal } from '../options.js';

interface WorkerFlags {
  nats?: string;
  name: string;
  out: string;
  ackWaitMs: number;
  maxGames?: number;
  natsOutageLimit: number;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('play tournament games from the JetStream work queue (flexarena tournament --nats)')
    .option('--nats <url>', NATS_URL_HELP, natsUrlOption)
    .option(
      '--name <name>',
      'worker name (in results and logs)',
      nameOption('--name'),
      `${hostname()}-${process.pid}`,
    )
    .option(
      '--out <dir>',
      'parent folder of the games run folders',
      pathOption('--out'),
      join('runs', 'worker'),
    )
    .option(
      '--ack-wait-ms <ms>',
      `a dead worker's game goes to another after this (if this worker creates the queue; ${ACK_WAIT_MS_LIMITS.min} to ${ACK_WAIT_MS_LIMITS.max})`,
      ackWaitMsOption(),
      30_000,
    )
    .option(
      '--max-games <n>',
      'stop after this many games (at least 1)',
      intOption('--max-games', { min: 1 }),
    )
    .option(
      '--nats-outage-limit <seconds>',
      'wait this long for NATS to come back when it goes away, then stop with an error (1 to 2147483)',
      parseNatsOutageLimit,
      DEFAULT_NATS_OUTAGE_LIMIT_MS / 1000,
    )
    .action(async (o: WorkerFlags) => {
      // Loaded here, not with the options: the tournament runtime (ratings, statistics, the
      // runner) is ~1 500 module files that a usage error or --help has no use for.
      const { TournamentWorker } = await import('../../tournament/index.js');
      const worker = new TournamentWorker({
        natsUrl: natsUrlOf(o.nats),
        natsUrlFrom: natsUrlSource(o.nats),
        name: o.name,
        outDir: o.out,
        ackWaitMs: o.ackWaitMs,
        ...(o.maxGames !== undefined ? { maxGames: o.maxGames } : {}),
        natsOutageLimitMs: o.natsOutageLimit * 1000,
      });
      const stop = stopOnSignal('stopping the worker (the game in progress goes back to the queue)');
      stop.signal.addEventListener('abort', () => void worker.stop(String(stop.signal.reason)));
      await worker.run().finally(() => stop.release());
    });
}
