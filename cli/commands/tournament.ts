// `flexarena tournament <file.yaml>`: duplicate games between strategies, in this process by
// default (entrants with mode 'process' or a command play over gRPC in the same games), resumable
// (finished games are kept in the tournament folder and not played again), with a progress bar,
// a leaderboard at the end and everything in files. With --nats the games go to a JetStream work
// queue and `flexarena worker` processes play them.
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { carriedStateIssues, seatConfigIssues, strategyConfigIssues } from '../../agents/strategies/index.js';
import { DEFAULT_NATS_OUTAGE_LIMIT_MS } from '../../arena/index.js';
import { ConfigError, type ConfigIssue } from '../../lib/index.js';
import type { RunConfig } from '../../sim/index.js';
import {
  DEFAULT_WORKER_TIMEOUT_MS,
  entrantFaultLines,
  loadScenarios,
  loadTournament,
  natsExecutor,
  planGames,
  runTournament,
  type TournamentConfig,
  writeTournamentFiles,
} from '../../tournament/index.js';
import { runWelcomes, type WelcomeOf } from '../check-strategies.js';
import { formatLeaderboard } from '../leaderboard-table.js';
import { NATS_URL_HELP, natsUrlOf, natsUrlOption, natsUrlSource } from '../nats-options.js';
import { parseNatsOutageLimit, pathOption, stopOnSignal } from '../options.js';

/**
 * Every built-in strategy an entrant names must exist and accept the entrant's parameters
 * (commands are checked when they start).
 */
export function checkEntrants(t: TournamentConfig, file: string): void {
  const issues = t.entrants.flatMap((e, i) =>
    !e.command && e.strategy ? strategyConfigIssues(`entrants[${i}]`, e.strategy, e.params) : [],
  );
  if (issues.length > 0) throw new ConfigError(file, issues);
  // Duplicate games compare strategies on equal terms: no game may start from what another left.
  const carried = t.entrants.flatMap((e, i) =>
    !e.command && e.strategy ? carriedStateIssues(`entrants[${i}]`, e.strategy, e.params, GAMES) : [],
  );
  if (carried.length > 0) throw new ConfigError(file, carried);
}

const GAMES = { what: 'tournament', unit: 'game' };

/** The same for the agents of the scenarios that play as configured (not seats). */
export function checkScenarioAgents(t: TournamentConfig, scenarios: readonly RunConfig[]): void {
  t.scenarios.forEach((s, i) => {
    const issues = scenarios[i]!.agents.flatMap((a, j): ConfigIssue[] =>
      s.seats.includes(a.id)
        ? []
        : // Every game launches it: one started by hand was played as a built-in strategy of its
          // label, or failed the first game ("unknown strategy").
          !a.launch
          ? [
              {
                path: `agents[${j}].launch`,
                message:
                  'launch: false (started by hand) does not fit a tournament, which starts every agent of every game itself: make it a seat, or give it a strategy or a command',
                value: false,
              },
            ]
          : a.command || a.runtime
            ? []
            : carriedStateIssues(`agents[${j}]`, a.strategy, a.params, GAMES),
    );
    if (issues.length > 0) throw new ConfigError(s.file, issues);
  });
}

/**
 * Every built-in entrant welcomed to every seat the plan gives it, as its game would: an entrant
 * without the asset its strategy plays (a battery strategy on the liquidity seat) or with a
 * parameter that does not fit the seat's asset was found only when that game came up — after the
 * games before it, possibly hours in. Seats and line-ups do not depend on the world seed, so the
 * first seed's games hold every pairing.
 */
