// The Python SDK's own unit tests (unittest, on Debian's /usr/bin/python3 with python3-grpcio),
// run from the suite so that a failing Python test fails `npm test`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the Python SDK', () => {
  it('passes its unit tests (python3 -m unittest)', () => {
    const res = spawnSync('/usr/bin/python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
      cwd: import.meta.dirname,
      encoding: 'utf8',
    });
    expect(res.error).toBeUndefined();
    expect(res.status, res.stderr).toBe(0);
    const ran = /Ran (\d+) tests?/.exec(res.stderr);
    expect(Number(ran?.[1]), res.stderr).toBeGreaterThanOrEqual(10);
  });

  it('installs with pip from its pyproject.toml, generated protocol code included', () => {
    // From a copy, so the build's leftovers stay out of the work tree; no index: nothing is fetched.
    const dir = mkdtempSync(join(tmpdir(), 'flexarena-pyinst-'));
    cpSync(import.meta.dirname, join(dir, 'src'), {
      recursive: true,
      filter: (p) => !p.includes('__pycache__'),
    });
    const pip = spawnSync(
      '/usr/bin/python3',
      [
        '-m',
        'pip',
        'install',
        '--no-deps',
        '--no-build-isolation',
        '--no-index',
        '--target',
        join(dir, 'site'),
        join(dir, 'src'),
      ],
      { encoding: 'utf8' },
    );
    expect(pip.status, pip.stderr).toBe(0);
    const probe = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import flexarena_sdk, flexarena_examples.battery as b; print(flexarena_sdk.__file__); print(flexarena_sdk.buy("qh-1", 1.5, 0.2).submit.price_ticks)',
      ],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(dir, 'site') } },
    );
    expect(probe.status, probe.stderr).toBe(0);
    expect(probe.stdout).toContain(join(dir, 'site', 'flexarena_sdk'));
    expect(probe.stdout.trim().endsWith('150')).toBe(true);
  });
});
