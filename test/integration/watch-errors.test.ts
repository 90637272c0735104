// `flexarena evaluate` and `flexarena dashboard` on what a user may hand them — a folder that is
// not a run, a damaged one, a copied one, a port in use or out of range, a NATS server that is not
// there — answer with one line that says what is wrong and exit 1, never a stack trace; and the
// scores table of a good run folder agrees with its results.json and stays plain text in a pipe.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReplay } from '../../dashboard/index.js';
import { BIN, tempDir, writeConfig } from '../helpers/arena-process.js';
import { startDashboardProcess } from '../helpers/dashboard-process.js';
import { childrenOf, commandOf, sleep } from '../helpers/process-control.js';

const dir = tempDir('flexarena-watch-errors-');
const runDir = join(dir, 'watch-err');

function flexarena(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Exit 1, the error as the one `flexarena:` line of stderr, and no stack anywhere. */
function expectOneLineError(res: ReturnType<typeof flexarena>, message: RegExp): void {
  expect(res.status, res.stderr).toBe(1);
  const errors = res.stderr.split('\n').filter((l) => l.startsWith('flexarena:') || l.startsWith('error:'));
  expect(errors, res.stderr).toHaveLength(1);
  expect(errors[0]).toMatch(message);
  expect(res.stderr).not.toMatch(/^\s+at /m);
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A copy of the run folder, changed by `damage`. */
function damaged(name: string, damage: (copy: string) => void): string {
  const copy = join(dir, name);
  cpSync(runDir, copy, { recursive: true });
  damage(copy);
  return copy;
}

beforeAll(() => {
  // A small real run: the background liquidity and the idle baseline for one delivery day.
  const config = writeConfig(dir, {
    name: 'watch-err',
    seed: 3,
    day: '2026-11-22',
    decisionIntervalMinutes: 60,
    agents: [
      { id: 'liquidity', strategy: 'liquidity', role: 'liquidity' },
      {
        id: 'battery',
        strategy: 'heuristic-battery',
        asset: { type: 'battery', powerMw: 10, energyMwh: 20 },
      },
    ],
  });
  const res = flexarena(['run', config, '--in-process', '--out', dir, '--run-id', 'watch-err']);
  expect(res.status, res.stderr).toBe(0);
}, 180_000);

describe('flexarena evaluate --run-dir', () => {
  it('scores a run folder: the profit column is results.json’s, and a pipe gets no colour codes', () => {
    const res = flexarena(['evaluate', '--run-dir', runDir]);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).not.toContain('\u001b[');
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as {
      agents: { agentId: string; profitEur: number }[];
    };
    for (const a of results.agents) {
      const row = res.stdout.split('\n').find((l) => l.includes(` ${a.agentId} `))!;
      expect(row.split('│').map((c) => c.trim())[3]).toBe(a.profitEur.toFixed(2));
    }
  });

  const cases: [string, () => string, RegExp][] = [
    [
      'a folder that does not exist',
      () => join(dir, 'no-such-run'),
      /^flexarena: \S+no-such-run: no such folder$/,
    ],
    [
      'a settlements line that is not JSON',
      () => damaged('bad-line', (c) => appendFileSync(join(c, 'settlements.jsonl'), '{"seq": 3, broken\n')),
      /^flexarena: \S+settlements\.jsonl:\d+: not JSON: /,
    ],
    [
      'a settlements line that is not an object',
      () => damaged('null-line', (c) => appendFileSync(join(c, 'settlements.jsonl'), 'null\n')),
      /^flexarena: \S+settlements\.jsonl:\d+: not a SettlementRecord object$/,
    ],
    [
      'a run-manifest.json that is not JSON',
      () => damaged('bad-manifest', (c) => writeFileSync(join(c, 'run-manifest.json'), '{')),
      /^flexarena: cannot read \S+run-manifest\.json: /,
    ],
    [
      'a record of another run',
      () =>
        damaged('other-run', (c) => {
          const path = join(c, 'settlements.jsonl');
          const lines = readFileSync(path, 'utf8').split('\n');
          lines[1] = lines[1]!.replace('"runId":"watch-err"', '"runId":"other"');
          writeFileSync(path, lines.join('\n'));
        }),
      /^flexarena: \S+settlements\.jsonl:2: record\.run_id "other" does not belong to run "watch-err"$/,
    ],
  ];
  for (const [what, folder, message] of cases)
    it(`says what is wrong with ${what}, in one line`, () => {
      expectOneLineError(flexarena(['evaluate', '--run-dir', folder()]), message);
    });

  it('scores a copied folder without run-manifest.json under its records’ run id', () => {
    const copy = damaged('copied', (c) => rmSync(join(c, 'run-manifest.json')));
    const res = flexarena(['evaluate', '--run-dir', copy]);
    expect(res.status, res.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(copy, 'scores.json'), 'utf8')).runId).toBe('watch-err');
  });
});

