// Runs a tournament: plans its games, skips the ones already in its folder, has the rest played
// (in this process by default, or by workers through a JetStream work queue), appends each result
// as it comes, and judges. With `adaptive`, seeds are added until the top-k are separated or the
// game budget is spent.
import { dirname, join, resolve } from 'node:path';
import { resolveParamPaths } from '../agents/strategies/index.js';
import { loadRunConfig, readNamedConfig } from '../arena/index.js';
import {
  ConfigError,
  FlexArenaError,
  lockFolder,
  RunInterruptedError,
  removeEmptyFolder,
  SeriesInterruptedError,
} from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';
import { MAX_GAMES, type TournamentConfig } from './config.js';
import { type GameContext, type GameResult, playGame } from './game.js';
import { type Leaderboard, leaderboard } from './leaderboard.js';
import { type GameSpec, planGames, plannedGameCount } from './plan.js';
import { TournamentFolderError, TournamentStore } from './store.js';

/**
 * Plays games and reports each result (in any order). When `signal` aborts it stops (the game in
 * progress too, if it plays in this process) and rejects with a RunInterruptedError. `folderId`:
 * the tournament folder's id (TournamentStore), which keys its games on a work queue.
 */
export type GameExecutor = (
  games: readonly GameSpec[],
  done: (result: GameResult) => void,
  signal?: AbortSignal,
  folderId?: string,
) => Promise<void>;

export interface TournamentProgress {
  finished: number;
  total: number;
  /** Games found already finished in the folder when this invocation started. */
  resumed: number;
  last?: GameResult;
}

export interface TournamentOptions {
  /** The tournament's folder (default runs/tournaments/<name>). */
  dir?: string;
  executor?: GameExecutor;
  onProgress?: (p: TournamentProgress) => void;
  /** The scenarios as loadScenarios gave them, when the caller has loaded them already. */
  scenarios?: RunConfig[];
  /**
   * Stops the tournament (Ctrl-C): the game in progress in this process is dropped (played again
   * from its start by the next invocation), finished games stay in the folder, and runTournament
   * rejects with a TournamentInterruptedError.
   */
  signal?: AbortSignal;
}

export interface TournamentOutcome {
  dir: string;
  results: GameResult[];
  board: Leaderboard;
  /** Games played by this invocation (the rest were already finished). */
  played: number;
  resumed: number;
  /** Lines of games.jsonl that were no game (damaged): their games were played again. */
  damagedLines: number;
}

/**
 * The tournament's scenarios, each a validated run configuration; every seat must be an agent of
 * its scenario (a ConfigError naming `scenarios[i].seats[j]` of `source` otherwise — a seat that is
 * not there would leave its entrant out of every game), and an `adaptive.maxGames` budget must
 * cover the games of the first `seeds` seeds.
 */
export function loadScenarios(t: TournamentConfig, source = '<tournament>'): RunConfig[] {
  // A file named in an agent's params (a policy checkpoint, a Q-table) is its scenario file's.
  const scenarios = t.scenarios.map((s, i) => {
    const cfg = readNamedConfig(() => loadRunConfig(s.file), s.file, {
      what: 'scenario file',
      field: `scenarios[${i}].file`,
      source,
    });
    const base = dirname(resolve(s.file));
    for (const a of cfg.agents) a.params = resolveParamPaths(a.strategy, a.params, base);
    return cfg;
  });
  const issues = t.scenarios.flatMap((s, i) => {
    // A real-time game applies batches when they arrive on the wall clock: it played (a day in
    // minutes) and could not be repeated, so duplicate games no longer compared like with like.
    if (scenarios[i]!.mode === 'realtime')
      return [
        {
          path: `scenarios[${i}].file`,
          message: `${s.file} is a real-time run (mode: realtime): games are lock-step, so that every line-up meets the same market`,
          value: s.file,
        },
      ];
    const ids = scenarios[i]!.agents.map((a) => a.id);
    return s.seats.flatMap((seat, j) =>
      ids.includes(seat)
        ? []
        : [
            {
              path: `scenarios[${i}].seats[${j}]`,
              message: `"${seat}" is not an agent of ${s.file}; its agents: ${ids.join(', ')}`,
              value: seat,
            },
          ],
    );
  });
  if (issues.length > 0) throw new ConfigError(source, issues);
  // Counted, not planned: a plan too large to play was listed in memory until it ran out.
  const first = plannedGameCount(t, scenarios, t.seeds);
  if (first > MAX_GAMES)
    throw new ConfigError(source, [
      {
        path: 'gameSizes',
        message: `the first ${t.seeds} seed(s) plan ${first} games (${t.lineups ? 'the lineups' : `every combination of the ${t.entrants.length} entrants`} in games of ${t.gameSizes.join(', ')}, seats rotated where their assets differ): at most ${MAX_GAMES}; give lineups, smaller gameSizes or fewer seeds`,
        value: t.gameSizes,
      },
    ]);
  // The first `seeds` seeds are always played in full; a budget below them would be overspent
  // before adaptive scheduling could even start.
  if (t.adaptive && t.adaptive.maxGames < first)
    throw new ConfigError(source, [
      {
        path: 'adaptive.maxGames',
        message: `${t.adaptive.maxGames} games, but the first ${t.seeds} seed(s) already play ${first}: at least ${first}, or fewer seeds`,
        value: t.adaptive.maxGames,
      },
    ]);
  return scenarios;
}

