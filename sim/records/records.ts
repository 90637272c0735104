// The one output seam of the simulation. The core and its venues never write files, never talk
// to NATS and never wait on anything: they emit typed records here, and sinks — the tape file,
// the NATS publisher, an in-process evaluator, a dashboard, a test — consume them. A sink must
// return at once; one that does I/O buffers.

import type { RunEnd, RunManifest, SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import type { MessageFns } from '../../gen/flexarena/v1/market.js';

/** One line of the deterministic event tape: no wall-clock content, ordered by `seq`. */
export type TapeRecord = { type: string; t: number } & Record<string, unknown>;

/** A tape record as sinks receive it, numbered by the core. */
export type SequencedTapeRecord = { seq: number } & TapeRecord;

/**
 * Public market data: `topic` is the subject below `flexarena.<run>.` (e.g. "cid.qh-20261122-0015.book"),
 * `message` a value of the proto message type `type`, whose codec `codec` gives its JSON encoding.
 */
export interface PublicRecord<T = unknown> {
  topic: string;
  type: string;
  message: T;
  codec: Pick<MessageFns<T>, 'toJSON' | 'encode'>;
}

/** A deterministic agent fault the core itself observed (e.g. an obligation not offered). */
export interface FaultRecord {
  agentId: string;
  kind: string;
  detail: string;
  /** Virtual time. */
  t: number;
}

export interface RecordSink {
  tape?(record: SequencedTapeRecord): void;
  public?(record: PublicRecord): void;
  settlement?(record: SettlementRecord): void;
  fault?(record: FaultRecord): void;
  /** Once, before the first settlement record: who plays with which asset. */
  manifest?(manifest: RunManifest): void;
  /** Once, after the last settlement record: how many there were, and the ledgers' counters. */
  runEnd?(end: RunEnd): void;
}

/** Fans records out to the sinks; numbers tape records so every tape sink sees the same sequence. */
export class Output {
  private readonly sinks: RecordSink[] = [];
  private tapeSeq = 0;
  private settlementSeq = 0;

  constructor(sinks: readonly RecordSink[] = []) {
    for (const s of sinks) this.add(s);
  }

  add(sink: RecordSink): void {
    this.sinks.push(sink);
  }

  /** Tape records written so far. */
  get tapeCount(): number {
    return this.tapeSeq;
  }

  get settlementCount(): number {
    return this.settlementSeq;
  }

  tape(record: TapeRecord): void {
    const sequenced = { seq: this.tapeSeq++, ...record } as SequencedTapeRecord;
    for (const s of this.sinks) s.tape?.(sequenced);
  }

  /**
   * A market event `{ type, time, ...fields }` as the tape record `{ seq, type, t: time, ...fields }`
   * (the same keys in the same order as destructuring it and calling tape()), built as one object:
   * the order books emit most of a run's tape records, and the destructure-and-spread made three.
   */
  tapeEvent(ev: { type: string; time: number }): void {
    const sequenced: Record<string, unknown> = { seq: this.tapeSeq++, type: ev.type, t: ev.time };
    const fields = ev as unknown as Record<string, unknown>;
    for (const k in fields)
      if (k !== 'type' && k !== 'time' && Object.hasOwn(fields, k)) sequenced[k] = fields[k];
    for (const s of this.sinks) s.tape?.(sequenced as SequencedTapeRecord);
  }

  publish<T>(topic: string, type: string, message: T, codec: PublicRecord<T>['codec']): void {
    const record = { topic, type, message, codec } as PublicRecord;
    for (const s of this.sinks) s.public?.(record);
  }

  /** Numbers the record (run-wide, from 1) and hands it to the sinks. */
  settlement(record: Omit<SettlementRecord, 'seq'>): SettlementRecord {
    const numbered: SettlementRecord = { ...record, seq: ++this.settlementSeq };
    for (const s of this.sinks) s.settlement?.(numbered);
    return numbered;
  }

  fault(record: FaultRecord): void {
    for (const s of this.sinks) s.fault?.(record);
  }

  manifest(manifest: RunManifest): void {
    for (const s of this.sinks) s.manifest?.(manifest);
  }

  runEnd(end: Omit<RunEnd, 'settlementRecords'>): RunEnd {
    const full: RunEnd = { ...end, settlementRecords: this.settlementSeq };
    for (const s of this.sinks) s.runEnd?.(full);
    return full;
  }
}
