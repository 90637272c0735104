// What a user gets wrong on the command line comes back as one line that says what to change, and
// exit code 1 — never a stack trace, which is kept for bugs.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/arena-process.js';

function flexarena(args: string[]): { status: number | null; stderr: string } {
  const res = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, FLEXARENA_TOKEN: '' },
  });
  return { status: res.status, stderr: res.stderr };
}

describe('flexarena agent', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'an unknown strategy',
      ['nosuch', '--token', 't'],
      /^flexarena: unknown strategy "nosuch"; known: .*lp-battery/,
    ],
    ['no token', ['idle'], /^flexarena: --token \(or FLEXARENA_TOKEN\) is required$/],
    [
      'params that are not JSON',
      ['idle', '--token', 't', '--params', '{bad'],
      /^flexarena: --params is not valid JSON: /,
    ],
    [
      'a parameter the strategy refuses',
      ['lp-battery', '--token', 't', '--params', '{"horizonHours":500}'],
      /^flexarena: strategy lp-battery: params\.horizonHours: Too big: expected number to be <=96$/,
    ],
    [
      'params that are JSON but no object (null was taken as none)',
      ['heuristic-battery', '--token', 't', '--params', 'null'],
      /^flexarena: --params must be a JSON object \(\{"name": value, …\}\), not null$/,
    ],
    [
      'params given to a strategy that has none (they were ignored)',
      ['idle', '--token', 't', '--params', '{"maxSlippageEur":5}'],
      /^flexarena: strategy idle: params\.\(root\): Unrecognized key: "maxSlippageEur"$/,
    ],
    [
      'a resume file that is a folder (a stack trace)',
      ['idle', '--token', 't', '--resume-file', tmpdir()],
      /^flexarena: --resume-file \S+ cannot be read \(EISDIR\)$/,
    ],
    [
      'a resume file in a folder that does not exist (it failed at the first wake-up)',
      ['idle', '--token', 't', '--resume-file', join(tmpdir(), 'no-such-folder-flexarena', 'seq')],
      /^flexarena: --resume-file \S+: its folder \S+no-such-folder-flexarena does not exist$/,
    ],
    [
      'an arena that is not there',
      ['idle', '--token', 't', '--arena', '127.0.0.1:1'],
      /^flexarena: session ended with gRPC status 14: Connection dropped \(connect ECONNREFUSED 127\.0\.0\.1:1\)$/,
    ],
  ];
  for (const [what, args, message] of cases)
    it(`says what is wrong with ${what}, in one line`, { timeout: 60_000 }, () => {
      const res = flexarena([
        'agent',
        ...args,
        ...(args.includes('--arena') ? [] : ['--arena', '127.0.0.1:1']),
      ]);
      expect(res.status, res.stderr).toBe(1);
      expect(res.stderr.trim()).toMatch(message);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
    });
});
