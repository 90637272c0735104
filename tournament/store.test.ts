// A tournament folder belongs to one tournament: another one (another configuration) is refused, and
// a folder that cannot be made is refused with the path and the option — never a raw fs error.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers/arena-process.js';
import { parseTournament } from './config.js';
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
    expect(() => new TournamentStore(folder, tournament(3))).toThrow(
      /holds another tournament .*use another --out/,
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
});
