// Ctrl-C on a tournament stops it properly: the game in progress is dropped (its agent process
// stopped, its half-written run folder removed, since the next invocation plays it from its
// start), the finished games stay in the folder, the command says how far it got and exits 130;
// the same command then plays only the rest. Before, the signal killed the tournament and left the
// game's agent process running and its partial run folder behind.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeConfig } from '../helpers/arena-process.js';
import { alive, childrenOf, commandOf, until } from '../helpers/process-control.js';
import { fastScenario } from '../helpers/tournament-fixtures.js';
import { fileLines, killAllTournaments, startTournament } from '../helpers/tournament-process.js';

afterAll(killAllTournaments);

describe('flexarena tournament stopped by Ctrl-C', () => {
  it('drops the game in progress with its agent process and run folder, keeps the finished, resumes', {
    timeout: 400_000,
  }, async () => {
    const dir = tempDir('flexarena-tournament-int-');
    // A 5-minute decision grid: the game over gRPC lasts seconds, long enough to be interrupted.
    writeConfig(dir, { ...fastScenario(), decisionIntervalMinutes: 5 }, 'fast.yaml');
    const file = writeConfig(
      dir,
      {
        name: 'interrupt',
        seed: 5,
        seeds: 1,
        gameSizes: [2],
        keepRuns: true,
        entrants: [
          { name: 'heuristic', strategy: 'heuristic-battery' },
          { name: 'lp', strategy: 'lp-battery' },
          { name: 'idle-process', strategy: 'idle', mode: 'process' },
        ],
        // The in-process game first; the one with an agent process is the one interrupted.
        lineups: [
          ['heuristic', 'lp'],
          ['heuristic', 'idle-process'],
        ],
        scenarios: [{ file: 'fast.yaml', seats: ['seat-a', 'seat-b'] }],
      },
      't.yaml',
    );
    const out = join(dir, 'out');
    const games = join(out, 'games.jsonl');

    const first = startTournament(file, out);
    const pid = first.child.pid!;
    let agent: number | undefined;
    await until(
      "the second game's agent process",
      () => {
        if (fileLines(games).length < 1) return false;
        agent = childrenOf(pid).find((c) => / agent /.test(` ${commandOf(c)} `));
        return agent !== undefined;
      },
      240_000,
    );
    const runsBefore = readdirSync(join(out, 'runs'));
    expect(
      runsBefore.some((r) => r.includes('idle-process')),
      runsBefore.join(', '),
    ).toBe(true);
    first.child.kill('SIGINT');
    const r1 = await first.exited;
    expect(r1.code, r1.stderr).toBe(130);
    expect(r1.stderr).toContain(
      `tournament interrupted by SIGINT: 1 of 2 game(s) finished, kept in ${out}; run the same command again to play the other 1`,
    );
    expect(r1.stderr).not.toMatch(/\n\s+at /); // one line, no stack
    await until('the agent process to end', () => !alive(agent!), 10_000).catch(() => undefined);
    expect(alive(agent!), `agent process ${agent} outlived the tournament`).toBe(false);
    expect(fileLines(games)).toHaveLength(1);
    const kept = readdirSync(join(out, 'runs'));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toContain('heuristic-lp');

    const second = startTournament(file, out);
    const r2 = await second.exited;
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stdout).toContain('1 game(s) played now, 1 resumed');
    expect(fileLines(games)).toHaveLength(2);
    const replayed = readdirSync(join(out, 'runs')).find((r) => r.includes('idle-process'))!;
    expect(existsSync(join(out, 'runs', replayed, 'results.json'))).toBe(true);
    expect(existsSync(join(out, 'runs', replayed, 'interrupted.json'))).toBe(false);
  });
});
