// What a user gets wrong on the command line comes back as one line that says what to change, and
// exit code 1 — never a stack trace, which is kept for bugs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
      /^flexarena: strategy idle: params\.maxSlippageEur: unknown parameter: idle takes none$/,
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

describe('flexarena report', () => {
  // A cut-off leaderboard.json was a SyntaxError with its stack; a stopped tournament's folder was
  // "neither a run folder nor a tournament folder".
  const dir = (files: Record<string, string>) => {
    const d = mkdtempSync(join(tmpdir(), 'cli-report-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
    return d;
  };
  const cases: [string, () => string, RegExp][] = [
    [
      'a cut-off leaderboard.json',
      () => dir({ 'leaderboard.json': '{"rows":[' }),
      /^flexarena: .*leaderboard\.json is not readable as JSON \(.*\); flexarena tournament <file> --out .* writes it again$/,
    ],
    [
      'a stopped tournament',
      () => dir({ 'tournament.json': '{}', 'games.jsonl': '' }),
      /^flexarena: .* holds a tournament that has not finished \(no leaderboard\.json yet\)/,
    ],
    [
      'a folder that is not there',
      () => '/nonexistent/flexarena-report',
      /^flexarena: \/nonexistent\/flexarena-report: no such folder$/,
    ],
  ];
  for (const [what, make, message] of cases)
    it(`says what is wrong with ${what}, in one line`, { timeout: 60_000 }, () => {
      const res = flexarena(['report', make(), '--no-png']);
      expect(res.status, res.stderr).toBe(1);
      expect(res.stderr.trim()).toMatch(message);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
    });
});

describe('flexarena tape', () => {
  // A tape.jsonl.gz that is not gzip (a copy cut at its start, another file in its place) printed
  // zlib's 'incorrect header check' with a stack trace and no file named; --verify, the dashboard
  // and run --resume named the file in one line.
  const garbled = () => {
    const d = mkdtempSync(join(tmpdir(), 'cli-tape-'));
    writeFileSync(join(d, 'tape.jsonl.gz'), 'not gzip\n');
    writeFileSync(join(d, 'tape.sha256'), `${'0'.repeat(64)}  tape.jsonl\n`);
    return d;
  };
  for (const args of [[], ['--verify']])
    it(`${['tape', ...args].join(' ')}: says a tape that cannot be read is so, in one line`, {
      timeout: 60_000,
    }, () => {
      const d = garbled();
      const res = flexarena(['tape', d, ...args]);
      expect(res.status, res.stderr).toBe(1);
      expect(res.stderr.trim().split('\n')).toEqual([
        `flexarena: ${join(d, 'tape.jsonl.gz')}: cannot be read: incorrect header check`,
      ]);
    });
});

describe('flexarena worker and tournament --nats', () => {
  // A NATS URL nothing listens on was a ConnectionError with its stack.
  for (const [what, args] of [
    ['worker', ['worker', '--nats', 'nats://127.0.0.1:1']],
    [
      'tournament',
      ['tournament', 'tournaments/shipped.yaml', '--nats', 'nats://127.0.0.1:1', '--no-progress'],
    ],
  ] as const)
    it(`${what}: says which NATS cannot be reached, in one line`, { timeout: 60_000 }, () => {
      const out = mkdtempSync(join(tmpdir(), 'cli-nats-'));
      const res = flexarena([...args, ...(what === 'tournament' ? ['--out', out] : [])]);
      expect(res.status, res.stderr).toBe(1);
      expect(res.stderr.trim()).toBe(
        'flexarena: cannot connect to NATS at nats://127.0.0.1:1 (--nats): connection refused',
      );
    });
});

describe('flexarena worker, evaluate and tournament without a NATS URL', () => {
  // The tournament's --nats took no default (`--nats` alone was a missing value); the others
  // read FLEXARENA_NATS_URL each its own way.
  for (const args of [
    ['worker'],
    ['evaluate', '--http-port', '0'],
    ['tournament', 'tournaments/shipped.yaml', '--nats', '--no-progress'],
  ])
    it(`${args[0]}: uses FLEXARENA_NATS_URL`, { timeout: 60_000 }, () => {
      const out = mkdtempSync(join(tmpdir(), 'cli-nats-env-'));
      const res = spawnSync(
        process.execPath,
        [
          BIN,
          ...args,
          ...(args[0] === 'tournament' ? ['--out', out] : []),
          ...(args[0] === 'evaluate' ? ['--runs-dir', out] : []),
        ],
        { encoding: 'utf8', env: { ...process.env, FLEXARENA_NATS_URL: 'nats://127.0.0.1:1' } },
      );
      expect(res.status, res.stderr).toBe(1);
      // The line says where the URL came from (the work queue's named --nats, which was not given;
      // the evaluator's named nothing); the evaluator reaches NATS before it opens its endpoint.
      expect(res.stderr.trim().split('\n'), res.stderr).toHaveLength(1);
      expect(res.stderr.trim()).toBe(
        'flexarena: cannot connect to NATS at nats://127.0.0.1:1 (FLEXARENA_NATS_URL): connection refused',
      );
    });
});

describe('a value the option parser refuses', () => {
  // It was followed by the command's whole help (thirty lines), the error line scrolled away above;
  // then by commander's `error: option '--realtime <speed>' argument '0' is invalid.` and a hint.
  it('is one line naming the option and its limit', { timeout: 60_000 }, () => {
    const res = flexarena(['run', 'scenarios/demo.yaml', '--realtime', '0']);
    expect(res.status, res.stderr).toBe(1);
    expect(res.stderr.trim().split('\n')).toEqual([
      'flexarena: --realtime must be from 1 to 100000, got "0"',
    ]);
  });
});
