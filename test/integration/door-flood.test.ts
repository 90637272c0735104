// A flooding agent beside normal ones, all real processes over real gRPC. The flooder
// (test/helpers/flooder-agent.ts) sends 1-action batches with a stale wake id in a tight loop at
// three of its wake-ups: each time it gets stale-batch refusals for its burst, then one typed
// rate-limit refusal, then RESOURCE_EXHAUSTED and the end of its stream. From the first refusal
// on, its wake-ups count as missed at once (in lock-step the others would otherwise wait for an
// answer stuck behind its flood), a hello during the cooldown (doubled at each further
// disconnect, up to its cap) is refused, and then it reconnects, resumes and answers again. The other agents never
// miss a deadline and have no faults; the tape is the tape of the same run in which the flooder
// only answers, but for the flooder's missed and absent wake-ups; the fault log holds a bounded
// number of lines whose counts still account for every refused batch.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  readTape,
  STARTUP_MS,
  startArena,
  startHelperProcess,
  stopAll,
  tempDir,
  waitForOutput,
  writeConfig,
} from '../helpers/arena-process.js';
import { startTrader, TRADER_TOKEN } from '../helpers/trader-run.js';

afterEach(stopAll);

const TOKEN = 'flooder-token-0001';

interface FlooderResult {
  sessions: number;
  resumedSessions: number;
  refusedHellos: number;
  floods: number;
  sent: number;
  staleAcks: number;
  lateAcks: number;
  rateLimitedAcks: number;
  rateLimitedCodesOk: boolean;
  errors: { code: number; details: string }[];
  answered: number;
  ended: boolean;
}

interface FaultLine {
  agent: string;
  kind: string;
  of?: string;
  suppressed?: number;
  total?: number;
}

