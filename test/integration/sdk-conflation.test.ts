// Both SDKs conflate wake-ups: a strategy that falls behind (slower than the deadline for a while)
// catches up on the newest wake-up instead of answering, one by one, the wake-ups that piled up
// behind it. Before, each SDK decided and answered every wake-up it had received, in order: once
// the slow stretch was over it sent a burst of answers to decision points long closed, the arena
// refused each as late or stale, and the streak of refusals ended its stream for flooding
// (RESOURCE_EXHAUSTED "rate limit: …"). Now a wake-up with a newer one already queued behind it is
// skipped — no decide(), no batch — its view deltas are applied and its reports (fills, …) reach
// the strategy with the next wake-up it decides. No fill is lost or seen twice, the positions are
// the tape's, and the agent is never disconnected. And in lock-step the answer to a wake-up that a
// newer one overtook while decide() ran is not sent: before, each went once decide() returned and
// the arena refused it as late (4 late refusals in this run, for each SDK; now none). In real time
// the arena applies such an answer on arrival, so it is still sent. With conflation off
// (--no-conflate) the old behaviour — every wake-up answered, the flood, the disconnect, the
// resume — is what sdk-flood-resume.test.ts plays, for both SDKs.
// All real processes over real gRPC; the same slow stretch as sdk-flood-resume.test.ts.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTape, startHelperProcess, stopAll, tempDir } from '../helpers/arena-process.js';
import type { FillLedgerState } from '../helpers/fill-ledger-agent.js';
import { watchLines } from '../helpers/line-watcher.js';
import {
  expectPositionsOf,
  faultCounter,
  lateRefusedWakes,
  readPythonReport,
  startSlowPython,
  startSlowRun,
} from '../helpers/slow-agent-run.js';
import { netLotsByProduct, tradesOf } from '../helpers/tape-facts.js';

const pythons = new Set<ChildProcess>();
afterEach(async () => {
  for (const p of pythons) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  pythons.clear();
  await stopAll();
});

const SLOW_TOKEN = 'slow-token-0001';
/** Wake-ups (by wake_id) on which the slow agent takes ~3 deadlines to decide. */
const SLOW_FROM = 20;
const SLOW_TO = 30;
const SLOW_MS = 450;

/**
 * Room for one late answer per slow decision (~2 a second: what the SDKs sent before they held
 * overtaken answers back) but not for a burst of stale ones.
 */
const RATE = { outsidePerSecond: 4, burst: 4, disconnectAfter: 3, cooldownMs: 1_000, maxCooldownMs: 2_000 };

function startRun(dir: string, slow: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return startSlowRun(dir, {
    name: 'conflation',
    agentId: 'slow',
    token: SLOW_TOKEN,
    agent: slow,
    rate: RATE,
    overrides,
  });
}

/** The slow agent's fault lines by kind, its missed wake-ups and its trades on the tape. */
function runFacts(runDir: string) {
  const kinds = faultCounter(runDir, 'slow');
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as {
    agents: { agentId: string; missedDeadlines: number }[];
  };
  const missed = results.agents.find((a) => a.agentId === 'slow')!.missedDeadlines;
  const tape = readTape(runDir);
  /** The wake-ups the slow agent's batches on the tape answer. */
  const batches = tape.filter((r) => r.type === 'batch' && r.agent === 'slow').map((r) => r.wakeId as number);
  /** The wake-ups it missed the deadline of. */
  const missedWakes = tape
    .filter((r) => r.type === 'missed-deadline' && r.agent === 'slow')
    .map((r) => r.wakeId as number);
  /**
   * The wake-ups of the slow stretch whose answer the arena refused as late. (Elsewhere a loaded
   * machine can make an answer miss its deadline before any newer wake-up has come: it is sent, and
   * refused.)
   */
  const lateInSlowStretch = lateRefusedWakes(runDir, 'slow').filter((w) => w >= SLOW_FROM && w <= SLOW_TO);
  return { kinds, missed, missedWakes, lateInSlowStretch, batches, trades: tradesOf(tape, 'slow') };
}

