// A tournament's folder: tournament.json (the validated file and its hash: a folder holds one
// tournament) and games.jsonl, one finished game per line, appended as games finish. A restarted
// tournament reads it back and plays only the games that are not in it.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { claimFolder, FlexArenaError } from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';
import type { TournamentConfig } from './config.js';
import type { GameResult } from './game.js';

export class TournamentFolderError extends FlexArenaError {
  constructor(message: string) {
    super(message);
    this.name = 'TournamentFolderError';
  }
}

export class TournamentStore {
  readonly gamesFile: string;

  /** `scenarios`: the scenario files as loaded (loadScenarios), so that an edited one is noticed. */
  constructor(
    readonly dir: string,
    t: TournamentConfig,
    scenarios?: readonly RunConfig[],
  ) {
    claimFolder({
      dir,
      metaFile: 'tournament.json',
      kind: 'tournament',
      config: t,
      ...(scenarios ? { inputs: { what: 'scenario files', value: scenarios } } : {}),
      fail: (m) => new TournamentFolderError(m),
    });
    this.gamesFile = join(dir, 'games.jsonl');
  }

  /** Finished games; a torn last line (killed while writing) is ignored, and a game is kept once. */
  results(): GameResult[] {
    if (!existsSync(this.gamesFile)) return [];
    const byId = new Map<string, GameResult>();
    for (const line of readFileSync(this.gamesFile, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const g = JSON.parse(line) as GameResult;
        if (!byId.has(g.id)) byId.set(g.id, g);
      } catch {
        // torn line
      }
    }
    return [...byId.values()].sort((a, b) => a.index - b.index);
  }

  append(g: GameResult): void {
    appendFileSync(this.gamesFile, `${JSON.stringify(g)}\n`);
  }
}
