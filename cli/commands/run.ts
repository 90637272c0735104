// `flexarena run <config>`: one run of the arena. Agents play as separate processes over gRPC by
// default; with --in-process every agent the arena would launch plays as an object in this
// process instead (same core, same tape), which is several times faster. With mode: realtime (or
// --realtime <speed>) the virtual clock is paced against the wall clock and never waits for agents.
import { dirname, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { createStrategy, hasStrategy } from '../../agents/strategies/index.js';
import type { LiveDashboard } from '../../dashboard/index.js';
import { InterruptedError, SEED_LIMITS } from '../../lib/index.js';
import { type LocalAgent, REALTIME_SPEED_LIMITS, type RunConfig } from '../../sim/index.js';
import { checkLaunchedStrategies, resolveLaunchedParamPaths, runWelcomes } from '../check-strategies.js';
import { applyExternalAgents, collectExternal } from '../external-agents.js';
import {
  hostOption,
  intOption,
  numberOption,
  pathOption,
  portOption,
  stopOnSignal,
  untilSignal,
} from '../options.js';
import { formatFaultLines, formatResultsTable } from '../results-table.js';
import { runFolderFiles } from '../run-folder-files.js';

/**
 * The built-in strategies of `cfg` that the arena would launch, as strategy objects; agents with
 * their own command line (`command`, `runtime`) stay processes.
 */
export function inProcessAgents(cfg: RunConfig): Map<string, LocalAgent> {
  return new Map(
    cfg.agents
      .filter((a) => a.launch && !a.command && !a.runtime)
      .map((a) => [a.id, createStrategy(a.strategy, a.params)]),
  );
}

interface RunFlags {
  seed?: number;
  port?: number;
  out?: string;
  runId?: string;
  host: string;
  inProcess?: boolean;
  dashboard?: boolean;
  dashboardPort?: number;
  dashboardWait: boolean;
  pace?: number;
  /** Absent when not given (no default: the help would show "(default: [])"). */
  external?: string[];
  realtime?: number;
  resume?: string;
}

/**
 * The slowest --pace. The pacer sleeps a decision interval (up to 240 virtual minutes) divided by
 * the pace, and Node.js runs a timer of more than 2^31 − 1 ms (24.8 days) after 1 ms instead: a
 * pace of 0.0001 ran the run unpaced. At 0.01 the longest sleep is 16.7 days.
 */
const MIN_PACE = 0.01;

/** What --resume cannot be combined with: the run goes on as it began, in its own folder. */
const NOT_WITH_RESUME = [
  ['seed', '--seed'],
  ['port', '--port'],
  ['out', '--out'],
  ['runId', '--run-id'],
  ['realtime', '--realtime'],
  ['dashboard', '--dashboard'],
] as const;

/**
 * Starts the page and the nats-server it reads before the run, and points the run at that server.
 * A stop (Ctrl-C) while it waits for the page closes both and ends the command: before, the signal
 * killed it there, leaving the nats-server's store folder behind and saying nothing.
 */
async function openDashboard(
  cfg: RunConfig,
  runId: string,
  o: RunFlags,
  signal: AbortSignal,
): Promise<LiveDashboard> {
  // Loaded only when asked for: every agent process runs this command file too.
  const { DashboardError, startLiveDashboard } = await import('../../dashboard/index.js');
  if (!cfg.nats.enabled)
    throw new DashboardError('--dashboard needs NATS: the configuration sets nats.enabled: false');
  if (cfg.nats.url || process.env.FLEXARENA_NATS_URL)
    throw new DashboardError(
      '--dashboard starts its own nats-server (the page needs its WebSocket listener); remove nats.url / FLEXARENA_NATS_URL',
    );
  const dash = await startLiveDashboard({ runId, port: o.dashboardPort });
  // Machine-readable line for tools and tests, then one for people.
  process.stdout.write(`FLEXARENA_DASHBOARD ${dash.pageUrl} ${runId} ${dash.natsUrl} ${dash.wsUrl}\n`);
  process.stderr.write(`dashboard: ${dash.pageUrl}\n`);
  if (o.dashboardWait) {
    process.stderr.write(
      'dashboard: the run starts when the page is open (--no-dashboard-wait starts at once)\n',
    );
    if (!(await pageOrStop(dash, signal))) {
      await dash.close();
      const sig = String(signal.reason);
      throw new InterruptedError(
        sig,
        `run interrupted by ${sig} before it started (it waited for the dashboard page); the dashboard is closed and no run folder was written`,
      );
    }
  }
  return dash;
}

/** true once a page is open, false if the command is stopped first. */
function pageOrStop(dash: LiveDashboard, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return Promise.race([
    dash.page.waitForPage().then(() => true),
    new Promise<boolean>((resolve) => signal.addEventListener('abort', () => resolve(false), { once: true })),
  ]);
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run one simulation from a run configuration (YAML)')
    .argument('[config]', 'run configuration file (not with --resume)')
    .option('--seed <n>', 'override the seed', intOption('--seed', SEED_LIMITS))
    .option('--port <n>', 'gRPC port (0: any free port)', portOption('--port'))
    .option(
      '--out <dir>',
      'parent folder of the run folder, from the working directory (default: the file’s outDir, relative to the file, else runs)',
      pathOption('--out'),
    )
    .option('--run-id <id>', 'run id (default: <name>-s<seed>-<timestamp>-<rand>)')
    .option('--host <host>', 'interface the gRPC server binds to', hostOption('--host'), '127.0.0.1')
    .option('--in-process', 'run the launched agents as objects in this process (no gRPC)')
    .option('--dashboard', 'serve a live dashboard page on localhost (reads NATS over WebSocket)')
    .option(
      '--dashboard-port <n>',
      'HTTP port of the dashboard page (0: any free port)',
      portOption('--dashboard-port'),
    )
    .option('--no-dashboard-wait', 'start the run at once instead of when the dashboard page is open')
    .option(
      '--pace <x>',
      'slow the run to x virtual seconds per wall second (for watching it; at least 0.01)',
      numberOption('--pace', { min: MIN_PACE }),
    )
    .option(
      '--external <id=token>',
      'this agent connects by itself with this token instead of being launched (repeatable)',
      collectExternal,
    )
    .option(
      '--realtime <speed>',
      'real-time mode: pace the virtual clock at <speed> virtual seconds per wall second (1 to 100000); agents are not waited for',
      numberOption('--realtime', REALTIME_SPEED_LIMITS),
    )
    .option(
      '--resume <run-folder>',
      'continue a lock-step run that was killed or stopped (Ctrl-C), in its folder, from where its tape ends',
      pathOption('--resume'),
    )
    .action(async (given: string | undefined, o: RunFlags) => {
      // Loaded here, not at the top: every `flexarena agent` process starts through this file and
      // needs none of the runtime (NATS, the gateway, the core) — about a second of start-up each.
      const { loadRunConfig, makeRunId, planResume, runArena } = await import('../../arena/index.js');
      if (o.resume !== undefined) {
        if (given !== undefined)
          throw new InvalidArgumentError(
            `--resume continues the run of ${o.resume} with its own config.yaml; give no configuration file (got ${given})`,
          );
        for (const [key, flag] of NOT_WITH_RESUME)
          if (o[key] !== undefined && o[key] !== false)
            throw new InvalidArgumentError(
              `${flag} cannot be used with --resume: the run goes on as it began`,
            );
      } else if (given === undefined)
        throw new InvalidArgumentError('a run configuration file is needed (or --resume <run-folder>)');
      // Options of the dashboard do nothing without it: said, not ignored (as realtime settings
      // outside mode: realtime are).
      for (const [given, flag] of [
        [o.dashboardPort !== undefined, '--dashboard-port'],
        [!o.dashboardWait, '--no-dashboard-wait'],
      ] as const)
        if (given && !o.dashboard) throw new InvalidArgumentError(`${flag} applies only with --dashboard`);
      const resume = o.resume !== undefined ? await planResume(o.resume) : undefined;
      const file = resume ? resume.configPath : given!;
      const cfg =
        resume?.cfg ??
        loadRunConfig(file, {
          seed: o.seed,
          port: o.port,
          outDir: o.out,
          ...(o.realtime !== undefined ? { mode: 'realtime' as const, realtime: { speed: o.realtime } } : {}),
        });
      if (cfg.mode === 'realtime' && o.pace)
        throw new InvalidArgumentError(
          `--pace slows a lock-step run; this run is in real time at realtime.speed ${cfg.realtime!.speed}`,
        );
      applyExternalAgents(cfg, o.external ?? [], file);
      resolveLaunchedParamPaths(cfg, file);
      const runId = resume?.runId ?? o.runId ?? makeRunId(cfg);
      await checkLaunchedStrategies(cfg, file, await runWelcomes(cfg, runId, dirname(resolve(file)), file));
      // A NATS server the run did not start (nats.url, FLEXARENA_NATS_URL) is not stopped with it.
      const ownNats =
        cfg.nats.enabled && (o.dashboard || (cfg.nats.url ?? process.env.FLEXARENA_NATS_URL) === undefined);
      const stop = stopOnSignal(
        `stopping the run (its agents${ownNats ? ', nats-server' : ''}; tape and settlements closed)`,
      );
      const dash = o.dashboard
        ? await openDashboard(cfg, runId, o, stop.signal).catch((err) => {
            stop.release();
            throw err;
          })
        : undefined;
      const started = Date.now();
      const { runDir, results, faults, realtime } = await runArena(cfg, {
        runId,
        host: o.host,
        baseDir: dirname(resolve(file)),
        configFile: file,
        signal: stop.signal,
        isBuiltInStrategy: hasStrategy,
        ...(resume ? { resume } : {}),
        ...(o.inProcess ? { local: inProcessAgents(cfg) } : {}),
        ...(o.pace ? { onDecision: (await import('../../dashboard/index.js')).pacer(o.pace) } : {}),
        ...(dash ? { natsUrl: dash.natsUrl } : {}),
      })
        .catch(async (err) => {
          await dash?.close();
          throw err;
        })
        .finally(() => stop.release());
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      const days = cfg.days === 1 ? cfg.day : `${cfg.day} + ${cfg.days - 1} days`;
      process.stdout.write(
        `\nFlexArena run ${results.runId} — ${days}, seed ${cfg.seed}, ${o.inProcess ? 'in-process' : 'agent processes over gRPC'}, ${secs} s wall` +
          `${cfg.mode === 'realtime' ? `, real time at ${cfg.realtime!.speed}x` : ''}\n`,
      );
      process.stdout.write(`${formatResultsTable(results)}\n`);
      process.stdout.write(
        'cash in EUR; "other" = penalties + position value − asset costs (details in results.csv)\n',
      );
      for (const line of formatFaultLines(faults)) process.stdout.write(`${line}\n`);
      if (realtime)
        process.stdout.write(
          `real time: ${(realtime.wallMs / 1000).toFixed(1)} s wall for ${(realtime.virtualMs / 3_600_000).toFixed(1)} virtual hours at ${realtime.speed}x ` +
            `(${(realtime.processingWallMs / 1000).toFixed(1)} s of it processing, largest lag ${realtime.maxLagWallMs.toFixed(0)} ms)\n`,
        );
      const restarts = results.agentRestarts;
      if (restarts) {
        const counts = Object.entries(restarts.byAgent).filter(([, k]) => k > 0);
        process.stdout.write(
          `agent restarts (limits.agentRestarts ${restarts.limit}): ${counts.length > 0 ? counts.map(([id, k]) => `${id} ${k}`).join(', ') : 'none'}\n`,
        );
      }
      const n = results.nats;
      if (n)
        process.stdout.write(
          n.undelivered > 0
            ? `NATS: ${n.undelivered} of ${n.messages} settlement-stream messages NOT delivered; they are in ${n.undeliveredFile}\n`
            : n.heldByEarlierRun > 0
              ? // JetStream dropped them as repeats of another run's messages with the same ids,
                // which runArena's check before the run did not see: a run that took the id while
                // this one ran, or one whose messages were purged less than a window ago (a purge
                // leaves their ids in the duplicate window).
                `NATS: ${n.heldByEarlierRun} of ${n.messages} settlement-stream messages NOT stored: ${n.url}'s stream had seen messages with their ids from another run with the id ${results.runId} within its duplicate window (nats.duplicateWindowMs): one that took the id while this run ran, or one purged less than a window ago; its consumers (the evaluator) never get these; give each run its own --run-id\n`
              : `NATS: all ${n.messages} settlement-stream messages (the records, the run's manifest and end message) delivered to JetStream exactly once (${n.outages.length} outage(s))\n`,
        );
      process.stdout.write(
        `wake-ups ${results.stats.wakeUps}, actions ${results.stats.actions}, trades ${results.stats.trades}, tape events ${results.stats.tapeEvents}, settlement records ${results.stats.settlementRecords}\n` +
          `tape sha256 ${results.tapeSha256}\nresults in ${runDir}/ (${runFolderFiles(runDir).join(', ')})\n`,
      );
      if (dash) await keepDashboard(dash, runDir);
    });
}

/**
 * After the run the page stays to be looked at; its nats-server keeps the run's settlement stream.
 * The run is complete: a stop now is the way to end the command, not an interruption. Once that
 * nats-server has ended by itself (killed, crashed — the run goes on through a NATS outage) the
 * page can receive nothing, not even on a reload: the command said "dashboard still at …" and
 * served a dead page until Ctrl-C; now it says so and ends, as `flexarena dashboard` does.
 */
async function keepDashboard(dash: LiveDashboard, runDir: string): Promise<void> {
  if (dash.natsEnded === undefined) {
    process.stderr.write(`dashboard still at ${dash.pageUrl} (Ctrl-C to stop)\n`);
    const sig = await Promise.race([untilSignal(), dash.natsGone.then(() => undefined)]);
    if (sig !== undefined) {
      await dash.close();
      process.stderr.write(`${sig}: dashboard stopped (page server and nats-server closed)\n`);
      return;
    }
  }
  await dash.close();
  const { DashboardError } = await import('../../dashboard/index.js');
  throw new DashboardError(
    `the dashboard's nats-server ended (${dash.natsEnded}): the page cannot receive anything any more, so it is not kept open; the run is complete in ${runDir}/ (\`flexarena dashboard ${runDir}\` replays it)`,
  );
}
