// Usage errors of the real `flexarena` command: an unknown option, a value outside its limit, a
// missing argument. Each is one line `flexarena: …` naming the option (and the limit) with exit
// code 1, said while the options are parsed, before any work starts. Before, commander's own came
// out as `error: option '--seed <n>' argument 'x' is invalid. …` plus a hint line, and some limits
// (the worker's, the evaluator's --ack-wait-ms) were checked only once the command ran.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MAX_SPEED } from '../../dashboard/index.js';
import { BIN } from '../helpers/arena-process.js';

// An address nothing listens on: a case that got past its options would fail on it instead.
const NOWHERE = 'nats://127.0.0.1:1';

const CASES: [string[], RegExp][] = [
  [
    ['worker', '--nats', NOWHERE, '--ack-wait-ms', '999'],
    /^--ack-wait-ms must be from 1000 to 86400000, got "999"$/,
  ],
  [['worker', '--nats', NOWHERE, '--max-games', '0'], /^--max-games must be at least 1, got "0"$/],
  [
    ['worker', '--nats', NOWHERE, '--nats-outage-limit', '3000000'],
    /^--nats-outage-limit must be at most 2147483 seconds \(24\.8 days, the longest a timer waits\), got "3000000"$/,
  ],
  [['worker', '--nats', NOWHERE, '--bogus'], /^unknown option '--bogus' \(see flexarena worker --help\)$/],
  [
    ['evaluate', '--nats', NOWHERE, '--ack-wait-ms', '0'],
    /^--ack-wait-ms must be from 1000 to 86400000, got "0"$/,
  ],
  [['evaluate', '--nats', NOWHERE, '--solver', 'cplex'], /^--solver must be one of dp, highs, got "cplex"$/],
  // NATS refused it only after the HTTP endpoint was up and NATS connected.
  [
    ['evaluate', '--nats', NOWHERE, '--durable', 'my.eval'],
    /^--durable must be a consumer name without spaces, "\.", "\*", ">", "\/" or "\\", got "my\.eval"$/,
  ],
  // Ignored with --run-dir before (the folder was scored; the option's meaning was dropped).
  [
    ['evaluate', '--run-dir', 'runs/none', '--runs-dir', 'runs'],
    /^--runs-dir is an option of the evaluation service; --run-dir scores one folder from its files$/,
  ],
  // A blank host: the evaluator served on every interface, a run failed with "[object Object]".
  [
    ['evaluate', '--nats', NOWHERE, '--http-host', ''],
    /^--http-host must be a host name or address to bind to \(0\.0\.0\.0 for every interface\), got ""$/,
  ],
  [['run', 'scenarios/demo.yaml', '--host', ''], /^--host must be a host name or address to bind to/],
  [['compliance', '--deadline-ms', '5', '--', 'true'], /^--deadline-ms must be from 10 to 600000, got "5"$/],
  [
    ['compliance', '--deadline-ms', '600001', '--', 'true'],
    /^--deadline-ms must be from 10 to 600000, got "600001"$/,
  ],
  [['compliance'], /^missing required argument 'command' \(see flexarena compliance --help\)$/],
  [['tournament'], /^missing required argument 'file' \(see flexarena tournament --help\)$/],
  [
    ['tournament', '--nats', 'tournaments/shipped.yaml'],
    /^--nats must be a NATS server URL, got the file "tournaments\/shipped\.yaml" \(give the file before --nats, or --nats=<url>\)$/,
  ],
  // The work queue's limits were ignored without it; refused before the file is read.
  [
    ['tournament', 'none.yaml', '--worker-timeout', '5'],
    /^--worker-timeout applies only with --nats \(games played by workers\)$/,
  ],
  [
    ['tournament', 'none.yaml', '--nats-outage-limit', '60'],
    /^--nats-outage-limit applies only with --nats \(games played by workers\)$/,
  ],
  [
    ['tournament', 'tournaments/shipped.yaml', '--worker-timeout', '-1'],
    /^--worker-timeout must be a number of seconds ≥ 0/,
  ],
  [['run', 'scenarios/demo.yaml', '--realtime', '0'], /^--realtime must be from 1 to 100000, got "0"$/],
  // Ignored without --dashboard before: the run went on without the page asked for.
  [
    ['run', 'scenarios/demo.yaml', '--dashboard-port', '8080'],
    /^--dashboard-port applies only with --dashboard$/,
  ],
  [
    ['run', 'scenarios/demo.yaml', '--no-dashboard-wait'],
    /^--no-dashboard-wait applies only with --dashboard$/,
  ],
  // Slower, the pacer's sleep overflowed Node's timer and the run went unpaced.
  [['run', 'scenarios/demo.yaml', '--pace', '0.0001'], /^--pace must be at least 0\.01, got "0\.0001"$/],
  [
    ['run', 'scenarios/demo.yaml', '--sed', '1'],
    /^unknown option '--sed'; did you mean --seed\? \(see flexarena run --help\)$/,
  ],
  [
    ['run', 'scenarios/demo.yaml', '--seed'],
    /^option '--seed <n>' argument missing \(see flexarena run --help\)$/,
  ],
  [
    ['run', 'scenarios/demo.yaml', 'extra.yaml'],
    /^too many arguments for 'run'\. Expected 1 argument but got 2\. \(see flexarena run --help\)$/,
  ],
  [['dashboard', 'runs/none', '--speed', '0'], /^--speed must be a positive number, got "0"$/],
  // A blank path was taken for none (the default folder, no resume file) or for the working
  // directory (train wrote its checkpoint, report and policy.json over what was there).
  [['train', 'training/configs/td3-battery-tiny.yaml', '--out', ''], /^--out must be a path, got ""$/],
  [['study', 'studies/price-maker.yaml', '--out', ' '], /^--out must be a path, got " "$/],
  [['worker', '--name', ''], /^--name must be a name without leading or trailing spaces, got ""$/],
  [
    ['agent', 'idle', '--arena', '127.0.0.1:1', '--resume-file', ''],
    /^--resume-file must be a path, got ""$/,
  ],
  [['evaluate', '--run-dir', ''], /^--run-dir must be a path, got ""$/],
  // Refused before the run is re-simulated from its tape (before, after: minutes for a long run).
  [['dashboard', 'runs/none', '--speed', '2000000'], /^--speed must be at most 1000000, got "2000000"$/],
  // Neither --arena nor FLEXARENA_ARENA (which the arena sets for the agents it launches).
  [['agent', 'idle'], /^--arena \(or FLEXARENA_ARENA\) is required$/],
  [['rn'], /^unknown command "rn"; did you mean run\? \(see flexarena --help\)$/],
  [['nosuch'], /^unknown command "nosuch" \(see flexarena --help\)$/],
  // The general help on stderr and exit 1, without naming the command it did not know.
  [['help', 'nosuch'], /^unknown command "nosuch" \(see flexarena --help\)$/],
  [['help', 'rn'], /^unknown command "rn"; did you mean run\? \(see flexarena --help\)$/],
];

