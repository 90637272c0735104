// How the sequencer talks to agents, apart from how (gRPC today). The engine only ever sees
// this interface, which keeps the clock logic testable without a network.
import type { Action, ActionAck, RunEnded, WakeUp } from '../../gen/flexarena/v1/session.js';

export type WakeOutcome =
  | { kind: 'batch'; actions: Action[] }
  | { kind: 'missed' }
  | { kind: 'disconnected' };

export interface AgentChannel {
  /** Resolves when every agent has said hello, or when the timeout passes; returns who is missing. */
  waitForAgents(timeoutMs: number): Promise<string[]>;
  isConnected(agentId: string): boolean;
  /** Sends a wake-up and waits (wall clock) up to `deadlineMs` for the answering batch. */
  wake(agentId: string, wake: WakeUp, deadlineMs: number): Promise<WakeOutcome>;
  ack(agentId: string, ack: ActionAck): void;
  end(agentId: string, ended: RunEnded): void;
}

/** The dedicated channel for agent faults: wall-clock facts that must stay out of the tape. */
export interface FaultLog {
  fault(agentId: string, kind: string, detail: string): void;
}
