// A strategy is one small class with one decision method: given everything the agent may know
// at a wake-up, return the actions to send. The SDK does the protocol.
import type { Action, ActionAck, RunEnded, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';

export interface Strategy {
  readonly name: string;
  /**
   * True for a strategy that never reads the wake-up's public view (books, price and fundamentals
   * forecasts): over gRPC the SDK then does not decode them, and its wake-ups have them empty.
   * In-process the wake-ups are complete either way. Default false.
   */
  readonly ignoresPublicView?: boolean;
  onWelcome?(welcome: Welcome): void | Promise<void>;
  decide(wake: WakeUp): Action[] | Promise<Action[]>;
  onAck?(ack: ActionAck): void;
  onEnd?(ended: RunEnded): void | Promise<void>;
}

export type StrategyFactory = (params: Record<string, unknown>) => Strategy;