async function runTypeScript(overrides: Record<string, unknown> = {}) {
  const dir = tempDir();
  const arena = await startRun(dir, { strategy: 'fill-ledger' }, overrides);
  const statePath = join(dir, 'slow.json');
  const agent = startHelperProcess('fill-ledger-agent.ts', [
    '--arena',
    arena.address,
    '--token',
    SLOW_TOKEN,
    '--state',
    statePath,
    '--slow',
    `${SLOW_FROM}-${SLOW_TO}:${SLOW_MS}`,
  ]);
  const watch = watchLines(agent);
  const agentExit = new Promise<number | null>((r) => agent.on('exit', r));
  const res = await arena.exited;
  expect(res.code, res.stderr).toBe(0);
  expect(await agentExit, watch.text()).toBe(0);
  const end =
    /session over after (\d+) wake-ups, (\d+) streams opened, (\d+) wake-ups skipped, (\d+) overtaken answers not sent/.exec(
      watch.text(),
    );
  expect(end, watch.text()).not.toBeNull();
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as FillLedgerState;
  expect(state.ended?.reason).toBe('run complete');
  const facts = runFacts(arena.runDir);
  // Every fill of the tape once, each ack once, the final positions the tape's.
  expect(facts.trades.length).toBeGreaterThan(10);
  expect([...state.fills].sort((a, b) => a - b)).toEqual(
    facts.trades.map((t) => t.tradeId).sort((a, b) => a - b),
  );
  expect(new Set(state.acked).size).toBe(state.acked.length);
  const net = netLotsByProduct(facts.trades, 'slow');
  for (const p of state.positions) expect(p.netLots, p.productId).toBe(net.get(p.productId) ?? 0);
  for (const [productId, lots] of net)
    expect(state.positions.find((p) => p.productId === productId)?.netLots ?? 0, productId).toBe(lots);
  // Decided in ascending order, each once.
  const woken = state.woken ?? [];
  expect(woken.filter((w, i) => i > 0 && w <= woken[i - 1]!)).toEqual([]);
  return {
    ...facts,
    stderr: res.stderr,
    out: watch.text(),
    streams: Number(end![2]),
    skipped: Number(end![3]),
    overtaken: Number(end![4]),
    woken,
    decidedEmpty: state.decidedEmpty ?? [],
  };
}

function runPython() {
  return async () => {
    const dir = tempDir();
    const arena = await startRun(dir, {
      strategy: 'py-battery',
      asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
    });
    // The example battery, slow on some wake-ups; it also notes every fill decide() sees.
    const reportPath = join(dir, 'python-report.json');
    const py = startSlowPython({
      address: arena.address,
      token: SLOW_TOKEN,
      from: SLOW_FROM,
      to: SLOW_TO,
      slowMs: SLOW_MS,
      reportPath,
      seenFile: join(dir, 'seen.json'),
    });
    pythons.add(py.child);
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    const pyCode = await py.exited;
    const out = py.out();
    expect(pyCode, out).toBe(0);
    const facts = runFacts(arena.runDir);
    const report = readPythonReport(reportPath);
    expect(report.ended).toBe('run complete');
    // The end line says how many wake-ups were skipped and how many answers were not sent.
    expect(report.skipped_wake_ups, out).toBeGreaterThan(0);
    expect(report.overtaken_answers, out).toBeGreaterThan(0);
    expect(out).toMatch(
      new RegExp(
        `agent slow, \\d+ wake-ups \\(${report.skipped_wake_ups} skipped as superseded, ${report.overtaken_answers} overtaken answers not sent\\), \\d+ session`,
      ),
    );
    // Every fill of the tape once — in what the SDK counted and in what decide() was given — and the
    // final positions the tape's.
    const tapeIds = facts.trades.map((t) => t.tradeId).sort((a, b) => a - b);
    expect(facts.trades.length, out).toBeGreaterThan(0);
    expect([...report.fills].sort((a, b) => a - b)).toEqual(tapeIds);
    const seen = JSON.parse(readFileSync(join(dir, 'seen.json'), 'utf8')) as number[];
    const finalFills = report.fills.filter((f) => !seen.includes(f));
    expect([...seen, ...finalFills].sort((a, b) => a - b)).toEqual(tapeIds);
    expectPositionsOf(report.positions, netLotsByProduct(facts.trades, 'slow'));
    expect(facts.kinds('rate-limit-disconnect'), `${res.stderr}\n${out}`).toBe(0);
    expect(report.sessions, out).toBe(1);
    // No answer of the slow stretch the arena had to refuse as late: the overtaken ones were not sent.
    expect(facts.lateInSlowStretch, out).toEqual([]);
    expect(facts.missed).toBeGreaterThanOrEqual(report.skipped_wake_ups + report.overtaken_answers);
  };
}

