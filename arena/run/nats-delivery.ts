// What a run's NATS delivery looked like, as results.json says it (`nats`): built from the NATS
// thread's closing report.
import type { NatsThreadReport } from '../nats/nats-thread-protocol.js';

/** What NATS delivery looked like, in results.json: nothing lost means undelivered = 0. */
export interface NatsDelivery {
  url: string;
  /** Messages of the run on the settlement stream: its records, its manifest and its end message. */
  messages: number;
  delivered: number;
  duplicates: number;
  /**
   * Of `duplicates`: messages whose ids the stream had seen from another run with this run id
   * within its duplicate window (one that took the id while this run ran, or one purged less than
   * a window ago: a run id the stream holds is refused before the run): it kept that run's, and
   * its consumers never get these.
   */
  heldByEarlierRun: number;
  /**
   * A resumed run: messages of its re-simulated part that the stopped run had already stored
   * after the resume read the stream (kept once; not counted in heldByEarlierRun).
   */
  storedByStoppedRun?: number;
  undelivered: number;
  outages: { fromMs: number; toMs?: number; cause: string }[];
  /** Written when something could not be delivered: the records themselves, one per line. */
  undeliveredFile?: string;
  publicMessages: number;
  publicDropped: number;
}

/**
 * results.json's `nats` from the NATS thread's report. For a resumed run (`resentFromTape`), a
 * message the stream held before its first attempt is the stopped run's own when the resume sent
 * it again from the recorded tape; only the others are another run's.
 */
export function natsDelivery(
  url: string,
  closed: NatsThreadReport,
  resentFromTape?: ReadonlySet<string>,
): NatsDelivery {
  const report = closed.outbox;
  const ownHeld = resentFromTape ? report.heldBeforeIds.filter((id) => resentFromTape.has(id)).length : 0;
  return {
    url,
    messages: report.enqueued,
    delivered: report.delivered,
    duplicates: report.duplicates,
    heldByEarlierRun: report.heldBefore - ownHeld,
    ...(resentFromTape ? { storedByStoppedRun: ownHeld } : {}),
    undelivered: report.undeliveredCount + report.rejected.length,
    outages: report.outages,
    ...(report.undeliveredFile ? { undeliveredFile: report.undeliveredFile } : {}),
    publicMessages: closed.publicPublished,
    publicDropped: closed.publicDropped,
  };
}
