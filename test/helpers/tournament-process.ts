// `flexarena tournament` as a process of its own, in its own process group (so a kill of the group
// also ends the agent processes it started), and the lines of a tournament's games.jsonl.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { BIN } from './arena-process.js';

const groups = new Set<number>();

export interface TournamentProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function startTournament(file: string, out: string): TournamentProcess {
  const child = spawn(process.execPath, [BIN, 'tournament', file, '--out', out, '--no-progress'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  groups.add(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited };
}

/** SIGKILL to the tournament's process group. */
export function killTournament(t: TournamentProcess): void {
  try {
    process.kill(-t.child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** For afterAll: kills every tournament process group started here. */
export function killAllTournaments(): void {
  for (const pid of groups)
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
}

/** The non-empty lines of a file, none when it does not exist. */
export function fileLines(f: string): string[] {
  return existsSync(f)
    ? readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
    : [];
}
