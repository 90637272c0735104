// Ctrl-C on `flexarena run --dashboard`, a real process each time. Once the run is complete and
// the page is only kept open, Ctrl-C is how the command ends: a stop line and exit 0. During the
// run it is an interruption like any run's (run-interrupted.test.ts): the servers close, the folder
// holds the run until then with interrupted.json, exit 130. While it waits for the page to open
// nothing has run yet: the servers close, no run folder, exit 130 (before, the signal killed it
// there silently and its nats-server's store folder stayed behind).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInterruption } from '../../arena/index.js';
import { demoConfig, readTape, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import { type DashboardProcess, startDashboardProcess } from '../helpers/dashboard-process.js';
import {
  alive,
  childrenOf,
  commandOf,
  sleep,
  until,
  untilFirstSettlements,
} from '../helpers/process-control.js';

const started: DashboardProcess[] = [];
afterAll(async () => {
  for (const d of started) await d.stop();
  await stopAll();
});

const dir = tempDir('flexarena-dashboard-stop-');

async function runWithDashboard(name: string, days: number, extra: string[]): Promise<DashboardProcess> {
  const config = writeConfig(dir, demoConfig({ days, nats: { enabled: true } }), `${name}.yaml`);
  const d = await startDashboardProcess(
    [
      'run',
      config,
      '--in-process',
      '--dashboard',
      '--dashboard-port',
      '0',
      '--out',
      dir,
      '--run-id',
      name,
      ...extra,
    ],
    120_000,
  );
  started.push(d);
  return d;
}

async function stderrHas(d: DashboardProcess, re: RegExp, ms: number): Promise<void> {
  await until(`stderr to match ${re}`, () => re.test(d.output().stderr), ms);
}

/** The page server no longer answers (its port is closed). */
async function pageClosed(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
    () => false,
    () => true,
  );
}

async function expectServersGone(d: DashboardProcess, children: number[]): Promise<void> {
  expect(await pageClosed(d.pageUrl), 'the page server is closed').toBe(true);
  await until('the nats-server to end', () => !children.some(alive), 10_000).catch(() => undefined);
  for (const pid of children) expect(alive(pid), `process ${pid} outlived the command`).toBe(false);
}

describe('Ctrl-C on flexarena run --dashboard', () => {
  it('after the run, while the page is kept open: a stop line, exit 0', { timeout: 300_000 }, async () => {
    const d = await runWithDashboard('after', 1, ['--no-dashboard-wait']);
    await stderrHas(d, /dashboard still at \S+ \(Ctrl-C to stop\)/, 240_000);
    expect(await pageClosed(d.pageUrl), 'the page is still served').toBe(false);
    const children = childrenOf(d.child.pid!);
    d.child.kill('SIGINT');
    expect(await d.exited, d.output().stderr).toBe(0);
    expect(d.output().stderr).toMatch(/^SIGINT: dashboard stopped \(page server and nats-server closed\)$/m);
    expect(d.output().stderr).not.toContain('interrupted');
    expect(existsSync(join(dir, 'after', 'results.json'))).toBe(true);
    await expectServersGone(d, children);
  });

  it('during the run: the servers close, the folder is an interrupted run, exit 130', {
    timeout: 300_000,
  }, async () => {
    const d = await runWithDashboard('during', 20, ['--no-dashboard-wait', '--pace', '3000']);
    const runDir = join(dir, 'during');
    const settlements = join(runDir, 'settlements.jsonl');
    await untilFirstSettlements(settlements, 240_000);
    const children = childrenOf(d.child.pid!);
    d.child.kill('SIGINT');
    expect(await d.exited, d.output().stderr).toBe(130);
    expect(d.output().stderr).toMatch(
      /run interrupted by SIGINT at virtual time \S+; its agents and nats-server are stopped/,
    );
    await expectServersGone(d, children);
    // As run-interrupted.test.ts expects of a stopped run's folder.
    expect(readInterruption(runDir)?.signal).toBe('SIGINT');
    expect(existsSync(join(runDir, 'results.json'))).toBe(false);
    const tape = readTape(runDir);
    expect(tape[0]!.type).toBe('run-start');
    expect(tape.some((e) => e.type === 'run-end')).toBe(false);
    for (const l of readFileSync(settlements, 'utf8').trim().split('\n'))
      expect(() => JSON.parse(l)).not.toThrow();
  });

  it('while it waits for the page: the servers close, no run folder, exit 130', {
    timeout: 300_000,
  }, async () => {
    const d = await runWithDashboard('waiting', 1, []);
    await stderrHas(d, /the run starts when the page is open/, 60_000);
    const children = childrenOf(d.child.pid!);
    await sleep(500);
    d.child.kill('SIGINT');
    expect(await d.exited, d.output().stderr).toBe(130);
    expect(d.output().stderr).toMatch(
      /^flexarena: run interrupted by SIGINT before it started \(it waited for the dashboard page\)/m,
    );
    await expectServersGone(d, children);
    expect(existsSync(join(dir, 'waiting'))).toBe(false);
  });
  it('its nats-server killed during the run: the run completes, the dead page is not kept, exit 1', {
    timeout: 300_000,
  }, async () => {
    // Before, the command said "dashboard still at <url>" and served until Ctrl-C a page that
    // could receive nothing (not even its settlement records on a reload).
    const config = writeConfig(
      dir,
      demoConfig({ nats: { enabled: true, deliveryTimeoutMs: 1_000 } }),
      'nats-killed.yaml',
    );
    const d = await startDashboardProcess(
      [
        'run',
        config,
        '--in-process',
        '--dashboard',
        '--no-dashboard-wait',
        '--pace',
        '20000',
        '--out',
        dir,
        '--run-id',
        'nats-killed',
      ],
      120_000,
    );
    started.push(d);
    const runDir = join(dir, 'nats-killed');
    const settlements = join(runDir, 'settlements.jsonl');
    await untilFirstSettlements(settlements, 240_000);
    const nats = childrenOf(d.child.pid!).find((p) => commandOf(p).includes('nats-server'));
    expect(nats).toBeDefined();
    process.kill(nats!, 'SIGKILL');
    expect(await d.exited, d.output().stderr).toBe(1);
    const { stderr, stdout } = d.output();
    expect(stdout, stderr).toMatch(/results in /);
    expect(existsSync(join(runDir, 'results.json'))).toBe(true);
    expect(stderr).not.toContain('dashboard still at');
    expect(stderr.trim().split('\n').at(-1)).toMatch(
      /^flexarena: the dashboard's nats-server ended \(signal SIGKILL\): the page cannot receive anything any more, so it is not kept open; the run is complete in \S+/,
    );
    expect(await pageClosed(d.pageUrl), 'the page server is closed').toBe(true);
  });
});
