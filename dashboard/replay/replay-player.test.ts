// The player against a real nats-server: what a page receives after sync, seek and play, and the
// answers to bad requests.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NatsServerHandle, startNatsServer } from '../../arena/index.js';
import { type ReplayControlReply, replayControlSubject } from '../protocol.js';
import { ReplayPlayer } from './replay-player.js';
import type { Timeline } from './timeline.js';

const RUN = 'replay-test';
const timeline: Timeline = {
  runId: RUN,
  startMs: 0,
  endMs: 3_600_000,
  messages: [
    { t: 0, subject: `flexarena.${RUN}.run`, data: '{"event":"started"}' },
    { t: 0, subject: `flexarena.${RUN}.clock`, data: '{"timeMs":0}', supersedes: 'clock' },
    { t: 900_000, subject: `flexarena.${RUN}.cid.p.book`, data: '{"n":1}', supersedes: 'book:p' },
    { t: 900_000, subject: `flexarena.${RUN}.clock`, data: '{"timeMs":900000}', supersedes: 'clock' },
    { t: 1_800_000, subject: `flexarena.${RUN}.cid.p.book`, data: '{"n":2}', supersedes: 'book:p' },
    { t: 1_800_000, subject: `flexarena.${RUN}.cid.p.trades`, data: '{"trades":[]}' },
    { t: 3_600_000, subject: `flexarena.${RUN}.run`, data: '{"event":"ended"}' },
  ],
};

let server: NatsServerHandle;
let nc: NatsConnection;
let page: NatsConnection;
let player: ReplayPlayer;
const received: string[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  page = await connect({ servers: server.url });
  for (const prefix of [`flexarena.${RUN}.>`, `flexarena-replay.${RUN}.reset`])
    page.subscribe(prefix, {
      callback: (_e, m) => {
        received.push(`${m.subject.split('.').slice(2).join('.')} ${m.string()}`);
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
  await page.flush();
  return reply.json() as ReplayControlReply;
}

// In order: one player, driven step by step (shuffled runs keep it).
describe('ReplayPlayer', { shuffle: false }, () => {
  it('answers a sync with a reset and the history up to its position, and starts playing', async () => {
    const r = await control({ action: 'sync' });
    expect(r).toMatchObject({ ok: true, state: { positionMs: 0, playing: true, speed: 1 } });
    await control({ action: 'pause' });
    expect(received.slice(0, 3)).toEqual([
      'reset {"positionMs":0}',
      'run {"event":"started"}',
      'clock {"timeMs":0}',
    ]);
  });

  it('jumps to a time: a reset, then every message up to it with only the last depth of each book', async () => {
    received.length = 0;
    const r = await control({ action: 'seek', positionMs: 2_000_000 });
    expect(r).toMatchObject({ ok: true, state: { positionMs: 2_000_000, playing: false } });
    expect(received).toEqual([
      'reset {"positionMs":2000000}',
      'run {"event":"started"}',
      'clock {"timeMs":900000}',
      'cid.p.book {"n":2}',
      'cid.p.trades {"trades":[]}',
    ]);
  });

  it('answers a seek before it sends the history, so a long history cannot time the answer out', async () => {
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
    await page.flush();
    expect(received).toEqual([
      'answer true',
      'reset {"positionMs":2000000}',
      'run {"event":"started"}',
      'clock {"timeMs":900000}',
      'cid.p.book {"n":2}',
      'cid.p.trades {"trades":[]}',
    ]);
  });

  it('plays the rest at the chosen speed and stops at the end', async () => {
    received.length = 0;
    expect(await control({ action: 'speed', speed: 500_000 })).toMatchObject({
      ok: true,
      state: { speed: 500_000 },
    });
    await control({ action: 'play' });
    for (let i = 0; i < 100 && player.state.playing; i++) await new Promise((r) => setTimeout(r, 20));
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
    expect(player.state).toMatchObject({ positionMs: 3_600_000, speed: 500_000 });
  });
});
