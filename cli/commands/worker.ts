// `flexarena worker --nats <url>`: plays tournament games from the JetStream work queue (any number
// of workers, on any host with this repository), publishing each result; runs until stopped.
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FlexArenaError } from '../../lib/index.js';
import { DEFAULT_NATS_OUTAGE_LIMIT_MS } from '../../lib/nats-retry.js';
import { TournamentWorker } from '../../tournament/index.js';
import { parseNatsOutageLimit, stopOnSignal } from '../options.js';

interface WorkerFlags {
  nats: string;
  name: string;
  out: string;
  ackWaitMs: string;
  maxGames?: string;
  natsOutageLimit: number;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('play tournament games from the JetStream work queue (flexarena tournament --nats)')
    .option('--nats <url>', 'NATS server', process.env.FLEXARENA_NATS_URL ?? 'nats://127.0.0.1:4222')
    .option('--name <name>', 'worker name (in results and logs)', `${hostname()}-${process.pid}`)
    .option('--out <dir>', 'parent folder of the games run folders', join('runs', 'worker'))
    .option(
      '--ack-wait-ms <ms>',
      "a dead worker's game goes to another after this (if this worker creates the queue)",
      '30000',
    )
    .option('--max-games <n>', 'stop after this many games')
    .option(
      '--nats-outage-limit <seconds>',
      'wait this long for NATS to come back when it goes away, then stop with an error (≥ 1)',
      parseNatsOutageLimit,
      DEFAULT_NATS_OUTAGE_LIMIT_MS / 1000,
    )
    .action(async (o: WorkerFlags) => {
      const ackWaitMs = Number(o.ackWaitMs);
      if (!Number.isSafeInteger(ackWaitMs) || ackWaitMs < 1_000)
        throw new FlexArenaError(`--ack-wait-ms must be an integer >= 1000, got ${o.ackWaitMs}`);
      const maxGames = o.maxGames === undefined ? undefined : Number(o.maxGames);
      if (maxGames !== undefined && (!Number.isSafeInteger(maxGames) || maxGames < 1))
        throw new FlexArenaError(`--max-games must be a positive integer, got ${o.maxGames}`);
      const worker = new TournamentWorker({
        natsUrl: o.nats,
        name: o.name,
        outDir: o.out,
        ackWaitMs,
        natsOutageLimitMs: o.natsOutageLimit * 1000,
        ...(maxGames !== undefined ? { maxGames } : {}),
      });
      const stop = stopOnSignal('stopping the worker (the game in progress goes back to the queue)');
      stop.signal.addEventListener('abort', () => void worker.stop(String(stop.signal.reason)));
      await worker.run().finally(() => stop.release());
    });
}
