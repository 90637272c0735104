// Records onto NATS: public market data on core NATS (best effort, as any market data feed;
// nats.js buffers while it reconnects) and settlement records into the JetStream outbox, which
// keeps them until the stream has acknowledged each one exactly once (Nats-Msg-Id "<run>:<seq>").
// Nothing here waits: the simulation's clock never stops for NATS.
import type { NatsConnection } from '@nats-io/transport-node';
import { RunEnd, RunManifest, SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import type { PublicRecord, RecordSink } from '../../sim/index.js';

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

export class NatsSink implements RecordSink {
  private readonly subj;
  /** Public messages the connection refused (closed for good); core NATS has no retry. */
  droppedPublic = 0;
  published = 0;

  constructor(
    private readonly nc: NatsConnection | undefined,
    private readonly runId: string,
    private readonly outbox: SettlementOutbox | undefined,
  ) {
    this.subj = subjects(runId);
  }

  public(r: PublicRecord): void {
    if (!this.nc) return;
    try {
      this.nc.publish(this.subj.tail(r.topic), JSON.stringify(r.codec.toJSON(r.message)));
      this.published++;
    } catch {
      this.droppedPublic++;
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
      JSON.stringify(SettlementRecord.toJSON(r)),
    );
  }
}
