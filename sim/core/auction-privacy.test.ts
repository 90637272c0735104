// Public auction results name no agent: an exchange publishes prices and volumes per period, and
// each participant learns the fate of its own block orders privately. Before, AuctionResult carried
// accepted_blocks and paradoxically_rejected_blocks as the arena's internal keys ("blocky:b1"),
// sent to every agent in its wake-up and published on NATS (da.results): every agent and every
// subscriber learnt whose blocks were taken or paradoxically rejected.
import { describe, expect, it } from 'vitest';
import { AuctionBlockStatus } from '../../gen/flexarena/v1/auction.js';
import { Side } from '../../gen/flexarena/v1/market.js';
import { type Action, ActionStatus, type WakeUp } from '../../gen/flexarena/v1/session.js';
import { parseRunConfig } from '../config/run-config.js';
import { Simulation } from './simulation.js';
import { RecordingSink } from './test-support.js';

const DAY = '2026-11-22';
const DA = 'da-20261122';

function block(
  bidId: string,
  side: 'buy' | 'sell',
  first: number,
  last: number,
  eur: number,
  lots: number,
): Action {
  return {
    clientRef: bidId,
    kind: {
      $case: 'auctionBid',
      value: {
        auctionId: DA,
        bidId,
        bid: {
          $case: 'block',
          value: {
            side: side === 'buy' ? Side.SIDE_BUY : Side.SIDE_SELL,
            firstPeriod: first,
            lastPeriod: last,
            priceTicks: Math.round(eur * 100),
            quantityLots: lots,
          },
        },
      },
    },
  };
}

