// The market maker (zoo 8) in a real day, in-process: shallow background liquidity and a battery
// that sweeps the book (the LP with wide slippage). The maker keeps two-sided quotes resting, its
// quotes never trade on arrival (only exit and flatten orders may), it holds no more than its
// limit in any quarter-hour, and every quarter-hour it still held near the gate it tried to
// flatten. (Whether it earns depends on the flow: against this persistent one-way sweeper it does
// not; see BENCHMARKS.md.)
import { describe, expect, it } from 'vitest';
import { MarketMaker } from '../../agents/strategies/market-maker.js';
import { zooRun } from '../helpers/zoo-run.js';

describe('market-maker (zoo 8)', () => {
  it('quotes both sides passively, stays within its inventory limit and flattens before the gate', async () => {
    const maker = new MarketMaker();
    const run = await zooRun(
      {
        name: 'zoo-mm',
        seed: 303,
        day: '2026-11-22',
        market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
        agents: [
          {
            id: 'liquidity',
            strategy: 'liquidity',
            role: 'liquidity',
            params: { depthMwPerEur: 0.5, levels: 60, horizonHours: 8 },
          },
          {
            id: 'sweeper',
            strategy: 'lp-battery',
            params: { dayAhead: false, slippageEur: 30 },
            asset: { type: 'battery', powerMw: 30, energyMwh: 60 },
          },
          { id: 'maker', strategy: 'market-maker', asset: { type: 'battery', powerMw: 10, energyMwh: 20 } },
        ],
      },
      { local: { maker }, keepTape: true },
    );
    const submits = run.tape
      .filter((r) => r.type === 'batch' && r.agent === 'maker')
      .flatMap((r) => r.actions as { clientRef: string; kind: { $case: string } }[]);
    expect(submits.filter((a) => a.clientRef === 'mm-buy').length).toBeGreaterThan(10);
    expect(submits.filter((a) => a.clientRef === 'mm-sell').length).toBeGreaterThan(10);
    const limit = maker.params.maxInventoryMw ?? 2.5;
    const records = run.settlements.filter((r) => r.agentId === 'maker');
    for (const r of records) expect(Math.abs(Number(r.positionKwh ?? 0))).toBeLessThanOrEqual(limit * 250);
    const refOf = new Map<number, string>();
    for (const r of run.tape)
      if (r.type === 'accepted' && r.agentId === 'maker') refOf.set(r.orderId as number, String(r.clientRef));
    const fills = run.tape.filter(
      (r) => r.type === 'trade' && (r.buyAgentId === 'maker' || r.sellAgentId === 'maker'),
    );
    expect(fills.length).toBeGreaterThan(5);
    for (const t of fills) {
      const buy = t.buyAgentId === 'maker';
      const ref = refOf.get((buy ? t.buyOrderId : t.sellOrderId) as number);
      const aggressor = t.aggressorSide === (buy ? 'buy' : 'sell');
      if (ref === 'mm-buy' || ref === 'mm-sell') expect(aggressor, `${ref} trade ${t.tradeId}`).toBe(false);
    }
    const flattened = new Set(
      run.tape
        .filter((r) => r.type === 'accepted' && r.agentId === 'maker' && r.clientRef === 'mm-flatten')
        .map((r) => r.productId),
    );
    for (const r of records)
      if (Number(r.positionKwh ?? 0) !== 0) expect(flattened.has(r.productId)).toBe(true);
    expect(records.filter((r) => Number(r.positionKwh ?? 0) === 0).length / records.length).toBeGreaterThan(
      0.75,
    );
  }, 180_000);
});
