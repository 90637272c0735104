import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileDigests } from './named-files.js';

describe('fileDigests', () => {
  it("gives each file's sha256 once, in path order, and says which are missing", () => {
    const dir = mkdtempSync(join(tmpdir(), 'named-files-'));
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.json');
    writeFileSync(a, 'x');
    writeFileSync(b, '{}');
    const d = fileDigests([b, a, b, join(dir, 'gone')]);
    expect(Object.keys(d)).toEqual([a, b, join(dir, 'gone')]);
    expect(d[a]).toBe('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
    expect(d[join(dir, 'gone')]).toBe('missing');
    writeFileSync(a, 'y');
    expect(fileDigests([a])[a]).not.toBe(d[a]);
  });
});