export async function checkSeats(
  t: TournamentConfig,
  scenarios: readonly RunConfig[],
  file: string,
): Promise<void> {
  // By entrant, in the order of the file (the plan meets them game by game).
  const issues: ConfigIssue[][] = t.entrants.map(() => []);
  const seen = new Set<string>();
  const welcomes = new Map<number, WelcomeOf>();
  for (const game of planGames(t, scenarios, 0, 1))
    for (const { seat, entrant } of game.seats) {
      const i = t.entrants.findIndex((e) => e.name === entrant);
      const e = t.entrants[i]!;
      const key = `${game.scenario}\u0000${seat}\u0000${entrant}`;
      if (e.command || !e.strategy || seen.has(key)) continue;
      seen.add(key);
      let welcomeOf = welcomes.get(game.scenario);
      if (!welcomeOf) {
        welcomeOf = await runWelcomes(scenarios[game.scenario]!, 'seat-check', process.cwd(), file);
        welcomes.set(game.scenario, welcomeOf);
      }
      const where = `on seat ${seat} of scenarios[${game.scenario}] (${t.scenarios[game.scenario]!.file})`;
      for (const issue of await seatConfigIssues(`entrants[${i}]`, e.strategy, e.params, welcomeOf(seat)))
        issues[i]!.push({ ...issue, message: `${issue.message}, ${where}` });
    }
  if (issues.some((l) => l.length > 0)) throw new ConfigError(file, issues.flat());
  await checkPlayedAgents(t, scenarios, file, welcomes);
}

/**
 * The scenarios' other agents (not seats), built-in strategies every game plays in process,
 * welcomed as a run does: a misspelt strategy, a refused parameter or a seat without its asset
 * failed the first game, after the tournament folder was made, naming neither file nor field.
 */
async function checkPlayedAgents(
  t: TournamentConfig,
  scenarios: readonly RunConfig[],
  file: string,
  welcomes: Map<number, WelcomeOf>,
): Promise<void> {
  for (const [i, s] of t.scenarios.entries()) {
    const played = scenarios[i]!.agents.flatMap((a, j) =>
      s.seats.includes(a.id) || a.command || a.runtime ? [] : [{ a, j }],
    );
    if (played.length === 0) continue;
    let welcomeOf = welcomes.get(i);
    if (!welcomeOf) {
      welcomeOf = await runWelcomes(scenarios[i]!, 'seat-check', process.cwd(), file);
      welcomes.set(i, welcomeOf);
    }
    const issues: ConfigIssue[] = [];
    for (const { a, j } of played)
      issues.push(...(await seatConfigIssues(`agents[${j}]`, a.strategy, a.params, welcomeOf(a.id))));
    if (issues.length > 0) throw new ConfigError(s.file, issues);
  }
}

/**
 * The modules of the scenarios' own `runtime: python` agents (not seats), which every game played
 * by this process launches as `flexarena run` would: one `python3 -m` would not find is refused
 * before the first game, naming the scenario field (arena/launcher/python-module-check.ts). Games
 * played by workers (`--nats`) start their agents on the workers' hosts, in their environment:
 * not checked here, where a module might be found that is not there, or the reverse.
 */
export async function checkScenarioModules(
  t: TournamentConfig,
  scenarios: readonly RunConfig[],
): Promise<void> {
  for (const [i, s] of t.scenarios.entries()) {
    const agents = scenarios[i]!.agents.map((a) => (s.seats.includes(a.id) ? { ...a, launch: false } : a));
    if (!agents.some((a) => a.launch && a.runtime === 'python')) continue;
    const { pythonModuleIssues } = await import('../../arena/index.js');
    const issues = await pythonModuleIssues(agents);
    if (issues.length > 0) throw new ConfigError(s.file, issues);
  }
}

interface TournamentFlags {
  out?: string;
  /** true: `--nats` without a URL. */
  nats?: string | true;
  workerTimeout: number;
  natsOutageLimit: number;
  progress: boolean;
}

/** `--worker-timeout <seconds>`: a number ≥ 0 (0 waits forever), never rounded. */
export function parseWorkerTimeout(value: string): number {
  const s = Number(value);
  if (value.trim() === '' || !Number.isFinite(s) || s < 0)
    throw new InvalidArgumentError(
      `--worker-timeout must be a number of seconds ≥ 0 (0: wait forever), got "${value}"`,
    );
  return s;
}

