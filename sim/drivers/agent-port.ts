// How a lock-step driver reaches one agent, whatever it is: a strategy object in this process, a
// gRPC session to another process, a learner in a training loop. Local and remote agents behind
// one interface, so one loop runs them all, mixed in any proportion.
import type { ActionBatch, RunEnded, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import type { OutboundMessage } from '../core/agent-outbox.js';
import type { AnswerReceipt } from '../core/simulation.js';

/** One agent's part of a decision point, bound to the simulation. */
export interface DecisionRequest {
  agentId: string;
  wakeId: number;
  timeMs: number;
  /** Wall-clock budget for the answer (lock-step: then it counts as missed; real time: see runRealtime). */
  deadlineMs: number;
  /** Acks produced since the last decision point, to deliver before the wake-up. */
  takeMessages(): OutboundMessage[];
  /** The wake-up message; after a resume, call again: it carries what the agent had not processed. */
  wakeUp(): WakeUp;
  /** A resumed session processed its private messages up to `lastReportSeq`. */
  resume(lastReportSeq: number): void;
  /** Hands the agent's batch to the core's door; a refused batch comes back with its ack. */
  submit(batch: ActionBatch): AnswerReceipt;
}

/** What became of a decision request: answered through submit(), or not at all. */
export type DecisionOutcome = 'answered' | 'missed' | 'absent';

export interface AgentPort {
  readonly agentId: string;
  /** Before the first decision point. */
  start?(welcome: Omit<Welcome, 'resumed'>): void | Promise<void>;
  decide(request: DecisionRequest): Promise<DecisionOutcome>;
  /** The run is over: deliver `acks` (of the last batch), then `ended` (result and final report). */
  end(ended: RunEnded, acks: readonly OutboundMessage[]): void | Promise<void>;
}