describe('an SDK agent that falls behind (conflation)', () => {
  it('TypeScript SDK: skips the superseded wake-ups, is not disconnected, sees every fill once', {
    timeout: 300_000,
  }, async () => {
    const r = await runTypeScript();
    expect(r.kinds('rate-limit-disconnect'), `${r.stderr}\n${r.out}`).toBe(0);
    expect(r.kinds('rate-limited'), r.stderr).toBe(0);
    expect(r.streams, r.out).toBe(1);
    expect(r.skipped, r.out).toBeGreaterThan(0);
    // The answers overtaken while decide() ran were not sent, so the arena refused none as late.
    expect(r.overtaken, r.out).toBeGreaterThan(0);
    expect(r.lateInSlowStretch, r.stderr).toEqual([]);
    // Each skipped wake-up and each overtaken answer's wake-up counts as missed (in lock-step it was
    // missed before the SDK took it, or before decide() returned).
    expect(r.missed).toBeGreaterThanOrEqual(r.skipped + r.overtaken);
  });

  it('TypeScript SDK in real time: decides the newest wake-up, answers no skipped one, sees every fill once', {
    timeout: 300_000,
  }, async () => {
    // The arena never waits (15 virtual minutes are 50 ms of wall time) and applies every batch when
    // it arrives, also one for a wake-up long past: before, the agent's answers to the wake-ups that
    // piled up traded on books and positions long gone.
    const r = await runTypeScript({ mode: 'realtime', realtime: { speed: 18_000 } });
    expect(r.skipped, r.out).toBeGreaterThan(0);
    expect(r.streams, r.out).toBe(1);
    expect(r.kinds('rate-limit-disconnect'), r.stderr).toBe(0);
    // Every batch on the tape answers a wake-up the strategy decided; none a skipped one.
    const decided = new Set(r.woken);
    expect(r.batches.length).toBeGreaterThan(20);
    expect(r.batches.filter((w) => !decided.has(w))).toEqual([]);
    // An answer decided past its deadline, with newer wake-ups come meanwhile, was still sent: in
    // real time the arena applies it on arrival (it is on the tape), it refuses none as late.
    expect(r.overtaken, r.out).toBe(0);
    expect(r.lateInSlowStretch, r.stderr).toEqual([]);
    // (An answer without actions is taken but leaves no batch on the tape: before the liquidity
    // provider's first orders the books are empty, and a loaded machine can make wake 1 late. Only
    // the slow stretch counts: a loaded machine can also make a wake-up near the end late, its
    // answer arriving after the run ended — a suite run saw wake 126 of 128.)
    const empty = new Set(r.decidedEmpty);
    const decidedLate = r.missedWakes.filter(
      (w) => decided.has(w) && !empty.has(w) && w >= SLOW_FROM && w <= SLOW_TO,
    );
    expect(decidedLate.length, r.out).toBeGreaterThan(0);
    expect(decidedLate.filter((w) => !r.batches.includes(w))).toEqual([]);
  });

  it(
    'Python SDK: skips the superseded wake-ups, is not disconnected, sees every fill once',
    {
      timeout: 300_000,
    },
    runPython(),
  );
});
