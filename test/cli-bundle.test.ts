// The `flexarena` command's bundle cache (bin/cli-bundle.mjs) on a small project of its own: bundled
// once, reused by later starts (also in other processes), bundled again after a source changes or
// goes away; and the real command gives the same answers from the bundle as through tsx.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBundle } from '../bin/cli-bundle.mjs';

const root = mkdtempSync(join(tmpdir(), 'flexarena-cli-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'src'));
writeFileSync(join(root, 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }\n');
writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
writeFileSync(
  join(root, 'src', 'main.ts'),
  "import { n } from './dep.js';\ndeclare const __FLEXARENA_ROOT__: string;\nexport const answer: number = n + 1;\nexport const root = __FLEXARENA_ROOT__;\nexport const lazy = () => import('./late.js');\n",
);
writeFileSync(join(root, 'src', 'late.ts'), 'export const late = 7;\n');
// Whole seconds, which a copy keeps exactly (a moved project below has the very same stamps).
for (const f of ['tsconfig.json', 'package.json', 'src/main.ts', 'src/late.ts'])
  utimesSync(join(root, f), 1_700_000_000, 1_700_000_000);
const setDep = (n: number, mtime: number) => {
  writeFileSync(join(root, 'src', 'dep.ts'), `export const n: number = ${n};\n`);
  utimesSync(join(root, 'src', 'dep.ts'), mtime, mtime);
};
const opts = { root, entry: 'src/main.ts' };

describe('cliBundle', () => {
  it('bundles once, reuses the bundle while the sources stand, bundles again when one changes', async () => {
    setDep(41, 1_700_000_000);
    const first = await cliBundle(opts);
    expect(first.built).toBe(true);
    const m = await import(first.url);
    expect([m.answer, m.root, (await m.lazy()).late]).toEqual([42, root, 7]);

    expect(await cliBundle(opts)).toEqual({ url: first.url, built: false });
    // Another process finds it too.
    const other = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { cliBundle } from ${JSON.stringify(join(import.meta.dirname, '..', 'bin', 'cli-bundle.mjs'))}; console.log(JSON.stringify(await cliBundle(${JSON.stringify(opts)})));`,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(other.stdout)).toEqual({ url: first.url, built: false });

    setDep(99, 1_700_000_100);
    const second = await cliBundle(opts);
    expect(second.built).toBe(true);
    expect(second.url).not.toBe(first.url);
    expect((await import(second.url)).answer).toBe(100);

    // Only the modification time moved (same size): bundled again all the same.
    setDep(98, 1_700_000_200);
    expect((await cliBundle(opts)).built).toBe(true);
    // The lock file stands for the inlined packages (their files are not stamped one by one): a
    // lock that appears or changes bundles again.
    const lock = join(root, 'package-lock.json');
    writeFileSync(lock, '{ "lockfileVersion": 3 }\n');
    utimesSync(lock, 1_700_000_000, 1_700_000_000);
    expect((await cliBundle(opts)).built).toBe(true);
    expect((await cliBundle(opts)).built).toBe(false);
    writeFileSync(lock, '{ "lockfileVersion": 3, "packages": {} }\n');
    utimesSync(lock, 1_700_000_300, 1_700_000_300);
    expect((await cliBundle(opts)).built).toBe(true);

    // The same sources in another folder (a moved project): bundled again, knowing the new folder.
    const moved = mkdtempSync(join(tmpdir(), 'flexarena-cli-bundle-moved-'));
    cpSync(root, moved, { recursive: true, preserveTimestamps: true });
    const there = await cliBundle({
      root: moved,
      entry: 'src/main.ts',
      cacheDir: join(root, 'node_modules', '.cache', 'flexarena'),
    });
    expect(there.built).toBe(true);
    expect((await import(there.url)).root).toBe(moved);
    rmSync(moved, { recursive: true, force: true });

    rmSync(join(root, 'src', 'late.ts'));
    await expect(cliBundle(opts)).rejects.toThrow(/late/);
  }, 60_000);

  it('the real command answers the same from its bundle as through tsx', () => {
    const bin = join(import.meta.dirname, '..', 'bin', 'flexarena.mjs');
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [bin, 'strategies'], { encoding: 'utf8', env: { ...process.env, ...env } });
    const bundled = run({});
    const tsx = run({ FLEXARENA_CLI_BUNDLE: '0' });
    expect(bundled.status, bundled.stderr).toBe(0);
    expect(bundled.stdout).toContain('lp-battery');
    expect(bundled.stdout).toBe(tsx.stdout);
  }, 60_000);
});
