// A run stopped by a signal — Ctrl-C, or SIGTERM from a supervisor such as `docker compose stop` —
// stops properly: its agent processes and its nats-server end with it (before, nats-server was left
// running), the tape and settlements.jsonl are closed with what happened until then (a valid gzip
// and whole lines), and the command exits as a shell reports a signal (130, 143). A run still
// waiting for its agents to connect stops at once rather than after connectTimeoutMs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { readInterruption } from '../../arena/index.js';
import { loadReplay } from '../../dashboard/index.js';
import {
  BIN,
  demoConfig,
  readTape,
  runArenaToEnd,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import {
  alive,
  childrenOf,
  commandOf,
  sleep,
  until,
  untilFirstSettlements,
} from '../helpers/process-control.js';

afterAll(stopAll);

describe('a run stopped by a signal', () => {
  it('SIGTERM in the middle: agents and nats-server end, the tape and settlements hold the run until then', {
    timeout: 240_000,
  }, async () => {
    const dir = tempDir();
    // Twenty days over gRPC with its own nats-server: far longer than the test lets it run.
    const cfg = demoConfig({ days: 20, nats: { enabled: true } });
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir]);
    const settlements = join(arena.runDir, 'settlements.jsonl');
    // In the loop, past the first settled quarter-hour (the file is written at most once a second).
    await untilFirstSettlements(settlements, 180_000);
    const started = childrenOf(arena.child.pid!);
    const commands = new Map(started.map((pid) => [pid, commandOf(pid)]));
    expect(started.length, 'nats-server and three agent processes').toBeGreaterThanOrEqual(4);
    // A watcher of the public feed learns that the run stopped, and where.
    const nc = await connect({ servers: arena.natsUrl! });
    const runEvents = nc.subscribe(`flexarena.${arena.runId}.run`);
    const said = (async () => {
      for await (const m of runEvents) {
        const e = m.json<{ event: string; timeMs: string }>();
        if (e.event === 'interrupted') return e;
      }
      return undefined;
    })();
    await nc.flush();
    arena.child.kill('SIGTERM');
    const res = await arena.exited;
    const interruptedEvent = await Promise.race([said, sleep(10_000).then(() => undefined)]);
    await nc.close();
    expect(res.code, res.stderr).toBe(143);
    expect(res.stderr).toMatch(
      /run interrupted by SIGTERM at virtual time \S+; its agents and nats-server are stopped/,
    );
    // A helper that ends with its parent (esbuild's service, when a bundle was built) may take a moment.
    await until("the run's processes to end", () => !started.some(alive), 10_000).catch(() => undefined);
    for (const pid of started)
      expect(alive(pid), `process ${pid} (${commands.get(pid)}) outlived the run`).toBe(false);

    // What happened until the signal is on disk, readable to its last line; the run has no results.
    const tape = readTape(arena.runDir);
    expect(tape.length).toBeGreaterThan(100);
    expect(tape[0]!.type).toBe('run-start');
    expect(tape.some((e) => e.type === 'run-end')).toBe(false);
    const lines = readFileSync(settlements, 'utf8').trim().split('\n');
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(existsSync(join(arena.runDir, 'results.json'))).toBe(false);
    // The tape so far has its hash, so `flexarena tape --verify` checks it.
    const verify = spawnSync(process.execPath, [BIN, 'tape', arena.runDir, '--verify'], { encoding: 'utf8' });
    expect(verify.status, verify.stderr).toBe(0);
    // interrupted.json says where it stopped, and the dashboard's replay regenerates the run to
    // exactly there: every recorded line again, the same hash.
    const stopped = readInterruption(arena.runDir)!;
    expect(stopped.signal).toBe('SIGTERM');
    expect(stopped.lastDecisionMs).toBeGreaterThan(0);
    expect(interruptedEvent, 'a RunEvent "interrupted" on flexarena.<run>.run').toBeDefined();
    expect(Number(interruptedEvent!.timeMs)).toBe(stopped.lastDecisionMs);
    const replay = await loadReplay(arena.runDir);
    expect(replay.tapeLines).toBe(tape.length);
    expect(replay.tapeSha256).toBe(readFileSync(join(arena.runDir, 'tape.sha256'), 'utf8').split(/\s+/)[0]);
    // Without it, a tape with no run-end record is refused for what it is.
    rmSync(join(arena.runDir, 'interrupted.json'));
    await expect(loadReplay(arena.runDir)).rejects.toThrow(/the run did not finish \(no run-end record\)/);
  });

  it('Ctrl-C in a terminal (SIGINT to the whole process group): the agents it stops are not agent faults', {
    timeout: 240_000,
  }, async () => {
    const dir = tempDir();
    const child = spawn(
      process.execPath,
      [BIN, 'run', writeConfig(dir, demoConfig({ days: 20 })), '--out', dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // a group of its own, as a terminal's foreground job
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let runDir = '';
      await until(
        'the first settlements',
        () => {
          runDir = /FLEXARENA_LISTENING \S+ \S+ (\S+)/.exec(stdout)?.[1] ?? '';
          const file = join(runDir, 'settlements.jsonl');
          return runDir !== '' && existsSync(file) && statSync(file).size > 0;
        },
        180_000,
      );
      process.kill(-child.pid!, 'SIGINT');
      expect(await exited, stderr).toBe(130);
      expect(stderr).toContain('run interrupted by SIGINT at virtual time');
      // Before: one "disconnected" and one "process-exited" fault per agent, as if each had failed.
      expect(stderr).not.toMatch(/agent fault/);
      const log = join(runDir, 'agent-faults.log');
      expect(existsSync(log) ? readFileSync(log, 'utf8') : '').not.toMatch(/disconnected|process-exited/);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });

  it('SIGINT while it waits for agents to connect: it stops at once', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    // An agent to be started by hand that never comes, and ten minutes to wait for it.
    const cfg = demoConfig({ connectTimeoutMs: 600_000 });
    (cfg.agents as unknown[]).push({
      id: 'manual',
      strategy: 'my-bot',
      launch: false,
      token: 'tok-never-comes',
      asset: { type: 'battery', powerMw: 10, energyMwh: 20 },
    });
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir, '--run-id', 'again']);
    const started = childrenOf(arena.child.pid!);
    arena.child.kill('SIGINT');
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(130);
    expect(res.stderr).toContain('run interrupted by SIGINT before its first decision point');
    await until("the run's processes to end", () => !started.some(alive), 10_000).catch(() => undefined);
    for (const pid of started) expect(alive(pid), `process ${pid} outlived the run`).toBe(false);
    expect(existsSync(join(arena.runDir, 'interrupted.json'))).toBe(true);
    expect(readdirSync(join(arena.runDir, 'agents')).length).toBeGreaterThan(0);

    // The same run id again replaces the interrupted run: its interrupted.json (and its agent
    // logs, fault log) would otherwise sit beside the new run's results.json as if they were its.
    const whole = demoConfig();
    const again = await runArenaToEnd(writeConfig(dir, whole, 'whole.yaml'), [
      '--out',
      dir,
      '--run-id',
      'again',
      '--in-process',
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`${arena.runDir} held an earlier run with the id again: replaced`);
    expect(existsSync(join(arena.runDir, 'results.json'))).toBe(true);
    expect(existsSync(join(arena.runDir, 'interrupted.json'))).toBe(false);
    // The earlier run was set aside until the new one started, then deleted: nothing of it is left.
    expect(readdirSync(dir).filter((n) => n.startsWith('.again'))).toEqual([]);
    // In process, the run has no agent processes and so no agent logs: the earlier run's are gone
    // (and no agents/ folder is made for none).
    expect(existsSync(join(arena.runDir, 'agents'))).toBe(false);
  });
});
