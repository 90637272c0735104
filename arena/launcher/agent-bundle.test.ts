// The agent program's cache (agentProgram) on a small project of its own: bundled once, taken
// again without esbuild while its sources stand (also by another process), bundled again after a
// source changes; the start file runs the bundle it names.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentProgram, bundleProgram, pruneCachedPrograms } from './agent-bundle.js';

const root = mkdtempSync(join(tmpdir(), 'flexarena-agent-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
writeFileSync(join(root, 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }\n');
writeFileSync(join(root, 'package.json'), '{}\n');
writeFileSync(join(root, 'main.ts'), "import { n } from './dep';\nconsole.log('answer', n + 1);\n");
for (const f of ['tsconfig.json', 'package.json', 'main.ts'])
  utimesSync(join(root, f), 1_700_000_000, 1_700_000_000);
const setDep = (n: number, mtime: number) => {
  writeFileSync(join(root, 'dep.ts'), `export const n: number = ${n};\n`);
  utimesSync(join(root, 'dep.ts'), mtime, mtime);
};
const opts = { root, entry: 'main.ts', cacheDir: join(root, 'cache') };
const run = (start: string) => execFileSync(process.execPath, [start], { encoding: 'utf8' }).trim();

describe('agentProgram', () => {
  it('bundles once, is taken again while the sources stand, bundles again when one changes', async () => {
    setDep(41, 1_700_000_000);
    const first = await agentProgram(opts);
    expect(first.built).toBe(true);
    expect(run(first.start)).toBe('answer 42');
    expect(await agentProgram(opts)).toEqual({ start: first.start, built: false });
    // Another process (another run) finds it too.
    const other = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { agentProgram } from ${JSON.stringify(join(import.meta.dirname, 'agent-bundle.ts'))}; console.log(JSON.stringify(await agentProgram(${JSON.stringify(opts)})));`,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(other.stdout.trim().split('\n').at(-1)!)).toEqual({ start: first.start, built: false });

    setDep(99, 1_700_000_100);
    const second = await agentProgram(opts);
    expect(second.built).toBe(true);
    expect(second.start).not.toBe(first.start);
    expect(run(second.start)).toBe('answer 100');
    // Only the modification time moved: bundled again all the same (the same content, the same files).
    utimesSync(join(root, 'dep.ts'), 1_700_000_200, 1_700_000_200);
    expect(await agentProgram(opts)).toEqual({ start: second.start, built: true });
    expect(await agentProgram(opts)).toEqual({ start: second.start, built: false });
  });
});

describe('bundleProgram', () => {
  it('keeps the bundle of a plain program while its sources stand (no esbuild at the next start)', async () => {
    const cacheDir = join(root, 'plain-cache');
    const entry = join(import.meta.dirname, '..', 'nats', 'nats-worker.ts');
    const first = await bundleProgram('nats-thread', entry, cacheDir);
    const pointer = join(cacheDir, 'nats-thread-current.json');
    const written = statSync(pointer).mtimeMs;
    expect(await bundleProgram('nats-thread', entry, cacheDir)).toBe(first);
    // Taken from the pointer, not built again: the pointer was not rewritten.
    expect(statSync(pointer).mtimeMs).toBe(written);
    expect(readFileSync(first, 'utf8')).toContain('nats');
  }, 60_000);
});

describe('pruneCachedPrograms', () => {
  it("deletes a prefix's stale programs and code caches, and nothing kept, fresh or of another kind", () => {
    const dir = join(root, 'prune-cache');
    mkdirSync(dir);
    const hex = (n: number) => n.toString(16).padStart(16, '0');
    const names = {
      kept: `agent-${hex(1)}.cjs`,
      keptCache: `agent-${hex(1)}.cjs.v8cache`,
      keptStart: `agent-start-${hex(2)}.cjs`,
      stale: `agent-${hex(3)}.cjs`,
      staleCache: `agent-${hex(3)}.cjs.v8cache`,
      orphanCache: `agent-${hex(4)}.cjs.v8cache`,
      oldFormat: `agent-${hex(5)}.mjs`,
      staleStart: `agent-start-${hex(6)}.cjs`,
      fresh: `agent-${hex(7)}.cjs`,
      otherKind: `nats-thread-${hex(8)}.mjs`,
      pointer: 'agent-current.json',
      notHashed: 'agent-all-test.mjs',
    };
    const now = 1_800_000_000_000;
    for (const [key, name] of Object.entries(names)) {
      writeFileSync(join(dir, name), name);
      const ageS = key === 'fresh' ? 600 : 2 * 3_600;
      utimesSync(join(dir, name), now / 1000 - ageS, now / 1000 - ageS);
    }
    pruneCachedPrograms(
      dir,
      ['agent', 'agent-start'],
      [join(dir, names.kept), join(dir, names.keptStart)],
      now,
    );
    expect(readdirSync(dir).sort()).toEqual(
      [
        names.kept,
        names.keptCache,
        names.keptStart,
        names.fresh,
        names.otherKind,
        names.pointer,
        names.notHashed,
      ].sort(),
    );
  });
});
