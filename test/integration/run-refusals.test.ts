// A run that cannot start says why in one line naming what to change, exits 1, and leaves nothing
// running: a strategy parameter the strategy refuses (before anything starts), a port for the agents
// that is taken (after its nats-server started: that one is stopped again), a dashboard port that
// is taken, an --out that is a file and a run id that is not one.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoConfig, runArenaToEnd, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

afterAll(stopAll);

function listening(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

/** Whether something accepts TCP connections at host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.connect(port, host);
  });
}

describe('a run that cannot start', () => {
  it('refuses a strategy parameter before anything starts, naming the field, the value and the limit', {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const cfg = demoConfig();
    (cfg.agents as { params?: unknown }[])[1]!.params = { maxSlippageEur: 5000 };
    const res = await runArenaToEnd(writeConfig(dir, cfg), ['--out', dir]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /invalid configuration .*run\.yaml:\n {2}- agents\[1\]\.params\.maxSlippageEur: .*\(strategy heuristic-battery\) \(got 5000\)/,
    );
    expect(res.stdout).not.toContain('FLEXARENA_LISTENING');
  });

  it('says the agents port is taken, and stops the nats-server it had started', {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const taken = await listening();
    try {
      const cfg = demoConfig({ nats: { enabled: true } });
      const res = await runArenaToEnd(writeConfig(dir, cfg), ['--out', dir, '--port', String(taken.port)]);
      expect(res.code, res.stderr).toBe(1);
      expect(res.stderr).toContain(
        `flexarena: cannot listen for agents on 127.0.0.1:${taken.port} (port: ${taken.port} in the configuration or --port; 0 picks a free one): listen EADDRINUSE`,
      );
      // grpc-js logged its own line before that one: "E No address added out of total 1 resolved".
      expect(res.stderr).not.toContain('No address added');
      const nats = /nats-server started at nats:\/\/([\d.]+):(\d+)/.exec(res.stdout + res.stderr);
      expect(nats, res.stderr).not.toBeNull();
      expect(await accepts(nats![1]!, Number(nats![2]))).toBe(false);
    } finally {
      taken.server.close();
    }
  });

  it('names --host, not the port, when the host is not an address of this machine', {
    timeout: 60_000,
  }, async () => {
    // It said "(port: 0 in the configuration or --port; 0 picks a free one)", below grpc-js's own
    // "E No address added out of total 1 resolved".
    const dir = tempDir();
    const res = await runArenaToEnd(writeConfig(dir, demoConfig()), [
      '--out',
      dir,
      '--host',
      'nosuch.invalid',
    ]);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toContain(
      'flexarena: cannot listen for agents on nosuch.invalid:0 (--host: not an address of this machine; 127.0.0.1 for this machine only, 0.0.0.0 for every interface): ',
    );
    expect(res.stderr).not.toContain('No address added');
    expect(res.stderr).not.toContain('--port');
  });

  // Before, the run's empty folder (config.yaml, an empty tape with its tape.sha256) stayed behind
  // and looked like a run, and the earlier run of its --run-id, set aside, was deleted.
  it('leaves no folder when the agents port is taken, and gives an earlier run of its id its folder back', {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const taken = await listening();
    try {
      const file = writeConfig(dir, demoConfig());
      const fresh = await runArenaToEnd(file, ['--out', dir, '--port', String(taken.port)]);
      expect(fresh.code, fresh.stderr).toBe(1);
      expect(fresh.stderr).toMatch(/listen EADDRINUSE.*; the run did not start: its folder .* is removed/);
      expect(readdirSync(dir)).toEqual(['run.yaml']);
      const earlier = join(dir, 'earlier');
      mkdirSync(earlier);
      writeFileSync(join(earlier, 'results.json'), '{"earlier":true}');
      const again = await runArenaToEnd(file, [
        '--out',
        dir,
        '--run-id',
        'earlier',
        '--port',
        String(taken.port),
      ]);
      expect(again.code, again.stderr).toBe(1);
      expect(again.stderr).toContain(
        `the run did not start: its folder ${earlier} holds the earlier run with its id again`,
      );
      expect(readdirSync(earlier)).toEqual(['results.json']);
      expect(readFileSync(join(earlier, 'results.json'), 'utf8')).toBe('{"earlier":true}');
    } finally {
      taken.server.close();
    }
  });

  it('says the dashboard port is taken', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const taken = await listening();
    try {
      const res = await runArenaToEnd(writeConfig(dir, demoConfig({ nats: { enabled: true } })), [
        '--out',
        dir,
        '--in-process',
        '--dashboard',
        '--dashboard-port',
        String(taken.port),
      ]);
      expect(res.code, res.stderr).toBe(1);
      expect(res.stderr).toContain(
        `flexarena: cannot listen for the dashboard page on 127.0.0.1:${taken.port} (--dashboard-port; 0 picks a free one): listen EADDRINUSE`,
      );
    } finally {
      taken.server.close();
    }
  });

  it('says when the run folder cannot be made or the run id is not one', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const config = writeConfig(dir, demoConfig());
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const notDir = await runArenaToEnd(config, ['--out', file, '--in-process']);
    expect(notDir.code).toBe(1);
    expect(notDir.stderr).toMatch(
      /^flexarena: \S+a-file\/\S+: cannot make the run folder \(--out \/ outDir\): ENOTDIR/m,
    );
    const badId = await runArenaToEnd(config, ['--out', dir, '--run-id', 'Bad_Id', '--in-process']);
    expect(badId.code).toBe(1);
    expect(badId.stderr).toContain(
      'the run id "Bad_Id" (--run-id) must be lowercase letters, digits and dashes\n',
    );
    expect(badId.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a market price off the tick in the configuration before anything starts, without a stack trace', {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const cfg = demoConfig({ nats: { enabled: true }, market: { cid: { priceMinEur: -9998.555 } } });
    const res = await runArenaToEnd(writeConfig(dir, cfg), ['--out', dir, '--in-process']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /invalid configuration .*run\.yaml:\n {2}- market\.cid\.priceMinEur: must be a multiple of 0\.01 EUR\/MWh \(the price tick\) \(got -9998\.555\)/,
    );
    expect(res.stderr).not.toMatch(/RangeError|\n\s+at /);
    // Refused before the run's nats-server starts.
    expect(res.stdout + res.stderr).not.toContain('nats-server started');
  });

  it("refuses a clock that starts after the auctions' gates before anything starts, leaving no run folder", {
    timeout: 60_000,
  }, async () => {
    // Before, the auctions cleared at their gates before the clock's start without any agent's
    // bids, and the tape held their results timed before run-start.
    const dir = tempDir();
    const cfg = demoConfig({ nats: { enabled: true }, simStartHoursBeforeDay: 4 });
    const res = await runArenaToEnd(writeConfig(dir, cfg), ['--out', dir]);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toMatch(
      /^flexarena: invalid configuration .*run\.yaml:\n {2}- simStartHoursBeforeDay: starts the clock at 2026-11-21 20:00 UTC, at or after the gate closure of the aFRR capacity auction for 2026-11-22 \(2026-11-21 09:00 UTC\), the day-ahead auction da-20261122 \(2026-11-21 12:00 UTC\) and the intraday auction ida1-20261122 \(2026-11-21 15:00 UTC\): their bids could not be placed before they close; start at least 15\.25 h before the day \(simStartHoursBeforeDay >= 15\.25\) or move or switch off those gates \(.*market\.auctions\.intraday: false\) \(got 4\)\n$/,
    );
    expect(res.stdout + res.stderr).not.toContain('nats-server started');
    expect(res.stdout).not.toContain('FLEXARENA_LISTENING');
    expect(readdirSync(dir)).toEqual(['run.yaml']);
  });

  it('names the flag, not the file, when --seed or --realtime is out of range', {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const config = writeConfig(dir, demoConfig());
    const seed = await runArenaToEnd(config, ['--out', dir, '--in-process', '--seed', '-1']);
    expect(seed.code).toBe(1);
    expect(seed.stderr).toContain('--seed must be from 0 to 2147483647, got "-1"');
    expect(seed.stderr).not.toContain('invalid configuration');
    const speed = await runArenaToEnd(config, ['--out', dir, '--in-process', '--realtime', '0.5']);
    expect(speed.code).toBe(1);
    expect(speed.stderr).toContain('--realtime must be from 1 to 100000, got "0.5"');
    expect(speed.stderr).not.toContain('realtime.speed');
  });
});
