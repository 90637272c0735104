// A folder's id: made when the folder is claimed first, kept by every later claim of it, and
// another for another folder of the same configuration (or the same folder made again).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claimFolder } from './claim-folder.js';

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
});
