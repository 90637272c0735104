// The NATS thread against a real nats-server: public records reach a subscriber in order, every
// settlement record reaches the stream once, and a thread that is gone refuses records loudly.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import { PriceForecast } from '../../gen/flexarena/v1/market.js';
import { settlementJson } from '../../sim/index.js';
import { freePort, NatsServerProcess, stopAllNatsServers } from '../../test/helpers/nats-server-process.js';
import { NatsThread, type NatsThreadConfig, NatsThreadError } from './nats-thread.js';
import { SETTLEMENT_STREAM, SETTLEMENT_SUBJECTS } from './subjects.js';

let dir: string;
let threads: NatsThread[] = [];
let conns: NatsConnection[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flexarena-nats-thread-test-'));
});

afterEach(async () => {
  await Promise.allSettled(threads.map((t) => t.terminate()));
  await Promise.allSettled(conns.map((c) => c.close()));
  threads = [];
  conns = [];
  await stopAllNatsServers();
  rmSync(dir, { recursive: true, force: true });
});

function config(url: string): NatsThreadConfig {
  return {
    url,
    publicConnectionName: 'test-public',
    settlementConnectionName: 'test-settlement',
    stream: { name: SETTLEMENT_STREAM, subjects: [SETTLEMENT_SUBJECTS] },
    spoolPath: join(dir, 'spool'),
  };
}

async function open(url: string): Promise<NatsThread> {
  const t = await NatsThread.open('r1', config(url));
  threads.push(t);
  return t;
}

const productIdOf = (i: number) => (i % 7 === 0 ? `qh-${i}-é€😀` : `qh-${i}`);

const settlement = (seq: number) =>
  SettlementRecord.fromPartial({
    seq,
    agentId: seq % 2 === 0 ? 'a' : 'b',
    // A strategy name beyond ASCII: the payload's bytes are UTF-8.
    strategy: seq % 3 === 0 ? 'stratégie-€-😀' : 'plain',
    deliveryStartMs: seq * 900_000,
  });

describe('NatsThread', () => {
  it('publishes public records in order and delivers each settlement record to the stream once', async () => {
    const server = await NatsServerProcess.start();
    const sub = await connect({ servers: server.url });
    conns.push(sub);
    const seen: number[] = [];
    const ids: string[] = [];
    const subscription = sub.subscribe('flexarena.r1.forecast.>');
    const reading = (async () => {
      for await (const m of subscription) {
        seen.push((m.json() as { priceTicks: number }).priceTicks);
        ids.push((m.json() as { productId: string }).productId);
        if (seen.length === 3_000) break;
      }
    })();
    await sub.flush();

    const thread = await open(server.url);
    for (let i = 0; i < 3_000; i++) {
      // Payloads cross to the thread as UTF-8 bytes: some ids beyond ASCII (2, 3 and 4 bytes).
      const message = PriceForecast.fromPartial({ productId: productIdOf(i), priceTicks: i + 1 });
      thread.public({ topic: `forecast.qh-${i}`, type: 'PriceForecast', message, codec: PriceForecast });
      if (i < 1_000) thread.settlement(settlement(i));
      // The simulation lets the event loop turn now and then; bursts leave at those turns.
      if (i % 300 === 0) await new Promise((r) => setImmediate(r));
    }
    await thread.drain(10_000);
    const report = await thread.close();
    await reading;

    expect(seen).toEqual(Array.from({ length: 3_000 }, (_, i) => i + 1));
    expect(ids).toEqual(Array.from({ length: 3_000 }, (_, i) => productIdOf(i)));
    expect(report.publicPublished).toBe(3_000);
    expect(report.publicDropped).toBe(0);
    expect(report.outbox).toMatchObject({
      complete: true,
      enqueued: 1_000,
      delivered: 1_000,
      undeliveredCount: 0,
    });
    const jsm = await jetstreamManager(sub);
    const info = await jsm.streams.info(SETTLEMENT_STREAM);
    expect(info.state.messages).toBe(1_000);
    // Each record's payload is its JSON, byte for byte.
    const last = await jsm.streams.getMessage(SETTLEMENT_STREAM, { seq: info.state.last_seq });
    expect(new TextDecoder().decode(last!.data)).toBe(settlementJson(settlement(999)));
    // The spool file is gone with the outbox.
    expect(existsSync(join(dir, 'spool'))).toBe(false);
  });

  it('cannot open without a server: a typed error naming the URL', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const err = await NatsThread.open('r1', config(url)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NatsThreadError);
    expect((err as Error).message).toContain(url);
  });

  it('refuses settlement records once its thread is gone, rather than lose them', async () => {
    const server = await NatsServerProcess.start();
    const thread = await open(server.url);
    thread.settlement(settlement(1));
    await thread.terminate();
    expect(thread.failed).toBeInstanceOf(NatsThreadError);
    expect(() => thread.settlement(settlement(2))).toThrow(NatsThreadError);
    // Public data is best effort: it is dropped, and the simulation goes on.
    const message = PriceForecast.fromPartial({ productId: 'qh-1', priceTicks: 1 });
    expect(() =>
      thread.public({ topic: 'forecast.qh-1', type: 'PriceForecast', message, codec: PriceForecast }),
    ).not.toThrow();
    await expect(thread.close()).rejects.toThrow(NatsThreadError);
  });
});
