// Public market data onto core NATS: best effort, as any market data feed; nats.js buffers while
// it reconnects. Messages published while the connection is away are counted apart: they leave
// only if it comes back, so the run's figures do not claim as published what sat in a buffer
// until the end; past a bound they are dropped (and counted) rather than held, so a long outage
// cannot grow the buffer without end.
import type { NatsConnection } from '@nats-io/transport-node';

/** Public messages held in nats.js's buffer while the connection is away, at most. */
export const MAX_PUBLIC_HELD_WHILE_AWAY = 10_000;

export class PublicPublisher {
  private away = false;
  private sent = 0;
  private held = 0;
  private dropped = 0;

  constructor(private readonly nc: NatsConnection) {
    void this.watch();
  }

  /** Public messages handed to a connected client, or held while away and sent on its return. */
  get published(): number {
    return this.sent;
  }

  /** Public messages refused by the client, beyond the bound while away, or still held (away now). */
  get droppedPublic(): number {
    return this.dropped + (this.away ? this.held : 0);
  }

  publish(subject: string, payload: string | Uint8Array): void {
    if (this.away && this.held >= MAX_PUBLIC_HELD_WHILE_AWAY) {
      this.dropped++;
      return;
    }
    try {
      this.nc.publish(subject, payload);
      if (this.away) this.held++;
      else this.sent++;
    } catch {
      this.dropped++;
    }
  }

  private async watch(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect') this.away = true;
      else if (s.type === 'reconnect') {
        // nats.js flushes what it held as soon as it is connected again.
        this.away = false;
        this.sent += this.held;
        this.held = 0;
      }
    }
  }
}
