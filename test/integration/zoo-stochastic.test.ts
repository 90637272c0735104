// The stochastic optimiser (zoo 4) in a real day with a day-ahead auction, in-process: it bids
// its first-stage day-ahead schedule (one curve per scheduled quarter-hour, before the gate),
// corrects in the continuous market only with IOC orders at levels of the book, and earns money
// (SoC-neutral) on the demo's world.
import { describe, expect, it } from 'vitest';
import { batteryScore, resultOf, zooRun } from '../helpers/zoo-run.js';

describe('stochastic-battery (zoo 4)', () => {
  it('bids its first stage day-ahead, corrects with IOC orders and earns', async () => {
    const run = await zooRun(
      {
        name: 'zoo-stochastic',
        seed: 42,
        day: '2026-11-22',
        market: { auctions: { dayAhead: true, intraday: false }, balancing: { enabled: false } },
        agents: [
          {
            id: 'liquidity',
            strategy: 'liquidity',
            role: 'liquidity',
            params: { depthMwPerEur: 1, levels: 15 },
          },
          {
            id: 'battery',
            strategy: 'stochastic-battery',
            params: { scenarios: 10 },
            asset: { type: 'battery', powerMw: 10, energyMwh: 20, degradationEurPerMwh: 2 },
          },
        ],
      },
      { keepTape: true },
    );
    const bids = run.tape.filter(
      (r) => r.type === 'auction-bid' && (r.bid as { agentId: string }).agentId === 'battery',
    );
    expect(bids.length).toBeGreaterThan(10);
    for (const b of bids) expect(b.t as number).toBeLessThan(Date.UTC(2026, 10, 21, 12));
    expect(resultOf(run, 'battery').auctionCashEur).not.toBe(0);
    const submits = run.tape
      .filter((r) => r.type === 'batch' && r.agent === 'battery')
      .flatMap((r) => r.actions as { kind: { $case: string; value: { timeInForce?: number } } }[])
      .filter((a) => a.kind.$case === 'submit');
    expect(submits.length).toBeGreaterThan(0);
    for (const s of submits) expect(s.kind.value.timeInForce).toBe(2);
    expect((await batteryScore(run, 'battery')).socNeutralProfitEur).toBeGreaterThan(0);
  }, 240_000);
});