describe('a usage error of flexarena', () => {
  for (const [args, message] of CASES)
    it(`flexarena ${args.join(' ')}: one line, exit 1`, { timeout: 60_000 }, () => {
      const res = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 50_000 });
      expect(res.status, res.stderr).toBe(1);
      const lines = res.stderr.trimEnd().split('\n');
      expect(lines, res.stderr).toHaveLength(1);
      expect(lines[0]!.startsWith('flexarena: '), lines[0]).toBe(true);
      expect(lines[0]!.slice('flexarena: '.length)).toMatch(message);
    });

  it('help is no error: exit 0, nothing on stderr', { timeout: 60_000 }, () => {
    const res = spawnSync(process.execPath, [BIN, 'worker', '--help'], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toBe('');
    expect(res.stdout).toContain('--ack-wait-ms <ms>');
  });

  // The replay's speed limit was said only when a speed beyond it was given.
  it("dashboard's help names the limit of --speed", { timeout: 60_000 }, () => {
    const res = spawnSync(process.execPath, [BIN, 'dashboard', '--help'], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout.replace(/\s+/g, ' ')).toContain(
      `virtual seconds per wall second, at most ${MAX_SPEED}`,
    );
  });

  it('help of a command, and help of help, is no error either', { timeout: 60_000 }, () => {
    for (const [args, shows] of [
      [['help', 'worker'], '--ack-wait-ms <ms>'],
      [['help', 'help'], 'Commands:'],
    ] as const) {
      const res = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
      expect(res.status, res.stderr).toBe(0);
      expect(res.stderr).toBe('');
      expect(res.stdout).toContain(shows);
    }
  });
});
