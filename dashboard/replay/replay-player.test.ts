// The player against a real nats-server: what a page receives after sync, seek and play, and the
// answers to bad requests.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NatsServerHandle, startNatsServer } from '../../arena/index.js';
import { type ReplayControlReply, replayControlSubject } from '../protocol.js';
import { ReplayFeed } from './replay-feed.js';
import { ReplayPlayer } from './replay-player.js';
import type { Timeline } from './timeline.js';

const RUN = 'replay-test';
const timeline: Timeline = {
  runId: RUN,
  startMs: 0,
  endMs: 3_600_000,
  messages: ReplayFeed.of(RUN, [
    { t: 0, subject: `flexarena.${RUN}.run`, data: '{"event":"started"}' },
    { t: 0, subject: `flexarena.${RUN}.clock`, data: '{"timeMs":0}', supersedes: 'clock' },
    { t: 900_000, subject: `flexarena.${RUN}.cid.p.book`, data: '{"n":1}', supersedes: 'book:p' },
    { t: 900_000, subject: `flexarena.${RUN}.clock`, data: '{"timeMs":900000}', supersedes: 'clock' },
    { t: 1_800_000, subject: `flexarena.${RUN}.cid.p.book`, data: '{"n":2}', supersedes: 'book:p' },
    { t: 1_800_000, subject: `flexarena.${RUN}.cid.p.trades`, data: '{"trades":[]}' },
    {
      t: 1_800_000,
      subject: `flexarena.${RUN}.cid.q.trades`,
      data: '{"productId":"q","trades":[{"tradeId":"1","timeMs":"1800000","priceTicks":"5000","quantityLots":"2"}]}',
    },
    { t: 3_600_000, subject: `flexarena.${RUN}.run`, data: '{"event":"ended"}' },
  ]),
};

/** The parts of a snapshot received, in short: clock, run event, books' times, trades per product. */
function shortSnapshot(json: string): string {
  const s = JSON.parse(json);
  return `snapshot clock=${s.clock?.timeMs} run=${s.run?.event} books=${s.books.map((b: [string]) => b[0])} trades=${s.trades.map((t: [string, unknown[]]) => `${t[0]}:${t[1].length}`)}`;
}

let server: NatsServerHandle;
let nc: NatsConnection;
let page: NatsConnection;
let player: ReplayPlayer;
const received: string[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  page = await connect({ servers: server.url });
  for (const prefix of [
    `flexarena.${RUN}.>`,
    `flexarena-replay.${RUN}.reset`,
    `flexarena-replay.${RUN}.trades`,
  ])
    page.subscribe(prefix, {
      callback: (_e, m) => {
        received.push(`${m.subject.split('.').slice(2).join('.')} ${m.string()}`);
      },
    });
  page.subscribe(`flexarena-replay.${RUN}.snapshot`, {
    callback: (_e, m) => {
      received.push(shortSnapshot(m.string()));
    },
  });
  await page.flush();
  player = new ReplayPlayer(nc, timeline, { speed: 1, stepMs: 20 });
  await player.start();
});

afterAll(async () => {
  await player?.stop();
  await page?.close();
  await nc?.close();
  await server?.stop();
});

async function control(body: unknown): Promise<ReplayControlReply> {
  const reply = await page.request(replayControlSubject(RUN), JSON.stringify(body), { timeout: 5_000 });
  await player.settled();
  await nc.flush();
  await page.flush();
  return reply.json() as ReplayControlReply;
}