async function run(mode: 'flood' | 'quiet') {
  const dir = tempDir();
  const cfg = {
    name: 'door',
    seed: 11,
    day: '2026-11-22',
    decisionIntervalMinutes: 15,
    // Far above the flooder's pause before it reconnects, even on a loaded machine.
    deadlineMs: 60_000,
    connectTimeoutMs: 300_000,
    nats: { enabled: false },
    // Low limits, so that even a flood slowed down by a loaded machine is far above them
    // (the defaults are 20 per second, burst 40, disconnect after 50).
    // The cooldown doubles at each further disconnect, here capped at 2 s: 1 s, 2 s, 2 s.
    limits: {
      rate: { outsidePerSecond: 2, burst: 10, disconnectAfter: 50, cooldownMs: 1_000, maxCooldownMs: 2_000 },
    },
    agents: [
      {
        id: 'liquidity',
        strategy: 'liquidity',
        role: 'liquidity',
        params: { depthMwPerEur: 1, levels: 6, horizonHours: 6 },
      },
      // The normal agent: an agent process that trades against the liquidity and thinks 60 ms per
      // wake-up, so the run outlasts the flooder's cooldowns even on a fast machine.
      { id: 'trader', strategy: 'fill-ledger', launch: false, token: TRADER_TOKEN },
      { id: 'flooder', strategy: 'flooder', launch: false, token: TOKEN },
    ],
  };
  // liquidity is launched by the arena as an agent process; the trader and the flooder are ours.
  const arena = await startArena(writeConfig(dir, cfg), ['--out', dir], STARTUP_MS);
  startTrader(arena.address, join(dir, 'trader-state.json'), ['--think-ms', '60']);
  const flooder = startHelperProcess('flooder-agent.ts', [
    '--arena',
    arena.address,
    '--token',
    TOKEN,
    '--mode',
    mode,
    '--flood-at',
    '3,8,13',
    '--pause-ms',
    '400',
  ]);
  const resultLine = waitForOutput(flooder, /FLOODER_RESULT .*\n/, 300_000);
  const res = await arena.exited;
  expect(res.code, res.stderr).toBe(0);
  const flood = JSON.parse((await resultLine).replace('FLOODER_RESULT ', '')) as FlooderResult;
  const results = JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8'));
  let faults: FaultLine[] = [];
  try {
    faults = readFileSync(join(arena.runDir, 'agent-faults.log'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    // No fault at all: no file.
  }
  return { flood, results, faults, tape: readTape(arena.runDir) };
}

describe('a flooding agent', () => {
  it('is refused, then disconnected with RESOURCE_EXHAUSTED, resumes; others and the tape are unaffected', {
    timeout: 600_000,
  }, async () => {
    const [flooded, quiet] = await Promise.all([run('flood'), run('quiet')]);
    const f = flooded.flood;

    // ---- the flooder: refused, disconnected three times, resumed three times, ended normally ----
    expect(f.floods).toBe(3);
    expect(f.errors.map((e) => e.code)).toEqual([
      status.RESOURCE_EXHAUSTED,
      status.RESOURCE_EXHAUSTED,
      status.RESOURCE_EXHAUSTED,
    ]);
    expect(f.errors[0]!.details).toMatch(
      /rate limit: 50 batches in a row refused, at most 2 batches per second/,
    );
    // Each further disconnect doubles the cooldown, up to its cap (2 s).
    expect(f.errors.map((e) => /reconnect \(and resume\) in (\d+) ms/.exec(e.details)?.[1])).toEqual([
      '1000',
      '2000',
      '2000',
    ]);
    // It tries to reconnect at once after each disconnect: refused during the 1 s cooldown.
    expect(f.refusedHellos).toBeGreaterThanOrEqual(3);
    expect(f.sessions).toBe(4 + f.refusedHellos);
    expect(f.resumedSessions).toBe(3);
    expect(f.ended).toBe(true);
    // One typed refusal per run of refusals (at least one per flood), each action REJECT_CODE_RATE_LIMITED.
    expect(f.rateLimitedAcks).toBeGreaterThanOrEqual(3);
    expect(f.rateLimitedCodesOk).toBe(true);
    // The first burst (10) got ordinary stale-batch answers; answers are bounded by the bucket.
    expect(f.staleAcks).toBeGreaterThanOrEqual(10);
    expect(f.staleAcks + f.rateLimitedAcks).toBeLessThan(f.sent);

    // ---- everyone else: nothing ----
    const missed = (r: typeof flooded) =>
      r.results.agents.map((a: { missedDeadlines: number }) => a.missedDeadlines);
    // The flooder misses the wake-up it floods at, and every decision point that opens while it is
    // still over its limit (it is not waited for); how many depends on the machine's speed.
    const [trader, liquidity, flooderMissed] = missed(flooded);
    expect([trader, liquidity]).toEqual([0, 0]);
    expect(flooderMissed).toBeGreaterThanOrEqual(3);
    expect(missed(quiet)).toEqual([0, 0, 0]);
    for (const r of [flooded, quiet])
      expect(r.faults.filter((l) => l.agent !== 'flooder' && l.kind !== 'disconnected')).toEqual([]);
    expect(quiet.faults.filter((l) => l.agent === 'flooder' && l.kind !== 'disconnected')).toEqual([]);
    // The flood left no trace on the tape but the flooder's own missed and absent wake-ups.
    const gap = (l: Record<string, unknown>) =>
      l.agent === 'flooder' && (l.type === 'missed-deadline' || l.type === 'agent-absent');
    expect(flooded.tape.filter((l) => gap(l) && l.type === 'missed-deadline')).toHaveLength(flooderMissed);
    expect(quiet.tape.filter(gap)).toEqual([]);
    // run-end counts wake-ups sent, fewer when the flooder was absent; everything else must match.
    const rest = (tape: Record<string, unknown>[]) =>
      tape
        .filter((l) => !gap(l))
        .map(({ seq: _seq, ...l }) =>
          JSON.stringify(l.type === 'run-end' ? { ...l, stats: { ...(l.stats as object), wakeUps: 0 } } : l),
        );
    expect(rest(flooded.tape)).toEqual(rest(quiet.tape));

    // ---- the fault log: bounded, and the counts account for every refused batch ----
    const of = (kind: string) => flooded.faults.filter((l) => l.agent === 'flooder' && l.kind === kind);
    const summaries = (kind: string) => of('suppressed-faults').filter((l) => l.of === kind);
    expect(of('rate-limit-disconnect')).toHaveLength(3);
    /** Faults of a kind: the lines written in full plus what the summaries say was suppressed. */
    const total = (kind: string) => {
      const written = of(kind).length;
      const s = summaries(kind);
      const all = written + s.reduce((n, l) => n + l.suppressed!, 0);
      // Full lines up to the budget (20 per agent and kind), the rest in summaries.
      expect(written).toBe(Math.min(20, all));
      if (s.length > 0) expect(s.at(-1)!.total).toBe(all);
      return all;
    };
    // Each stale batch the arena processed, and each answer that came after its wake-up had counted
    // as missed, was answered and logged: the counts match exactly.
    expect(total('refused-batch')).toBe(f.staleAcks + f.lateAcks);
    const refused = total('rate-limited');
    expect(refused).toBeGreaterThanOrEqual(3 * 49);
    expect(flooded.faults.length).toBeLessThan(100);
    console.log(
      `door flood: flooder sent ${f.sent} batches in 3 floods; ${f.staleAcks} stale answers, ${f.lateAcks} late, ` +
        `${f.rateLimitedAcks} rate-limit refusals, ${refused} refused in all; ` +
        `fault log ${flooded.faults.length} lines`,
    );
  });
});
