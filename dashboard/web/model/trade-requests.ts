// The replay page's requests for a product's trades that a snapshot left out (the player's
// `trades` control). Each product is asked once per reset. A request that fails (the player busy
// past the request's timeout, NATS reconnecting) is tried again after a growing wait, a bounded
// number of times: before, the product was marked asked and never asked again until the next
// reset, so its trades table stayed short of the trades the snapshot left out.
// After the last try the failure is reported and the product stays asked (the page re-renders every
// frame, so forgetting it would ask again without bound); a reset (a seek, play from a new
// position) starts afresh and asks again.

/** Waits before the 2nd, 3rd, … try (ms): five tries over 7.5 s. */
export const TRADE_RETRY_DELAYS_MS: readonly number[] = [500, 1_000, 2_000, 4_000];

export interface TradeRequestOptions {
  /** Sends one request; rejects when it failed. */
  send: (productId: string) => Promise<unknown>;
  /** Waits before another try (default: the delays above). */
  delaysMs?: readonly number[];
  /** How to wait (default setTimeout); tests pass their own. */
  wait?: (ms: number) => Promise<void>;
  /** A try failed and another follows after `delayMs`. */
  onRetry?: (productId: string, err: Error, delayMs: number) => void;
  /** A try after failed ones succeeded. */
  onRecovered?: (productId: string, tries: number) => void;
  /** Every try failed. */
  onGiveUp?: (productId: string, err: Error, tries: number) => void;
}

export class TradeRequests {
  private asked = new Set<string>();
  /** Bumped by reset(): a retry of an earlier generation stops (its answer would be stale). */
  private generation = 0;
  private readonly delays: readonly number[];
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly o: TradeRequestOptions) {
    this.delays = o.delaysMs ?? TRADE_RETRY_DELAYS_MS;
    this.wait = o.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Asks for the product's trades unless asked since the last reset. */
  ask(productId: string): void {
    if (this.asked.has(productId)) return;
    this.asked.add(productId);
    void this.tryAsk(productId, this.generation);
  }

  /** A reset of the page: products are asked again, and retries in progress stop. */
  reset(): void {
    this.generation++;
    this.asked = new Set();
  }

  private async tryAsk(productId: string, generation: number): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await this.o.send(productId);
        if (tries > 1 && generation === this.generation) this.o.onRecovered?.(productId, tries);
        return;
      } catch (e) {
        if (generation !== this.generation) return;
        const err = e instanceof Error ? e : new Error(String(e));
        const delay = this.delays[tries - 1];
        if (delay === undefined) {
          this.o.onGiveUp?.(productId, err, tries);
          return;
        }
        this.o.onRetry?.(productId, err, delay);
        await this.wait(delay);
        if (generation !== this.generation) return;
      }
    }
  }
}
