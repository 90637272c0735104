// The restart policy (limits.agentRestarts) end to end: the real arena (`flexarena run`) launches
// its agents as processes over gRPC; the test SIGKILLs two of them in the middle of the run — the
// liquidity provider, whose strategy keeps state of its own (saveState: its price anchors), and the
// heuristic battery. The arena starts each again with the same token and command; the new process
// resumes from its state file in the run folder (agents/<id>.state) and, in lock-step, is waited for
// as any dropped stream, so the run's tape is byte for byte the one of an undisturbed run of the
// same configuration and seed. Before, a killed agent missed every later decision point. In real
// time the arena restarts too, without waiting. Every process the arena started (the restarted ones
// too) has ended when it exits.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  demoConfig,
  runArenaToEnd,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import { alive, childrenOf, commandOf, until } from '../helpers/process-control.js';
import { pythonBatteryAgents } from '../helpers/python-agents.js';

const started: number[] = [];
afterAll(async () => {
  await stopAll();
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

const dir = tempDir('flexarena-restarts-');
const RESTARTS = 2;
const lockstep = writeConfig(dir, demoConfig({ limits: { agentRestarts: RESTARTS } }), 'lockstep.yaml');

/** The pid of the arena's agent process for `strategy` (its command line says `agent <strategy>`). */
function agentPid(arenaPid: number, strategy: string): number | undefined {
  const pids = childrenOf(arenaPid).filter((p) => commandOf(p).includes(` agent ${strategy} `));
  for (const p of pids) if (!started.includes(p)) started.push(p);
  return pids.at(-1);
}

/** The report_seq the agent's state file holds (0 before it has one). */
function stateSeq(runDir: string, agentId: string): number {
  const path = join(runDir, 'agents', `${agentId}.state`);
  if (!existsSync(path)) return 0;
  const text = readFileSync(path, 'utf8').trim();
  // A number alone (a strategy without state) or {"report_seq": n, "strategy": …}.
  return text.startsWith('{') ? (JSON.parse(text).report_seq as number) : Number(text);
}

/** Waits until the agent processed past `seq`, then SIGKILLs its process; resolves with its pid. */
async function killMidRun(arenaPid: number, runDir: string, agentId: string, strategy: string, seq: number) {
  await until(`${agentId} past report ${seq}`, () => stateSeq(runDir, agentId) > seq, 120_000);
  const pid = agentPid(arenaPid, strategy)!;
  expect(pid, `no agent process for ${strategy}`).toBeDefined();
  process.kill(pid, 'SIGKILL');
  await until(`${strategy}'s process ${pid} to end`, () => !alive(pid), 10_000);
  return pid;
}

let undisturbed: string | undefined;
/** The tape sha256 of the lock-step configuration run undisturbed (once for the file's tests). */
async function undisturbedSha(): Promise<string> {
  if (undisturbed) return undisturbed;
  const whole = await runArenaToEnd(lockstep, ['--out', join(dir, 'whole'), '--run-id', 'restart-me']);
  expect(whole.code, whole.stderr).toBe(0);
  expect(whole.stdout).toContain('agent restarts (limits.agentRestarts 2): none');
  undisturbed = readFileSync(join(dir, 'whole', 'restart-me', 'tape.sha256'), 'utf8').trim();
  return undisturbed;
}

describe('limits.agentRestarts', () => {
  it('starts a killed agent process again, resuming it, and the run’s tape is the undisturbed one', {
    timeout: 600_000,
  }, async () => {
    const wholeSha = await undisturbedSha();

    // Paced, so that the kills land in the middle of the run (it has ~160 decision points).
    const arena = await startArena(lockstep, [
      '--out',
      join(dir, 'killed'),
      '--run-id',
      'restart-me',
      '--pace',
      '6000',
    ]);
    const arenaPid = arena.child.pid!;
    const liquidityPid = await killMidRun(arenaPid, arena.runDir, 'liquidity', 'liquidity', 80);
    // Its new process resumes and goes on: its state file moves past where the first one stopped.
    const killedAt = stateSeq(arena.runDir, 'liquidity');
    await until('liquidity to resume', () => stateSeq(arena.runDir, 'liquidity') > killedAt + 20, 120_000);
    const liquidityAgain = agentPid(arenaPid, 'liquidity');
    expect(liquidityAgain).not.toBe(liquidityPid);
    const heuristicPid = await killMidRun(arenaPid, arena.runDir, 'heuristic', 'heuristic-battery', 170);

    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    const sha = readFileSync(join(arena.runDir, 'tape.sha256'), 'utf8').trim();
    expect(sha).toBe(wholeSha);

    const faults = readFileSync(join(arena.runDir, 'agent-faults.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { agent: string; kind: string; detail: string });
    const restarted = faults.filter((f) => f.kind === 'process-restarted');
    expect(restarted.map((f) => f.agent).sort()).toEqual(['heuristic', 'liquidity']);
    for (const f of restarted) expect(f.detail).toMatch(/restart 1 of 2, pid \d+/);
    const exited = faults.filter((f) => f.kind === 'process-exited');
    expect(exited.map((f) => f.detail)).toEqual([
      expect.stringMatching(
        /exited \(signal SIGKILL\) during the run.*; starting it again \(restart 1 of 2\)$/s,
      ),
      expect.stringMatching(
        /exited \(signal SIGKILL\) during the run.*; starting it again \(restart 1 of 2\)$/s,
      ),
    ]);
    // Waited for within the deadline: no decision was missed.
    expect(faults.filter((f) => f.kind === 'missed-deadline')).toEqual([]);
    for (const id of ['liquidity', 'heuristic'])
      expect(readFileSync(join(arena.runDir, 'agents', `${id}.log`), 'utf8')).toMatch(
        /^--- \S+Z: its process exited \(signal SIGKILL\) during the run; restarted with the same token and command \(restart 1 of 2\) ---$/m,
      );
    const results = JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8'));
    expect(results.agentRestarts).toEqual({ limit: 2, byAgent: { liquidity: 1, heuristic: 1, idle: 0 } });
    expect(res.stdout).toContain('agent restarts (limits.agentRestarts 2): liquidity 1, heuristic 1');
    // Every process the arena started, the restarted ones too, ended with it.
    expect(started).toEqual(expect.arrayContaining([liquidityPid, liquidityAgain, heuristicPid]));
    expect(started.filter(alive)).toEqual([]);
  });

  it('starts the agents of a resumed run afresh: the killed run’s state files are not taken for resume points', {
    timeout: 600_000,
  }, async () => {
    const wholeSha = await undisturbedSha();
    const arena = await startArena(lockstep, [
      '--out',
      join(dir, 'arena-killed'),
      '--run-id',
      'restart-me',
      '--pace',
      '6000',
    ]);
    await until('the agents’ state files', () => stateSeq(arena.runDir, 'liquidity') > 80, 120_000);
    for (const p of childrenOf(arena.child.pid!)) started.push(p);
    arena.child.kill('SIGKILL');
    await arena.exited;
    // What the killed run's processes left: a resume point far beyond where the resumed run's
    // re-simulation starts (its first hello would have been refused: hello.last_report_seq).
    expect(stateSeq(arena.runDir, 'liquidity')).toBeGreaterThan(80);
    const res = await runArenaToEnd('--resume', [arena.runDir]);
    expect(res.code, res.stderr).toBe(0);
    expect(readFileSync(join(arena.runDir, 'tape.sha256'), 'utf8').trim()).toBe(wholeSha);
    expect(existsSync(join(arena.runDir, 'agent-faults.log'))).toBe(false);
  });

  it('gives Python agents their state file (runtime: python, and a command through {state}): restarted, they resume', {
    timeout: 600_000,
  }, async () => {
    const cfg = demoConfig({
      simStartHoursBeforeDay: 8,
      market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
      limits: { agentRestarts: 1 },
    });
    (cfg.agents as object[]).push(
      ...pythonBatteryAgents(['--arena', '{arena}', '--params', '{params}', '--state', '{state}']),
    );
    const file = writeConfig(dir, cfg, 'python.yaml');
    // The built-in agents play in the arena's process; the two Python agents are its processes.
    const whole = await runArenaToEnd(file, [
      '--out',
      join(dir, 'py-whole'),
      '--run-id',
      'py',
      '--in-process',
    ]);
    expect(whole.code, whole.stderr).toBe(0);
    const wholeSha = readFileSync(join(dir, 'py-whole', 'py', 'tape.sha256'), 'utf8').trim();

    const arena = await startArena(file, [
      '--out',
      join(dir, 'py-killed'),
      '--run-id',
      'py',
      '--in-process',
      '--pace',
      '6000',
    ]);
    const pythonPid = (id: string) => {
      const pids = childrenOf(arena.child.pid!).filter((p) =>
        commandOf(p).includes(`--state ${join(arena.runDir, 'agents', `${id}.state`)}`),
      );
      for (const p of pids) if (!started.includes(p)) started.push(p);
      return pids.at(-1);
    };
    for (const [id, seq] of [
      ['py-runtime', 40],
      ['py-command', 80],
    ] as const) {
      await until(`${id} past report ${seq}`, () => stateSeq(arena.runDir, id) > seq, 120_000);
      const pid = pythonPid(id);
      expect(pid, `no process for ${id}`).toBeDefined();
      process.kill(pid!, 'SIGKILL');
      await until(`${id}'s process to end`, () => !alive(pid!), 10_000);
    }
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    expect(readFileSync(join(arena.runDir, 'tape.sha256'), 'utf8').trim()).toBe(wholeSha);
    for (const id of ['py-runtime', 'py-command']) {
      const log = readFileSync(join(arena.runDir, 'agents', `${id}.log`), 'utf8');
      // The restarted process's summary: one session, from its resume point on, to the run's end.
      expect(log).toMatch(
        /\(restart 1 of 1\) ---\npy-spread-battery: agent py-\w+, \d+ wake-ups, 1 session\(s\), .*; run complete\n$/,
      );
    }
    const results = JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8'));
    expect(results.agentRestarts).toEqual({ limit: 1, byAgent: { 'py-runtime': 1, 'py-command': 1 } });
    expect(started.filter(alive)).toEqual([]);
  });

  it('restarts in real time too, without waiting: the run goes on and the agent plays again', {
    timeout: 300_000,
  }, async () => {
    const realtime = writeConfig(
      dir,
      demoConfig({ mode: 'realtime', realtime: { speed: 7_200 }, limits: { agentRestarts: 1 } }),
      'realtime.yaml',
    );
    const arena = await startArena(realtime, ['--out', join(dir, 'realtime')]);
    const arenaPid = arena.child.pid!;
    const first = await killMidRun(arenaPid, arena.runDir, 'heuristic', 'heuristic-battery', 50);
    const killedAt = stateSeq(arena.runDir, 'heuristic');
    await until('heuristic to play again', () => stateSeq(arena.runDir, 'heuristic') > killedAt, 120_000);
    // The second kill is past the limit: the agent stays down, and the fault says why.
    const second = await killMidRun(arenaPid, arena.runDir, 'heuristic', 'heuristic-battery', killedAt);
    expect(second).not.toBe(first);
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    const faults = readFileSync(join(arena.runDir, 'agent-faults.log'), 'utf8');
    expect(faults).toMatch(/"kind":"process-restarted".*restart 1 of 1/);
    expect(faults).toMatch(/"kind":"process-exited".*not started again: limits\.agentRestarts \(1\) reached/);
    const results = JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8'));
    expect(results.agentRestarts.byAgent.heuristic).toBe(1);
    expect(started.filter(alive)).toEqual([]);
  });
});
