// Raising `seeds` of a study or a tournament extends its folder: the runs and games already played
// are kept, only the new seed indexes are played, and the figures are those of a fresh folder with
// the higher count. Lowering it is refused, naming `seeds` and the limit.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../sim/index.js';
import { parseStudy, runStudy, StudyFolderError } from '../../study/index.js';
import {
  type GameResult,
  parseTournament,
  runTournament,
  TournamentFolderError,
} from '../../tournament/index.js';
import { tempDir, writeConfig } from '../helpers/arena-process.js';
import { fastScenario } from '../helpers/tournament-fixtures.js';

const dir = tempDir('flexarena-grow-seeds-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The lines of a results file without what depends on the wall clock or the player. */
function lines(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const { wallMs: _w, playedBy: _p, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return rest;
    });
}

describe('raising seeds extends a study folder', () => {
  const cfg = fastScenario() as { agents: Record<string, unknown>[] };
  cfg.agents = [
    cfg.agents[0]!,
    { id: 'big', strategy: 'heuristic-battery', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
  ];
  const scenario = writeConfig(dir, cfg, 'scenario.yaml');
  const study = (seeds: number) =>
    parseStudy({ name: 'grow', seed: 5, seeds, scenario, agent: 'big' }, 'grow.yaml', dir);

  it('plays only the new seed, with the results of a fresh folder; lowering is refused', async () => {
    const grown = join(dir, 'study-grown');
    const first = await runStudy(study(2), { dir: grown });
    expect(first.played).toBe(4);
    const second = await runStudy(study(3), { dir: grown });
    expect(second).toMatchObject({ played: 2, resumed: 4 });
    expect(second.runs.filter((r) => r.seedIndex === 2)).toHaveLength(2);
    const fresh = await runStudy(study(3), { dir: join(dir, 'study-fresh') });
    expect(fresh.played).toBe(6);
    expect(lines(join(grown, 'runs.jsonl'))).toEqual(lines(join(dir, 'study-fresh', 'runs.jsonl')));
    expect(second.summary).toEqual(fresh.summary);
    const lower = await runStudy(study(2), { dir: grown }).catch((err: unknown) => err);
    expect(lower).toBeInstanceOf(StudyFolderError);
    expect((lower as Error).message).toBe(
      `seeds: 2, but ${grown} holds this study claimed for 3 seeds: at least 3 (raising it plays only the new ones); use another --out for fewer`,
    );
  }, 300_000);
});

describe('raising seeds extends a tournament folder', () => {
  const scenarios = [parseRunConfig(fastScenario())];
  const tournament = (seeds: number) =>
    parseTournament({
      name: 'grow',
      seeds,
      entrants: [
        { name: 'a', strategy: 'idle' },
        { name: 'b', strategy: 'heuristic-battery' },
      ],
      scenarios: [{ file: 'fast.yaml', seats: ['seat-a', 'seat-b'] }],
    });

  it('plays only the new seed, with the results of a fresh folder; lowering is refused', async () => {
    const grown = join(dir, 'tournament-grown');
    const first = await runTournament(tournament(2), { dir: grown, scenarios });
    expect(first.played).toBe(2);
    const second = await runTournament(tournament(3), { dir: grown, scenarios });
    expect(second).toMatchObject({ played: 1, resumed: 2 });
    expect(second.results.map((g) => g.seedIndex)).toEqual([0, 1, 2]);
    const fresh = await runTournament(tournament(3), { dir: join(dir, 'tournament-fresh'), scenarios });
    expect(fresh.played).toBe(3);
    expect(lines(join(grown, 'games.jsonl'))).toEqual(lines(join(dir, 'tournament-fresh', 'games.jsonl')));
    expect(second.board).toEqual(fresh.board);
    const lower = await runTournament(tournament(1), { dir: grown, scenarios }).catch((err: unknown) => err);
    expect(lower).toBeInstanceOf(TournamentFolderError);
    expect((lower as Error).message).toMatch(/^seeds: 1, but .* claimed for 3 seeds: at least 3 /);
    // Any other change is refused as before.
    const other = { ...tournament(3), seed: 2 };
    await expect(runTournament(other, { dir: grown, scenarios })).rejects.toThrow(
      /holds another tournament \(config hash/,
    );
  }, 300_000);

  // With adaptive scheduling `seeds` is the count played before seeds are added one by one: the
  // raised folder stops where a fresh folder with the raised count stops, playing only the games it
  // does not hold yet (those of seeds added before stay in games.jsonl).
  it('with adaptive seeds, stops where a fresh folder with the raised count stops', async () => {
    const adaptive = (seeds: number) => ({ ...tournament(seeds), adaptive: { topK: 1, maxGames: 4 } });
    const grown = join(dir, 'adaptive-grown');
    const first = await runTournament(adaptive(1), { dir: grown, scenarios });
    const second = await runTournament(adaptive(3), { dir: grown, scenarios });
    const fresh = await runTournament(adaptive(3), { dir: join(dir, 'adaptive-fresh'), scenarios });
    const before = new Set(first.results.map((g) => g.id));
    expect(second.played).toBe(fresh.results.filter((g) => !before.has(g.id)).length);
    const timeless = (gs: readonly GameResult[]) => gs.map(({ wallMs: _w, ...g }) => g);
    expect(timeless(second.results)).toEqual(timeless(fresh.results));
    // Here the first folder added a second seed, and the raised one plays the third only.
    expect([first.results.length, second.played, fresh.results.length]).toEqual([2, 1, 3]);
    expect(second.board).toEqual(fresh.board);
  }, 300_000);
});
