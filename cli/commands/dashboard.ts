// `flexarena dashboard <run-folder>`: replays a finished run into the dashboard page. The run is
// regenerated from its configuration and the agents' answers on its tape (checked line by line
// against the recorded tape), then played onto a private NATS at the chosen speed.
import { type Command, InvalidArgumentError } from 'commander';
import { numberOption, portOption, untilSignal } from '../options.js';

interface DashboardFlags {
  speed: number;
  port?: number;
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description(
      'replay a run in the dashboard page (served on localhost); an interrupted run up to where it stopped',
    )
    .argument('<run-folder>', 'a run folder (runs/<run-id>/)')
    // The limit is the replay player's MAX_SPEED (a test keeps the two equal); said here so that
    // --help shows it without loading the dashboard.
    .option('--speed <x>', 'virtual seconds per wall second, at most 1000000', numberOption('--speed'), 900)
    .option('--port <n>', 'HTTP port of the page (0: any free port)', portOption('--port'))
    .action(async (runDir: string, o: DashboardFlags) => {
      const { checkPagePort, checkRunFolder, DashboardError, loadReplay, MAX_SPEED, startReplayDashboard } =
        await import('../../dashboard/index.js');
      // The player's limit, said before the run is re-simulated (minutes for a week), not after.
      if (o.speed > MAX_SPEED)
        throw new InvalidArgumentError(`--speed must be at most ${MAX_SPEED}, got "${o.speed}"`);
      // A taken port is said at once, not after the whole run was re-simulated.
      await checkPagePort(o.port ?? 0, '--port');
      // A folder that is not there (or no run's) is said alone, before "replaying … re-running".
      checkRunFolder(runDir);
      process.stderr.write(`replaying ${runDir}: re-running the simulation from its tape…\n`);
      const t0 = Date.now();
      const { timeline, tapeLines } = await loadReplay(runDir);
      process.stderr.write(
        `tape reproduced exactly (${tapeLines} lines) in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
          `${timeline.messages.length} messages to play\n`,
      );
      // A run killed outright: said as `flexarena tape`, `evaluate --run-dir` and `report` say it.
      const { unclosedRunNoteOf } = await import('../../arena/index.js');
      const killed = unclosedRunNoteOf(runDir);
      if (killed) process.stderr.write(`${killed}\n`);
      const dash = await startReplayDashboard(timeline, { speed: o.speed, port: o.port });
      process.stdout.write(
        `FLEXARENA_DASHBOARD ${dash.pageUrl} ${timeline.runId} ${dash.natsUrl} ${dash.wsUrl}\n`,
      );
      process.stderr.write(`dashboard: ${dash.pageUrl} (Ctrl-C to stop)\n`);
      const ended = await Promise.race([
        untilSignal().then((signal) => ({ signal })),
        dash.natsGone.then((why) => ({ why })),
      ]);
      await dash.close();
      const gone = 'why' in ended ? ended.why : undefined;
      // Ctrl-C is how a replay ends (exit 0), said as `run --dashboard` says it; it was silent.
      if ('signal' in ended)
        process.stderr.write(`${ended.signal}: dashboard stopped (page server and nats-server closed)\n`);
      // Serving on would show a page that can no longer receive anything.
      if (gone !== undefined)
        throw new DashboardError(
          `the dashboard's nats-server ended (${gone}): the page cannot receive the replay any more; start \`flexarena dashboard ${runDir}\` again`,
        );
    });
}
