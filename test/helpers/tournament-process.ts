// `flexarena tournament` as a process of its own, in its own process group (so a kill of the group
// also ends the agent processes it started), and the lines of a tournament's games.jsonl.
import { existsSync, readFileSync } from 'node:fs';
import { type CliProcess, killAllCli, killCliGroup, startCli } from './cli-process.js';

export type TournamentProcess = CliProcess;

export function startTournament(file: string, out: string): TournamentProcess {
  return startCli(['tournament', file, '--out', out, '--no-progress']);
}

/** SIGKILL to the tournament's process group. */
export const killTournament = killCliGroup;

/** For afterAll: kills every process group started through cli-process.ts (the tournaments too). */
export const killAllTournaments = killAllCli;

/** The non-empty lines of a file, none when it does not exist. */
export function fileLines(f: string): string[] {
  return existsSync(f)
    ? readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
    : [];
}
