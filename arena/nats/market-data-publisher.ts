// Public market data on core NATS and settlement events on JetStream (durable, de-duplicated
// by Nats-Msg-Id). Subjects follow DESIGN §7:
//   flexarena.<run>.cid.<product>.trades   flexarena.<run>.cid.<product>.book
//   flexarena.<run>.clock                  flexarena.<run>.settlement.<agent>   (JetStream)
import { type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface MarketDataPublisher {
  trades(productId: string, trades: readonly object[]): void;
  book(productId: string, depth: object): void;
  clock(timeMs: number, phase: string): void;
  /** Any other public subject below flexarena.<run>., e.g. "da.results", "balancing.qh-20261122-0000". */
  publish(subjectTail: string, payload: object): void;
  settlement(agentId: string, msgId: string, event: object): Promise<void>;
  close(): Promise<void>;
}

export const SETTLEMENT_STREAM = 'FLEXARENA_SETTLEMENT';

export function subjects(runId: string) {
  const base = `flexarena.${runId}`;
  return {
    trades: (productId: string) => `${base}.cid.${productId}.trades`,
    book: (productId: string) => `${base}.cid.${productId}.book`,
    clock: `${base}.clock`,
    tail: (t: string) => `${base}.${t}`,
    settlement: (agentId: string) => `${base}.settlement.${agentId}`,
  };
}

export class NatsMarketDataPublisher implements MarketDataPublisher {
  private readonly subj;
  private pending: Promise<unknown>[] = [];

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    runId: string,
  ) {
    this.subj = subjects(runId);
  }

  static async connect(url: string, runId: string): Promise<NatsMarketDataPublisher> {
    const nc = await connect({ servers: url, name: `flexarena-arena-${runId}` });
    const jsm = await jetstreamManager(nc);
    await ensureSettlementStream(jsm);
    return new NatsMarketDataPublisher(nc, jetstream(nc), runId);
  }

  trades(productId: string, trades: readonly object[]): void {
    if (trades.length > 0) this.nc.publish(this.subj.trades(productId), JSON.stringify(trades));
  }

  book(productId: string, depth: object): void {
    this.nc.publish(this.subj.book(productId), JSON.stringify(depth));
  }

  clock(timeMs: number, phase: string): void {
    this.nc.publish(this.subj.clock, JSON.stringify({ timeMs, time: new Date(timeMs).toISOString(), phase }));
  }

  publish(subjectTail: string, payload: object): void {
    this.nc.publish(this.subj.tail(subjectTail), JSON.stringify(payload));
  }

  settlement(agentId: string, msgId: string, event: object): Promise<void> {
    const p = this.js
      .publish(this.subj.settlement(agentId), JSON.stringify(event), { msgID: msgId })
      .then(() => undefined);
    this.pending.push(p);
    return p;
  }

  async close(): Promise<void> {
    await Promise.all(this.pending);
    await this.nc.flush();
    await this.nc.drain();
  }
}

async function ensureSettlementStream(jsm: Awaited<ReturnType<typeof jetstreamManager>>): Promise<void> {
  try {
    await jsm.streams.info(SETTLEMENT_STREAM);
  } catch {
    await jsm.streams.add({ name: SETTLEMENT_STREAM, subjects: ['flexarena.*.settlement.>'] });
  }
}

/** For runs with NATS switched off. */
export class NullPublisher implements MarketDataPublisher {
  trades(): void {}
  book(): void {}
  clock(): void {}
  publish(): void {}
  async settlement(): Promise<void> {}
  async close(): Promise<void> {}
}
