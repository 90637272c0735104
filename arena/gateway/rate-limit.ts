// A token bucket per agent for the batches it sends outside an open decision request (stale, late,
// duplicate, or before its wake-up). Answers to an open request never pass through here: the
// arena paces those itself, one per wake-up, so the limit can never change a tape. A flooding
// agent drains its bucket; from then on its batches are refused (one typed refusal per streak,
// the rest only counted), and a streak of `disconnectAfter` refusals — without the bucket filling
// up again in between — ends its stream. The bucket survives a reconnect and earns nothing during
// the cooldown, so reconnecting does not buy a fresh burst. Each further disconnect in a run doubles
// the cooldown (up to `maxCooldownMs`): a flooder that comes back flooding is shut out for longer
// each time, so over a long run its floods — each of which costs the others until the door has
// read enough of it to act — become rare.

export interface RateLimitConfig {
  /** Average batches per second outside an open decision request. */
  outsidePerSecond: number;
  /** Bucket size. */
  burst: number;
  /** Refusals in one streak after which the stream is ended. */
  disconnectAfter: number;
  /** After the first disconnect, how long the agent is not waited for and may not reconnect. */
  cooldownMs: number;
  /** Each further disconnect doubles the cooldown, up to this. */
  maxCooldownMs: number;
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
  /** The cooldown of the latest disconnect (0 before the first). */
  cooldownMs = 0;
  private words: string | undefined;
  /** Refused since the bucket was last full (see overLimit). */
  private flooding = false;

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
    if (this.tokens >= this.cfg.burst) {
      this.streak = 0;
      this.flooding = false;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.sincePass = 0;
      return 'pass';
    }
    this.refused++;
    this.streak++;
    this.flooding = true;
    if (this.streak >= this.cfg.disconnectAfter) {
      this.streak = 0;
      this.sincePass = 0;
      this.disconnects++;
      this.cooldownMs = cooldownAfter(this.disconnects, this.cfg);
      // The cooldown earns no tokens: the agent comes back with an empty bucket, still over its
      // limit, instead of with the full burst the cooldown would otherwise have refilled.
      this.tokens = -(this.cooldownMs * this.cfg.outsidePerSecond) / 1000;
      return 'disconnect';
    }
    return this.sincePass++ === 0 ? 'refuse' : 'drop';
  }

  /**
   * Over the limit: refused since the bucket was last full. An agent in this state is not waited for
   * at a decision point: its answer would come behind its own flood, and gRPC flow control lets a
   * flood in slowly, in bursts, so the gaps between refusals say nothing about whether it has
   * stopped. It is back to normal once the bucket is full again, i.e. after `burst /
   * outsidePerSecond` seconds without outside batches (2 s with the defaults).
   */
  overLimit(): boolean {
    if (!this.flooding) return false;
    const tokens = this.tokens + ((this.now() - this.last) * this.cfg.outsidePerSecond) / 1000;
    if (tokens >= this.cfg.burst) this.flooding = false;
    return this.flooding;
  }

  /** The limit in words, for refusals and the fault log (built once: refusals come in floods). */
  describe(): string {
    this.words ??=
      `at most ${this.cfg.outsidePerSecond} batches per second outside an open decision request ` +
      `(burst ${this.cfg.burst}; limits.rate)`;
    return this.words;
  }
}

/** The cooldown after the n-th disconnect (n ≥ 1): `cooldownMs`, doubled each time, at most `maxCooldownMs`. */
export function cooldownAfter(n: number, cfg: Pick<RateLimitConfig, 'cooldownMs' | 'maxCooldownMs'>): number {
  // 2^(n-1) overflows to Infinity for a very long run of disconnects; min() then gives the cap.
  return Math.min(cfg.cooldownMs * 2 ** (n - 1), cfg.maxCooldownMs);
}
