// The expert-rule battery (zoo 2) in a real day, in-process: every order it sent is the
// execution of a leaf of its decision tree taken at that wake-up for that quarter-hour — buys
// only from charging leaves, sells only from discharging ones, at no worse than forecast ± the
// leaf's slippage (apart from orders marked as keeping the SoC feasible) — and following its rules earns money on the volatile day.
import { describe, expect, it } from 'vitest';
import { RuleTreeBattery } from '../../agents/strategies/rule-tree-battery.js';
import { batteryScore, zooRun } from '../helpers/zoo-run.js';

describe('rule-tree-battery (zoo 2)', () => {
  it('sends only orders its tree decided, and earns on a volatile day', async () => {
    const agent = new RuleTreeBattery();
    const run = await zooRun(
      {
        name: 'zoo-rules',
        seed: 202,
        day: '2026-04-19',
        market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
        agents: [
          {
            id: 'liquidity',
            strategy: 'liquidity',
            role: 'liquidity',
            params: { depthMwPerEur: 2, halfSpreadEur: 1, levels: 20 },
          },
          {
            id: 'battery',
            strategy: 'rule-tree-battery',
            asset: { type: 'battery', powerMw: 10, energyMwh: 20 },
          },
        ],
      },
      { local: { battery: agent }, keepTape: true },
    );
    const batches = run.tape.filter((r) => r.type === 'batch' && r.agent === 'battery');
    let orders = 0;
    for (const b of batches) {
      // The batch's time is its wake-up's time plus latency; the decision was taken at the wake-up.
      const decidedAt = Math.floor((b.t as number) / 900_000) * 900_000;
      for (const a of b.actions as {
        clientRef: string;
        kind: { $case: string; value: { productId: string; side: number } };
      }[]) {
        expect(a.kind.$case).toBe('submit');
        // Orders that only keep the SoC feasible after fills moved it are marked as such.
        if (a.clientRef === 'rule-soc') continue;
        expect(a.clientRef).toBe('rule');
        orders++;
        const leaf = agent.log.find((l) => l.timeMs === decidedAt && l.productId === a.kind.value.productId);
        expect(leaf, `${a.kind.value.productId} at ${decidedAt}`).toBeDefined();
        if (a.kind.value.side === 1) expect(['charge', 'charge-half']).toContain(leaf!.action);
        else expect(['discharge', 'discharge-half']).toContain(leaf!.action);
      }
    }
    expect(orders).toBeGreaterThan(5);
    const score = await batteryScore(run, 'battery');
    expect(score.socNeutralProfitEur).toBeGreaterThan(0);
  }, 180_000);
});
