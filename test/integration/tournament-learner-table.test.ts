// A learning tabular-q entrant with a qTablePath in a tournament: every game loaded the table the
// game before had saved and saved it again, so the same tournament file gave other results each
// time it was played (and parallel workers wrote the file at once). The tournament now refuses
// such an entrant before anything starts, naming the field; with saveQTable: false every game
// starts from the table as it is, and the table is not written.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import { fastScenario } from '../helpers/tournament-fixtures.js';

afterAll(stopAll);

const run = promisify(execFile);

function tournament(dir: string, qParams: Record<string, unknown>): string {
  writeConfig(dir, fastScenario(), 'fast.yaml');
  return writeConfig(
    dir,
    {
      name: 'learner',
      seeds: 2,
      gameSizes: [2],
      entrants: [
        { name: 'q', strategy: 'tabular-q', params: { epsilon: 0.3, ...qParams } },
        { name: 'idle', strategy: 'idle' },
      ],
      scenarios: [{ file: 'fast.yaml', seats: ['seat-a', 'seat-b'] }],
    },
    't.yaml',
  );
}

/** Each game's seats (entrant, profit), in game order. */
const games = (dir: string) =>
  readFileSync(join(dir, 'games.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .sort((a, b) => a.index - b.index)
    .map((g) => ({ id: g.id, tape: g.tapeSha256, seats: g.seats }));

describe('a tabular-q entrant with a Q-table file in a tournament', () => {
  it('is refused while it would save the table for the next game; with saveQTable: false the games repeat exactly', {
    timeout: 240_000,
  }, async () => {
    const dir = tempDir();
    // Started elsewhere: the table's name is relative to the files that name it.
    const cwd = tempDir();
    const table = join(dir, 'q.json');
    const learning = tournament(dir, { qTablePath: 'q.json' });
    const refused = await run(
      process.execPath,
      [BIN, 'tournament', learning, '--out', join(dir, 't0'), '--no-progress'],
      { cwd },
    ).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain(
      `- entrants[0].params.qTablePath: tabular-q saves what it learns to this file, so in a tournament each game would start where the game before stopped`,
    );
    expect(refused?.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 't0'))).toBe(false);
    expect(existsSync(table)).toBe(false);
    expect(existsSync(join(cwd, 'q.json'))).toBe(false);

    // A table learned in a run of its own (what training spans runs with), then played read-only.
    const trainRun = writeConfig(dir, {
      ...fastScenario(),
      agents: [
        ...(fastScenario().agents as Record<string, unknown>[]).slice(0, 2),
        {
          id: 'seat-b',
          strategy: 'tabular-q',
          params: { qTablePath: 'q.json', epsilon: 0.3 },
          asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
        },
      ],
    });
    await run(process.execPath, [BIN, 'run', trainRun, '--in-process', '--out', join(dir, 'runs')], { cwd });
    const learned = readFileSync(table, 'utf8');
    expect(JSON.parse(learned).updates).toBeGreaterThan(0);

    const frozen = tournament(dir, { qTablePath: 'q.json', saveQTable: false });
    for (const out of ['t1', 't2'])
      await run(process.execPath, [BIN, 'tournament', frozen, '--out', join(dir, out), '--no-progress'], {
        cwd,
      });
    expect(games(join(dir, 't2'))).toEqual(games(join(dir, 't1')));
    expect(readFileSync(table, 'utf8')).toBe(learned);
    expect(existsSync(join(cwd, 'q.json'))).toBe(false);
  });
});