describe('auction results and block bids', () => {
  it("tells no other agent and no NATS subscriber whose blocks were taken; each agent learns its own blocks' fate", async () => {
    const cfg = parseRunConfig({
      name: 'anon-blocks',
      seed: 11,
      day: DAY,
      nats: { enabled: false },
      market: { auctions: { intraday: false }, balancing: { enabled: false } },
      agents: [
        { id: 'blocky', strategy: 'idle' },
        { id: 'watcher', strategy: 'idle' },
      ],
    });
    const sink = new RecordingSink();
    const sim = await Simulation.create(cfg, { runId: 'anon-run', sinks: [sink] });
    const world = sim.ctx.world;
    // The day-ahead clears where the forecast issued at its gate (D-1 12:00) puts the world's curves.
    const atGate = world.forecastAt(Date.parse(`${DAY}T00:00:00Z`) - 12 * 3_600_000);
    const avgEur = (first: number, last: number) => {
      let s = 0;
      for (let p = first; p <= last; p++) s += atGate.at(p)!.priceTicks;
      return s / (last - first + 1) / 100;
    };
    // An accepted block (small, limit far above the price), one paradoxically rejected (in the
    // money at the prices without it, but so large that taking it lifts them above its limit), one
    // out of the money; the watcher has a block of its own.
    const blockyBids = [
      block('blocky-take', 'buy', 40, 43, 3000, 5),
      block('blocky-paradox', 'buy', 60, 63, avgEur(60, 63) + 0.5, 400_000),
      block('blocky-cheap', 'buy', 70, 71, avgEur(70, 71) - 50, 5),
    ];
    const wakes = new Map<string, WakeUp[]>();
    for (let dp = await sim.advance(); dp; dp = await sim.advance()) {
      for (const id of dp.agentIds) {
        sim.takeMessages(id);
        const wake = sim.wakeUp(id);
        wakes.set(id, [...(wakes.get(id) ?? []), wake]);
        const actions =
          wake.wakeId !== 1 ? [] : id === 'blocky' ? blockyBids : [block('w-sell', 'sell', 10, 11, -400, 3)];
        const receipt = sim.answer(id, { kind: 'batch', batch: { wakeId: wake.wakeId, actions } });
        if (!receipt.taken)
          for (const r of receipt.ack.results) expect(r.status).toBe(ActionStatus.ACTION_STATUS_ACCEPTED);
      }
    }
    await sim.finish();

    const tapeResult = sink.records.find((r) => r.type === 'auction-result')!;
    const blocky = wakes.get('blocky')!;
    const watcher = wakes.get('watcher')!;
    expect(blocky.flatMap((w) => w.auctionBlockOutcomes)).toEqual([
      { auctionId: DA, bidId: 'blocky-take', status: AuctionBlockStatus.AUCTION_BLOCK_STATUS_ACCEPTED },
      {
        auctionId: DA,
        bidId: 'blocky-paradox',
        status: AuctionBlockStatus.AUCTION_BLOCK_STATUS_PARADOXICALLY_REJECTED,
      },
      { auctionId: DA, bidId: 'blocky-cheap', status: AuctionBlockStatus.AUCTION_BLOCK_STATUS_REJECTED },
    ]);
    expect(watcher.flatMap((w) => w.auctionBlockOutcomes)).toEqual([
      { auctionId: DA, bidId: 'w-sell', status: AuctionBlockStatus.AUCTION_BLOCK_STATUS_ACCEPTED },
    ]);
    // The accepted block's awards, under its own bid id, in each period it covers.
    expect(blocky.flatMap((w) => w.auctionAwards).map((a) => [a.bidId, a.period, a.quantityLots])).toEqual([
      ['blocky-take', 40, 5],
      ['blocky-take', 41, 5],
      ['blocky-take', 42, 5],
      ['blocky-take', 43, 5],
    ]);

    // What is public: prices, volumes and counts, the same to every agent and on NATS.
    const results = blocky.flatMap((w) => w.auctionResults);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      auctionId: DA,
      acceptedBlockCount: 2,
      paradoxicallyRejectedBlockCount: 1,
    });
    expect(watcher.flatMap((w) => w.auctionResults)).toEqual(results);
    // The statuses by the figures: at the published prices the paradoxically rejected buy block's
    // limit is above the average over its periods, the rejected one's below.
    const avgTicks = (first: number, last: number) =>
      results[0]!.pricesTicks.slice(first, last + 1).reduce((a, p) => a + p, 0) / (last - first + 1);
    expect(avgTicks(60, 63)).toBeLessThan(Math.round((avgEur(60, 63) + 0.5) * 100));
    expect(avgTicks(70, 71)).toBeGreaterThan(Math.round((avgEur(70, 71) - 50) * 100));
    const published = sink.published.filter((r) => r.topic === 'da.results');
    expect(published.map((r) => r.message)).toEqual(results);

    // Nobody else learns whose blocks these were: the watcher's wake-ups never name blocky nor its
    // bid ids, no public message names its bid ids (the run event lists who plays, as it should),
    // and the public auction results name no agent at all.
    const bidIds = ['blocky-take', 'blocky-paradox', 'blocky-cheap'];
    const watcherText = JSON.stringify(watcher);
    const publicText = JSON.stringify(sink.published.map((r) => r.message));
    const resultsText = JSON.stringify(published.map((r) => r.message));
    for (const s of ['blocky', ...bidIds]) expect(watcherText.includes(s), s).toBe(false);
    for (const s of bidIds) expect(publicText.includes(s), s).toBe(false);
    for (const s of ['blocky', 'watcher', 'w-sell']) expect(resultsText.includes(s), s).toBe(false);
    expect(JSON.stringify(blocky).includes('w-sell')).toBe(false);
    expect(publicText.includes('w-sell')).toBe(false);

    // The tape, the arena's own record, keeps which blocks were taken (by the arena's keys).
    expect((tapeResult.acceptedBlocks as string[]).toSorted()).toEqual([
      'blocky:blocky-take',
      'watcher:w-sell',
    ]);
    expect(tapeResult.paradoxicallyRejectedBlocks).toEqual(['blocky:blocky-paradox']);
  });
});
