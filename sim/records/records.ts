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

/** A market event as the order books and auctions emit it: `{ type, time, ...fields }`. */
export type TapeEvent = { type: string; time: number };

/**
 * The tape record of market event `ev`: `{ seq, type, t: time, ...its other own fields }` — the same
 * keys in the same order as destructuring it and calling tape(), built as one object.
 */
export function eventRecord(seq: number, ev: TapeEvent): SequencedTapeRecord {
  const record: Record<string, unknown> = { seq, type: ev.type, t: ev.time };
  const fields = ev as unknown as Record<string, unknown>;
  for (const k in fields) if (k !== 'type' && k !== 'time' && Object.hasOwn(fields, k)) record[k] = fields[k];
  return record as SequencedTapeRecord;
}

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
  /**
   * A market event, whose tape record is eventRecord(seq, event): a sink that has this method gets
   * market events here instead of through tape(), and the record object is not built for it — the
   * order books emit most of a run's records, and the tape file writes them without that object.
   */
  tapeEvent?(seq: number, event: TapeEvent): void;
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

  /** A market event, as eventRecord(seq, ev) to sinks that take records (built once, if any does). */
  tapeEvent(ev: TapeEvent): void {
    const seq = this.tapeSeq++;
    let record: SequencedTapeRecord | undefined;
    for (const s of this.sinks) {
      if (s.tapeEvent) s.tapeEvent(seq, ev);
      else if (s.tape) {
        record ??= eventRecord(seq, ev);
        s.tape(record);
      }
    }
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
