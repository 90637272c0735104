import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomically, writeJsonAtomically } from './index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const folder = () => {
  const d = mkdtempSync(join(tmpdir(), 'atomic-file-'));
  dirs.push(d);
  return d;
};

describe('writeFileAtomically', () => {
  it('replaces the file whole and leaves no temporary file', () => {
    const d = folder();
    const path = join(d, 'results.json');
    writeFileSync(path, 'old');
    writeFileAtomically(path, 'new\n');
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(readdirSync(d)).toEqual(['results.json']);
  });

  it('leaves the earlier file as it was when the new one cannot be put in place', () => {
    const d = folder();
    const path = join(d, 'run-end.json');
    writeFileSync(path, 'earlier');
    // The temporary file's name is taken by a folder: the write fails before the file is touched.
    mkdirSync(`${path}.${process.pid}.tmp`);
    expect(() => writeFileAtomically(path, 'later')).toThrow(/EISDIR/);
    expect(readFileSync(path, 'utf8')).toBe('earlier');
  });

  it('removes its temporary file when the rename fails', () => {
    const d = folder();
    const path = join(d, 'tape.sha256');
    mkdirSync(path); // a folder in the way of the rename
    writeFileSync(join(path, 'x'), '');
    expect(() => writeFileAtomically(path, 'abc')).toThrow();
    expect(readdirSync(d)).toEqual(['tape.sha256']);
  });

  it('writeJsonAtomically writes compact JSON through it', () => {
    const d = folder();
    writeJsonAtomically(join(d, 'x.json'), { a: [1, 2] });
    expect(readFileSync(join(d, 'x.json'), 'utf8')).toBe('{"a":[1,2]}');
  });
});
