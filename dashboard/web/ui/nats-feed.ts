// The page's only data source: NATS over WebSocket. One subscription to the run's subjects (public
// data and settlement records, live or replayed), in a live run the settlement records published
// before the page connected read back from JetStream, and in a replay the player's subjects.
import { jetstream } from '@nats-io/jetstream';
import { type Msg, type NatsConnection, wsconnect } from '@nats-io/nats-core';
import {
  type DashboardConfig,
  READY_PATH,
  type ReplayControl,
  type ReplayControlReply,
  type ReplayReset,
  type ReplayState,
  type ReplayTrades,
  replayControlSubject,
  replayResetSubject,
  replaySnapshotSubject,
  replayStateSubject,
  replayTradesSubject,
  runSubjects,
  settlementSubjects,
} from '../../protocol.js';
import type { SettlementRecordJson } from '../model/proto-json.js';
import type { StoreSnapshot } from '../model/store.js';

export interface FeedHandlers {
  message(subject: string, data: unknown): void;
  /** Settlement records read back from JetStream (they may also come by the run subscription). */
  settlement(record: SettlementRecordJson): void;
  reset(positionMs: number): void;
  /** A replay's state at the reset's position, once all its parts have come. */
  snapshot(snapshot: StoreSnapshot): void;
  replayState(state: ReplayState): void;
  /** A product's trades the last snapshot left out, which the page asked for. */
  trades(trades: ReplayTrades): void;
  status(text: string, kind?: 'ok' | 'warn' | 'error'): void;
}

export class NatsFeed {
  private constructor(
    readonly nc: NatsConnection,
    private readonly cfg: DashboardConfig,
  ) {}

  static async open(cfg: DashboardConfig, on: FeedHandlers): Promise<NatsFeed> {
    let nc: NatsConnection;
    try {
      nc = await wsconnect({
        servers: cfg.wsUrl,
        name: `flexarena-dashboard-${cfg.runId}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
      });
    } catch (err) {
      // The client's ConnectionError often has no message: the page said "cannot start: " alone.
      const why = (err as Error).message;
      throw new Error(
        `cannot reach NATS at ${cfg.wsUrl}${why ? ` (${why})` : ''}: has the flexarena command serving this page stopped, or its nats-server?`,
        { cause: err },
      );
    }
    const feed = new NatsFeed(nc, cfg);
    const json = (m: Msg, subject: string): unknown => {
      try {
        return m.json();
      } catch {
        on.status(`a message on ${subject} was not JSON`, 'warn');
        return undefined;
      }
    };
    nc.subscribe(runSubjects(cfg.runId), {
      callback: (err, m) => {
        if (err) return on.status(`subscription failed: ${err.message}`, 'error');
        const data = json(m, m.subject);
        if (data !== undefined) on.message(m.subject, data);
      },
    });
    if (cfg.mode === 'replay') {
      // The snapshot's parts follow their reset on the same connection, in order.
      let parts: string[] = [];
      let expected = 0;
      nc.subscribe(replayResetSubject(cfg.runId), {
        callback: (_err, m) => {
          const r = json(m, m.subject) as ReplayReset;
          parts = [];
          expected = r.parts;
          on.reset(r.positionMs);
        },
      });
      nc.subscribe(replaySnapshotSubject(cfg.runId), {
        callback: (_err, m) => {
          parts.push(m.string());
          if (parts.length !== expected) return;
          const text = parts.join('');
          parts = [];
          try {
            on.snapshot(JSON.parse(text) as StoreSnapshot);
          } catch {
            on.status('the replay snapshot was not JSON', 'error');
          }
        },
      });
      // On the same connection as the run's messages, in order: they come after every trade they hold.
      nc.subscribe(replayTradesSubject(cfg.runId), {
        callback: (_err, m) => {
          const t = json(m, m.subject) as ReplayTrades | undefined;
          if (t) on.trades(t);
        },
      });
      nc.subscribe(replayStateSubject(cfg.runId), {
        callback: (_err, m) => on.replayState(json(m, m.subject) as ReplayState),
      });
    }
    await nc.flush();
    await fetch(READY_PATH, { method: 'POST' });
    (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') on.status('disconnected from NATS, reconnecting…', 'warn');
        else if (s.type === 'reconnect') on.status('reconnected', 'ok');
      }
    })().catch(() => undefined);
    return feed;
  }

  /** Live: every settlement record of the run so far and from now on, from the stream. */
  async readSettlementStream(on: FeedHandlers): Promise<void> {
    const stream = this.cfg.settlementStream;
    if (!stream) return;
    // One subject as a string: a list of filter subjects needs nats-server 2.10.
    const consumer = await jetstream(this.nc).consumers.get(stream, {
      filter_subjects: settlementSubjects(this.cfg.runId),
    });
    const messages = await consumer.consume();
    on.status('live');
    (async () => {
      for await (const m of messages) on.settlement(m.json() as SettlementRecordJson);
    })().catch((err: Error) => on.status(`settlement stream: ${err.message}`, 'warn'));
  }

  async control(c: ReplayControl): Promise<ReplayState> {
    const reply = await this.nc.request(replayControlSubject(this.cfg.runId), JSON.stringify(c), {
      timeout: 5_000,
    });
    const r = reply.json() as ReplayControlReply;
    if (!r.ok) throw new Error(r.error);
    return r.state;
  }
}