// In order: one player, driven step by step (shuffled runs keep it).
describe('ReplayPlayer', { shuffle: false }, () => {
  it('answers a sync with a reset and what the page draws at its position, and starts playing', async () => {
    const r = await control({ action: 'sync' });
    expect(r).toMatchObject({ ok: true, state: { positionMs: 0, playing: true, speed: 1 } });
    await control({ action: 'pause' });
    expect(received.slice(0, 2)).toEqual([
      'reset {"positionMs":0,"parts":1}',
      'snapshot clock=0 run=started books= trades=',
    ]);
  });

  it("jumps to a time: a reset, then the page's state there instead of the messages up to it", async () => {
    received.length = 0;
    const r = await control({ action: 'seek', positionMs: 2_000_000 });
    expect(r).toMatchObject({ ok: true, state: { positionMs: 2_000_000, playing: false } });
    expect(received).toEqual([
      'reset {"positionMs":2000000,"parts":1}',
      'snapshot clock=900000 run=started books=p trades=',
    ]);
  });

  it('answers a seek before it sends the state, so a long run cannot time the answer out', async () => {
    // The page reads its connection in order; the history of a month-long run took it 6.5 s, and an
    // answer sent after it came later than the page's 5 s request timeout. The answer's place on
    // the page's connection, among the messages, is what this checks.
    const inbox = 'page-inbox.seek';
    const answered = new Promise<void>((resolve) =>
      page.subscribe(inbox, {
        max: 1,
        callback: (_e, m) => {
          received.push(`answer ${(m.json() as ReplayControlReply).ok}`);
          resolve();
        },
      }),
    );
    await page.flush();
    received.length = 0;
    page.publish(replayControlSubject(RUN), JSON.stringify({ action: 'seek', positionMs: 2_000_000 }), {
      reply: inbox,
    });
    await answered;
    await player.settled();
    await page.flush();
    expect(received).toEqual([
      'answer true',
      'reset {"positionMs":2000000,"parts":1}',
      'snapshot clock=900000 run=started books=p trades=',
    ]);
  });

  // A month's snapshot carried the last 100 trades of every product (2.1 of its 3.2 MB): now those
  // of the products the page shows, and of one it asks for when the user picks it.
  it("carries the trades of the products the page names, and sends a product's trades when asked", async () => {
    received.length = 0;
    await control({ action: 'seek', positionMs: 2_000_000, products: ['q'] });
    expect(received).toEqual([
      'reset {"positionMs":2000000,"parts":1}',
      'snapshot clock=900000 run=started books=p trades=q:1',
    ]);
    received.length = 0;
    expect(await control({ action: 'trades', productId: 'q' })).toMatchObject({ ok: true });
    expect(received).toEqual(['trades {"productId":"q","trades":[[1,1800000,5000,2,""]]}']);
  });

  it('plays the rest at the chosen speed and stops at the end', async () => {
    received.length = 0;
    expect(await control({ action: 'speed', speed: 500_000 })).toMatchObject({
      ok: true,
      state: { speed: 500_000 },
    });
    await control({ action: 'play' });
    for (let i = 0; i < 100 && player.state.playing; i++) await new Promise((r) => setTimeout(r, 20));
    // The player's last publish must leave its own connection before the page's round trip can
    // vouch for it (a loaded machine showed the end message still on its way).
    await player.settled();
    await nc.flush();
    await page.flush();
    expect(player.state).toMatchObject({ playing: false, positionMs: 3_600_000 });
    expect(received).toEqual(['run {"event":"ended"}']);
  });

  it('refuses bad requests with a reason and keeps its state', async () => {
    expect(await control({ action: 'seek', positionMs: 3_600_001 })).toEqual({
      ok: false,
      error: 'positionMs must be within [0, 3600000], got 3600001',
    });
    expect(await control({ action: 'speed', speed: 0 })).toMatchObject({ ok: false, error: /speed must be/ });
    expect(await control({ action: 'rewind' })).toEqual({ ok: false, error: 'unknown action "rewind"' });
    expect(await control({ action: 'seek', positionMs: 0, products: 'q' })).toEqual({
      ok: false,
      error: 'products must be a list of product ids, got "q"',
    });
    expect(await control({ action: 'sync', products: Array(9).fill('q') })).toEqual({
      ok: false,
      error: 'products may name at most 8 products, got 9',
    });
    expect(await control({ action: 'trades' })).toEqual({
      ok: false,
      error: 'productId must be a product id, got undefined',
    });
    expect(player.state).toMatchObject({ positionMs: 3_600_000, speed: 500_000 });
  });
});
