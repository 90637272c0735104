// Price-maker study with real arena and agent processes (DESIGN.md §4 "Price impact = size /
// depth", §8 "Counterfactuals"): the same seed three times — a 10 MW battery, the same battery ×10
// (100 MW / 200 MWh), and no battery at all — against background liquidity of known depth.
//
// The liquidity agent (agents/strategies/liquidity-provider.ts) rests a ladder around its mid m:
// level k (k = 0 … levels−1) sells at m + h + k·s and buys at m − h − k·s, each level holding
// depth·s MW (L = 10·depth·s lots). A market order of Q lots sweeps ceil(Q/L) levels, so its worst
// fill lies at
//     |worst − m| = h + (ceil(Q/L) − 1)·s,   i.e.   h + Q/depth − s ≤ |worst − m| < h + Q/depth
// — "half-spread + size/depth" within one level step s. Here depth = 1 MW per EUR/MWh, s = 1 EUR,
// h = 0.5 EUR: the 10 MW battery (Q = 100 lots) walks 10 EUR into the book, the 100 MW one 100 EUR.
//
// Counterfactual: removing the battery must not change anything exogenous — the world's prices
// (run-start realisedPriceTicks) and what the liquidity agent quotes until the battery first
// trades. After that the liquidity agent replenishes what the battery took, so its actions differ.
import { describe, expect, it } from 'vitest';
import { readTape, startArena, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

type Rec = Record<string, unknown> & { type: string; t: number; seq: number };

const SEED = 21;
const DEPTH_MW_PER_EUR = 1;
const STEP_TICKS = 100; // levelStepEur 1
const HALF_TICKS = 50; // halfSpreadEur 0.5
const LEVELS = 100; // 100 levels × 1 MW: a 100 MW sweep fits on one side
const LOTS_PER_LEVEL = 10 * DEPTH_MW_PER_EUR * (STEP_TICKS / 100);
/** Q lots / depth, in ticks: Q × 0.1 MW ÷ (MW per EUR/MWh) × 100 ticks per EUR. */
const slopeTicks = (lots: number) => (lots * 0.1 * 100) / DEPTH_MW_PER_EUR;

function studyConfig(name: string, batteryMw: number | null): Record<string, unknown> {
  const agents: Record<string, unknown>[] = [
    {
      id: 'liquidity',
      strategy: 'liquidity',
      role: 'liquidity',
      // Quotes first at every decision point, so the battery always meets a replenished ladder.
      latencyMs: { min: 1, max: 1 },
      params: {
        depthMwPerEur: DEPTH_MW_PER_EUR,
        levelStepEur: STEP_TICKS / 100,
        halfSpreadEur: HALF_TICKS / 100,
        levels: LEVELS,
        horizonHours: 1,
        // Wake-ups are at least 15 minutes before delivery: the spread never narrows here.
        narrowingHours: 0.1,
      },
    },
  ];
  if (batteryMw !== null)
    agents.push({
      id: 'battery',
      strategy: 'heuristic-battery',
      latencyMs: { min: 1_000, max: 1_000 },
      asset: { type: 'battery', powerMw: batteryMw, energyMwh: 2 * batteryMw },
      // Slippage wide enough that the IOC orders sweep as far as the size requires.
      params: { maxSlippageEur: 1_000 },
    });
  return {
    name,
    seed: SEED,
    day: '2026-11-22',
    simStartHoursBeforeDay: 8,
    decisionIntervalMinutes: 15,
    deadlineMs: 30_000,
    nats: { enabled: false },
    market: {
      auctions: { dayAhead: false, intraday: false },
      balancing: { enabled: false },
      cid: { hourlyProducts: false },
    },
    agents,
  };
}

async function run(name: string, batteryMw: number | null): Promise<Rec[]> {
  const dir = tempDir('flexarena-impact-');
  const arena = await startArena(writeConfig(dir, studyConfig(name, batteryMw)), ['--out', dir]);
  const res = await arena.exited;
  expect(res.code, res.stderr).toBe(0);
  return readTape(arena.runDir) as Rec[];
}

interface Resting {
  productId: string;
  side: string;
  priceTicks: number;
  remaining: number;
}

interface Sweep {
  t: number;
  productId: string;
  side: 'buy' | 'sell';
  filledLots: number;
  worstTicks: number;
  midTicks: number;
  halfSpreadTicks: number;
  /** |worst − mid|. */
  distanceTicks: number;
  /** Ladder levels resting on the side the order hit, and their sizes. */
  levelsHit: number;
  levelLots: number[];
}

/**
 * Replays the tape: the liquidity agent's resting ladder per product, and for every aggressive order
 * of `agent` its fills and the ladder it met on arrival.
 */
function sweeps(tape: Rec[], agent: string, liquidity: string): Sweep[] {
  const resting = new Map<number, Resting>();
  const open = new Map<number, Sweep>();
  const out: Sweep[] = [];
  for (const r of tape) {
    if (r.type === 'accepted' && r.agentId === liquidity) {
      resting.set(r.orderId as number, {
        productId: r.productId as string,
        side: r.side as string,
        priceTicks: r.priceTicks as number,
        remaining: r.quantityLots as number,
      });
    } else if (r.type === 'accepted' && r.agentId === agent) {
      const ladder = [...resting.values()].filter((o) => o.productId === r.productId);
      const bids = ladder.filter((o) => o.side === 'buy').map((o) => o.priceTicks);
      const asks = ladder.filter((o) => o.side === 'sell').map((o) => o.priceTicks);
      if (bids.length === 0 || asks.length === 0) continue; // nobody quotes this product yet
      const bestBid = Math.max(...bids);
      const bestAsk = Math.min(...asks);
      const side = r.side as 'buy' | 'sell';
      const hit = ladder.filter((o) => o.side !== side);
      const sweep: Sweep = {
        t: r.t,
        productId: r.productId as string,
        side,
        filledLots: 0,
        worstTicks: Number.NaN,
        midTicks: (bestBid + bestAsk) / 2,
        halfSpreadTicks: (bestAsk - bestBid) / 2,
        distanceTicks: Number.NaN,
        levelsHit: hit.length,
        levelLots: hit.map((o) => o.remaining),
      };
      open.set(r.orderId as number, sweep);
    } else if (r.type === 'trade') {
      for (const id of [r.buyOrderId, r.sellOrderId] as number[]) {
        const o = resting.get(id);
        if (o) {
          o.remaining -= r.quantityLots as number;
          if (o.remaining === 0) resting.delete(id);
        }
        const s = open.get(id);
        if (s) {
          s.filledLots += r.quantityLots as number;
          const p = r.priceTicks as number;
          s.worstTicks = Number.isNaN(s.worstTicks)
            ? p
            : s.side === 'buy'
              ? Math.max(s.worstTicks, p)
              : Math.min(s.worstTicks, p);
        }
      }
    } else if (r.type === 'cancelled') {
      resting.delete(r.orderId as number);
      const s = open.get(r.orderId as number);
      if (s) {
        open.delete(r.orderId as number);
        if (s.filledLots > 0) out.push(s);
      }
    }
  }
  // Fully filled IOC orders get no 'cancelled' record.
  for (const s of open.values()) if (s.filledLots > 0) out.push(s);
  for (const s of out) s.distanceTicks = Math.abs(s.worstTicks - s.midTicks);
  return out.sort((a, b) => a.t - b.t);
}

/**
 * The liquidity agent's batches as comparable values: order ids differ between runs (the battery's
 * orders take ids too), so a cancel is named by the order it cancels.
 */
function quoteActions(tape: Rec[], liquidity: string): { t: number; actions: unknown[] }[] {
  const orders = new Map<number, string>();
  for (const r of tape)
    if (r.type === 'accepted' && r.agentId === liquidity)
      orders.set(r.orderId as number, `${r.productId} ${r.side} ${r.priceTicks}`);
  return tape
    .filter((r) => r.type === 'batch' && r.agent === liquidity)
    .map((r) => ({
      t: r.t,
      actions: (r.actions as { kind: { $case: string; value: Record<string, unknown> } }[]).map((a) =>
        a.kind.$case === 'cancel' ? { cancel: orders.get(a.kind.value.orderId as number) } : a.kind,
      ),
    }));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('price impact of a battery against background liquidity of known depth', () => {
  it('moves the price by half-spread + size/depth, and removing it leaves the exogenous prices unchanged', async () => {
    try {
      const [small, large, none] = await Promise.all([
        run('impact-10mw', 10),
        run('impact-100mw', 100),
        run('impact-none', null),
      ]);

      // ---- (a) the price each sweep trades at ----
      const bySize = new Map<number, Sweep[]>();
      for (const [mw, tape] of [
        [10, small],
        [100, large],
      ] as const) {
        const list = sweeps(tape, 'battery', 'liquidity');
        bySize.set(mw, list);
        expect(list.length, `${mw} MW sweeps`).toBeGreaterThan(40);
        for (const s of list) {
          const where = `${mw} MW ${s.side} ${s.filledLots} lots of ${s.productId} at ${s.t}`;
          // It met the full ladder, centred on the mid with the configured half-spread.
          expect(s.halfSpreadTicks, where).toBe(HALF_TICKS);
          expect(s.levelsHit, where).toBe(LEVELS);
          expect(new Set(s.levelLots), where).toEqual(new Set([LOTS_PER_LEVEL]));
          // The exact ladder walk, and the rule of thumb within one level step.
          const levelsSwept = Math.ceil(s.filledLots / LOTS_PER_LEVEL);
          expect(s.distanceTicks, where).toBe(HALF_TICKS + (levelsSwept - 1) * STEP_TICKS);
          expect(
            Math.abs(s.distanceTicks - (HALF_TICKS + slopeTicks(s.filledLots))),
            where,
          ).toBeLessThanOrEqual(STEP_TICKS);
        }
      }
      const smallSweeps = bySize.get(10)!;
      const largeSweeps = bySize.get(100)!;
      // Most sweeps are the battery's full power; the 100 MW battery trades 10× the size.
      const qSmall = mean(smallSweeps.map((s) => s.filledLots));
      const qLarge = mean(largeSweeps.map((s) => s.filledLots));
      expect(qLarge / qSmall).toBeGreaterThan(9);
      expect(qLarge / qSmall).toBeLessThan(11);
      // Slope term = |worst − mid| − half-spread ≈ Q/depth. Each lies in [Q/depth − s, Q/depth), so
      // the ratio of the averages lies in [(Q̄L/d − s)/(Q̄S/d), (Q̄L/d)/(Q̄S/d − s)]: with Q̄S/d ≈ 10 EUR
      // and s = 1 EUR, about [9.9, 11.1] when Q̄L = 10·Q̄S — one level step on the small battery's
      // 10 EUR walk is the whole uncertainty.
      const slopeSmall = mean(smallSweeps.map((s) => s.distanceTicks - s.halfSpreadTicks));
      const slopeLarge = mean(largeSweeps.map((s) => s.distanceTicks - s.halfSpreadTicks));
      const ratio = slopeLarge / slopeSmall;
      const lo = (slopeTicks(qLarge) - STEP_TICKS) / slopeTicks(qSmall);
      const hi = slopeTicks(qLarge) / (slopeTicks(qSmall) - STEP_TICKS);
      expect(ratio).toBeGreaterThanOrEqual(lo);
      expect(ratio).toBeLessThanOrEqual(hi);
      expect(ratio).toBeGreaterThan(9);
      expect(ratio).toBeLessThan(12);
      // The same walk measured to the far edge of the last level hit, ceil(Q/L)·s ∈ [Q/d, Q/d + s):
      // the quantisation now errs the other way, and the ratio lies in
      // [(Q̄L/d)/(Q̄S/d + s), (Q̄L/d + s)/(Q̄S/d)].
      const edgeRatio = (slopeLarge + STEP_TICKS) / (slopeSmall + STEP_TICKS);
      expect(edgeRatio).toBeGreaterThanOrEqual(slopeTicks(qLarge) / (slopeTicks(qSmall) + STEP_TICKS));
      expect(edgeRatio).toBeLessThanOrEqual((slopeTicks(qLarge) + STEP_TICKS) / slopeTicks(qSmall));
      const avgDistance = (list: Sweep[]) => mean(list.map((s) => s.distanceTicks)) / 100;
      console.info(
        `price impact: 10 MW: ${smallSweeps.length} sweeps, mean ${(qSmall / 10).toFixed(1)} MW, ` +
          `mean |worst − mid| ${avgDistance(smallSweeps).toFixed(2)} EUR/MWh (slope ${(slopeSmall / 100).toFixed(2)}); ` +
          `100 MW: ${largeSweeps.length} sweeps, mean ${(qLarge / 10).toFixed(1)} MW, ` +
          `mean |worst − mid| ${avgDistance(largeSweeps).toFixed(2)} EUR/MWh (slope ${(slopeLarge / 100).toFixed(2)}); ` +
          `slope ratio ${ratio.toFixed(2)} (bounds ${lo.toFixed(2)}..${hi.toFixed(2)}), ` +
          `level-edge ratio ${edgeRatio.toFixed(2)}, size ratio ${(qLarge / qSmall).toFixed(2)}`,
      );

      // ---- (b) the counterfactual: no battery, same seed ----
      const start = (tape: Rec[]) => tape.find((r) => r.type === 'run-start')!;
      const prices = start(none).realisedPriceTicks as number[];
      expect(prices).toHaveLength(96);
      expect(start(small).realisedPriceTicks).toEqual(prices);
      expect(start(large).realisedPriceTicks).toEqual(prices);
      expect(none.some((r) => r.type === 'trade')).toBe(false);

      const baseline = quoteActions(none, 'liquidity');
      for (const [label, tape] of [
        ['10 MW', small],
        ['100 MW', large],
      ] as const) {
        const firstTrade = tape.find((r) => r.type === 'trade')!.t;
        const quotes = quoteActions(tape, 'liquidity');
        const preTrade = (q: { t: number }[]) => q.filter((b) => b.t < firstTrade);
        expect(preTrade(quotes).length, label).toBeGreaterThan(0);
        // Identical decision points and identical quotes until the battery first trades ...
        expect(preTrade(quotes), label).toEqual(preTrade(baseline));
        // ... and only afterwards does the liquidity agent react (it replenishes what was taken).
        const firstDiff = quotes.findIndex((q, i) => JSON.stringify(q) !== JSON.stringify(baseline[i]));
        expect(firstDiff, label).toBeGreaterThanOrEqual(preTrade(quotes).length);
      }
    } finally {
      await stopAll();
    }
  });
});
