// What passed between the arena and the candidate, session by session, seen by the gateway's
// observer: hellos (with the resume point), the batches it answered with, and every message sent.
import type { GatewayObserver } from '../arena/index.js';
import type { SessionResponse } from '../gen/flexarena/v1/arena_service.js';
import type { ActionBatch } from '../gen/flexarena/v1/session.js';

export interface SessionRecord {
  lastReportSeq: number;
  resumed: boolean;
  sent: SessionResponse[];
  /** wake_id of every batch the candidate sent on this session. */
  answered: number[];
}

export class SessionLog implements GatewayObserver {
  readonly sessions: SessionRecord[] = [];

  constructor(private readonly agentId: string) {}

  hello(agentId: string, hello: { lastReportSeq: number }, resumed: boolean): void {
    if (agentId !== this.agentId) return;
    this.sessions.push({ lastReportSeq: hello.lastReportSeq, resumed, sent: [], answered: [] });
  }

  sent(agentId: string, msg: SessionResponse): void {
    if (agentId === this.agentId) this.sessions.at(-1)?.sent.push(msg);
  }

  batch(agentId: string, batch: ActionBatch): void {
    if (agentId === this.agentId) this.sessions.at(-1)?.answered.push(batch.wakeId);
  }
}

/** The report_seq of a message (0: not part of the sequence). */
export function reportSeqOf(msg: SessionResponse): number {
  switch (msg.kind?.$case) {
    case 'wakeUp':
      return msg.kind.value.reportSeq;
    case 'actionAck':
      return msg.kind.value.reportSeq;
    case 'runEnded':
      return msg.kind.value.finalReport?.reportSeq ?? 0;
    default:
      return 0;
  }
}

/** Trade ids of the fills a message reports (wake-ups and the final report; acks repeat them). */
export function fillsOf(msg: SessionResponse): number[] {
  if (msg.kind?.$case === 'wakeUp') return msg.kind.value.fills.map((f) => f.tradeId);
  if (msg.kind?.$case === 'runEnded') return msg.kind.value.finalReport?.fills.map((f) => f.tradeId) ?? [];
  return [];
}
