// A strategy is one small class with one decision method: given everything the agent may know
// at a wake-up, return the actions to send. The SDK does the protocol.
import type { Action, ActionAck, RunEnded, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';

/** A part of the wake-up's public view (see Strategy.ignoresPublicViewParts). */
export type PublicViewPart = 'books' | 'priceForecasts' | 'fundamentalsForecasts';

/** Every part of the public view, in the wire's order. */
export const PUBLIC_VIEW_PARTS: readonly PublicViewPart[] = [
  'books',
  'priceForecasts',
  'fundamentalsForecasts',
];

export interface Strategy {
  readonly name: string;
  /**
   * True for a strategy that never reads the wake-up's public view (books, price and fundamentals
   * forecasts): over gRPC the SDK then does not decode them, and its wake-ups have them empty.
   * In-process the wake-ups are complete either way. Default false.
   */
  readonly ignoresPublicView?: boolean;
  /**
   * The parts of the public view a strategy never reads, when it reads the others: over gRPC the
   * SDK does not decode them, and its wake-ups have them empty (in-process they are complete), as
   * with ignoresPublicView. The books and the fundamentals forecasts are most of a wake-up's
   * public bytes, and most strategies read neither. Default: none.
   */
  readonly ignoresPublicViewParts?: readonly PublicViewPart[];
  /**
   * A file this strategy, as configured, writes for a later run to read (a learner's table): the
   * parameter that names it, and the parameters that make it read the file only. A tournament's
   * games and a study's runs must not share one: each would start where the one before stopped.
   * Default: none.
   */
  readonly carriesStateIn?: { param: string; path: string; readOnly: string };
  /**
   * A file this strategy, as configured, only reads what an earlier run wrote from (a learner's
   * table played read-only), and starts empty without: the parameter that names it. Where nothing
   * writes it (a tournament's games, a study's runs, a run none of whose agents saves it) a missing
   * one is a wrong path, not an empty table to play. Default: none.
   */
  readonly readsStateFrom?: { param: string; path: string };
  onWelcome?(welcome: Welcome): void | Promise<void>;
  decide(wake: WakeUp): Action[] | Promise<Action[]>;
  onAck?(ack: ActionAck): void;
  /**
   * The strategy's own state for a restart (a JSON value: plain objects, arrays, strings, finite
   * numbers, booleans, null): what it learnt from reports and its own past decisions (auctions it
   * bid in, awards), not what every wake-up shows again. With a resume file (`--resume-file`,
   * resumeOptions) the SDK stores it together with the last processed report_seq in one atomic
   * write each time a message counts as processed, and hands it to loadState before the restarted
   * process connects: the strategy sees each report once and does not repeat a decision.
   */
  saveState?(): unknown;
  /** What saveState returned, read back from the resume file, before the strategy connects. */
  loadState?(state: unknown): void;
  /**
   * The run is over: complete, or stopped before its end by the arena's Ctrl-C/SIGTERM
   * (runWasInterrupted(ended); no result then). Called once, after the last wake-up.
   */
  onEnd?(ended: RunEnded): void | Promise<void>;
}

export type StrategyFactory = (params: Record<string, unknown>) => Strategy;
