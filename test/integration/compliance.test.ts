// `flexarena compliance` against the three example implementations — the TypeScript SDK template,
// the Python SDK example and the plain-JavaScript agent — each must pass every check; and an agent
// that breaks the protocol (it never resumes after the dropped stream) must fail with exit code 1.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, stopAll, tempDir } from '../helpers/arena-process.js';

afterEach(stopAll);

const root = join(import.meta.dirname, '..', '..');
const PY_DIR = join(root, 'agents', 'python');

function compliance(
  command: string[],
  env: NodeJS.ProcessEnv = {},
  options: string[] = [],
): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [BIN, 'compliance', ...options, '--', ...command], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

const CHECKS = [
  'hello / welcome',
  'answers within the deadline',
  'handles typed rejections',
  'reconnect and resume',
  'no fill lost or twice',
  'clean leave at RunEnded',
];

function expectAllPass(res: { code: number | null; out: string }): void {
  expect(res.code, res.out).toBe(0);
  for (const name of CHECKS) expect(res.out, res.out).toMatch(new RegExp(`^PASS  ${name}`, 'm'));
  expect(res.out).toMatch(/^6 of 6 checks passed$/m);
}

describe('flexarena compliance', () => {
  it('passes the TypeScript SDK template agent', { timeout: 300_000 }, async () => {
    expectAllPass(
      await compliance([
        process.execPath,
        '--import',
        'tsx',
        join(root, 'agents', 'examples', 'template-agent.ts'),
      ]),
    );
  });

  it('passes the Python SDK example agent, started as README.md shows', { timeout: 300_000 }, async () => {
    // The token comes from FLEXARENA_TOKEN; PYTHONPATH relative to the checkout, as in the README.
    expectAllPass(
      await compliance(['/usr/bin/python3', '-m', 'flexarena_examples.battery', '--arena', '{arena}'], {
        PYTHONPATH: 'agents/python',
      }),
    );
  });

  it('says at once why an agent that cannot start never said hello', { timeout: 90_000 }, async () => {
    // Without PYTHONPATH the module is not found: the process ends at once, and the suite does not
    // wait out its 120 s connect timeout.
    const started = Date.now();
    const res = await compliance(
      ['/usr/bin/python3', '-m', 'flexarena_examples.battery', '--arena', '{arena}'],
      {
        PYTHONPATH: '',
      },
    );
    expect(res.code, res.out).toBe(1);
    expect(res.out).toMatch(/^FAIL {2}hello \/ welcome .*its process exited with 1$/m);
    expect(res.out).toMatch(/--- the agent's last output ---\n.*No module named 'flexarena_examples'/);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('fills {params} with {} and {state} with a state file, as a configuration would', {
    timeout: 90_000,
  }, async () => {
    // Before, "{params}" and "{state}" reached the agent as they are (a command copied from a
    // configuration; {state} is a restart policy's resume file).
    const res = await compliance([
      '/usr/bin/python3',
      '-c',
      'import sys; print(sys.argv[1:]); sys.exit(1)',
      '{params}',
      '{state}',
    ]);
    expect(res.code, res.out).toBe(1);
    expect(res.out).toMatch(/--- the agent's last output ---\n\['\{\}', '\/[^']*\/candidate\.state'\]/);
  });

  it('says so when the command itself cannot be started, and passes none of the checks', {
    timeout: 90_000,
  }, async () => {
    const res = await compliance(['./no-such-agent', '--arena', '{arena}']);
    expect(res.code, res.out).toBe(1);
    // It said "its process exited with -2" (minus ENOENT), and passed "no fill lost or twice".
    expect(res.out).toMatch(
      /^FAIL {2}hello \/ welcome .*its command could not be started \(spawn \.\/no-such-agent ENOENT\)$/m,
    );
    expect(res.out).toMatch(/--- the agent's last output ---\ncould not start \.\/no-such-agent: spawn/);
    expect(res.out).toMatch(/^FAIL {2}no fill lost or twice +not checked: the agent never had a session$/m);
    expect(res.out).toContain('0 of 6 checks passed');
  });

  it('passes the plain-JavaScript agent', { timeout: 300_000 }, async () => {
    expectAllPass(
      await compliance([process.execPath, join(root, 'agents', 'examples', 'plain-js-agent.mjs')]),
    );
  });

  it('fails an agent that does not resume after its stream is dropped', { timeout: 300_000 }, async () => {
    // The Python SDK with resumes switched off: it gives up when the suite drops its stream.
    const script = [
      'import sys',
      'from flexarena_sdk import run_agent, SessionError',
      'from flexarena_examples.battery import SpreadBattery',
      'try:',
      '    run_agent(SpreadBattery({}), sys.argv[1], sys.argv[2], max_resumes=0)',
      'except SessionError as err:',
      '    print(err)',
      '    sys.exit(3)',
    ].join('\n');
    // A short deadline: after the drop the suite waits out this agent's deadlines and final report.
    const res = await compliance(
      ['/usr/bin/python3', '-c', script, '{arena}', '{token}'],
      { PYTHONPATH: PY_DIR },
      ['--deadline-ms', '2000'],
    );
    expect(res.code, res.out).toBe(1);
    expect(res.out).toMatch(/^PASS {2}hello \/ welcome/m);
    expect(res.out).toMatch(/^FAIL {2}reconnect and resume +no reconnect after the drop/m);
    expect(res.out).toMatch(/^FAIL {2}clean leave at RunEnded .*exited with 3/m);
    // Why it ended, in its own words (before, only "exited with 3" said anything).
    expect(res.out).toMatch(
      /--- the agent's last output ---\n(.*\n)*.*session ended with gRPC status UNAVAILABLE/,
    );
  });

  it('SIGTERM stops the run and the agent process, and exits 143', { timeout: 120_000 }, async () => {
    // A slow agent (1 s per decision) that says when it is in the run by writing its pid.
    const pidFile = join(tempDir(), 'agent.pid');
    const script = [
      'import os, sys, time',
      'from flexarena_sdk import Strategy',
      'from flexarena_sdk.cli import main',
      'class Slow(Strategy):',
      '    name = "slow"',
      '    def __init__(self, params): pass',
      '    def on_welcome(self, market): open(sys.argv[1], "w").write(str(os.getpid()))',
      '    def decide(self, wake):',
      '        time.sleep(1)',
      '        return []',
      'sys.exit(main(Slow, sys.argv[2:]))',
    ].join('\n');
    const child = spawn(
      process.execPath,
      [BIN, 'compliance', '--', '/usr/bin/python3', '-c', script, pidFile, '--arena', '{arena}'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONPATH: PY_DIR } },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '')
      await new Promise((r) => setTimeout(r, 100));
    const agentPid = Number(readFileSync(pidFile, 'utf8'));
    child.kill('SIGTERM');
    expect(await exited, out).toBe(143);
    expect(out).toMatch(/SIGTERM: stopping the compliance run and the agent/);
    expect(out).toMatch(/run interrupted by SIGTERM/);
    const alive = () => {
      try {
        process.kill(agentPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (alive()) process.kill(agentPid, 'SIGKILL');
    expect(alive(), 'the agent process outlived the compliance command').toBe(false);
  });
});
