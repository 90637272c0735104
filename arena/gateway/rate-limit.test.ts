// The outside-batch token bucket on a hand-driven clock: the burst passes, then one typed refusal
// per run of refusals, the stream ends after `disconnectAfter` refusals in a streak, a quiet
// period that refills the bucket ends the streak, a reconnect does not refill it, and each further
// disconnect doubles the cooldown up to its cap.
import { describe, expect, it } from 'vitest';
import { cooldownAfter, OutsideRateLimit, type RateLimitConfig } from './rate-limit.js';

const BASE: RateLimitConfig = {
  outsidePerSecond: 10,
  burst: 3,
  disconnectAfter: 5,
  cooldownMs: 0,
  maxCooldownMs: 0,
};

/** A limiter on a hand-driven clock: BASE with what the case changes. */
function limiter(changes: Partial<RateLimitConfig> = {}) {
  const cfg = { ...BASE, ...changes };
  let t = 0;
  const rl = new OutsideRateLimit(cfg, () => t);
  return { rl, advance: (ms: number) => (t += ms) };
}

describe('OutsideRateLimit', () => {
  it('passes the burst, refuses once, then drops, and ends the stream after a streak of refusals', () => {
    const { rl } = limiter();
    const verdicts = Array.from({ length: 8 }, () => rl.take());
    expect(verdicts).toEqual(['pass', 'pass', 'pass', 'refuse', 'drop', 'drop', 'drop', 'disconnect']);
    expect(rl.refused).toBe(5);
    expect(rl.disconnects).toBe(1);
  });

  it('refills at the configured rate: one more batch per 100 ms at 10/s, and answers again after it', () => {
    const { rl, advance } = limiter();
    for (let i = 0; i < 3; i++) rl.take();
    expect(rl.take()).toBe('refuse');
    advance(99);
    expect(rl.take()).toBe('drop');
    advance(1);
    expect(rl.take()).toBe('pass');
    // A new run of refusals gets its own typed refusal.
    expect(rl.take()).toBe('refuse');
  });

  it('a steady flood above the rate is disconnected even though single batches pass in between', () => {
    const { rl, advance } = limiter({ disconnectAfter: 50 });
    let verdict = '';
    let sent = 0;
    while (verdict !== 'disconnect' && sent < 10_000) {
      advance(1); // 1000 batches per second
      verdict = rl.take();
      sent++;
    }
    expect(verdict).toBe('disconnect');
    expect(sent).toBeLessThan(60);
  });

  it('a quiet period that fills the bucket ends the streak; the bucket is not refilled by a reconnect', () => {
    const { rl, advance } = limiter();
    for (let i = 0; i < 7; i++) rl.take(); // 3 pass, 4 refused: one short of a disconnect
    advance(300); // full again
    expect(rl.take()).toBe('pass');
    expect(rl.take()).toBe('pass');
    expect(rl.take()).toBe('pass');
    // A fresh streak: four refusals do not disconnect.
    expect([rl.take(), rl.take(), rl.take(), rl.take()]).toEqual(['refuse', 'drop', 'drop', 'drop']);
    expect(rl.take()).toBe('disconnect');
    // Right after the disconnect (the agent reconnects at once) the bucket is still empty.
    expect(rl.take()).toBe('refuse');
  });

  it('is over its limit from a refusal until the bucket is full again, not merely until it earns a token', () => {
    const { rl, advance } = limiter();
    for (let i = 0; i < 3; i++) rl.take();
    expect(rl.overLimit()).toBe(false);
    expect(rl.take()).toBe('refuse');
    expect(rl.overLimit()).toBe(true);
    advance(100); // one token earned: a flood that pauses this long has not stopped
    expect(rl.overLimit()).toBe(true);
    advance(199); // 2.99 of 3 tokens
    expect(rl.overLimit()).toBe(true);
    advance(1); // full: burst / outsidePerSecond after the refusal
    expect(rl.overLimit()).toBe(false);
    // A batch that passes afterwards does not make it a flooder again.
    expect(rl.take()).toBe('pass');
    expect(rl.overLimit()).toBe(false);
  });

  it('earns nothing during the cooldown after a disconnect: it comes back empty and over its limit', () => {
    const { rl, advance } = limiter({ disconnectAfter: 2, cooldownMs: 1_000, maxCooldownMs: 1_000 });
    expect([rl.take(), rl.take(), rl.take(), rl.take(), rl.take()]).toEqual([
      'pass',
      'pass',
      'pass',
      'refuse',
      'disconnect',
    ]);
    advance(1_000); // the cooldown: 10 tokens' worth, all of them owed
    expect(rl.overLimit()).toBe(true);
    expect(rl.take()).toBe('refuse');
    advance(299);
    expect(rl.overLimit()).toBe(true);
    advance(1); // 300 ms quiet after the cooldown fills the bucket (3 at 10/s)
    expect(rl.overLimit()).toBe(false);
    expect(rl.take()).toBe('pass');
  });

  it('doubles the cooldown at each further disconnect, up to its cap, and owes the whole of it', () => {
    const { rl, advance } = limiter({ disconnectAfter: 2, cooldownMs: 1_000, maxCooldownMs: 3_000 });
    const floodUntilDisconnect = () => {
      let n = 0;
      while (rl.take() !== 'disconnect') n++;
      return n;
    };
    const cooldowns: number[] = [];
    for (let k = 0; k < 4; k++) {
      floodUntilDisconnect();
      cooldowns.push(rl.cooldownMs);
      // Back after exactly its cooldown: nothing earned, still refused at once.
      advance(rl.cooldownMs);
      expect(rl.take()).toBe('refuse');
    }
    expect(cooldowns).toEqual([1_000, 2_000, 3_000, 3_000]);
    expect(rl.disconnects).toBe(4);
  });
});

describe('cooldownAfter', () => {
  it('is the first cooldown, doubled per further disconnect, never above the cap (also for huge counts)', () => {
    const cfg = { cooldownMs: 2_000, maxCooldownMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => cooldownAfter(n, cfg))).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(cooldownAfter(5_000, cfg)).toBe(60_000);
    expect(cooldownAfter(3, { cooldownMs: 0, maxCooldownMs: 0 })).toBe(0);
  });
});
