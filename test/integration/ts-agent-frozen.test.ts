// A TypeScript SDK agent process that does not run for a while — stopped (SIGSTOP … SIGCONT: a
// laptop lid, a VM paused, a swapped-out process), or held by a decide() that never gives the event
// loop back (a synchronous solve, a long GC pause) — while the arena moves on every ~150 ms deadline:
// several wake-ups wait in its socket when it runs again. Conflation should have it decide only the
// newest. Before, Node handed the wake-ups of one socket read to the SDK one at a time, and the SDK
// decided each before it had seen the next: not one was skipped, and every answer but the newest was
// refused as late (here 19 late refusals for the 3 stops, 14 for the 2 blocks; with decides of 400 ms
// on wake-ups 20–40, 87 wake-ups missed and the arena refused it for its rate limit). Now the SDK lets
// the event loop read the socket before it decides, and in lock-step before it answers: the waiting
// wake-ups are skipped, the newest decided (here 18 and 10 skipped, no late refusal), and an answer a
// newer wake-up overtook while decide() held the process is not sent (without that second turn, the
// blocked wake-ups' own answers went out and were refused).
// Real processes over real gRPC: the arena, a pacer, the agent (test/helpers/fill-ledger-agent.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTape, startHelperProcess, stopAll, tempDir } from '../helpers/arena-process.js';
import type { FillLedgerState } from '../helpers/fill-ledger-agent.js';
import { watchLines } from '../helpers/line-watcher.js';
import { sleep } from '../helpers/process-control.js';
import { faultCounter, lateRefusedWakes, startSlowRun } from '../helpers/slow-agent-run.js';
import { tradesOf } from '../helpers/tape-facts.js';

afterEach(stopAll);

const TOKEN = 'frozen-token-0001';
/** Stops of the agent process, each over several of the run's 150 ms deadlines. */
const STOPS = 3;
const STOP_MS = 1_000;
/** Wake-ups whose decide() holds the process (no event loop) for BLOCK_MS. */
const BLOCKED = [20, 60];
const BLOCK_MS = 1_000;

/** Resolves once `path` exists. */
async function appeared(path: string): Promise<void> {
  while (!existsSync(path)) await sleep(50);
}

/** One run with the agent under test; `freeze` stops it meanwhile (SIGSTOP/SIGCONT) and says how often. */
async function run(agentArgs: string[], freeze?: (pid: number, pacerState: string) => Promise<number>) {
  const dir = tempDir();
  const arena = await startSlowRun(dir, {
    name: 'frozen',
    agentId: 'frozen',
    token: TOKEN,
    agent: { strategy: 'fill-ledger' },
  });
  const statePath = join(dir, 'frozen.json');
  const agent = startHelperProcess('fill-ledger-agent.ts', [
    '--arena',
    arena.address,
    '--token',
    TOKEN,
    '--state',
    statePath,
    ...agentArgs,
  ]);
  const watch = watchLines(agent);
  const agentExit = new Promise<number | null>((r) => agent.on('exit', r));
  const stops = freeze ? await freeze(agent.pid!, join(dir, 'pacer.json')) : 0;
  const res = await arena.exited;
  expect(res.code, res.stderr).toBe(0);
  expect(await agentExit, watch.text()).toBe(0);
  const end = /(\d+) wake-ups skipped, (\d+) overtaken answers not sent/.exec(watch.text());
  expect(end, watch.text()).not.toBeNull();
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as FillLedgerState;
  const tape = readTape(arena.runDir);
  const missed = new Set(
    tape.filter((r) => r.type === 'missed-deadline' && r.agent === 'frozen').map((r) => r.wakeId as number),
  );
  const woken = state.woken ?? [];
  const facts = {
    stops,
    skipped: Number(end![1]),
    overtaken: Number(end![2]),
    /** Wake-ups decided that the arena had counted as missed. */
    decidedMissed: woken.filter((w) => missed.has(w)),
    /**
     * Of those, the ones whose next wake-up was missed too: decided while the process was behind
     * (a wake-up answered late on a loaded machine has its next one answered in time).
     */
    decidedBehind: woken.filter((w) => missed.has(w) && missed.has(w + 1)),
    late: lateRefusedWakes(arena.runDir, 'frozen'),
    /** Late refusals of an answer whose next wake-up was missed too: sent while behind. */
    lateBehind: lateRefusedWakes(arena.runDir, 'frozen').filter((w) => missed.has(w + 1)),
    kinds: faultCounter(arena.runDir, 'frozen'),
    out: `${res.stderr}\n${watch.text()}`,
  };
  console.log(
    `${agentArgs.join(' ') || 'stopped'}: ${stops} stops, ${woken.length} wake-ups decided, ${missed.size} missed, ` +
      `${facts.skipped} skipped, ${facts.overtaken} overtaken answers not sent, decided though missed ` +
      `${JSON.stringify(facts.decidedMissed)} (the next missed too: ${JSON.stringify(facts.decidedBehind)}), ` +
      `refused as late ${JSON.stringify(facts.late)} (the next missed too: ${JSON.stringify(facts.lateBehind)})`,
  );
  // Every fill of the tape reached the strategy once.
  expect([...state.fills].sort((a, b) => a - b)).toEqual(
    tradesOf(tape, 'frozen')
      .map((t) => t.tradeId)
      .sort((a, b) => a - b),
  );
  return facts;
}

