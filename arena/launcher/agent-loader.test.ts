// The agent program's start file against real node processes: V8's code cache is written by the
// first process, used by the next, refused (and rewritten) when it is damaged or made under other
// V8 flags — and the program behaves the same every time, HiGHS included.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleAgentProgram, cachedProgramBuildOptions } from './agent-bundle.js';
import { agentLoaderSource, codeCachePath } from './agent-loader.js';

const ROOT = join(import.meta.dirname, '..', '..');
// Inside node_modules/, so that HiGHS (left out of bundles) resolves as it does for the agent program.
const dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'agent-loader-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bundle = join(dir, 'probe.cjs');
writeFileSync(
  bundle,
  buildSync(cachedProgramBuildOptions(join(import.meta.dirname, 'fixtures', 'highs-probe.ts')))
    .outputFiles[0]!.contents,
);
const start = join(dir, 'start.cjs');
writeFileSync(start, agentLoaderSource(bundle));

function run(env: Record<string, string> = {}, file = start, args: string[] = []) {
  const r = spawnSync(process.execPath, [file, ...args], {
    encoding: 'utf8',
    env: { ...process.env, FLEXARENA_V8_DEFAULTS: '', ...env, FLEXARENA_CODE_CACHE_REPORT: '1' },
  });
  expect(r.status, r.stderr).toBe(0);
  return { cache: r.stderr.match(/code cache: (\w+)/)?.[1], out: r.stdout };
}

// In order: the tests share one code cache file, whose first write the first test sees (shuffled runs keep it).
describe('agent program start file', { shuffle: false }, () => {
  it('writes the code cache once, uses it after, and rewrites one it refused', () => {
    const cache = codeCachePath(bundle);
    expect(run()).toEqual({ cache: 'none', out: 'Optimal 4\n' });
    expect(existsSync(cache)).toBe(true);
    expect(run()).toEqual({ cache: 'accepted', out: 'Optimal 4\n' });

    writeFileSync(cache, Buffer.alloc(4096, 7));
    expect(run()).toEqual({ cache: 'rejected', out: 'Optimal 4\n' });
    expect(readFileSync(cache).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect(run().cache).toBe('accepted');
  }, 60_000);

  it('compiles under the agent V8 flags: a cache made under V8 defaults is refused', () => {
    run();
    expect(run({ FLEXARENA_V8_DEFAULTS: '1' }).cache).toBe('rejected');
    expect(run({ FLEXARENA_V8_DEFAULTS: '1' }).cache).toBe('accepted');
    expect(run().cache).toBe('rejected');
  }, 60_000);

  it('starts the real agent program', async () => {
    // A copy of it: a cache written at the exit of `--help` would hold little of what a run compiles.
    const real = readFileSync(await bundleAgentProgram(), 'utf8').match(/const BUNDLE = (".*");/)![1]!;
    const copy = join(dir, 'agent.cjs');
    copyFileSync(JSON.parse(real), copy);
    writeFileSync(join(dir, 'agent-start.cjs'), agentLoaderSource(copy));
    const r = spawnSync(process.execPath, [join(dir, 'agent-start.cjs'), 'agent', '--help'], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: flexarena agent');
  }, 60_000);
});
