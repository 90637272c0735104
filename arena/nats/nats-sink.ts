// Records onto NATS: public market data on core NATS (best effort, as any market data feed;
// nats.js buffers while it reconnects) and settlement records into the JetStream outbox, which
// keeps them until the stream has acknowledged each one exactly once (Nats-Msg-Id "<run>:<seq>").
// Nothing here waits: the simulation's clock never stops for NATS. Public messages published
// while the connection is away are counted apart: they leave only if it comes back, so the run's
// figures do not claim as published what sat in a buffer until the end; past a bound they are
// dropped (and counted) rather than held, so a long outage cannot grow the buffer without end.
// Public messages are handed to the client in bursts (see PUBLIC_BURST_BYTES): nats.js writes to
// the socket at the first pause of the caller, and the simulation pauses between every event, so
// one message at a time meant hundreds of small socket writes per run, each waking nats-server.
import type { NatsConnection } from '@nats-io/transport-node';
import { RunEnd, RunManifest, type SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import { type PublicRecord, type RecordSink, settlementJson } from '../../sim/index.js';

export const SETTLEMENT_STREAM = 'FLEXARENA_SETTLEMENT';
export const SETTLEMENT_SUBJECTS = 'flexarena.*.settlement.>';

export function subjects(runId: string) {
  const base = `flexarena.${runId}`;
  return {
    base,
    tail: (t: string) => `${base}.${t}`,
    settlement: (agentId: string) => `${base}.settlement.${agentId}`,
    /** Agent ids start with a letter, so these never clash with an agent's subject. */
    manifest: `${base}.settlement._manifest`,
    runEnd: `${base}.settlement._end`,
  };
}

/** Nats-Msg-Ids of a run's manifest and end message. */
export const manifestMsgId = (runId: string) => `${runId}:manifest`;
export const runEndMsgId = (runId: string) => `${runId}:end`;

/** Nats-Msg-Id of a settlement record: unique per run and record. */
export function settlementMsgId(runId: string, seq: number): string {
  return `${runId}:${seq}`;
}

/** The part of the JetStream outbox this sink uses. */
export interface SettlementOutbox {
  enqueue(subject: string, msgId: string, payload: string): void;
}

/** Public messages held in nats.js's buffer while the connection is away, at most. */
export const MAX_PUBLIC_HELD_WHILE_AWAY = 10_000;

/**
 * Public messages are held until about this many payload bytes are waiting (nats.js itself flushes
 * its buffer to the socket at 32 KiB), or until PUBLIC_BURST_MS have passed with the event loop
 * free, whichever comes first; flush() sends what waits at once (the end of the run).
 */
export const PUBLIC_BURST_BYTES = 32 * 1024;
export const PUBLIC_BURST_MS = 10;

export class NatsSink implements RecordSink {
  private readonly subj;
  private burst: { subject: string; payload: string }[] = [];
  private burstBytes = 0;
  private burstTimer: NodeJS.Timeout | undefined;
  private away = false;
  private sent = 0;
  private held = 0;
  private dropped = 0;

  constructor(
    private readonly nc: NatsConnection | undefined,
    private readonly runId: string,
    private readonly outbox: SettlementOutbox | undefined,
  ) {
    this.subj = subjects(runId);
    if (nc) void this.watch(nc);
  }

  /** Public messages handed to a connected client, or held while away and sent on its return. */
  get published(): number {
    return this.sent;
  }

  /** Public messages refused by the client, beyond the bound while away, or still held (away now). */
  get droppedPublic(): number {
    return this.dropped + (this.away ? this.held : 0);
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') this.away = true;
      else if (s.type === 'reconnect') {
        // nats.js flushes what it held as soon as it is connected again.
        this.away = false;
        this.sent += this.held;
        this.held = 0;
      }
    }
  }

  public(r: PublicRecord): void {
    if (!this.nc) return;
    const payload = JSON.stringify(r.codec.toJSON(r.message));
    this.burst.push({ subject: this.subj.tail(r.topic), payload });
    this.burstBytes += payload.length;
    if (this.burstBytes >= PUBLIC_BURST_BYTES) this.flush();
    else this.burstTimer ??= setTimeout(() => this.flush(), PUBLIC_BURST_MS);
  }

  /** Hands every waiting public message to the client now (counted as sent, held or dropped). */
  flush(): void {
    if (this.burstTimer !== undefined) clearTimeout(this.burstTimer);
    this.burstTimer = undefined;
    const burst = this.burst;
    this.burst = [];
    this.burstBytes = 0;
    for (const m of burst) this.send(m.subject, m.payload);
  }

  private send(subject: string, payload: string): void {
    if (this.away && this.held >= MAX_PUBLIC_HELD_WHILE_AWAY) {
      this.dropped++;
      return;
    }
    try {
      this.nc!.publish(subject, payload);
      if (this.away) this.held++;
      else this.sent++;
    } catch {
      this.dropped++;
    }
  }

  manifest(m: RunManifest): void {
    this.outbox?.enqueue(
      this.subj.manifest,
      manifestMsgId(this.runId),
      JSON.stringify(RunManifest.toJSON(m)),
    );
  }

  runEnd(e: RunEnd): void {
    this.outbox?.enqueue(this.subj.runEnd, runEndMsgId(this.runId), JSON.stringify(RunEnd.toJSON(e)));
  }

  settlement(r: SettlementRecord): void {
    this.outbox?.enqueue(
      this.subj.settlement(r.agentId),
      settlementMsgId(this.runId, r.seq),
      settlementJson(r),
    );
  }
}
