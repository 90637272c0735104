// One process at a time in a tournament's or a study's folder; a lock left by a process that no
// longer runs is taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockFolder } from './folder-lock.js';

const root = mkdtempSync(join(tmpdir(), 'flexarena-folder-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const fail = (m: string) => new Error(m);

describe('lockFolder', () => {
  it('refuses a folder another running process holds, naming it', () => {
    const dir = mkdtempSync(join(root, 'held-'));
    // The process that started this test runs, and is not this one.
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
    expect(() => lockFolder(dir, 'tournament', fail)).toThrow(
      `${dir} is in use by another tournament process (pid ${process.ppid}): wait for it to end or stop it (if no such process runs, delete ${join(dir, LOCK_FILE)})`,
    );
  });

  it('takes over a lock whose process has ended, and releases it', () => {
    const dir = mkdtempSync(join(root, 'stale-'));
    const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(dir, LOCK_FILE), `${ended.stdout.toString()}\n`);
    const release = lockFolder(dir, 'study', fail);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    // This process again (a second start in the same process) is not refused.
    expect(() => lockFolder(dir, 'study', fail)()).not.toThrow();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
