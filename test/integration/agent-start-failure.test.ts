// A launched agent whose process ends before it connects — a crash at start, a command that does
// not exist — is reported at once with its own last words, and the run goes on without it: the
// arena does not wait out connectTimeoutMs (ten minutes here; the test's timeout is far shorter, so
// a waiting arena fails it), and the agents that did start play. One that ends during the run (here
// at its welcome, refusing a parameter that only the battery can judge) is reported the same way,
// and its decisions are not waited for any more.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BIN,
  demoConfig,
  readTape,
  runArenaToEnd,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';

afterAll(stopAll);

const battery = { type: 'battery', powerMw: 10, energyMwh: 20 };

interface FaultLine {
  agent: string;
  kind: string;
  detail: string;
}

function faultLines(runDir: string): FaultLine[] {
  return readFileSync(join(runDir, 'agent-faults.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as FaultLine);
}

describe('a launched agent that ends before it connects', () => {
  it('is a fault with its exit and last output at once, and the run plays on with the others', {
    timeout: 180_000,
  }, async () => {
    const dir = tempDir();
    const cfg = demoConfig({ connectTimeoutMs: 600_000 });
    (cfg.agents as unknown[]).push(
      {
        id: 'crasher',
        strategy: 'my-bot',
        command: [
          process.execPath,
          '-e',
          "console.log('starting my-bot'); console.error('Error: cannot find model weights.bin'); process.exit(3)",
        ],
        asset: battery,
      },
      { id: 'missing', strategy: 'my-bot', command: [join(dir, 'no-such-bot')], asset: battery },
    );
    // Every agent a process of its own (no --in-process): the three built-ins must still connect and play.
    const res = await runArenaToEnd(writeConfig(dir, cfg), ['--out', dir]);
    expect(res.code, res.stderr).toBe(0);
    const runDir = /results in (\S+)\//.exec(res.stdout)?.[1];
    expect(runDir, res.stdout).toBeDefined();

    const faults = faultLines(runDir!);
    const of = (agent: string) => faults.filter((f) => f.agent === agent);
    expect(faults.filter((f) => f.kind === 'never-connected')).toEqual([]);

    const [crasher] = of('crasher');
    expect(of('crasher')).toHaveLength(1);
    expect(crasher!.kind).toBe('exited-before-connecting');
    expect(crasher!.detail).toContain('exited (code 3) before connecting');
    expect(crasher!.detail).toContain('see agents/crasher.log');
    expect(crasher!.detail).toMatch(/last output:\nstarting my-bot\nError: cannot find model weights\.bin$/);
    expect(readFileSync(join(runDir!, 'agents', 'crasher.log'), 'utf8')).toContain(
      'cannot find model weights.bin',
    );

    const [missing] = of('missing');
    expect(of('missing')).toHaveLength(1);
    expect(missing!.kind).toBe('exited-before-connecting');
    expect(missing!.detail).toContain('could not be started');
    expect(missing!.detail).toContain('ENOENT');
    expect(res.stderr).toContain('agent fault: crasher exited-before-connecting');

    const results = JSON.parse(readFileSync(join(runDir!, 'results.json'), 'utf8')) as {
      stats: { wakeUps: number; trades: number };
      agents: { agentId: string; missedDeadlines: number; orders: number }[];
    };
    // The started agents played the whole day: 96 decision points and more for each of the three.
    expect(results.stats.wakeUps).toBeGreaterThanOrEqual(3 * 96);
    for (const id of ['liquidity', 'heuristic', 'idle'])
      expect(results.agents.find((a) => a.agentId === id)?.missedDeadlines, id).toBe(0);
    expect(results.agents.find((a) => a.agentId === 'liquidity')!.orders).toBeGreaterThan(0);
  });

  it('that ends during the run is a fault with its exit and its own words', {
    timeout: 180_000,
  }, async () => {
    const dir = tempDir();
    // The built-ins play in the arena's process (they never miss); the lp-battery is a process of
    // its own that refuses its end-SoC target at the welcome (outside the battery's [1, 19] MWh).
    // Its dropped stream is not waited for once its process is gone: with a one-minute deadline,
    // waiting out its three misses would take longer than the test may.
    const cfg = demoConfig({ deadlineMs: 60_000, connectTimeoutMs: 120_000 });
    (cfg.agents as unknown[]).push({
      id: 'bad-lp',
      strategy: 'lp-battery-process',
      command: [
        process.execPath,
        BIN,
        'agent',
        'lp-battery',
        '--arena',
        '{arena}',
        '--params',
        JSON.stringify({ endSocMwh: 50 }),
      ],
      asset: battery,
    });
    const res = await runArenaToEnd(writeConfig(dir, cfg), ['--out', dir, '--in-process']);
    expect(res.code, res.stderr).toBe(0);
    const runDir = /results in (\S+)\//.exec(res.stdout)?.[1];
    expect(runDir, res.stdout).toBeDefined();
    const faults = faultLines(runDir!).filter((f) => f.agent === 'bad-lp');
    expect(faults.map((f) => f.kind)).not.toContain('exited-before-connecting');
    const exited = faults.filter((f) => f.kind === 'process-exited');
    expect(exited).toHaveLength(1);
    expect(exited[0]!.detail).toContain('exited (code 1) during the run; see agents/bad-lp.log');
    expect(exited[0]!.detail).toContain(
      "params.endSocMwh: 50 MWh is outside the battery's SoC range [1, 19] MWh",
    );
    // A typed error is one line, as the agent wrote it in its log.
    expect(exited[0]!.detail).toMatch(
      /last output:\n(.*\n)*flexarena: strategy lp-battery: params\.endSocMwh: [^\n]*$/,
    );
    expect(readFileSync(join(runDir!, 'agents', 'bad-lp.log'), 'utf8')).toContain(
      'flexarena: strategy lp-battery: params.endSocMwh: 50 MWh',
    );
    // The same outcomes as after three deadlines: three misses, then absent for the rest.
    expect(faults.filter((f) => f.kind === 'missed-deadline')).toHaveLength(3);
    const tape = readTape(runDir!);
    expect(tape.filter((e) => e.type === 'agent-absent' && e.agent === 'bad-lp')).toHaveLength(1);
    expect(tape.at(-1)!.type).toBe('run-end');
  });
});
