// Both SDKs come back after the arena ended their stream for flooding. A strategy that takes
// longer than the deadline for a while falls behind and then answers the wake-ups that piled up,
// each stale by then: past the rate limit the arena ends its stream with RESOURCE_EXHAUSTED and
// refuses its hellos (RESOURCE_EXHAUSTED too) until a cooldown has passed. Before, both SDKs took
// that for a fatal error: the agent process ended with a SessionError in the middle of the run,
// and the arena waited for it in vain after the run. Now the SDK says hello again with backoff
// until the cooldown lets it in, resumes from its last processed report, plays on and ends the
// run connected: every fill of the tape reached it once. And what was still queued on the failed
// stream is not decided after the resume (the TypeScript SDK did, beside the new stream; the Python
// SDK decided it before resuming, so it came back late). All real processes over real gRPC.
// The agents here answer every wake-up (--no-conflate): the SDKs' default, conflation, skips the
// wake-ups that piled up instead of answering them, so it does not flood
// (sdk-conflation.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTape, startHelperProcess, stopAll, tempDir } from '../helpers/arena-process.js';
import type { FillLedgerState } from '../helpers/fill-ledger-agent.js';
import { watchLines } from '../helpers/line-watcher.js';
import {
  expectPositionsOf,
  faultCounter,
  readPythonReport,
  startSlowPython,
  startSlowRun,
} from '../helpers/slow-agent-run.js';
import { netLotsByProduct, tradesOf } from '../helpers/tape-facts.js';

afterEach(stopAll);

const FLOODER_TOKEN = 'flooder-token-0001';
/** Wake-ups (by wake_id) on which the flooder takes twice the deadline to decide. */
const SLOW_FROM = 20;
const SLOW_TO = 30;
const SLOW_MS = 300;

/** Low limits: a few stale answers in a row end the stream; a 1 s cooldown (2 s after a second). */
const LOW_RATE = {
  outsidePerSecond: 1,
  burst: 2,
  disconnectAfter: 3,
  cooldownMs: 1_000,
  maxCooldownMs: 2_000,
};

function startRun(dir: string, flooder: Record<string, unknown>, lowLimits = true) {
  return startSlowRun(dir, {
    name: 'flood-resume',
    agentId: 'flooder',
    token: FLOODER_TOKEN,
    agent: flooder,
    ...(lowLimits ? { rate: LOW_RATE } : {}),
  });
}

/** What the run says about the flooder: its disconnects and refused hellos, and that it was there at the end. */
function flooderFacts(runDir: string, arenaStderr: string) {
  const kinds = faultCounter(runDir, 'flooder');
  expect(kinds('rate-limit-disconnect'), arenaStderr).toBeGreaterThanOrEqual(1);
  // It tried again within the cooldown (its first pause is shorter than the cooldown) and was refused.
  expect(kinds('reconnect-too-soon'), arenaStderr).toBeGreaterThanOrEqual(1);
  // Connected when the run ended: nobody was waited for after it.
  expect(kinds('no-final-report')).toBe(0);
  expect(arenaStderr).not.toMatch(/waiting up to \d+ ms for .*flooder.* to reconnect/);
  const tape = readTape(runDir);
  return { trades: tradesOf(tape, 'flooder'), tape };
}

