// The plain-JavaScript example agent (agents/examples/plain-js-agent.mjs, the raw protocol without
// an SDK) when it falls behind: its process is stopped for 500 ms at a time (a GC pause, a laptop
// lid, a slow solve), the arena moves on every ~150 ms deadline meanwhile, and wake-ups pile up on
// its stream. Before, it answered each of them once it ran again — each answer but the newest late,
// refused by the arena — a burst its rate limit counts, and a streak of them ended its stream
// (RESOURCE_EXHAUSTED, which the example does not resume from: it exited 1 in the middle of the
// run). Now it takes every wake-up in but answers only the newest one it has, as the SDKs do.
// Real processes over real gRPC: the arena, a pacer, the example agent.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTape, stopAll, tempDir } from '../helpers/arena-process.js';
import { faultCounter, lateRefusedWakes, startSlowRun } from '../helpers/slow-agent-run.js';

const PLAIN_JS = join(import.meta.dirname, '..', '..', 'agents', 'examples', 'plain-js-agent.mjs');
const TOKEN = 'plain-js-token-0001';
/** Low enough that a few late answers in a row end the stream. */
const RATE = { outsidePerSecond: 1, burst: 2, disconnectAfter: 3, cooldownMs: 1_000, maxCooldownMs: 2_000 };

const agents = new Set<ChildProcess>();
afterEach(async () => {
  for (const p of agents) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  agents.clear();
  await stopAll();
});

/** Resolves once `path` exists (polling), or when `until` settles first. */
async function appeared(path: string, until: Promise<unknown>): Promise<void> {
  let over = false;
  void until.finally(() => (over = true));
  while (!over && !existsSync(path)) await new Promise((r) => setTimeout(r, 50));
}

/** Stops `child` for `pauseMs` every `everyMs` until `until` settles; returns how many times. */
async function pauseRepeatedly(
  child: ChildProcess,
  until: Promise<unknown>,
  everyMs: number,
  pauseMs: number,
) {
  let over = false;
  void until.finally(() => (over = true));
  let pauses = 0;
  while (!over) {
    await new Promise((r) => setTimeout(r, everyMs));
    if (over || child.exitCode !== null) break;
    child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, pauseMs));
    child.kill('SIGCONT');
    pauses++;
  }
  return pauses;
}

/** The stretches of consecutive missed wake-ups (by their first) holding two or more of `late`. */
function lateInOneStretch(late: number[], missed: Set<number>): number[][] {
  const byStretch = new Map<number, number[]>();
  for (const w of late) {
    let first = w;
    while (missed.has(first - 1)) first--;
    byStretch.set(first, [...(byStretch.get(first) ?? []), w]);
  }
  return [...byStretch.values()].filter((ws) => ws.length > 1);
}

describe('the plain-JS example agent behind on its wake-ups', () => {
  it('answers only the newest wake-up it holds: no answer to a superseded one, not disconnected, the run ends connected', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const arena = await startSlowRun(dir, {
      name: 'plain-js-behind',
      agentId: 'plain',
      token: TOKEN,
      agent: { strategy: 'bargain-js' },
      rate: RATE,
    });
    const agent = spawn(process.execPath, [PLAIN_JS, '--arena', arena.address, '--token', TOKEN], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    agents.add(agent);
    let out = '';
    agent.stdout!.on('data', (d) => (out += d));
    agent.stderr!.on('data', (d) => (out += d));
    const agentExit = new Promise<number | null>((r) => agent.on('exit', r));
    // From the run's first decision point on (the pacer stores its state once it has processed one).
    const pauses = appeared(join(dir, 'pacer.json'), arena.exited).then(() =>
      pauseRepeatedly(agent, arena.exited, 1_000, 500),
    );
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    expect(await pauses).toBeGreaterThanOrEqual(2);
    expect(await agentExit, out).toBe(0);
    const kinds = faultCounter(arena.runDir, 'plain');
    // It fell behind: the arena counted wake-ups as missed while it was stopped.
    expect(kinds('missed-deadline'), `${res.stderr}\n${out}`).toBeGreaterThan(0);
    expect(kinds('rate-limit-disconnect'), `${res.stderr}\n${out}`).toBe(0);
    // No answer to the wake-ups that waited behind another one. A stop between the agent's last
    // look at the socket and its answer (one loop turn) lets that one answer out late once it runs
    // again, the next wake-up sent meanwhile: nothing on its side can tell (docs/protocol.md,
    // "Falling behind"; CI saw it once: wake 82 answered after 82-84 were missed). The agent before
    // the fix answered every wake-up of such a stretch: two or more late answers in one stretch.
    const missed = new Set(
      readTape(arena.runDir)
        .filter((r) => r.type === 'missed-deadline' && r.agent === 'plain')
        .map((r) => r.wakeId as number),
    );
    const lateBehind = lateRefusedWakes(arena.runDir, 'plain').filter((w) => missed.has(w + 1));
    expect(lateInOneStretch(lateBehind, missed), `${res.stderr}\n${out}`).toEqual([]);
    // Its end line says how many wake-ups it did not answer.
    expect(out).toMatch(
      /^plain-js: \d+ wake-ups \([1-9]\d* skipped as superseded\), last report \d+; run complete$/m,
    );
  });
});
