// `flexarena run <config>`: one run of the arena. Agents play as separate processes over gRPC by
// default; with --in-process every agent the arena would launch plays as an object in this
// process instead (same core, same tape), which is several times faster.
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { createStrategy, hasStrategy, listStrategies } from '../../agents/strategies/index.js';
import type { LiveDashboard } from '../../dashboard/index.js';
import type { LocalAgent, RunConfig } from '../../sim/index.js';
import { checkLaunchedStrategies } from '../check-strategies.js';
import { intOption, numberOption, untilSignal } from '../options.js';
import { formatResultsTable } from '../results-table.js';

export const strategyNames = {
  has: hasStrategy,
  names: () => listStrategies().map((s) => s.name),
};

/** The agents of `cfg` that the arena would launch, as strategy objects. */
export function inProcessAgents(cfg: RunConfig): Map<string, LocalAgent> {
  return new Map(cfg.agents.filter((a) => a.launch).map((a) => [a.id, createStrategy(a.strategy, a.params)]));
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
}

/** Starts the page and the nats-server it reads before the run, and points the run at that server. */
async function openDashboard(cfg: RunConfig, runId: string, o: RunFlags): Promise<LiveDashboard> {
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
    await dash.page.waitForPage();
  }
  return dash;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run one simulation from a run configuration (YAML)')
    .argument('<config>', 'run configuration file')
    .option('--seed <n>', 'override the seed', intOption('--seed'))
    .option('--port <n>', 'gRPC port (0: any free port)', intOption('--port'))
    .option('--out <dir>', 'parent folder of the run folder')
    .option('--run-id <id>', 'run id (default: <name>-s<seed>-<timestamp>-<rand>)')
    .option('--host <host>', 'interface the gRPC server binds to', '127.0.0.1')
    .option('--in-process', 'run the launched agents as objects in this process (no gRPC)')
    .option('--dashboard', 'serve a live dashboard page on localhost (reads NATS over WebSocket)')
    .option(
      '--dashboard-port <n>',
      'HTTP port of the dashboard page (0: any free port)',
      intOption('--dashboard-port'),
    )
    .option('--no-dashboard-wait', 'start the run at once instead of when the dashboard page is open')
    .option(
      '--pace <x>',
      'slow the run to x virtual seconds per wall second (for watching it)',
      numberOption('--pace'),
    )
    .action(async (file: string, o: RunFlags) => {
      // Loaded here, not at the top: every `flexarena agent` process starts through this file and
      // needs none of the runtime (NATS, the gateway, the core) — about a second of start-up each.
      const { loadRunConfig, makeRunId, runArena } = await import('../../arena/index.js');
      const cfg = loadRunConfig(file, { seed: o.seed, port: o.port, outDir: o.out });
      checkLaunchedStrategies(cfg, file, strategyNames);
      const runId = o.runId ?? makeRunId(cfg);
      const dash = o.dashboard ? await openDashboard(cfg, runId, o) : undefined;
      const started = Date.now();
      const { runDir, results } = await runArena(cfg, {
        runId,
        host: o.host,
        baseDir: dirname(resolve(file)),
        ...(o.inProcess ? { local: inProcessAgents(cfg) } : {}),
        ...(o.pace ? { onDecision: (await import('../../dashboard/index.js')).pacer(o.pace) } : {}),
        ...(dash ? { natsUrl: dash.natsUrl } : {}),
      }).catch(async (err) => {
        await dash?.close();
        throw err;
      });
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      const days = cfg.days === 1 ? cfg.day : `${cfg.day} + ${cfg.days - 1} days`;
      process.stdout.write(
        `\nFlexArena run ${results.runId} — ${days}, seed ${cfg.seed}, ${o.inProcess ? 'in-process' : 'agent processes over gRPC'}, ${secs} s wall\n`,
      );
      process.stdout.write(`${formatResultsTable(results)}\n`);
      process.stdout.write(
        'cash in EUR; "other" = penalties + position value − asset costs (details in results.csv)\n',
      );
      const n = results.nats;
      if (n)
        process.stdout.write(
          n.undelivered === 0
            ? `NATS: all ${n.settlementRecords} settlement records delivered to JetStream exactly once (${n.outages.length} outage(s))\n`
            : `NATS: ${n.undelivered} of ${n.settlementRecords} settlement records NOT delivered; they are in ${n.undeliveredFile}\n`,
        );
      process.stdout.write(
        `wake-ups ${results.stats.wakeUps}, actions ${results.stats.actions}, trades ${results.stats.trades}, tape events ${results.stats.tapeEvents}, settlement records ${results.stats.settlementRecords}\n` +
          `tape sha256 ${results.tapeSha256}\nresults in ${runDir}/ (results.json, results.csv, settlements.jsonl, tape.jsonl.gz, agent-faults.log, agents/)\n`,
      );
      if (dash) {
        // The page stays to be looked at; its nats-server keeps the run's settlement stream.
        process.stderr.write(`dashboard still at ${dash.pageUrl} (Ctrl-C to stop)\n`);
        await untilSignal();
        await dash.close();
      }
    });
}
