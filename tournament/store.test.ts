// A tournament folder belongs to one tournament: another one (another configuration) is refused, and
// a folder that cannot be made is refused with the path and the option — never a raw fs error.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../sim/index.js';
import { tempDir } from '../test/helpers/arena-process.js';
import { fastScenario } from '../test/helpers/tournament-fixtures.js';
import { parseTournament } from './config.js';
import type { GameResult } from './game.js';
import { runTournament } from './runner.js';
import { TournamentFolderError, TournamentStore } from './store.js';

const dir = tempDir('flexarena-tournament-store-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tournament = (seeds: number) =>
  parseTournament({
    name: 't',
    seeds,
    entrants: [
      { name: 'a', strategy: 'idle' },
      { name: 'b', strategy: 'idle' },
    ],
    scenarios: [{ file: 'fast.yaml', seats: ['seat-a', 'seat-b'] }],
  });

describe('TournamentStore', () => {
  it('keeps its folder for its own tournament and refuses another one', () => {
    const folder = join(dir, 'one');
    new TournamentStore(folder, tournament(2));
    expect(() => new TournamentStore(folder, tournament(2))).not.toThrow();
    expect(() => new TournamentStore(folder, { ...tournament(2), seed: 9 })).toThrow(
      /holds another tournament .*use another --out/,
    );
    // More seeds extend the folder; fewer than it was claimed for are refused.
    expect(() => new TournamentStore(folder, tournament(3))).not.toThrow();
    expect(() => new TournamentStore(folder, tournament(2))).toThrow(
      `seeds: 2, but ${folder} holds this tournament claimed for 3 seeds: at least 3`,
    );
  });

  it('says which folder cannot be made, and why', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(() => new TournamentStore(join(file, 'x'), tournament(2))).toThrow(TournamentFolderError);
    expect(() => new TournamentStore(join(file, 'x'), tournament(2))).toThrow(
      `cannot make the tournament folder ${join(file, 'x')} (--out): ENOTDIR`,
    );
  });

  // A tournament written into a study's folder mixed the two (and the study's study.json then hid
  // the leaderboard from flexarena report); a cut-off tournament.json was a SyntaxError's stack.
  it("refuses a study's or a run's folder, and a tournament.json it cannot read, naming the file", () => {
    for (const [mark, kind] of [
      ['study-config.json', 'study'],
      ['run-manifest.json', 'run'],
    ] as const) {
      const folder = join(dir, `${kind}-folder`);
      mkdirSync(folder);
      writeFileSync(join(folder, mark), '{}');
      expect(() => new TournamentStore(folder, tournament(2))).toThrow(
        `${folder} is a ${kind} folder (it has ${mark}), not a tournament folder: use another --out`,
      );
    }
    const cut = join(dir, 'cut');
    mkdirSync(cut);
    writeFileSync(join(cut, 'tournament.json'), '{"hash":"12');
    expect(() => new TournamentStore(cut, tournament(2))).toThrow(TournamentFolderError);
    expect(() => new TournamentStore(cut, tournament(2))).toThrow(
      /cut\/tournament\.json is not readable as JSON \(.*\), so whose tournament folder this is is unknown: use another --out or delete it/,
    );
  });

  // Editing a scenario file kept its name, so the folder's games (played on the old file) were
  // resumed as finished and the old table printed as if the edited scenario had been played.
  it('refuses its folder when a scenario file changed since its games were played', () => {
    const scenario = (powerMw: number) => [
      parseRunConfig({
        day: '2026-11-22',
        agents: [
          { id: 'seat-a', strategy: 'idle', asset: { type: 'battery', powerMw, energyMwh: 10 } },
          { id: 'seat-b', strategy: 'idle', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
        ],
      }),
    ];
    const folder = join(dir, 'edited');
    new TournamentStore(folder, tournament(2), scenario(5));
    expect(() => new TournamentStore(folder, tournament(2), scenario(5))).not.toThrow();
    expect(() => new TournamentStore(folder, tournament(2), scenario(50))).toThrow(
      /edited holds this tournament played on other scenario files: they changed since \(inputs hash [0-9a-f]{16}, now [0-9a-f]{16}\); use another --out or delete it/,
    );
    // A folder claimed before the scenarios were kept takes them on its next claim.
    const older = join(dir, 'older');
    new TournamentStore(older, tournament(2));
    expect(JSON.parse(readFileSync(join(older, 'tournament.json'), 'utf8')).inputsHash).toBeUndefined();
    new TournamentStore(older, tournament(2), scenario(5));
    expect(() => new TournamentStore(older, tournament(2), scenario(50))).toThrow(/changed since/);
  });

  // An edited price CSV, or a Q-table an entrant only reads, changed between two starts: the games
  // before and after were played on different inputs, and nothing said so.
  it('refuses its folder when a file the scenarios or entrants name changed since', () => {
    const files = join(dir, 'named');
    mkdirSync(files);
    const csv = join(files, 'prices.csv');
    const table = join(files, 'q.json');
    writeFileSync(csv, 'a');
    writeFileSync(table, '{}');
    const scenario = [
      parseRunConfig({
        day: '2024-06-01',
        world: { source: { entsoeCsv: csv } },
        agents: [
          { id: 'seat-a', strategy: 'idle', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
          { id: 'seat-b', strategy: 'idle', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
        ],
      }),
    ];
    const t = parseTournament({
      name: 't',
      entrants: [
        { name: 'a', strategy: 'idle' },
        { name: 'q', strategy: 'tabular-q', params: { qTablePath: table, saveQTable: false } },
      ],
      scenarios: [{ file: 'fast.yaml', seats: ['seat-a', 'seat-b'] }],
    });
    const folder = join(dir, 'files');
    new TournamentStore(folder, t, scenario);
    expect(() => new TournamentStore(folder, t, scenario)).not.toThrow();
    writeFileSync(table, '{"edited":true}');
    expect(() => new TournamentStore(folder, t, scenario)).toThrow(
      /files holds this tournament played on other scenario files or the files they name \(price CSVs, Q-tables, policy checkpoints\): they changed since/,
    );
    writeFileSync(table, '{}');
    expect(() => new TournamentStore(folder, t, scenario)).not.toThrow();
    writeFileSync(csv, 'b');
    expect(() => new TournamentStore(folder, t, scenario)).toThrow(/changed since/);
  });

  // A runner killed while appending leaves a torn last line. The game appended after the restart
  // continued it: games.jsonl then held one line that is neither game, so that game was missing
  // from the file the figures are recomputed from and was played again at the next start.
  it('cuts a torn last line off games.jsonl, so that the next game is read back', () => {
    const store = new TournamentStore(join(dir, 'torn'), tournament(2));
    const game = (index: number) => ({ id: `g${index}`, index, seats: [] }) as unknown as GameResult;
    store.append(game(0));
    appendFileSync(store.gamesFile, '{"id":"g1","index":1,"se');
    expect(store.results().map((g) => g.id)).toEqual(['g0']);
    store.append(game(1));
    expect(store.results().map((g) => g.id)).toEqual(['g0', 'g1']);
    expect(readFileSync(store.gamesFile, 'utf8').split('\n')).toHaveLength(3);
  });

  // A line that parsed but was no game's result (a seat's profit "abc") was taken in: the
  // entrant's mean and interval became null in leaderboard.json without a word.
  it('treats a line that is not a game result as damaged: its game is played again', () => {
    const store = new TournamentStore(join(dir, 'shape'), tournament(2));
    const seat = { seat: 's', entrant: 'a', profitEur: 1, socNeutralProfitEur: 1, popMultiMarket: null };
    const game = (index: number, s: object) =>
      ({ id: `g${index}`, index, seats: [s] }) as unknown as GameResult;
    store.append(game(0, seat));
    store.append(game(1, { ...seat, profitEur: 'abc' }));
    store.append(game(2, { ...seat, popMultiMarket: 'x' }));
    appendFileSync(store.gamesFile, '{"id":"g3","index":3}\n');
    appendFileSync(store.gamesFile, 'not json\n');
    expect(store.results().map((g) => g.id)).toEqual(['g0']);
    expect(store.damagedLines).toBe(4);
    store.append(game(1, seat));
    expect(store.results().map((g) => g.id)).toEqual(['g0', 'g1']);
  });

  it("says in the tournament's outcome how many damaged lines it met (their games were played again)", {
    timeout: 120_000,
  }, async () => {
    const t = tournament(1);
    const folder = join(dir, 'damaged-outcome');
    const scenarios = [parseRunConfig(fastScenario())];
    const first = await runTournament(t, { dir: folder, scenarios });
    expect(first.damagedLines).toBe(0);
    appendFileSync(join(folder, 'games.jsonl'), '{"id":"not a game"}\n');
    const again = await runTournament(t, { dir: folder, scenarios });
    expect(again).toMatchObject({ damagedLines: 1, played: 0, resumed: first.results.length });
  });

  // Two runners on one folder played the same games under the same run ids at once; one removed
  // the other's run folder mid-game, which failed with ENOENT on its tape.sha256 as if the game
  // itself had failed.
  it('is played by one process at a time: a folder another running process holds is refused', async () => {
    const folder = join(dir, 'held');
    mkdirSync(folder);
    writeFileSync(join(folder, '.lock'), `${process.ppid}\n`);
    const t = tournament(1);
    const refused = await runTournament(t, {
      dir: folder,
      scenarios: [parseRunConfig(fastScenario())],
    }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TournamentFolderError);
    expect((refused as Error).message).toMatch(/held is in use by another tournament process \(pid \d+\)/);
    // The folder is claimed only under the lock: a refused runner wrote its own tournament's
    // config there, which the runner holding the folder (not yet past its own claim) then found
    // to be another tournament's, or its next start did.
    expect(readdirSync(folder)).toEqual(['.lock']);
  });
});

describe('a finished tournament folder', () => {
  // Each game's run folder is removed after it (unless keepRuns); the `runs/` they were played in
  // was kept, empty, and nothing documents or reads it.
  it('keeps no empty runs/ folder', async () => {
    const folder = join(dir, 'finished');
    const t = tournament(1);
    const outcome = await runTournament(t, { dir: folder, scenarios: [parseRunConfig(fastScenario())] });
    expect(outcome.played).toBeGreaterThan(0);
    expect(readdirSync(folder)).not.toContain('runs');
  }, 120_000);
});
