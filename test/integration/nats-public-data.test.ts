// A real nats-server on a free port: the public trades subject carries exactly the trades on the
// tape, and every settlement record reaches the durable JetStream stream.
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SETTLEMENT_STREAM } from '../../arena/index.js';
import { type NatsServerHandle, startNatsServer } from '../../arena/nats/nats-server-launcher.js';
import { ClockTick, TradesUpdate } from '../../gen/flexarena/v1/public.js';
import { demoConfig, readTape, startArena, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

let nats: NatsServerHandle;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(() => nats.stop());
afterEach(stopAll);

describe('NATS public market data', () => {
  it('publishes the tape trades on flexarena.<run>.cid.<product>.trades and settlements on JetStream', async () => {
    const nc = await connect({ servers: nats.url });
    const published: { tradeId: number; productId: string; priceTicks: number; quantityLots: number }[] = [];
    const subjects = new Set<string>();
    const clock: number[] = [];
    const sub = nc.subscribe('flexarena.*.cid.*.trades', {
      callback: (_err, msg) => {
        subjects.add(msg.subject);
        // proto3 JSON of flexarena.v1.TradesUpdate: 64-bit integers may arrive as strings.
        const update = TradesUpdate.fromJSON(msg.json());
        published.push(...update.trades);
      },
    });
    const clockSub = nc.subscribe('flexarena.*.clock', {
      callback: (_e, m) => {
        clock.push(ClockTick.fromJSON(m.json()).timeMs);
      },
    });
    await nc.flush();

    const dir = tempDir();
    const arena = await startArena(writeConfig(dir, demoConfig({ nats: { url: nats.url } })), ['--out', dir]);
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    await nc.flush();
    sub.unsubscribe();
    clockSub.unsubscribe();

    const tape = readTape(arena.runDir);
    const tapeTrades = tape
      .filter((e) => e.type === 'trade')
      .map((e) => ({
        tradeId: e.tradeId,
        productId: e.productId,
        priceTicks: e.priceTicks,
        quantityLots: e.quantityLots,
      }));
    expect(tapeTrades.length).toBeGreaterThan(10);
    const pick = (t: (typeof published)[number]) => ({
      tradeId: t.tradeId,
      productId: t.productId,
      priceTicks: t.priceTicks,
      quantityLots: t.quantityLots,
    });
    expect(published.map(pick).sort((a, b) => a.tradeId - b.tradeId)).toEqual(tapeTrades);
    for (const s of subjects)
      expect(s).toMatch(new RegExp(`^flexarena\\.${arena.runId}\\.cid\\.qh-\\d{8}-\\d{4}\\.trades$`));
    expect(clock.length).toBeGreaterThan(100);
    expect([...clock].sort((a, b) => a - b)).toEqual(clock);

    // Settlement events are durable: a consumer created after the run still reads all of them.
    const jsm = await jetstreamManager(nc);
    const settlementSubject = `flexarena.${arena.runId}.settlement.>`;
    await jsm.consumers.add(SETTLEMENT_STREAM, {
      durable_name: 'test-evaluator',
      filter_subject: settlementSubject,
      ack_policy: AckPolicy.Explicit,
    });
    const consumer = await jetstream(nc).consumers.get(SETTLEMENT_STREAM, 'test-evaluator');
    const expected = tape.filter((e) => e.type === 'settlement').length;
    const got: string[] = [];
    const others: string[] = [];
    const iter = await consumer.fetch({ max_messages: expected + 10, expires: 3_000 });
    for await (const m of iter) {
      const id = m.headers?.get('Nats-Msg-Id') ?? '';
      (/:\d+$/.test(id) ? got : others).push(id);
      m.ack();
    }
    // Besides the records: the run's manifest (before them) and its end message (after them).
    expect(others.sort()).toEqual([`${arena.runId}:end`, `${arena.runId}:manifest`]);
    expect(got.length).toBe(expected);
    expect(new Set(got).size).toBe(expected);
    // Msg ids are "<run>:<seq>", seq 1… without gaps: the evaluation contract's record numbers.
    expect(got.map((id) => Number(id.split(':')[1])).sort((a, b) => a - b)).toEqual(got.map((_, i) => i + 1));
    expect(got[0]).toMatch(new RegExp(`^${arena.runId}:\\d+$`));
    await nc.close();
  });
});
