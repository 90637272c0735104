// The tiering flags take effect when set from inside the program: a function called 500 times is
// marked for optimization under V8's default interrupt budget and not under twice that budget; an
// agent process's TurboFan does not inline. Each case runs in a child process (flags are per
// process and cannot be unset).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AGENT_PROCESS_V8_FLAGS, SHORT_RUN_V8_FLAGS, tuneV8ForShortRuns } from './v8-tiering.js';

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

/** Whether TurboFan inlined a small callee into its caller, after tuning for `role` (--trace-turbo-inlining). */
function inlines(role: 'arena' | 'agent'): boolean {
  const probe = `
const { tuneV8ForShortRuns } = await import(${JSON.stringify(MODULE)});
tuneV8ForShortRuns({}, ${JSON.stringify(role)});
function probeInner(x) { return x + 1; }
function probeOuter(x) { return probeInner(x) * 2; }
%PrepareFunctionForOptimization(probeInner);
%PrepareFunctionForOptimization(probeOuter);
probeOuter(1);
probeOuter(2);
%OptimizeFunctionOnNextCall(probeOuter);
if (probeOuter(3) !== 8) throw new Error('unreachable');
`;
  const res = spawnSync(
    process.execPath,
    [
      '--allow-natives-syntax',
      '--trace-opt',
      '--trace-turbo-inlining',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      probe,
    ],
    { encoding: 'utf8' },
  );
  expect(res.status, res.stderr).toBe(0);
  // The probe was optimized (else "no inlining" would prove nothing).
  expect(res.stdout).toMatch(/completed compiling .*probeOuter/);
  return /Inlining .*probeInner.* into .*probeOuter/.test(res.stdout);
}

describe('tuneV8ForShortRuns', () => {
  it('delays optimization in this process', () => {
    expect(markings(false)).toBe(1);
    expect(markings(true)).toBe(0);
  });

  it('FLEXARENA_V8_DEFAULTS=1 keeps the defaults', () => {
    expect(markings(true, { FLEXARENA_V8_DEFAULTS: '1' })).toBe(1);
    expect(tuneV8ForShortRuns({ FLEXARENA_V8_DEFAULTS: '1' })).toEqual([]);
    expect(tuneV8ForShortRuns({ FLEXARENA_V8_DEFAULTS: '1' }, 'agent')).toEqual([]);
  });

  it("gives an agent process a cheaper TurboFan on top (no inlining), and the arena V8's", () => {
    expect(inlines('arena')).toBe(true);
    expect(inlines('agent')).toBe(false);
  });

  it('names the flags it sets for each role', () => {
    // In a child process: setting them here would tune the test runner's own process.
    const res = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { tuneV8ForShortRuns } = await import(${JSON.stringify(MODULE)});
process.stdout.write(JSON.stringify([tuneV8ForShortRuns({}, 'arena'), tuneV8ForShortRuns({}, 'agent')]));`,
      ],
      { encoding: 'utf8' },
    );
    expect(res.status, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual([
      SHORT_RUN_V8_FLAGS,
      [...SHORT_RUN_V8_FLAGS, ...AGENT_PROCESS_V8_FLAGS],
    ]);
  });
});
