// The rolling intrinsic trader as its own agent process over gRPC (`flexarena agent
// rolling-intrinsic`, launched by the arena), one delivery day against background liquidity. It
// claims to trade nothing but the open books, only with immediate orders, keeping its battery's
// energy: every action it sends is an IOC order on an open quarter-hour; it never answers late;
// its net position in any quarter-hour stays within the battery's power; it ends the day with at
// least the SoC it started with (within one lot's energy); and the value it locked in is positive.
import { describe, expect, it } from 'vitest';
import { batteryScore, resultOf, zooRun } from '../helpers/zoo-run.js';

describe('rolling-intrinsic (zoo 3) over gRPC', () => {
  it('locks in positive value from the books alone, with IOC orders, keeping its energy', async () => {
    const run = await zooRun(
      {
        name: 'zoo-ri',
        seed: 202,
        day: '2026-04-19',
        deadlineMs: 30_000,
        // An agent process starting on a busy 2-core machine can take longer than the default 30 s
        // to say hello; without it the run goes on and the agent never trades.
        connectTimeoutMs: 120_000,
        market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
        agents: [
          {
            id: 'liquidity',
            strategy: 'liquidity',
            role: 'liquidity',
            params: { depthMwPerEur: 2, halfSpreadEur: 1, levelStepEur: 1, levels: 20, horizonHours: 8 },
          },
          {
            id: 'battery',
            strategy: 'rolling-intrinsic',
            asset: { type: 'battery', powerMw: 10, energyMwh: 20 },
          },
        ],
      },
      { remote: ['battery'], keepTape: true },
    );
    expect(run.faults).not.toContain('never-connected');
    const result = resultOf(run, 'battery');
    expect(result.missedDeadlines).toBe(0);
    const batches = run.tape.filter((r) => r.type === 'batch' && r.agent === 'battery');
    const actions = batches.flatMap(
      (r) => r.actions as { kind: { $case: string; value: Record<string, unknown> } }[],
    );
    expect(actions.length).toBeGreaterThan(10);
    for (const a of actions) {
      expect(a.kind.$case).toBe('submit');
      expect(a.kind.value.timeInForce).toBe(2); // IOC
      expect(String(a.kind.value.productId)).toMatch(/^qh-/);
    }
    for (const r of run.settlements.filter((s) => s.agentId === 'battery'))
      expect(Math.abs(Number(r.positionKwh ?? 0))).toBeLessThanOrEqual(10 * 250);
    const score = await batteryScore(run, 'battery');
    expect(score.finalSocMwh).toBeGreaterThanOrEqual(10 - 0.025);
    expect(score.socNeutralProfitEur).toBeGreaterThan(0);
    expect(score.socNeutralProfitEur).toBeLessThan(score.boundEur * 1.5);
  }, 180_000);
});