export function registerTournament(program: Command): void {
  program
    .command('tournament')
    .description('run a tournament of duplicate games between strategies (resumable)')
    .argument('<file>', 'tournament file (YAML)')
    .option('--out <dir>', 'tournament folder (default runs/tournaments/<name>)', pathOption('--out'))
    .option('--no-progress', 'no progress bar')
    .option(
      '--nats [url]',
      `play the games on workers (flexarena worker) through a JetStream work queue; ${NATS_URL_HELP}`,
      natsUrlOption,
    )
    .option(
      '--worker-timeout <seconds>',
      'with --nats: give up when no worker pulls or plays a game for this long (0: wait forever)',
      parseWorkerTimeout,
      DEFAULT_WORKER_TIMEOUT_MS / 1000,
    )
    .option(
      '--nats-outage-limit <seconds>',
      'with --nats: wait this long for NATS to come back when it goes away, then give up (1 to 2147483)',
      parseNatsOutageLimit,
      DEFAULT_NATS_OUTAGE_LIMIT_MS / 1000,
    )
    .action(async (file: string, o: TournamentFlags, cmd: Command) => {
      // The work queue's limits do nothing without it: said, not ignored.
      for (const [key, flag] of [
        ['workerTimeout', '--worker-timeout'],
        ['natsOutageLimit', '--nats-outage-limit'],
      ] as const)
        if (!o.nats && cmd.getOptionValueSource(key) === 'cli')
          throw new InvalidArgumentError(`${flag} applies only with --nats (games played by workers)`);
      const t = loadTournament(file);
      checkEntrants(t, file);
      const scenarios = loadScenarios(t, file);
      checkScenarioAgents(t, scenarios);
      await checkSeats(t, scenarios, file);
      if (!o.nats) await checkScenarioModules(t, scenarios);
      const executor = o.nats
        ? natsExecutor({
            natsUrl: natsUrlOf(o.nats),
            natsUrlFrom: natsUrlSource(o.nats),
            tournament: t,
            scenarios,
            log: (l) => process.stderr.write(`${l}\n`),
            workerTimeoutMs: o.workerTimeout * 1000,
            natsOutageLimitMs: o.natsOutageLimit * 1000,
          })
        : undefined;
      const bar = o.progress
        ? new cliProgress.SingleBar(
            {
              format: ' {bar} {value}/{total} games | {eta_formatted} left | {last}',
              stream: process.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let started = false;
      const stop = stopOnSignal(
        'stopping the tournament (the game in progress is dropped, finished ones kept)',
      );
      const outcome = await runTournament(t, {
        scenarios,
        signal: stop.signal,
        ...(o.out ? { dir: o.out } : {}),
        ...(executor ? { executor } : {}),
        onProgress: (p) => {
          if (!bar) return;
          if (!started) {
            bar.start(p.total, p.finished, { last: p.resumed > 0 ? `${p.resumed} finished before` : '' });
            started = true;
          }
          bar.setTotal(p.total);
          bar.update(p.finished, {
            last: p.last ? `${p.last.id} ${(p.last.wallMs / 1000).toFixed(1)} s` : '',
          });
        },
      }).finally(() => {
        stop.release();
        bar?.stop(); // shows the cursor again, also when the tournament failed or was interrupted
      });
      const files = writeTournamentFiles(outcome.dir, outcome.board, outcome.results);
      process.stdout.write(
        `\nTournament ${t.name}: ${outcome.played} game(s) played now, ${outcome.resumed} resumed\n`,
      );
      // Skipped without a word before: a damaged line's game was replayed, and nothing said why.
      if (outcome.damagedLines > 0)
        process.stdout.write(
          `games.jsonl: ${outcome.damagedLines} damaged line(s) were no game; their games were played again\n`,
        );
      process.stdout.write(`${formatLeaderboard(outcome.board)}\n`);
      for (const line of entrantFaultLines(outcome.results, t.keepRuns)) process.stdout.write(`${line}\n`);
      process.stdout.write(`files: ${[`${outcome.dir}/games.jsonl`, ...files].join(', ')}\n`);
    });
}
