// A run's public data and settlement records in the order the core emitted them, each stamped
// with the virtual time at which it was emitted: what the replay player publishes (kept on disk
// with an index, replay-feed.ts).
import type { ReplayFeed } from './replay-feed.js';

export interface TimedMessage {
  /** Virtual time (ms) at which the core emitted it. */
  t: number;
  subject: string;
  /** The JSON payload, exactly as the arena publishes it. */
  data: string;
  /**
   * Messages with the same key supersede each other (a book's depth, the clock): when the player
   * jumps to a time it sends only the last one of each key before it.
   */
  supersedes?: string;
}

export interface Timeline {
  runId: string;
  startMs: number;
  endMs: number;
  messages: ReplayFeed;
  /** A run stopped by a signal (interrupted.json): the signal and its last decision point. */
  interrupted?: { signal: string; lastDecisionMs: number };
}

/** First index with t > timeMs (messages are in time order). */
export function indexAfter(messages: readonly TimedMessage[], timeMs: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (messages[mid]!.t <= timeMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The messages of [from, to) a page needs to show the state at the end of that range: every
 * message, except those superseded by a later one of the same key within the range.
 */
export function compacted(messages: readonly TimedMessage[], from: number, to: number): TimedMessage[] {
  const last = new Map<string, number>();
  for (let i = from; i < to; i++) {
    const key = messages[i]!.supersedes;
    if (key) last.set(key, i);
  }
  const out: TimedMessage[] = [];
  for (let i = from; i < to; i++) {
    const m = messages[i]!;
    if (!m.supersedes || last.get(m.supersedes) === i) out.push(m);
  }
  return out;
}
