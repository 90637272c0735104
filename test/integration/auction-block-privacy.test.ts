// Over real gRPC and a real nats-server: the public auction result names no agent. Before, the
// AuctionResult in every agent's wake-up and on flexarena.<run>.da.results listed the accepted and
// paradoxically rejected blocks by the arena's keys ("blocky:blocky-take"): every agent and every
// NATS subscriber learnt whose block orders were taken. Each agent now learns the fate of its own
// blocks privately (WakeUp.auction_block_outcomes), under the bid ids it sent.
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Action, auctionBlock, runAgent, type WakeUp } from '../../agents/sdk/index.js';
import { loadRunConfig, runArena } from '../../arena/index.js';
import { type NatsServerHandle, startNatsServer } from '../../arena/nats/nats-server-launcher.js';
import { AuctionBlockStatus } from '../../gen/flexarena/v1/auction.js';
import { Simulation } from '../../sim/index.js';
import { stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

let nats: NatsServerHandle;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(() => nats.stop());
afterEach(stopAll);

const DA = 'da-20261122';

/** A strategy that sends `bids` at its first wake-up and keeps every wake-up it is given. */
function bidder(bids: () => Action[]) {
  const wakes: WakeUp[] = [];
  return {
    wakes,
    strategy: {
      name: 'block-bidder',
      decide(wake: WakeUp): Action[] {
        wakes.push(wake);
        return wakes.length === 1 ? bids() : [];
      },
    },
  };
}

describe('auction results over gRPC and NATS', () => {
  it("publish no agent's block ids; each agent gets its own blocks' fate", { timeout: 180_000 }, async () => {
    const dir = tempDir();
    const path = writeConfig(dir, {
      name: 'anon-blocks',
      seed: 11,
      day: '2026-11-22',
      decisionIntervalMinutes: 60,
      deadlineMs: 60_000,
      connectTimeoutMs: 60_000,
      nats: { url: nats.url },
      market: { auctions: { intraday: false }, balancing: { enabled: false } },
      agents: [
        { id: 'blocky', strategy: 'idle', launch: false, token: 'token-blocky' },
        { id: 'watcher', strategy: 'idle', launch: false, token: 'token-watcher' },
      ],
    });
    const cfg = loadRunConfig(path, { outDir: dir });
    // The world's day-ahead prices size the blocks.
    const world = (await Simulation.create(cfg, { runId: 'probe', sinks: [] })).ctx.world;
    // The day-ahead clears where the forecast issued at its gate (D-1 12:00) puts the world's curves.
    const atGate = world.forecastAt(Date.parse('2026-11-22T00:00:00Z') - 12 * 3_600_000);
    const avgEur = (first: number, last: number) => {
      let s = 0;
      for (let p = first; p <= last; p++) s += atGate.at(p)!.priceTicks;
      return s / (last - first + 1) / 100;
    };
    const block = (
      bidId: string,
      side: 'buy' | 'sell',
      first: number,
      last: number,
      eur: number,
      lots: number,
    ) =>
      auctionBlock(DA, bidId, {
        side,
        firstPeriod: first,
        lastPeriod: last,
        priceTicks: Math.round(eur * 100),
        quantityLots: lots,
      });
    // Accepted (small, limit far above the price); paradoxically rejected (in the money at the
    // prices without it, so large that taking it lifts them above its limit); out of the money.
    const blocky = bidder(() => [
      block('blocky-take', 'buy', 40, 43, 3000, 5),
      block('blocky-paradox', 'buy', 60, 63, avgEur(60, 63) + 0.5, 400_000),
      block('blocky-cheap', 'buy', 70, 71, avgEur(70, 71) - 50, 5),
    ]);
    const watcher = bidder(() => [block('w-sell', 'sell', 10, 11, -400, 3)]);

    const nc = await connect({ servers: nats.url });
    const messages: { subject: string; text: string }[] = [];
    const sub = nc.subscribe('flexarena.>', {
      callback: (_e, m) => {
        messages.push({ subject: m.subject, text: m.string() });
      },
    });
    await nc.flush();
    const clients: Promise<unknown>[] = [];
    const { results } = await runArena(cfg, {
      log: () => {},
      onListening: (address) => {
        clients.push(runAgent(blocky.strategy, { address, token: 'token-blocky' }));
        clients.push(runAgent(watcher.strategy, { address, token: 'token-watcher' }));
      },
    });
    await Promise.all(clients);
    await nc.flush();
    sub.unsubscribe();
    await nc.close();
    expect(results.agents.reduce((n, a) => n + a.missedDeadlines, 0)).toBe(0);

    // Each agent, privately, under its own bid ids.
    expect(blocky.wakes.flatMap((w) => w.auctionBlockOutcomes)).toEqual([
      { auctionId: DA, bidId: 'blocky-take', status: AuctionBlockStatus.AUCTION_BLOCK_STATUS_ACCEPTED },
      {
        auctionId: DA,
        bidId: 'blocky-paradox',
        status: AuctionBlockStatus.AUCTION_BLOCK_STATUS_PARADOXICALLY_REJECTED,
      },
      { auctionId: DA, bidId: 'blocky-cheap', status: AuctionBlockStatus.AUCTION_BLOCK_STATUS_REJECTED },
    ]);
    expect(watcher.wakes.flatMap((w) => w.auctionBlockOutcomes)).toEqual([
      { auctionId: DA, bidId: 'w-sell', status: AuctionBlockStatus.AUCTION_BLOCK_STATUS_ACCEPTED },
    ]);

    // The public result: counts, the same in both agents' wake-ups and on NATS.
    const daResults = messages.filter((m) => m.subject.endsWith('.da.results'));
    expect(daResults).toHaveLength(1);
    const published = JSON.parse(daResults[0]!.text);
    expect(published).toMatchObject({
      auctionId: DA,
      acceptedBlockCount: 2,
      paradoxicallyRejectedBlockCount: 1,
    });
    expect(published.pricesTicks).toEqual(blocky.wakes.flatMap((w) => w.auctionResults)[0]!.pricesTicks);
    expect(watcher.wakes.flatMap((w) => w.auctionResults)).toEqual(
      blocky.wakes.flatMap((w) => w.auctionResults),
    );

    // Nobody else learns whose blocks they were.
    const bidIds = ['blocky-take', 'blocky-paradox', 'blocky-cheap'];
    const watcherText = JSON.stringify(watcher.wakes);
    for (const s of ['blocky', ...bidIds]) expect(watcherText.includes(s), s).toBe(false);
    expect(JSON.stringify(blocky.wakes).includes('w-sell')).toBe(false);
    const publicText = messages.map((m) => m.text).join('\n');
    for (const s of [...bidIds, 'w-sell']) expect(publicText.includes(s), s).toBe(false);
    for (const s of ['blocky', 'watcher']) expect(daResults[0]!.text.includes(s), s).toBe(false);
  });
});
