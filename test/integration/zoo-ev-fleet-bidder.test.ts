// The EV-fleet bidder (zoo 6, seed 004's control mechanism) on a real day of the car-sharing
// fleet, in-process, twice: λ_intr = 0 and λ_intr = 0.5. Phase I: downward capacity bids before
// the capacity gate, and energy bids covering every awarded quarter-hour. Phase II: every intraday
// order is for a quarter-hour starting 30 to 60 minutes after the wake-up (30-minute decision
// points); a higher λ_intr buys less. Dispatch: no more committed than the cars can charge, so the
// share of clipped quarter-hours stays small.
import { describe, expect, it } from 'vitest';
import { resultOf, zooRun } from '../helpers/zoo-run.js';

function fleetDay(lambdaIntraday: number) {
  return zooRun(
    {
      name: 'zoo-ev',
      seed: 404,
      day: '2026-06-01',
      decisionIntervalMinutes: 30,
      market: { auctions: { dayAhead: false, intraday: false } },
      agents: [
        {
          id: 'liquidity',
          strategy: 'liquidity',
          role: 'liquidity',
          params: { depthMwPerEur: 1, levels: 10, horizonHours: 6 },
        },
        {
          id: 'fleet',
          strategy: 'ev-fleet-bidder',
          // λ fixed (not learned from outcomes), so the two runs differ by λ_intr alone.
          params: { lambdaIntraday, adaptiveRisk: false },
          asset: { type: 'ev-fleet', cars: 500 },
        },
      ],
    },
    { keepTape: true },
  );
}

describe('ev-fleet-bidder (zoo 6)', () => {
  it('bids capacity day-ahead, intraday 30 minutes ahead scaled by λ, and keeps commitments chargeable', async () => {
    const low = await fleetDay(0);
    const high = await fleetDay(0.5);
    const batches = low.tape.filter((r) => r.type === 'batch' && r.agent === 'fleet');
    const actions = batches.flatMap((b) =>
      (b.actions as { clientRef: string; kind: { $case: string; value: Record<string, unknown> } }[]).map(
        (a) => ({ t: b.t as number, ...a }),
      ),
    );
    const capacity = actions.filter((a) => a.kind.$case === 'capacityBid');
    expect(capacity.length).toBe(6);
    for (const c of capacity) {
      expect(c.kind.value.direction).toBe(2); // down: extra charging
      expect(c.t).toBeLessThan(Date.UTC(2026, 4, 31, 9)); // capacity gate D-1 09:00
    }
    // Every awarded quarter-hour gets an energy bid of at least the awarded lots (no shortfall).
    const awards = low.tape
      .filter((r) => r.type === 'capacity-result')
      .flatMap((r) => r.awards as { agentId: string; lots?: number }[])
      .filter((a) => a.agentId === 'fleet');
    expect(awards.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.kind.$case === 'energyBid').length).toBeGreaterThanOrEqual(16);
    expect(low.tape.filter((r) => r.type === 'obligation-shortfall' && r.agent === 'fleet')).toEqual([]);
    const intraday = actions.filter((a) => a.clientRef === 'ev-intraday');
    expect(intraday.length).toBeGreaterThan(5);
    for (const a of intraday) {
      const id = String(a.kind.value.productId);
      const start = Date.UTC(
        +id.slice(3, 7),
        +id.slice(7, 9) - 1,
        +id.slice(9, 11),
        +id.slice(12, 14),
        +id.slice(14, 16),
      );
      const wake = Math.floor(a.t / 1_800_000) * 1_800_000;
      expect(start - wake).toBeGreaterThanOrEqual(30 * 60_000);
      expect(start - wake).toBeLessThan(60 * 60_000);
    }
    const bought = (run: Awaited<ReturnType<typeof fleetDay>>) => resultOf(run, 'fleet').tradedMwh;
    expect(bought(high)).toBeLessThan(bought(low));
    const r = resultOf(high, 'fleet');
    expect(r.clippedPeriods / r.settledPeriods).toBeLessThan(0.3);
  }, 180_000);
});
