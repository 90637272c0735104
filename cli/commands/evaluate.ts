// `flexarena evaluate`: the evaluation service. Without --run-dir it runs as its own process: a
// durable JetStream consumer of the settlement stream that writes scores.json into each run
// folder when the run is complete and answers on a small HTTP endpoint (GET /runs, /runs/<id>).
// With --run-dir it scores one run folder from its files and exits.
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { unclosedRunNoteOf } from '../../arena/index.js';
import { type BoundSolver, EvaluatorService, scoreRunFolder, writeScores } from '../../evaluation/index.js';
import { InterruptedError, loadHighs } from '../../lib/index.js';
import {
  ACK_WAIT_MS_LIMITS,
  ackWaitMsOption,
  NATS_URL_HELP,
  natsUrlOf,
  natsUrlOption,
  natsUrlSource,
} from '../nats-options.js';
import { hostOption, pathOption, portOption, stopOnSignal } from '../options.js';
import { formatScoresTable, scoresStatusLine } from '../scores-table.js';

interface EvaluateFlags {
  nats?: string;
  runsDir: string;
  stateDir?: string;
  durable: string;
  httpHost: string;
  httpPort: number;
  runDir?: string;
  solver: string;
  ackWaitMs: number;
}

/**
 * `--durable <name>`: a JetStream consumer name (no blank, whitespace, `.`, `*`, `>`, path
 * separators). Checked here: NATS refused it only after the HTTP endpoint was up and NATS connected.
 */
function durableOption(v: string): string {
  if (v === '' || /[\s.*>/\\]/.test(v))
    throw new InvalidArgumentError(
      `--durable must be a consumer name without spaces, ".", "*", ">", "/" or "\\", got "${v}"`,
    );
  return v;
}

/** The options of the service (a JetStream consumer with an HTTP endpoint), not of --run-dir. */
const SERVICE_OPTIONS = [
  ['nats', '--nats'],
  ['runsDir', '--runs-dir'],
  ['stateDir', '--state-dir'],
  ['durable', '--durable'],
  ['httpHost', '--http-host'],
  ['httpPort', '--http-port'],
  ['ackWaitMs', '--ack-wait-ms'],
] as const;

async function boundSolver(name: string): Promise<BoundSolver> {
  if (name === 'dp') return { kind: 'dp' };
  // commander has checked the name against the option's choices.
  return { kind: 'highs', solver: await loadHighs() };
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description(
      'score runs: a durable JetStream consumer of settlement records (or one run folder with --run-dir)',
    )
    .option('--nats <url>', NATS_URL_HELP, natsUrlOption)
    .option(
      '--runs-dir <dir>',
      'parent folder of the run folders (scores.json goes into <dir>/<run-id>/)',
      pathOption('--runs-dir'),
      'runs',
    )
    .option(
      '--state-dir <dir>',
      "the evaluator's journal (default <runs-dir>/.evaluator)",
      pathOption('--state-dir'),
    )
    .option('--durable <name>', 'durable consumer name', durableOption, 'flexarena-evaluator')
    .option('--http-host <host>', 'interface of the HTTP endpoint', hostOption('--http-host'), '127.0.0.1')
    .option(
      '--http-port <n>',
      'port of the HTTP endpoint (0: any free port)',
      portOption('--http-port'),
      8787,
    )
    .option(
      '--ack-wait-ms <ms>',
      `redelivery of unacknowledged messages (new consumers; ${ACK_WAIT_MS_LIMITS.min} to ${ACK_WAIT_MS_LIMITS.max})`,
      ackWaitMsOption(),
      30_000,
    )
    .option('--run-dir <dir>', 'score this run folder from its files and exit', pathOption('--run-dir'))
    .addOption(
      new Option('--solver <name>', 'perfect-foresight bound solver: dp (exact, fast) or highs (LP/MIP)')
        .choices(['dp', 'highs'])
        .default('dp'),
    )
    .action(async (o: EvaluateFlags, cmd: Command) => {
      // The service's options do nothing when one folder is scored: said, not ignored.
      if (o.runDir !== undefined) {
        const service = SERVICE_OPTIONS.find(([key]) => cmd.getOptionValueSource(key) === 'cli');
        if (service)
          throw new InvalidArgumentError(
            `${service[1]} is an option of the evaluation service; --run-dir scores one folder from its files`,
          );
      }
      const solver = await boundSolver(o.solver);
      if (o.runDir) {
        const scores = scoreRunFolder(o.runDir, solver);
        writeScores(o.runDir, scores);
        process.stdout.write(`${formatScoresTable(scores)}\n`);
        process.stdout.write(`${scoresStatusLine(scores, o.runDir)}\n`);
        const killed = unclosedRunNoteOf(o.runDir);
        if (killed) process.stdout.write(`${killed}\n`);
        return;
      }
      const service = new EvaluatorService({
        natsUrl: natsUrlOf(o.nats),
        natsUrlFrom: natsUrlSource(o.nats),
        runsDir: o.runsDir,
        ...(o.stateDir ? { stateDir: o.stateDir } : {}),
        durableName: o.durable,
        httpHost: o.httpHost,
        httpPort: o.httpPort,
        solver,
        ackWaitMs: o.ackWaitMs,
      });
      // Ctrl-C (SIGTERM) stops it as it stops a run: it says so and exits 130 (143); it exited 0
      // without a word. A second one exits at once.
      const stop = stopOnSignal('stopping the evaluator');
      const stopped = new Promise<string>((resolve) =>
        stop.signal.addEventListener('abort', () => resolve(String(stop.signal.reason)), { once: true }),
      );
      // What serves until stopped; a step the stop overtook goes no further.
      const forever = () => new Promise<never>(() => undefined);
      const serve = async (): Promise<never> => {
        // NATS first: an evaluator that could not reach it printed FLEXARENA_EVALUATOR_LISTENING
        // and its HTTP endpoint, then failed — a script took the line for a running service.
        await service.reach();
        if (stop.signal.aborted) return forever();
        await service.open();
        // Machine-readable line for tools and tests.
        process.stdout.write(`FLEXARENA_EVALUATOR_LISTENING http://${o.httpHost}:${service.httpPort}\n`);
        process.stderr.write(`evaluator: HTTP on http://${o.httpHost}:${service.httpPort}/runs\n`);
        await service.follow();
        if (!stop.signal.aborted) process.stderr.write('evaluator: consuming settlement records\n');
        return forever();
      };
      const serving = serve();
      // Once stopped, what the steps still under way fail with (a closed connection) is no news.
      serving.catch(() => undefined);
      try {
        const sig = await Promise.race([serving, stopped]);
        await service.stop();
        throw new InterruptedError(
          sig,
          `evaluator stopped by ${sig}; every record it acknowledged is in its journal (${o.stateDir ?? join(o.runsDir, '.evaluator')}): started again, it goes on from there`,
        );
      } catch (err) {
        if (!(err instanceof InterruptedError)) await service.stop().catch(() => undefined);
        throw err;
      } finally {
        stop.release();
      }
    });
}
