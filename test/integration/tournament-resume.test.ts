// A tournament as a person runs it: `flexarena tournament <file>` with built-in strategies in
// process and one entrant as its own process over gRPC in the same games; killed after its first
// game and started again, it plays only the games that were not finished, and writes its
// leaderboard and files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeConfig } from '../helpers/arena-process.js';
import { fastScenario } from '../helpers/tournament-fixtures.js';
import {
  fileLines,
  killAllTournaments,
  killTournament,
  startTournament,
} from '../helpers/tournament-process.js';

afterAll(killAllTournaments);

describe('flexarena tournament', () => {
  it('resumes after a kill without replaying finished games; in-process and gRPC entrants share games', async () => {
    const dir = tempDir('flexarena-tournament-');
    writeConfig(dir, fastScenario(), 'fast.yaml');
    const file = join(dir, 't.yaml');
    const out = join(dir, 'out');
    writeConfig(
      dir,
      {
        name: 'resume',
        seed: 5,
        seeds: 1,
        gameSizes: [2],
        keepRuns: true,
        entrants: [
          { name: 'heuristic', strategy: 'heuristic-battery' },
          { name: 'idle', strategy: 'idle' },
          { name: 'lp', strategy: 'lp-battery' },
          { name: 'idle-process', strategy: 'idle', mode: 'process' },
        ],
        // The in-process game first; the one with a process entrant is left for the restart.
        lineups: [
          ['heuristic', 'lp'],
          ['heuristic', 'idle-process'],
        ],
        scenarios: [{ file: 'fast.yaml', seats: ['seat-a', 'seat-b'] }],
      },
      't.yaml',
    );
    const games = join(out, 'games.jsonl');
    const first = startTournament(file, out);
    const deadline = Date.now() + 180_000;
    while (fileLines(games).length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    killTournament(first);
    await first.exited;
    const done = fileLines(games);
    expect(done).toHaveLength(1);

    const second = startTournament(file, out);
    const r = await second.exited;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 game(s) played now, 1 resumed');
    const all = fileLines(games);
    expect(all).toHaveLength(2);
    expect(all.slice(0, done.length)).toEqual(done);
    const results = all.map(
      (l) => JSON.parse(l) as { id: string; seats: { entrant: string; seat: string }[]; runId: string },
    );
    expect(new Set(results.map((g) => g.id)).size).toBe(2);

    // The gRPC entrant played as its own process: its agent log is in its games' run folders.
    const viaGrpc = results.filter((g) => g.seats.some((s) => s.entrant === 'idle-process'));
    expect(viaGrpc).toHaveLength(1);
    for (const g of viaGrpc) {
      const seat = g.seats.find((s) => s.entrant === 'idle-process')!.seat;
      const log = join(out, 'runs', g.runId, 'agents', `${seat}.log`);
      expect(statSync(log).size).toBeGreaterThan(0);
      expect(readdirSync(join(out, 'runs', g.runId, 'agents'))).toEqual([`${seat}.log`]);
    }
    const board = JSON.parse(readFileSync(join(out, 'leaderboard.json'), 'utf8')) as {
      rows: { entrant: string; games: number; metric: { lo: number; hi: number } }[];
      pairwise: unknown[];
    };
    expect(board.rows.map((x) => x.entrant).sort()).toEqual(['heuristic', 'idle-process', 'lp']);
    expect(board.rows.map((x) => x.games).sort()).toEqual([1, 1, 2]);
    expect(board.pairwise).toHaveLength(3);
    expect(readFileSync(join(out, 'leaderboard.csv'), 'utf8').split('\n')[0]).toMatch(
      /^rank,entrant,games,metricMean/,
    );
    expect(r.stdout).toMatch(/ordinal/);
  }, 400_000);
});