describe('flexarena evaluate --nats', () => {
  it('says in one line that it cannot reach NATS', () => {
    const res = flexarena([
      'evaluate',
      '--nats',
      'nats://127.0.0.1:1',
      '--runs-dir',
      join(dir, 'evaluated'),
      '--http-port',
      '0',
    ]);
    expectOneLineError(res, /^flexarena: cannot connect to NATS at nats:\/\/127\.0\.0\.1:1 \(--nats\): /);
  });

  it('says in one line that its journal folder cannot be made', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const res = flexarena([
      'evaluate',
      '--nats',
      'nats://127.0.0.1:1',
      '--runs-dir',
      file,
      '--http-port',
      '0',
    ]);
    expectOneLineError(
      res,
      /^flexarena: cannot keep the evaluator's journal in \S+a-file\/\.evaluator \(--state-dir, default <runs-dir>\/\.evaluator\): ENOTDIR/,
    );
  });

  it('refuses an ack wait below a second (0 became JetStream’s default, a negative one was stored)', () => {
    for (const wait of ['0', '-5', '999'])
      expectOneLineError(
        flexarena(['evaluate', '--nats', 'nats://127.0.0.1:1', '--ack-wait-ms', wait]),
        new RegExp(`^flexarena: --ack-wait-ms must be from 1000 to 86400000, got "${wait}"$`),
      );
  });

  it('refuses an HTTP port out of range before it starts', () => {
    const res = flexarena(['evaluate', '--nats', 'nats://127.0.0.1:1', '--http-port', '99999']);
    expectOneLineError(
      res,
      /--http-port must be a port number from 0 to 65535 \(0: any free one\), got "99999"/,
    );
  });
});

