// A study folder belongs to one study, and a folder that cannot be made is refused with the path
// and the option — never a raw fs error.
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../sim/index.js';
import { tempDir } from '../test/helpers/arena-process.js';
import { parseStudy } from './config.js';
import type { StudyRun } from './run-variant.js';
import { StudyFolderError, StudyStore } from './store.js';

const dir = tempDir('flexarena-study-store-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const study = (seeds: number) =>
  parseStudy({ name: 's', seeds, scenario: 'scenario.yaml', agent: 'big' }, 's.yaml', dir);

describe('StudyStore', () => {
  it('keeps its folder for its own study and refuses another one', () => {
    const folder = join(dir, 'one');
    new StudyStore(folder, study(2));
    expect(() => new StudyStore(folder, study(2))).not.toThrow();
    expect(() => new StudyStore(folder, { ...study(2), seed: 9 })).toThrow(
      /holds another study .*use another --out/,
    );
    // More seeds extend the folder; fewer than it was claimed for are refused.
    expect(() => new StudyStore(folder, study(3))).not.toThrow();
    expect(() => new StudyStore(folder, study(2))).toThrow(
      `seeds: 2, but ${folder} holds this study claimed for 3 seeds: at least 3`,
    );
  });

  it('says which folder cannot be made, and why', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(() => new StudyStore(join(file, 'x'), study(2))).toThrow(StudyFolderError);
    expect(() => new StudyStore(join(file, 'x'), study(2))).toThrow(
      `cannot make the study folder ${join(file, 'x')} (--out): ENOTDIR`,
    );
  });

  // A study written into a tournament's folder overwrote its report/ and, study.json being read
  // first, hid its leaderboard from flexarena report.
  it("refuses a tournament's folder, naming the file that marks it", () => {
    const folder = join(dir, 'tournament-folder');
    mkdirSync(folder);
    writeFileSync(join(folder, 'tournament.json'), '{}');
    expect(() => new StudyStore(folder, study(2))).toThrow(StudyFolderError);
    expect(() => new StudyStore(folder, study(2))).toThrow(
      `${folder} is a tournament folder (it has tournament.json), not a study folder: use another --out`,
    );
  });

  it('refuses its folder when the scenario file changed since its runs were played', () => {
    const scenario = (powerMw: number) =>
      parseRunConfig({
        day: '2026-11-22',
        agents: [{ id: 'big', strategy: 'idle', asset: { type: 'battery', powerMw, energyMwh: 200 } }],
      });
    const folder = join(dir, 'edited');
    new StudyStore(folder, study(2), scenario(100));
    expect(() => new StudyStore(folder, study(2), scenario(100))).not.toThrow();
    expect(() => new StudyStore(folder, study(2), scenario(10))).toThrow(
      /edited holds this study played on other scenario file: they changed since .*use another --out or delete it/,
    );
  });

  it('refuses its folder when the price CSV its scenario names changed since', () => {
    const csv = join(dir, 'prices.csv');
    writeFileSync(csv, 'a');
    const scenario = parseRunConfig({
      day: '2024-06-01',
      world: { source: { entsoeCsv: csv } },
      agents: [{ id: 'big', strategy: 'idle', asset: { type: 'battery', powerMw: 100, energyMwh: 200 } }],
    });
    const folder = join(dir, 'csv');
    new StudyStore(folder, study(2), scenario);
    expect(() => new StudyStore(folder, study(2), scenario)).not.toThrow();
    writeFileSync(csv, 'b');
    expect(() => new StudyStore(folder, study(2), scenario)).toThrow(
      /csv holds this study played on other scenario file or the files they name .*: they changed since/,
    );
  });

  // A study killed while appending leaves a torn last line; the run appended after the restart
  // continued it, and was lost inside a line that cannot be read.
  it('cuts a torn last line off runs.jsonl, so that the next run is read back', () => {
    const store = new StudyStore(join(dir, 'torn'), study(2));
    const run = (key: string) => ({ key, market: { daPricesEur: [] } }) as unknown as StudyRun;
    store.append(run('with-0'));
    appendFileSync(store.runsFile, '{"key":"without-0","mar');
    expect([...store.runs().keys()]).toEqual(['with-0']);
    store.append(run('without-0'));
    expect([...store.runs().keys()]).toEqual(['with-0', 'without-0']);
  });
});
