// One agent behind a gRPC session, as the lock-step and real-time drivers see it. At a decision
// point the port sends what the agent has not been sent (acks, then the wake-up) and waits for the
// batch up to the deadline. A stream that drops is waited for within the same deadline: when the agent comes back
// it says which report it processed last, gets everything after it again, and can still answer —
// so a run in which an agent reconnects in time leaves the same tape as one in which it never
// dropped. The exception is a flooding agent: in lock-step everyone waits for the slowest, so an
// agent over its rate limit is not waited for, nor, once disconnected for it, until it has said
// hello again (after its cooldown); nor is an agent that, while waited for, has sent
// `refusedWhileWaited` batches the core refused (its answer would come behind them).
import type { ActionBatch, RunEnded } from '../../gen/flexarena/v1/session.js';
import type { AgentPort, DecisionOutcome, DecisionRequest, OutboundMessage } from '../../sim/index.js';
import type { GrpcGateway, Session } from './grpc-gateway.js';

interface Pending {
  request: DecisionRequest;
  woken: boolean;
  /** The wake_id of the wake-up sent for this request (a resume may send a newer one in real time). */
  sentWakeId?: number;
  settle: (o: DecisionOutcome) => void;
  /** Batches of this agent the core refused while this decision was waiting for its answer. */
  refused: number;
}

export class RemoteAgentPort implements AgentPort {
  private pending: Pending | undefined;
  /** Consecutive wake-ups missed while disconnected. */
  private missedWhileAway = 0;
  /** Disconnected for flooding and not back yet: absent, not waited for (its reconnect may take any time). */
  private barred = false;
  /**
   * The wake-up whose decision was settled without its answer (missed): the first batch that answers
   * it afterwards is a late answer, refused by the core as usual but not counted against the rate
   * limit, so an agent that was not waited for because it flooded, and has stopped, is not kept
   * over its limit by its own (late) answers.
   */
  private lateFree: number | undefined;
  /**
   * Its process, launched by the arena, has ended: with its stream down it cannot come back (its
   * token is the arena's secret), so its decisions count as missed at once instead of after the
   * deadline — the same outcomes, in the same order, as waiting would give.
   */
  private processGone = false;

  constructor(
    readonly agentId: string,
    private readonly gateway: GrpcGateway,
    private readonly goneAfterMissed: number,
    private readonly refusedWhileWaited: number,
  ) {}

  decide(request: DecisionRequest): Promise<DecisionOutcome> {
    const session = this.gateway.session(this.agentId);
    if (
      !session &&
      (!this.gateway.hasConnected(this.agentId) ||
        this.missedWhileAway >= this.goneAfterMissed ||
        this.barred)
    )
      return Promise.resolve('absent');
    return new Promise((resolve) => {
      // Woken or waited for: either way the deadline passed without an answer.
      const timer = setTimeout(() => finish('missed'), request.deadlineMs);
      const finish = (o: DecisionOutcome) => {
        if (this.pending !== p) return;
        clearTimeout(timer);
        this.pending = undefined;
        const away = !this.gateway.session(this.agentId);
        this.missedWhileAway = o === 'answered' ? 0 : away ? this.missedWhileAway + 1 : 0;
        if (o !== 'answered' && p.sentWakeId !== undefined) this.lateFree = p.sentWakeId;
        resolve(o);
      };
      const p: Pending = { request, woken: false, settle: finish, refused: 0 };
      this.pending = p;
      if (session) this.wake(session, p);
      else if (this.processGone) finish('missed');
      // Over its rate limit right now: its answer would be stuck behind its own flood.
      if (session && this.gateway.overLimit(this.agentId)) finish('missed');
    });
  }

  end(ended: RunEnded, acks: readonly OutboundMessage[]): void {
    this.gateway.end(this.agentId, ended, acks);
  }

  // ---- session events from the gateway ----

  onConnected(session: Session): void {
    this.missedWhileAway = 0;
    this.barred = false;
    if (this.pending) this.wake(session, this.pending);
  }

  onDisconnected(_session: Session): void {
    // Nothing to do: a pending decision keeps waiting for a reconnect until its deadline.
  }

  /**
   * Disconnected for flooding: its open decision is not waited for (it counts as missed), and later
   * ones count as absent until it is back.
   */
  onBarred(): void {
    this.barred = true;
    this.pending?.settle('missed');
  }

  /** Its launched process has ended (see processGone). */
  onProcessGone(): void {
    this.processGone = true;
    if (!this.gateway.session(this.agentId)) this.pending?.settle('missed');
  }

  /** A batch refused for the rate limit: the open decision is not waited for either. */
  onOverLimit(): void {
    this.pending?.settle('missed');
  }

  onBatch(session: Session, batch: ActionBatch): void {
    const p = this.pending;
    // Only a batch that may answer the open decision request goes straight to the core; anything
    // else (stale, late, duplicate, before the wake-up) counts against the agent's rate limit.
    const mayAnswer = p?.woken === true && batch.wakeId === p.request.wakeId;
    const lateAnswer = !mayAnswer && batch.wakeId === this.lateFree;
    if (lateAnswer) this.lateFree = undefined;
    if (!mayAnswer && !lateAnswer && !this.gateway.admitOutside(session, batch)) return;
    if (!p?.woken) {
      this.gateway.answerOutside(session, batch);
      return;
    }
    const receipt = p.request.submit(batch);
    // In real-time mode a late answer to an earlier wake-up is taken too; it does not answer this one.
    if (receipt.taken) {
      if (batch.wakeId === p.sentWakeId) p.settle('answered');
    } else {
      this.gateway.sendAck(session, receipt.ack);
      this.gateway.fault(this.agentId, 'refused-batch', receipt.ack.message);
      // The stream is ordered: an answer still to come is queued behind these stray batches (a
      // flooder's own flood, before its bucket is empty), so waiting on would hold everyone up.
      if (!lateAnswer && ++p.refused >= this.refusedWhileWaited) p.settle('missed');
    }
  }

  /** Sends the acks and the wake-up; after a resume, first replays what the agent had not processed. */
  private wake(session: Session, p: Pending): void {
    if (session.resumeFrom !== undefined) {
      p.request.resume(session.resumeFrom);
      session.resumeFrom = undefined;
    }
    // In one call: a session that takes acks inside its wake-up gets one message.
    const acks = p.request.takeMessages();
    const wake = p.request.wakeUp();
    this.gateway.send(session, [...acks, { kind: 'wakeUp', value: wake }]);
    p.sentWakeId = wake.wakeId;
    p.woken = true;
  }
}
