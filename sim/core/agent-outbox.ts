// An agent's private message sequence. Every wake-up and every ack gets the next report_seq when
// it is produced, and drivers send them in that order, so an agent that records the report_seq of
// the last message it fully processed knows exactly where it stands. When a session resumes with
// "I processed up to L", everything after L is produced again in new messages (new numbers):
// acks as acks, and the private reports of wake-ups the agent never processed inside its next
// wake-up. Nothing is lost and nothing is delivered twice, whatever the moment of the break.
import type { ActionAck, WakeUp } from '../../gen/flexarena/v1/session.js';
import type { AgentLedger, PendingReports } from './agent-ledger.js';

export type OutboundMessage = { kind: 'actionAck'; value: ActionAck } | { kind: 'wakeUp'; value: WakeUp };

type Logged =
  | { seq: number; kind: 'ack'; ack: ActionAck }
  | { seq: number; kind: 'wake'; reports: PendingReports };

/**
 * The fields of a wake-up that only the gateway sets (a DELTA session's view, see
 * arena/gateway/wake-view-coder.ts, and the acks it sends inside a wake-up); the core's wake-ups
 * are complete, and its acks are messages of their own (take()).
 */
type WireViewFields =
  | 'acks'
  | 'publicView'
  | 'baseWakeId'
  | 'closedProductIds'
  | 'expiredForecastProductIds'
  | 'privateView'
  | 'closedOrderIds';
const COMPLETE_VIEW: Pick<WakeUp, WireViewFields> = {
  acks: [],
  publicView: 0,
  baseWakeId: 0,
  closedProductIds: [],
  expiredForecastProductIds: [],
  privateView: 0,
  closedOrderIds: [],
};

/** The parts of a wake-up that are not reports: the same whether or not something is replayed. */
export type WakeUpBase = Omit<WakeUp, keyof PendingReports | 'reportSeq' | WireViewFields>;

export class AgentOutbox {
  private seq = 0;
  /** Produced, not yet taken by the driver (acks only; wake-ups are handed out directly). */
  private queue: OutboundMessage[] = [];
  /** Everything produced after the last confirmed message, for a resume. */
  private log: Logged[] = [];
  /** wake_id → report_seq of the latest wake-up message for that decision point. */
  private readonly wakeSeqs = new Map<number, number>();

  constructor(private readonly ledger: AgentLedger) {}

  get lastSeq(): number {
    return this.seq;
  }

  ack(ack: Omit<ActionAck, 'reportSeq'>): void {
    const value: ActionAck = { ...ack, reportSeq: ++this.seq };
    this.log.push({ seq: value.reportSeq, kind: 'ack', ack: value });
    this.queue.push({ kind: 'actionAck', value });
  }

  /** Acks produced since the last call, in order. */
  take(): OutboundMessage[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }

  /** The wake-up for a decision point: the base plus every report the agent has not been sent. */
  wakeUp(base: WakeUpBase): WakeUp {
    const reports = this.ledger.takeReports();
    const reportSeq = ++this.seq;
    this.log.push({ seq: reportSeq, kind: 'wake', reports });
    this.wakeSeqs.set(base.wakeId, reportSeq);
    // One literal (keys in the order the earlier spreads gave): built for every agent at every
    // decision point, and three spreads into a fresh object cost more than the fields themselves.
    return {
      wakeId: base.wakeId,
      timeMs: base.timeMs,
      openOrders: base.openOrders,
      books: base.books,
      positions: base.positions,
      assets: base.assets,
      priceForecasts: base.priceForecasts,
      fundamentalsForecasts: base.fundamentalsForecasts,
      cashUnits: base.cashUnits,
      fills: reports.fills,
      auctionAwards: reports.auctionAwards,
      auctionResults: reports.auctionResults,
      capacityAwards: reports.capacityAwards,
      activations: reports.activations,
      balancingResults: reports.balancingResults,
      settlements: reports.settlements,
      reportSeq,
      publicView: COMPLETE_VIEW.publicView,
      baseWakeId: COMPLETE_VIEW.baseWakeId,
      closedProductIds: COMPLETE_VIEW.closedProductIds,
      expiredForecastProductIds: COMPLETE_VIEW.expiredForecastProductIds,
      privateView: COMPLETE_VIEW.privateView,
      closedOrderIds: COMPLETE_VIEW.closedOrderIds,
      acks: COMPLETE_VIEW.acks,
      auctionBlockOutcomes: reports.auctionBlockOutcomes,
    };
  }

  /**
   * The agent answered wake-up `wakeId`: it has processed everything up to that message, so the
   * log before it is no longer needed for a resume.
   */
  confirm(wakeId: number): void {
    const seq = this.wakeSeqs.get(wakeId);
    if (seq === undefined) return;
    this.log = this.log.filter((m) => m.seq > seq);
    for (const id of this.wakeSeqs.keys()) if (id <= wakeId) this.wakeSeqs.delete(id);
  }

  /**
   * A session resumed; the agent has processed up to `lastProcessed`. Returns the number of
   * messages whose content is produced again.
   */
  resume(lastProcessed: number): number {
    const replay = this.log.filter((m) => m.seq > lastProcessed);
    this.log = this.log.filter((m) => m.seq <= lastProcessed);
    this.queue = [];
    // Reports of unprocessed wake-ups go back in front of what is pending, oldest first.
    const wakes = replay.filter((m): m is Extract<Logged, { kind: 'wake' }> => m.kind === 'wake');
    for (const w of wakes.reverse()) this.ledger.prependReports(w.reports);
    for (const m of replay) if (m.kind === 'ack') this.ack({ ...m.ack });
    return replay.length;
  }
}
