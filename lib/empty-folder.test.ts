import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeEmptyFolder } from './empty-folder.js';

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
