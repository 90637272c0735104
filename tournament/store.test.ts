// A tournament folder belongs to one tournament: another one (another configuration) is refused, and
// a folder that cannot be made is refused with the path and the option — never a raw fs error.
import { rmSync, writeFileSync } from 'node:fs';
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
});
