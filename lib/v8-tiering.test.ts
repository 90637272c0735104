// The tiering flags take effect when set from inside the program: a function called 500 times is
// marked for optimization under V8's default interrupt budget and not under twice that budget.
// Each case runs in a child process (flags are per process and cannot be unset).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tuneV8ForShortRuns } from './v8-tiering.js';

const MODULE = join(dirname(fileURLToPath(import.meta.url)), 'v8-tiering.ts');

/** How often V8 marked the probe's `hot` for optimization (--trace-opt), after tuning or not. */
function markings(tune: boolean, env: Record<string, string> = {}): number {
  const probe = `
const { tuneV8ForShortRuns } = await import(${JSON.stringify(MODULE)});
if (${tune}) tuneV8ForShortRuns();
function hot(a) { let s = 0; for (let i = 0; i < 8; i++) s += a * i; return s; }
let t = 0;
for (let k = 0; k < 500; k++) t += hot(k);
if (t <= 0) throw new Error('unreachable');
`;
  const res = spawnSync(
    process.execPath,
    ['--trace-opt', '--import', 'tsx', '--input-type=module', '-e', probe],
    {
      encoding: 'utf8',
      env: { ...process.env, FLEXARENA_V8_DEFAULTS: '', ...env },
    },
  );
  expect(res.status, res.stderr).toBe(0);
  return res.stdout.split('\n').filter((l) => l.includes('marking') && l.includes('<JSFunction hot ')).length;
}

describe('tuneV8ForShortRuns', () => {
  it('delays optimization in this process', () => {
    expect(markings(false)).toBe(1);
    expect(markings(true)).toBe(0);
  });

  it('FLEXARENA_V8_DEFAULTS=1 keeps the defaults', () => {
    expect(markings(true, { FLEXARENA_V8_DEFAULTS: '1' })).toBe(1);
    expect(tuneV8ForShortRuns({ FLEXARENA_V8_DEFAULTS: '1' })).toEqual([]);
  });
});
