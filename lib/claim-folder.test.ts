// A folder's id: made when the folder is claimed first, kept by every later claim of it, and
// another for another folder of the same configuration (or the same folder made again).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claimFolder, configurationHash } from './claim-folder.js';

const root = mkdtempSync(join(tmpdir(), 'flexarena-claim-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const claim = (dir: string, inputs?: unknown) =>
  claimFolder({
    dir,
    metaFile: 'tournament.json',
    kind: 'tournament',
    config: { name: 't' },
    ...(inputs === undefined ? {} : { inputs: { what: 'scenario files', value: inputs } }),
    fail: (m) => new Error(m),
  });

describe('claimFolder', () => {
  it('gives a folder an id of its own, kept by every later claim', () => {
    const a = join(root, 'a');
    const id = claim(a);
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(claim(a)).toBe(id);
    expect(JSON.parse(readFileSync(join(a, 'tournament.json'), 'utf8')).id).toBe(id);
    expect(claim(join(root, 'b'))).not.toBe(id);
    rmSync(a, { recursive: true });
    expect(claim(a)).not.toBe(id);
  });

  it('keeps the id when the inputs are first recorded, and a folder made before ids has none', () => {
    const c = join(root, 'c');
    const id = claim(c);
    expect(claim(c, { scenario: 1 })).toBe(id);
    expect(claim(c, { scenario: 1 })).toBe(id);
    const old = join(root, 'old');
    claim(old);
    const meta = join(old, 'tournament.json');
    const { id: _id, ...before } = JSON.parse(readFileSync(meta, 'utf8'));
    writeFileSync(meta, JSON.stringify(before));
    expect(claim(old)).toBeUndefined();
    expect(claim(old, { scenario: 1 })).toBeUndefined();
  });

  // A folder claimed before `seeds` was left out of the hash: its meta file's hash is over the
  // whole configuration. The same configuration was refused as another one once the hash left
  // `seeds` out; it is accepted, and may be raised from the count the old file names.
  it('accepts a meta file whose hash includes seeds, and extends it from its seeds', () => {
    const folder = join(root, 'seeds-old');
    const config = (seeds: number) => ({ name: 't', seed: 1, seeds, metric: 'profit' });
    const meta = join(folder, 'study-config.json');
    const claimSeeds = (seeds: number, other = {}) =>
      claimFolder({
        dir: folder,
        metaFile: 'study-config.json',
        kind: 'study',
        config: { ...config(seeds), ...other },
        inputs: { what: 'scenario file', value: { scenario: 1 } },
        grows: 'seeds',
        fail: (m) => new Error(m),
      });
    mkdirSync(folder);
    const old = {
      hash: configurationHash(config(3)),
      inputsHash: configurationHash({ scenario: 1 }),
      config: config(3),
    };
    writeFileSync(meta, JSON.stringify(old));
    expect(() => claimSeeds(2)).toThrow('seeds: 2, but');
    expect(() => claimSeeds(3, { metric: 'x' })).toThrow(/holds another study/);
    expect(JSON.parse(readFileSync(meta, 'utf8'))).toEqual(old);
    expect(claimSeeds(3)).toBeUndefined();
    expect(JSON.parse(readFileSync(meta, 'utf8'))).toMatchObject({ grows: 'seeds', config: config(3) });
    writeFileSync(meta, JSON.stringify(old));
    claimSeeds(5);
    expect(JSON.parse(readFileSync(meta, 'utf8'))).toMatchObject({
      grows: 'seeds',
      inputsHash: old.inputsHash,
      config: config(5),
    });
    expect(() => claimSeeds(4)).toThrow(
      `seeds: 4, but ${folder} holds this study claimed for 5 seeds: at least 5 (raising it plays only the new ones); use another --out for fewer`,
    );
    expect(() => claimSeeds(5)).not.toThrow();
    expect(() => claimSeeds(6, { metric: 'x' })).toThrow(/holds another study/);
  });
});
