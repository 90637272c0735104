// A venue is one market the sequencer runs: the continuous book, the auctions, balancing. The
// engine owns the clock and the agents; a venue owns its market state and rules.
import type { Action, ActionResult } from '../../gen/flexarena/v1/session.js';

export interface ScheduledEvent {
  time: number;
  /** Order among events at the same time: lower first (0 market clock, 1 gates and clearing, 2 settlement, 3 decisions). */
  phase: number;
  /** Human-readable, for diagnostics. */
  label: string;
  run(): void | Promise<void>;
}

export type ActionKind = NonNullable<Action['kind']>['$case'];

export interface Venue {
  readonly name: string;
  readonly actionKinds: readonly ActionKind[];
  scheduledEvents(): ScheduledEvent[];
  /** Applies one validated action arriving at `time`; fills `result` (status, ids, rejection, fills). */
  handle(agentId: string, action: Action, time: number, result: ActionResult): void;
  /** Public data accumulated since the last call, published at each decision point. */
  publish(time: number): void;
}
