import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EarlierRunFolder } from './earlier-run-folder.js';

/** An out folder holding a run folder `r1` with a results.json, as an earlier run left it. */
function outWithEarlierRun(): { out: string; runDir: string } {
  const out = mkdtempSync(join(tmpdir(), 'flexarena-earlier-'));
  const runDir = join(out, 'r1');
  mkdirSync(join(runDir, 'agents'), { recursive: true });
  writeFileSync(join(runDir, 'results.json'), '{"earlier":true}');
  writeFileSync(join(runDir, 'agents', 'a.log'), 'earlier log');
  return { out, runDir };
}

describe('EarlierRunFolder', () => {
  it('holds nothing when the folder is missing or empty', () => {
    const out = mkdtempSync(join(tmpdir(), 'flexarena-earlier-'));
    expect(EarlierRunFolder.setAside(join(out, 'none')).held).toBe(false);
    mkdirSync(join(out, 'empty'));
    expect(EarlierRunFolder.setAside(join(out, 'empty')).held).toBe(false);
    expect(readdirSync(out)).toEqual(['empty']);
  });

  it('sets the earlier run aside in a hidden folder beside it and gives it back whole', () => {
    const { out, runDir } = outWithEarlierRun();
    const earlier = EarlierRunFolder.setAside(runDir);
    expect(earlier.held).toBe(true);
    expect(existsSync(runDir)).toBe(false);
    const [aside, ...more] = readdirSync(out);
    expect(more).toEqual([]);
    expect(aside).toMatch(/^\.r1\.earlier-\d+-\d+$/);
    // The new run writes its own folder meanwhile; restoring replaces it.
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'config.yaml'), 'new run');
    earlier.restore();
    expect(earlier.held).toBe(false);
    expect(readdirSync(out)).toEqual(['r1']);
    expect(readFileSync(join(runDir, 'results.json'), 'utf8')).toBe('{"earlier":true}');
    expect(readFileSync(join(runDir, 'agents', 'a.log'), 'utf8')).toBe('earlier log');
    expect(existsSync(join(runDir, 'config.yaml'))).toBe(false);
  });

  it('drops the earlier run once the new one has started, and then has nothing to restore', () => {
    const { out, runDir } = outWithEarlierRun();
    const earlier = EarlierRunFolder.setAside(runDir);
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'config.yaml'), 'new run');
    earlier.drop();
    expect(earlier.held).toBe(false);
    earlier.restore();
    expect(readdirSync(out)).toEqual(['r1']);
    expect(readdirSync(runDir)).toEqual(['config.yaml']);
  });

  it('a restore that fails says where the earlier run stays, and nothing drops it after', () => {
    const { out, runDir } = outWithEarlierRun();
    const earlier = EarlierRunFolder.setAside(runDir);
    const aside = join(out, readdirSync(out)[0]!);
    // Renaming it back fails (here: it is no longer there) — as a rename across a full disk would.
    renameSync(aside, `${aside}-moved`);
    expect(() => earlier.restore()).toThrow(`the earlier run stays in ${aside}: ENOENT`);
    expect(earlier.held).toBe(false);
    earlier.drop();
    expect(readFileSync(join(`${aside}-moved`, 'results.json'), 'utf8')).toBe('{"earlier":true}');
  });
});
