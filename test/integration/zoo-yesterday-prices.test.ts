// Yesterday's prices (zoo 1) in a real two-day run, in-process: on the first day, with no
// yesterday, it plans on that day's day-ahead results; on the second it plans on what it observed
// of the first day and bids that plan into the second day's day-ahead auction before the gate —
// charging where yesterday was cheap, discharging where yesterday was dear — whatever today's
// prices turn out to be.
import { describe, expect, it } from 'vitest';
import { YesterdayPrices } from '../../agents/strategies/yesterday-prices.js';
import { zooRun } from '../helpers/zoo-run.js';

describe('yesterday-prices (zoo 1)', () => {
  it("bids day 2's day-ahead with the plan on day 1's prices", async () => {
    const agent = new YesterdayPrices();
    const run = await zooRun(
      {
        name: 'zoo-yesterday',
        seed: 11,
        day: '2026-11-22',
        days: 2,
        market: { auctions: { dayAhead: true, intraday: false }, balancing: { enabled: false } },
        agents: [
          {
            id: 'liquidity',
            strategy: 'liquidity',
            role: 'liquidity',
            params: { depthMwPerEur: 2, levels: 15 },
          },
          {
            id: 'battery',
            strategy: 'yesterday-prices',
            asset: { type: 'battery', powerMw: 10, energyMwh: 20 },
          },
        ],
      },
      { local: { battery: agent }, keepTape: true },
    );
    expect(agent.plans.get('20261122')?.source).toBe('day-ahead-results');
    expect(agent.plans.get('20261123')?.source).toBe('yesterday');

    const day1 = run.tape.find((r) => r.type === 'auction-result' && r.auctionId === 'da-20261122')!;
    const day1Prices = day1.pricesTicks as number[];
    const bids = run.tape.filter(
      (r) =>
        r.type === 'auction-bid' &&
        (r.bid as { agentId: string }).agentId === 'battery' &&
        r.auctionId === 'da-20261123',
    );
    expect(bids.length).toBeGreaterThan(4);
    // Placed before day 2's gate (D-1 12:00), i.e. while day 1 was still the future of the run.
    for (const b of bids) expect(b.t as number).toBeLessThan(Date.UTC(2026, 10, 22, 12));
    const net = (b: Record<string, unknown>) => {
      const bid = b.bid as { period: number; points: { quantityLots: number }[] };
      return {
        period: bid.period,
        lots: bid.points[0]!.quantityLots + bid.points[bid.points.length - 1]!.quantityLots,
      };
    };
    const buys = bids.map(net).filter((b) => b.lots > 0);
    const sells = bids.map(net).filter((b) => b.lots < 0);
    expect(buys.length).toBeGreaterThan(0);
    expect(sells.length).toBeGreaterThan(0);
    const mean = (xs: { period: number }[]) => xs.reduce((a, x) => a + day1Prices[x.period]!, 0) / xs.length;
    expect(mean(buys)).toBeLessThan(mean(sells) - 10 * 100); // at least 10 EUR/MWh apart on yesterday's prices
    // Day 2's schedule is exactly the plan it bid.
    const plan = agent.plans.get('20261123')!.lots;
    for (const b of bids.map(net)) expect(Math.sign(plan[b.period]!)).toBe(Math.sign(b.lots));
  }, 180_000);
});