describe('flexarena dashboard', () => {
  let busy: Server;
  let busyPort = 0;

  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    busyPort = (busy.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise((r) => busy.close(r));
  });

  it('names its own --port when the page cannot listen there', () => {
    const res = flexarena(['dashboard', runDir, '--port', String(busyPort)]);
    expectOneLineError(
      res,
      new RegExp(
        `^flexarena: cannot listen for the dashboard page on 127\\.0\\.0\\.1:${busyPort} \\(--port; `,
      ),
    );
    // Said before the run is re-simulated (which takes as long as the run did), not after.
    expect(res.stderr).not.toContain('replaying');
  });

  it('refuses a port out of range before it replays anything', () => {
    const res = flexarena(['dashboard', runDir, '--port', '99999']);
    expectOneLineError(res, /--port must be a port number from 0 to 65535 \(0: any free one\), got "99999"/);
    expect(res.stderr).not.toContain('replaying');
  });

  it('run --dashboard-port and --port out of range are refused before the run starts', () => {
    const config = join(dir, 'run.yaml');
    expectOneLineError(
      flexarena(['run', config, '--in-process', '--dashboard', '--dashboard-port', '65536']),
      /--dashboard-port must be a port number from 0 to 65535/,
    );
    expectOneLineError(
      flexarena(['run', config, '--port', '-1']),
      /--port must be a port number from 0 to 65535/,
    );
  });

  it('replays the tape of a run killed outright up to the last decision point it holds whole', async () => {
    // What SIGKILL left before tapes were sync-flushed at decision points: a gzip stream cut
    // anywhere (here in the middle), and no tape.sha256. The replay stops at the last decision
    // point whose opening the tape reaches and drops the part-recorded one after it.
    const copy = damaged('killed', (c) => {
      const tape = readFileSync(join(c, 'tape.jsonl.gz'));
      writeFileSync(join(c, 'tape.jsonl.gz'), tape.subarray(0, tape.length >> 1));
      rmSync(join(c, 'tape.sha256'));
    });
    const replay = await loadReplay(copy);
    expect(replay.timeline.interrupted?.signal).toBe('killed');
    const at = replay.timeline.interrupted!.lastDecisionMs;
    expect(at % (15 * 60_000)).toBe(0);
    expect(replay.timeline.endMs).toBeLessThanOrEqual(at);
    expect(replay.tapeLines).toBeGreaterThan(100);
  });

  it('says what is wrong with an interrupted.json that is not JSON', () => {
    // An unfinished run's folder: the tape has no run-end record, so interrupted.json is read.
    const copy = damaged('bad-interruption', (c) => {
      const tape = gunzipSync(readFileSync(join(c, 'tape.jsonl.gz')))
        .toString('utf8')
        .split('\n');
      const unfinished = tape.filter((l) => !l.includes('"type":"run-end"'));
      writeFileSync(join(c, 'tape.jsonl.gz'), gzipSync(unfinished.join('\n')));
      writeFileSync(join(c, 'interrupted.json'), '{');
    });
    expectOneLineError(
      flexarena(['dashboard', copy]),
      /^flexarena: \S+interrupted\.json: not JSON \(Expected property name/,
    );
  });

  it('says which file a folder that is not a run lacks', () => {
    const notRun = join(dir, 'not-a-run');
    mkdirSync(notRun, { recursive: true });
    const res = flexarena(['dashboard', notRun]);
    expectOneLineError(res, /^flexarena: \S+not-a-run\/config\.yaml: missing: is this a run folder\?$/);
    // Nothing else: it said "replaying …: re-running the simulation from its tape…" first.
    expect(res.stderr.trim().split('\n'), res.stderr).toHaveLength(1);
  });

  it('says a folder that is not there in one line, as `flexarena report` does', () => {
    const res = flexarena(['dashboard', join(dir, 'no-such-run')]);
    expectOneLineError(res, /^flexarena: \S+no-such-run: no such folder$/);
    expect(res.stderr.trim().split('\n'), res.stderr).toHaveLength(1);
  });
});

describe('a dashboard whose nats-server is killed', () => {
  it('says so and stops, instead of serving a page that can no longer receive anything', async () => {
    const dash = await startDashboardProcess(['dashboard', runDir], 120_000);
    const server = childrenOf(dash.child.pid!).find((p) => commandOf(p).includes('nats-server'));
    expect(server, 'its nats-server').toBeDefined();
    process.kill(server!, 'SIGKILL');
    const code = await Promise.race([dash.exited, sleep(20_000).then(() => 'still running')]);
    if (code === 'still running') await dash.stop();
    expect(code).toBe(1);
    expect(dash.output().stderr).toMatch(
      /^flexarena: the dashboard's nats-server ended \(signal SIGKILL\): the page cannot receive the replay any more/m,
    );
  });
});

describe('a dashboard killed with SIGKILL', () => {
  it('leaves no nats-server behind', async () => {
    const dash = await startDashboardProcess(['dashboard', runDir], 120_000);
    const natsPort = Number(new URL(dash.natsUrl).port);
    expect(await listening(natsPort)).toBe(true);
    // No handler runs on SIGKILL: the server has to go by itself.
    dash.child.kill('SIGKILL');
    await dash.exited;
    const until = Date.now() + 10_000;
    while ((await listening(natsPort)) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(await listening(natsPort)).toBe(false);
  });
});
