// One record waiting for its JetStream acknowledgement, as the outbox, its spool and the
// undelivered-records file see it.

export interface OutboxRecord {
  subject: string;
  /** Sent as `Nats-Msg-Id`; the stream drops a second message with the same id. */
  msgId: string;
  payload: Uint8Array;
  /** Publish attempts so far (in this process and, for recovered records, before). */
  attempts: number;
  /**
   * Epoch ms at which the earliest publish attempt with an unknown outcome was sent (sent, then
   * no answer: timeout or lost connection). Such a record may already be in the stream, so the
   * next attempt first asks the stream for the last message of the subject.
   */
  unknownSince?: number;
  /** Why the last attempt failed, for the report. */
  lastError?: string;
}

/**
 * What a record counts against the memory bound: its payload, subject and id bytes. Object
 * overhead (~100 bytes a record) is not counted; `maxMemoryRecords` bounds that part.
 */
export function recordBytes(r: Pick<OutboxRecord, 'subject' | 'msgId' | 'payload'>): number {
  return r.payload.byteLength + r.subject.length + r.msgId.length;
}
