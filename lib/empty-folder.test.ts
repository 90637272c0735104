import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFolderAmongRemovers, removeEmptyFolder } from './empty-folder.js';

describe('removeEmptyFolder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flexarena-empty-folder-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('removes an empty folder and leaves one with files, a file and a missing path', () => {
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'full'));
    writeFileSync(join(dir, 'full', 'x'), 'x');
    writeFileSync(join(dir, 'file'), 'x');
    for (const name of ['empty', 'full', 'file', 'missing']) removeEmptyFolder(join(dir, name));
    expect(existsSync(join(dir, 'empty'))).toBe(false);
    expect(existsSync(join(dir, 'full', 'x'))).toBe(true);
    expect(existsSync(join(dir, 'file'))).toBe(true);
  });
});

describe('makeFolderAmongRemovers (workers sharing --out)', () => {
  const root = mkdtempSync(join(tmpdir(), 'flexarena-shared-out-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  // Worker B makes <out>/<tid>/runs/ for its game; worker A, done with its own game, removes
  // <out>/<tid>/runs/ and <out>/<tid>/ because they are empty at that moment; B then makes its
  // run folder in the folder that is gone.
  it('makes the run folder when another worker removed its empty parents just after they were made', () => {
    const out = join(root, 'out');
    const runDir = join(out, 't1', 'runs', 'game-1');
    let removed = 0;
    makeFolderAmongRemovers(runDir, () => {
      if (removed++ > 0) return;
      // Worker A's removeEmptyGameFolders, between B's two steps.
      removeEmptyFolder(join(out, 't1', 'runs'));
      removeEmptyFolder(join(out, 't1'));
      expect(existsSync(join(out, 't1'))).toBe(false);
    });
    expect(statSync(runDir).isDirectory()).toBe(true);
    expect(removed).toBe(2);
    // Once it exists, the run folder keeps its parents: A's removal takes nothing.
    removeEmptyFolder(join(out, 't1', 'runs'));
    removeEmptyFolder(join(out, 't1'));
    expect(statSync(runDir).isDirectory()).toBe(true);
  });

  it('takes a folder that exists, refuses a file in its place, and gives up against a remover that never stops', () => {
    const dir = join(root, 'exists');
    mkdirSync(dir, { recursive: true });
    makeFolderAmongRemovers(dir);
    writeFileSync(join(root, 'file'), 'x');
    expect(() => makeFolderAmongRemovers(join(root, 'file'))).toThrow(/EEXIST/);
    expect(() => makeFolderAmongRemovers(join(root, 'file', 'run'))).toThrow(/^ENOTDIR: not a directory/);
    const parent = join(root, 'busy');
    let tries = 0;
    expect(() =>
      makeFolderAmongRemovers(join(parent, 'run'), () => {
        tries++;
        removeEmptyFolder(parent);
      }),
    ).toThrow(/ENOENT/);
    expect(tries).toBe(100);
  });
});
