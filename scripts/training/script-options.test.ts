// The seed scripts as a newcomer runs them (docs/training.md), with bad options: one line and exit
// code 2 before any work. `--seeds abc` used to end in a stack trace, `--episodes -5` in a table
// of "results", `--test-days 500` in a crash, an unknown option was ignored.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (script: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `scripts/training/${script}`, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
};

describe('training scripts: options', () => {
  it('refuses a bad, unknown or missing option with one line and exit code 2', () => {
    const options =
      'options: --episodes, --seeds, --test-days, --soc-bins, --price-bins, --legacy, --other-world, --milp';
    expect(run('seed003.ts', '--seeds', 'abc')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'seed003.ts: --seeds must be an integer in [1, 1000], got "abc"\n',
    });
    expect(run('seed003.ts', '--episodes=-5').stderr).toBe(
      'seed003.ts: --episodes must be an integer in [1, 100000000], got "-5"\n',
    );
    expect(run('seed003.ts', '--test-days', '500').stderr).toBe(
      'seed003.ts: --test-days must be an integer in [1, 70], got "500"\n',
    );
    expect(run('seed003.ts', '--bogus', '3').stderr).toBe(
      `seed003.ts: Unknown option '--bogus'; ${options}\n`,
    );
    const r = run('seed003.ts', '--episodes', '-5');
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run('league-eval.ts', '--draws', '2')).toMatchObject({
      code: 2,
      stderr: 'league-eval.ts: --final is required\n',
    });
  }, 120_000);
});