/** A game played in this process failed: which game, which scenario and who sat where. */
export class GameFailedError extends FlexArenaError {
  constructor(
    readonly gameId: string,
    message: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

function gameFailed(ctx: GameContext, g: GameSpec, err: unknown): GameFailedError {
  const file = ctx.tournament.scenarios[g.scenario]?.file ?? `scenario ${g.scenario}`;
  const seats = g.seats.map((s) => `${s.seat}=${s.entrant}`).join(', ');
  return new GameFailedError(
    g.id,
    `game ${g.id} (${file}, seats ${seats}) failed: ${(err as Error).message ?? String(err)}`,
    { cause: err },
  );
}

/**
 * A tournament stopped by a signal. What was finished is in its folder; the same command plays the
 * rest (games published to a work queue stay there for the workers).
 */
export class TournamentInterruptedError extends SeriesInterruptedError {
  constructor(signal: string, dir: string, finished: number, total: number) {
    super(signal, 'tournament', 'game', dir, finished, total);
  }
}

export function localExecutor(ctx: GameContext): GameExecutor {
  return async (games, done, signal) => {
    const game = { ...ctx, ...(signal ? { signal } : {}) };
    for (const g of games) {
      if (signal?.aborted) throw new RunInterruptedError(String(signal.reason));
      done(
        await playGame(game, g).catch((err) =>
          Promise.reject(err instanceof RunInterruptedError ? err : gameFailed(ctx, g, err)),
        ),
      );
    }
  };
}

export async function runTournament(
  t: TournamentConfig,
  o: TournamentOptions = {},
): Promise<TournamentOutcome> {
  const dir = o.dir ?? join('runs', 'tournaments', t.name);
  const scenarios = o.scenarios ?? loadScenarios(t);
  // One process at a time: a second one on the folder would play the same games under the same
  // run ids at once and remove the first one's run folders mid-game. Locked before the folder is
  // claimed for this tournament, so that a refused runner leaves the folder as it was.
  const release = lockFolder(dir, 'tournament', (m) => new TournamentFolderError(m));
  try {
    const store = new TournamentStore(dir, t, scenarios);
    const executor = o.executor ?? localExecutor({ tournament: t, scenarios, outDir: dir });
    const results = new Map(store.results().map((g) => [g.id, g]));
    const resumed = results.size;
    let played = 0;
    let seeds = t.seeds;
    for (;;) {
      const plan = planGames(t, scenarios, 0, seeds);
      const todo = plan.filter((g) => !results.has(g.id));
      const progress = (last?: GameResult) =>
        o.onProgress?.({
          finished: plan.filter((g) => results.has(g.id)).length,
          total: plan.length,
          resumed,
          ...(last ? { last } : {}),
        });
      progress();
      try {
        await executor(
          todo,
          (r) => {
            if (results.has(r.id)) return;
            results.set(r.id, r);
            store.append(r);
            played++;
            progress(r);
          },
          o.signal,
          store.folderId,
        );
      } catch (err) {
        if (!(err instanceof RunInterruptedError)) throw err;
        const finished = plan.filter((g) => results.has(g.id)).length;
        throw new TournamentInterruptedError(err.signal, dir, finished, plan.length);
      }
      const missing = plan.filter((g) => !results.has(g.id));
      if (missing.length > 0)
        throw new Error(`${missing.length} game(s) were not played, e.g. ${missing[0]!.id}`);
      const ofPlan = plan.map((g) => results.get(g.id)!);
      const board = leaderboard(t, ofPlan);
      const next = t.adaptive ? planGames(t, scenarios, 0, seeds + 1).length : 0;
      if (!t.adaptive || board.separated || next > t.adaptive.maxGames)
        return { dir, results: ofPlan, board, played, resumed, damagedLines: store.damagedLines };
      seeds++;
    }
  } finally {
    // Where the games were played, each removed after it (unless keepRuns): not kept empty.
    removeEmptyFolder(join(dir, 'runs'));
    release();
  }
}
