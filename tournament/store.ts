// A tournament's folder: tournament.json (the validated file and its hash: a folder holds one
// tournament) and games.jsonl, one finished game per line, appended as games finish. A restarted
// tournament reads it back and plays only the games that are not in it.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { paramFiles } from '../agents/strategies/index.js';
import { claimFolder, FlexArenaError, fileDigests, readWholeLines } from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';
import type { TournamentConfig } from './config.js';
import type { GameResult } from './game.js';

export class TournamentFolderError extends FlexArenaError {
  constructor(message: string) {
    super(message);
    this.name = 'TournamentFolderError';
  }
}

/**
 * What the files a series' scenarios and entrants name hold (price CSVs, Q-tables, policy
 * checkpoints), by path; undefined when they name none. A resumable series keeps to them as to its
 * scenario files: one edited between two starts would make the runs before and after incomparable.
 */
export function namedFileDigests(
  scenarios: readonly RunConfig[],
  entrants: readonly {
    strategy?: string | undefined;
    params: Record<string, unknown>;
    command?: unknown;
  }[] = [],
): Record<string, string> | undefined {
  const files = [
    ...scenarios.flatMap((c) => [
      ...(c.world.source === 'synthetic' ? [] : [c.world.source.entsoeCsv]),
      ...c.agents.flatMap((a) => (a.command || a.runtime ? [] : paramFiles(a.strategy, a.params))),
    ]),
    ...entrants.flatMap((e) => (e.command || !e.strategy ? [] : paramFiles(e.strategy, e.params))),
  ];
  return files.length === 0 ? undefined : fileDigests(files);
}

/** How a folder's inputs are named when they include named files. */
export const NAMED_FILES = 'or the files they name (price CSVs, Q-tables, policy checkpoints)';

/** The scenarios, with the named files' digests when there are any (else as folders kept them before). */
function tournamentInputs(
  scenarios: readonly RunConfig[],
  t: TournamentConfig,
): { what: string; value: unknown } {
  const files = namedFileDigests(scenarios, t.entrants);
  return files
    ? { what: `scenario files ${NAMED_FILES}`, value: { scenarios, files } }
    : { what: 'scenario files', value: scenarios };
}

export class TournamentStore {
  readonly gamesFile: string;
  /** The folder's id (lib/claim-folder.ts; undefined for a folder made before folders had one). */
  readonly folderId: string | undefined;

  /** `scenarios`: the scenario files as loaded (loadScenarios), so that an edited one is noticed. */
  constructor(
    readonly dir: string,
    t: TournamentConfig,
    scenarios?: readonly RunConfig[],
  ) {
    this.folderId = claimFolder({
      dir,
      metaFile: 'tournament.json',
      kind: 'tournament',
      // Raising `seeds` extends the folder: a run's world seed depends on its seed index alone.
      grows: 'seeds',
      config: t,
      ...(scenarios ? { inputs: tournamentInputs(scenarios, t) } : {}),
      fail: (m) => new TournamentFolderError(m),
    });
    this.gamesFile = join(dir, 'games.jsonl');
  }

  /**
   * Finished games, each kept once. A torn last line (killed while writing) is not a game, and is
   * cut off the file so that the game appended next is a line of its own.
   */
  results(): GameResult[] {
    const byId = new Map<string, GameResult>();
    this.damagedLines = 0;
    for (const line of readWholeLines(this.gamesFile)) {
      if (line.trim() === '') continue;
      let g: unknown;
      try {
        g = JSON.parse(line);
      } catch {
        g = undefined;
      }
      // A damaged line: its game is played again (and the runner says so).
      if (!isGameResult(g)) {
        this.damagedLines++;
        continue;
      }
      if (!byId.has(g.id)) byId.set(g.id, g);
    }
    return [...byId.values()].sort((a, b) => a.index - b.index);
  }

  /** Whole lines of games.jsonl the last results() could not read as a game (torn last line aside). */
  damagedLines = 0;

  append(g: GameResult): void {
    appendFileSync(this.gamesFile, `${JSON.stringify(g)}\n`);
  }
}

const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/**
 * A line that parses but is not a game's result (a seat's profit "abc" or missing, a PoP that is
 * not a number) is a damaged line too: taken in, it made the entrant's mean and interval null (NaN)
 * in the leaderboard without a word. Its game is played again, as for a line that does not parse.
 */
function isGameResult(g: unknown): g is GameResult {
  if (typeof g !== 'object' || g === null) return false;
  const r = g as Partial<GameResult>;
  if (typeof r.id !== 'string' || !Number.isSafeInteger(r.index) || !Array.isArray(r.seats)) return false;
  return r.seats.every(
    (s) =>
      typeof s === 'object' &&
      s !== null &&
      typeof s.entrant === 'string' &&
      finite(s.profitEur) &&
      finite(s.socNeutralProfitEur) &&
      [s.popMultiMarket, s.popDayAhead, s.popSocNeutralMultiMarket].every(
        (v) => v === undefined || v === null || finite(v),
      ),
  );
}
