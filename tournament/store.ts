// A tournament's folder: tournament.json (the validated file and its hash: a folder holds one
// tournament) and games.jsonl, one finished game per line, appended as games finish. A restarted
// tournament reads it back and plays only the games that are not in it.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlexArenaError } from '../lib/index.js';
import type { TournamentConfig } from './config.js';
import type { GameResult } from './game.js';

export class TournamentFolderError extends FlexArenaError {
  constructor(message: string) {
    super(message);
    this.name = 'TournamentFolderError';
  }
}

export function configHash(t: TournamentConfig): string {
  return createHash('sha256').update(JSON.stringify(t)).digest('hex').slice(0, 16);
}

export class TournamentStore {
  readonly gamesFile: string;

  constructor(
    readonly dir: string,
    t: TournamentConfig,
  ) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new TournamentFolderError(
        `cannot make the tournament folder ${dir} (--out): ${(err as Error).message}`,
      );
    }
    this.gamesFile = join(dir, 'games.jsonl');
    const meta = join(dir, 'tournament.json');
    const hash = configHash(t);
    if (existsSync(meta)) {
      const prev = JSON.parse(readFileSync(meta, 'utf8')) as { hash?: string };
      if (prev.hash !== hash)
        throw new TournamentFolderError(
          `${dir} holds another tournament (config hash ${prev.hash}, this one ${hash}): use another --out or delete it`,
        );
    } else writeFileSync(meta, `${JSON.stringify({ hash, config: t }, null, 2)}\n`);
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
