// A token bucket per agent for the batches it sends outside an open decision request (stale, late,
// duplicate, or before its wake-up). Answers to an open request never pass through here: the
// arena paces those itself, one per wake-up, so the limit can never change a tape. A flooding
// agent drains its bucket; from then on its batches are refused (one typed refusal per streak,
// the rest only counted), and a streak of `disconnectAfter` refusals — without the bucket filling
// up again in between — ends its stream. The bucket survives a reconnect, so reconnecting does
// not buy a fresh burst.

export interface RateLimitConfig {
  /** Average batches per second outside an open decision request. */
  outsidePerSecond: number;
  /** Bucket size. */
  burst: number;
  /** Refusals in one streak after which the stream is ended. */
  disconnectAfter: number;
  /** After that, how long the agent is not waited for and may not reconnect. */
  cooldownMs: number;
}

/**
 * pass: process the batch as usual. refuse: send one typed refusal (the first of a run of
 * refusals). drop: refuse without an answer (already told). disconnect: end the stream.
 */
export type RateVerdict = 'pass' | 'refuse' | 'drop' | 'disconnect';

export class OutsideRateLimit {
  private tokens: number;
  private last: number;
  /** Refusals since the bucket was last full (a reconnect starts a new streak). */
  private streak = 0;
  /** Refusals since the last batch that passed: only the first of them is answered. */
  private sincePass = 0;
  refused = 0;
  disconnects = 0;
  private words: string | undefined;
  private lastRefusal: number | undefined;

  constructor(
    readonly cfg: RateLimitConfig,
    private readonly now: () => number,
  ) {
    this.tokens = cfg.burst;
    this.last = now();
  }

  take(): RateVerdict {
    const t = this.now();
    this.tokens = Math.min(
      this.cfg.burst,
      this.tokens + ((t - this.last) * this.cfg.outsidePerSecond) / 1000,
    );
    this.last = t;
    if (this.tokens >= this.cfg.burst) this.streak = 0;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.sincePass = 0;
      return 'pass';
    }
    this.refused++;
    this.streak++;
    this.lastRefusal = t;
    if (this.streak >= this.cfg.disconnectAfter) {
      this.streak = 0;
      this.sincePass = 0;
      this.disconnects++;
      return 'disconnect';
    }
    return this.sincePass++ === 0 ? 'refuse' : 'drop';
  }

  /**
   * Over the limit right now: a batch was refused and the bucket has not earned a token since. An
   * agent in this state is not waited for at a decision point (its answer would come behind its
   * own flood); one that has stopped flooding is back to normal after 1 / outsidePerSecond.
   */
  overLimit(): boolean {
    return this.lastRefusal !== undefined && this.now() - this.lastRefusal < 1000 / this.cfg.outsidePerSecond;
  }

  /** The limit in words, for refusals and the fault log (built once: refusals come in floods). */
  describe(): string {
    this.words ??=
      `at most ${this.cfg.outsidePerSecond} batches per second outside an open decision request ` +
      `(burst ${this.cfg.burst}; limits.rate)`;
    return this.words;
  }
}