describe('a TypeScript SDK agent that did not run while the arena moved on', () => {
  it('stopped (SIGSTOP … SIGCONT): decides only the newest of the wake-ups waiting in its socket', {
    timeout: 300_000,
  }, async () => {
    const r = await run([], async (pid, pacerState) => {
      // From the run's first decision point on (the pacer stores its state once it has processed one).
      await appeared(pacerState);
      let stops = 0;
      for (; stops < STOPS; stops++) {
        await sleep(1_500);
        process.kill(pid, 'SIGSTOP');
        await sleep(STOP_MS);
        process.kill(pid, 'SIGCONT');
      }
      return stops;
    });
    // Each stop left several wake-ups waiting (the arena sends one per ~150 ms deadline): all but the
    // newest skipped. Decided while behind: at most the one in hand when a stop came — not the ones
    // waiting. Its answer is held back once the process runs again (a newer wake-up overtook it);
    // only a stop between the last look at the socket and the write's flush, one loop turn, lets
    // one late answer out.
    expect(r.skipped, r.out).toBeGreaterThanOrEqual(r.stops);
    expect(r.decidedBehind.length, r.out).toBeLessThanOrEqual(r.stops);
    expect(r.lateBehind.length, r.out).toBeLessThanOrEqual(1);
    expect(r.kinds('rate-limited'), r.out).toBe(0);
  });

  it('held by a decide() that blocks the event loop: sends no overtaken answer, decides the newest next', {
    timeout: 300_000,
  }, async () => {
    const r = await run(['--block', BLOCKED.map((w) => `${w}-${w}:${BLOCK_MS}`).join(',')]);
    // The answer to each blocked wake-up was overtaken (the arena moved on within the block's
    // second), the wake-ups that came meanwhile skipped but the newest.
    expect(r.overtaken, r.out).toBeGreaterThanOrEqual(BLOCKED.length);
    expect(r.skipped, r.out).toBeGreaterThanOrEqual(BLOCKED.length);
    // No answer sent while behind (refused as late, its next wake-up missed too) from a block to
    // the end of its catching up. A loaded machine can make an answer miss its deadline before any
    // newer wake-up has come, also just after a block: it is sent and refused, and the next wake-up
    // is answered in time (CI saw wake 70 so, after the block at 60).
    expect(
      r.lateBehind.filter((w) => BLOCKED.some((b) => w >= b && w <= b + 10)),
      r.out,
    ).toEqual([]);
  });
});
