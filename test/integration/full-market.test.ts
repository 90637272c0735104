// One delivery day on the complete market with real processes: day-ahead and intraday auctions,
// continuous trading, aFRR capacity and balancing energy, imbalance settlement. Checks what the
// agents and the public see (tape, NATS) and that every cash flow has a counterparty.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type NatsServerHandle, startNatsServer } from '../../arena/nats/nats-server-launcher.js';
import { readTape, startArena, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

let nats: NatsServerHandle;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(() => nats.stop());
afterEach(stopAll);

const battery = { type: 'battery', powerMw: 10, energyMwh: 20 };

describe('the complete market over one day', () => {
  it('clears every auction, settles every quarter-hour through balancing, and conserves cash', async () => {
    const nc = await connect({ servers: nats.url });
    const seen = new Map<string, unknown[]>();
    const sub = nc.subscribe('flexarena.*.>', {
      callback: (_e, m) => {
        const tail = m.subject.split('.').slice(2).join('.');
        const key = tail.startsWith('balancing.qh-')
          ? 'balancing.qh'
          : tail.startsWith('cid.')
            ? 'cid'
            : tail;
        seen.set(key, [...(seen.get(key) ?? []), m.json()]);
      },
    });
    await nc.flush();

    const dir = tempDir();
    const cfg = {
      name: 'full',
      seed: 9,
      day: '2026-11-22',
      deadlineMs: 15_000,
      nats: { url: nats.url },
      agents: [
        {
          id: 'liquidity',
          strategy: 'liquidity',
          role: 'liquidity',
          params: { depthMwPerEur: 1, levels: 10, horizonHours: 4 },
        },
        { id: 'optimiser', strategy: 'lp-battery', asset: battery },
        { id: 'reserve', strategy: 'balancing-battery', asset: battery },
        { id: 'trader', strategy: 'market-maker' },
      ],
    };
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir]);
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    await nc.flush();
    sub.unsubscribe();
    await nc.close();

    const tape = readTape(arena.runDir);
    const results = JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8'));
    const agent = (id: string) => results.agents.find((a: { agentId: string }) => a.agentId === id);

    // Every agent played its whole day (an agent that fails at its welcome would only be waited for).
    for (const a of results.agents as { agentId: string; missedDeadlines: number; orders: number }[]) {
      expect(a.missedDeadlines, a.agentId).toBe(0);
      expect(a.orders, a.agentId).toBeGreaterThan(0);
    }

    // Day-ahead and the three intraday auctions cleared, within the SDAC price limits, and were published.
    const auctions = tape.filter((e) => e.type === 'auction-result');
    expect(auctions.map((a) => a.auctionId)).toEqual([
      'da-20261122',
      'ida1-20261122',
      'ida2-20261122',
      'ida3-20261122',
    ]);
    for (const a of auctions)
      for (const p of a.pricesTicks as number[]) {
        expect(p).toBeGreaterThanOrEqual(-50_000);
        expect(p).toBeLessThanOrEqual(400_000);
      }
    expect((auctions[3]!.pricesTicks as number[]).length).toBe(48);
    expect((seen.get('da.results') as { pricesTicks: number[] }[])[0]!.pricesTicks).toEqual(
      auctions[0]!.pricesTicks,
    );
    expect(seen.get('ida.results')).toHaveLength(3);
    // Each public result carries the simulated time it cleared at: the tape record's time.
    const cleared = [...seen.get('da.results')!, ...seen.get('ida.results')!] as { timeMs: number }[];
    expect(cleared.map((r) => r.timeMs)).toEqual(auctions.map((a) => a.t));
    // The optimiser bid the day-ahead and was awarded; the reserve provider won capacity.
    expect(
      tape.some((e) => e.type === 'auction-bid' && (e.bid as { agentId: string }).agentId === 'optimiser'),
    ).toBe(true);
    expect(agent('optimiser').auctionCashEur).not.toBe(0);
    const capacity = tape.find((e) => e.type === 'capacity-result')!;
    expect((capacity.awards as { agentId: string }[]).some((a) => a.agentId === 'reserve')).toBe(true);
    expect(agent('reserve').capacityCashEur).toBeGreaterThan(0);
    expect((seen.get('balancing.capacity') as { timeMs: number }[]).map((r) => r.timeMs)).toEqual([
      capacity.t,
    ]);

    // Every quarter-hour went through balancing and imbalance settlement, publicly and on the tape.
    const balancing = tape.filter((e) => e.type === 'balancing-result');
    expect(balancing).toHaveLength(96);
    expect(seen.get('balancing.qh')).toHaveLength(96);
    expect((seen.get('balancing.qh') as { timeMs: number }[]).map((r) => r.timeMs)).toEqual(
      balancing.map((b) => b.t),
    );
    expect(
      balancing.some((b) => (b.activatedUpKwh as number) > 0) ||
        balancing.some((b) => (b.activatedDownKwh as number) > 0),
    ).toBe(true);
    // The market maker trades without any asset: it is short or long by its whole position, settled exactly.
    for (const s of tape.filter((e) => e.type === 'settlement')) {
      // (+ 0 folds the -0 of 0 kWh at a negative price; JSON has no -0.)
      expect(s.imbalanceCashUnits).toBe((s.imbalanceKwh as number) * (s.imbalancePriceTicks as number) + 0);
      if (s.agent === 'trader') expect(s.imbalanceKwh).toBe(s.scheduleKwh);
    }

    // Conservation: agents + world + TSO sum to exactly zero.
    const parties = results.parties as { party: string; totalCashUnits: number }[];
    expect(parties.map((p) => p.party)).toEqual([
      'liquidity',
      'optimiser',
      'reserve',
      'trader',
      'world',
      'tso',
    ]);
    expect(parties.reduce((s, p) => s + p.totalCashUnits, 0)).toBe(0);
  });
});