describe('an SDK agent disconnected for flooding', () => {
  it('TypeScript SDK: backs off, resumes with its token once the cooldown is over, ends the run connected with every fill', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const arena = await startRun(dir, { strategy: 'fill-ledger' });
    const statePath = join(dir, 'flooder.json');
    const flooder = startHelperProcess('fill-ledger-agent.ts', [
      '--arena',
      arena.address,
      '--token',
      FLOODER_TOKEN,
      '--state',
      statePath,
      '--slow',
      `${SLOW_FROM}-${SLOW_TO}:${SLOW_MS}`,
      '--no-conflate',
    ]);
    const watch = watchLines(flooder);
    const flooderExit = new Promise<number | null>((r) => flooder.on('exit', r));
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    expect(await flooderExit, watch.text()).toBe(0);
    const { trades } = flooderFacts(arena.runDir, res.stderr);

    const state = JSON.parse(readFileSync(statePath, 'utf8')) as FillLedgerState;
    expect(state.ended?.reason).toBe('run complete');
    // The SDK itself came back: one runAgent call, which opened the first stream, the refused
    // ones and the resumed one.
    expect(state.sessions).toBe(1);
    const streams = Number(/session over after \d+ wake-ups, (\d+) streams opened/.exec(watch.text())?.[1]);
    expect(streams).toBeGreaterThanOrEqual(3);
    // Every fill of the tape once, each ack once, and the final positions the tape's.
    expect(new Set(state.acked).size).toBe(state.acked.length);
    expect(trades.length).toBeGreaterThan(10);
    expect([...state.fills].sort((a, b) => a - b)).toEqual(
      trades.map((t) => t.tradeId).sort((a, b) => a - b),
    );
    const net = netLotsByProduct(trades, 'flooder');
    for (const p of state.positions) expect(p.netLots, p.productId).toBe(net.get(p.productId) ?? 0);
  });

  it('Python SDK: backs off, resumes with its token once the cooldown is over, ends the run connected with every fill', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const arena = await startRun(dir, {
      strategy: 'py-battery',
      asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
    });
    // The example battery, slow on some wake-ups.
    const reportPath = join(dir, 'python-report.json');
    const py = startSlowPython({
      address: arena.address,
      token: FLOODER_TOKEN,
      from: SLOW_FROM,
      to: SLOW_TO,
      slowMs: SLOW_MS,
      reportPath,
      args: ['--no-conflate'],
    });
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    const pyCode = await py.exited;
    const out = py.out();
    expect(pyCode, out).toBe(0);
    const { trades } = flooderFacts(arena.runDir, res.stderr);

    const report = readPythonReport(reportPath);
    expect(report.ended).toBe('run complete');
    expect(report.sessions, out).toBeGreaterThanOrEqual(3);
    // One line per disconnect, none per hello refused during the cooldown (it logged a "stream
    // dropped" warning for each of those tries).
    const disconnects = out.match(/disconnected for flooding/g)?.length ?? 0;
    expect(disconnects, out).toBeGreaterThanOrEqual(1);
    expect(out).not.toMatch(/stream dropped \(RESOURCE_EXHAUSTED/);
    expect(trades.length, out).toBeGreaterThan(0);
    expect([...report.fills].sort((a, b) => a - b)).toEqual(
      trades.map((t) => t.tradeId).sort((a, b) => a - b),
    );
    expectPositionsOf(report.positions, netLotsByProduct(trades, 'flooder'));
  });
});

describe('a TypeScript SDK agent behind on its wake-ups whose stream fails', () => {
  it('does not decide the wake-ups still queued on the failed stream once it has resumed: each comes once, in order', {
    timeout: 300_000,
  }, async () => {
    // Before, the SDK gave up the failed stream at once but went on deciding what was queued on it,
    // while the next stream was already deciding newer wake-ups: the strategy saw wake 31 after
    // wake 43, two decide() calls at a time, and fills of the queued wake-ups (sent again after the
    // resume) could reach it twice. Default limits: no flood disconnect here, the strategy itself
    // ends the stream (fill-ledger's --drops) while it has a backlog, and comes back 200 ms later.
    const dir = tempDir();
    const arena = await startRun(dir, { strategy: 'fill-ledger' }, false);
    const statePath = join(dir, 'flooder.json');
    const flooder = startHelperProcess('fill-ledger-agent.ts', [
      '--arena',
      arena.address,
      '--token',
      FLOODER_TOKEN,
      '--state',
      statePath,
      '--slow',
      `${SLOW_FROM}-${SLOW_FROM + 20}:${SLOW_MS}`,
      '--drops',
      `${SLOW_FROM + 10}:before-decide`,
      // With a backlog to decide: conflation would skip wake 30 and never drop.
      '--no-conflate',
    ]);
    const watch = watchLines(flooder);
    const flooderExit = new Promise<number | null>((r) => flooder.on('exit', r));
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    expect(await flooderExit, watch.text()).toBe(0);
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as FillLedgerState;
    expect(state.ended?.reason).toBe('run complete');
    expect(watch.lines.filter((l) => l.startsWith('reconnecting'))).toEqual([
      'reconnecting: drop before deciding wake 30',
    ]);
    // Decided in ascending order, each once.
    const woken = state.woken ?? [];
    expect(woken.length).toBeGreaterThan(50);
    expect(woken.filter((w, i) => i > 0 && w <= woken[i - 1]!)).toEqual([]);
    const trades = tradesOf(readTape(arena.runDir), 'flooder');
    expect([...state.fills].sort((a, b) => a - b)).toEqual(
      trades.map((t) => t.tradeId).sort((a, b) => a - b),
    );
  });
});
