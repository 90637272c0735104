// The price-making battery against the price-taking LP, at the same size and depth: a 100 MW /
// 200 MWh battery next to shallow background liquidity (0.5 MW per EUR/MWh, as in
// scenarios/price-maker-study.yaml), the same seed, one run each, in-process (real core, real
// HiGHS). The LP plans on the forecasts and sweeps the book for its plan; the price-maker puts the
// depth it walks into its objective. It must trade less and earn more (SoC-neutral, see
// scripts/zoo/score.ts), and earn a positive amount.
import { describe, expect, it } from 'vitest';
import { batteryScore, zooRun } from '../helpers/zoo-run.js';

function study(strategy: string, params: Record<string, unknown>) {
  return {
    name: `pm-${strategy}`,
    seed: 303,
    day: '2026-11-22',
    decisionIntervalMinutes: 15,
    market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
    agents: [
      {
        id: 'liquidity',
        strategy: 'liquidity',
        role: 'liquidity',
        params: { depthMwPerEur: 0.5, halfSpreadEur: 0.5, levelStepEur: 1, levels: 40, horizonHours: 6 },
      },
      { id: 'battery', strategy, params, asset: { type: 'battery', powerMw: 100, energyMwh: 200 } },
    ],
  };
}

describe('price-maker-battery (zoo 5)', () => {
  it('trades less and earns more than the price-taking LP at the same size and depth', async () => {
    const lp = await batteryScore(
      await zooRun(study('lp-battery', { dayAhead: false, slippageEur: 50 })),
      'battery',
    );
    const pm = await batteryScore(
      await zooRun(study('price-maker-battery', { horizonHours: 30 })),
      'battery',
    );
    expect(pm.tradedMwh).toBeLessThan(lp.tradedMwh);
    expect(pm.socNeutralProfitEur).toBeGreaterThan(lp.socNeutralProfitEur);
    expect(pm.socNeutralProfitEur).toBeGreaterThan(0);
  }, 240_000);
});
