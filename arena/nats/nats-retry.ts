// Living through a NATS outage (the server killed and started again on the same port and store):
// the client reconnects by itself, but a JetStream request made meanwhile fails with a timeout
// and a worker, a tournament runner or an evaluator that lets that error through ends, losing the
// game or the feed. A NatsLink watches one connection, says in one line when NATS goes and when
// it comes back, retries JetStream requests until it is back, and gives up with a NatsOutageError
// once an outage has lasted longer than the limit (`--nats-outage-limit`).
import { errors, type NatsConnection } from '@nats-io/transport-node';
import { FlexArenaError } from '../../lib/index.js';
import { causeText } from './outbox-errors.js';

/** How long an outage may last before the process gives up (default of --nats-outage-limit). */
export const DEFAULT_NATS_OUTAGE_LIMIT_MS = 300_000;
/** Between retries while the connection is up but JetStream does not answer. */
const RETRY_PAUSE_MS = 250;

/** A request retried after its owner closed the link (it is stopping): nothing to wait for. */
export class NatsLinkClosedError extends FlexArenaError {
  constructor(readonly doing: string) {
    super(`stopped while ${doing}`);
  }
}

/** NATS stayed away for longer than the limit: what was being done and the last error. */
export class NatsOutageError extends FlexArenaError {
  constructor(
    readonly natsUrl: string,
    readonly limitMs: number,
    readonly doing: string,
    options: { cause: unknown },
  ) {
    super(
      `NATS at ${natsUrl} was away for more than ${limitMs / 1000} s ` +
        `(limit: --nats-outage-limit ${limitMs / 1000}) while ${doing}: ${causeText(options.cause)}`,
      options,
    );
  }
}

/**
 * Errors that say "no answer" rather than "no": a request that timed out, one nobody answered (a
 * server still starting its JetStream), a connection lost under it. Anything else (a stream that
 * does not exist, a bad request, a connection we closed) is the caller's to handle.
 */
function isNoAnswer(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (
      e instanceof errors.TimeoutError ||
      e instanceof errors.NoRespondersError ||
      e instanceof errors.ConnectionError ||
      (e as { status?: unknown }).status === 503
    )
      return true;
  }
  return false;
}

export interface NatsLinkOptions {
  natsUrl: string;
  /** Give up when one outage lasts longer than this (ms; default 300 000; Infinity: never). */
  limitMs?: number;
  log: (line: string) => void;
}

export class NatsLink {
  private awaySince: number | undefined;
  /** Wall time of the outages that ended. */
  private pastOutagesMs = 0;
  /** How many outages began: a request that failed across one is retried whatever its error. */
  private outages = 0;
  private waiters: (() => void)[] = [];
  private giveUpTimer: NodeJS.Timeout | undefined;
  private failureListeners: ((err: NatsOutageError) => void)[] = [];
  private closed = false;
  readonly limitMs: number;
  failure: NatsOutageError | undefined;

  constructor(
    readonly nc: NatsConnection,
    private readonly o: NatsLinkOptions,
  ) {
    this.limitMs = o.limitMs ?? DEFAULT_NATS_OUTAGE_LIMIT_MS;
    void this.watch();
  }

  get away(): boolean {
    return this.awaySince !== undefined;
  }

  /** Milliseconds that run only while NATS is there: for timeouts that must not count an outage. */
  upClock(): number {
    const now = Date.now();
    return now - this.pastOutagesMs - (this.awaySince === undefined ? 0 : now - this.awaySince);
  }

  /** Called once, when an outage outlasted the limit. */
  onFailure(listener: (err: NatsOutageError) => void): void {
    if (this.failure) listener(this.failure);
    else this.failureListeners.push(listener);
  }

  /** Resolves at once while NATS is there, else when it is back; rejects when the limit is hit. */
  async whileAway(): Promise<void> {
    while (this.away && !this.closed) {
      if (this.failure) throw this.failure;
      await this.backOr(60_000);
    }
    if (this.failure) throw this.failure;
  }

  /**
   * `op` until it succeeds. A failure that is no answer (a timeout, no responders) or that spans
   * an outage is retried once NATS is back; `op` must be safe to repeat (a publish with a
   * Nats-Msg-Id, an ack, a lookup). Rejects with a NatsOutageError when NATS has not answered for
   * the limit, counted from the outage's start or else from the first failure.
   */
  async retry<T>(doing: string, op: () => Promise<T>): Promise<T> {
    let firstFailure: number | undefined;
    let told = false;
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.closed) throw new NatsLinkClosedError(doing);
      const outagesBefore = this.outages;
      try {
        return await op();
      } catch (err) {
        if (!isNoAnswer(err) && !this.away && this.outages === outagesBefore) throw err;
        firstFailure ??= Date.now();
        const since = Math.min(firstFailure, this.awaySince ?? firstFailure);
        if (Date.now() - since >= this.limitMs) throw this.giveUp(doing, err);
        if (!this.away && !told) {
          told = true;
          this.o.log(`NATS at ${this.o.natsUrl} did not answer while ${doing} (${causeText(err)}): retrying`);
        }
        await this.backOr(RETRY_PAUSE_MS);
      }
    }
  }

  /** Ends the watching and any retry still waiting (the connection is closed by its owner). */
  close(): void {
    this.closed = true;
    clearTimeout(this.giveUpTimer);
    this.wake();
  }

  private async watch(): Promise<void> {
    try {
      for await (const s of this.nc.status()) {
        if (s.type === 'disconnect') this.gone();
        else if (s.type === 'reconnect') this.back();
      }
    } catch {
      // The iterator ends with the connection.
    }
  }

  private gone(): void {
    if (this.away || this.nc.isClosed()) return;
    this.awaySince = Date.now();
    this.outages++;
    const limited = Number.isFinite(this.limitMs);
    this.o.log(
      `NATS at ${this.o.natsUrl} gone: waiting for it to come back` +
        (limited ? ` for up to ${this.limitMs / 1000} s (--nats-outage-limit)` : ''),
    );
    if (!limited) return;
    this.giveUpTimer = setTimeout(
      () => this.giveUp('waiting for it to come back', new Error('disconnected')),
      this.limitMs,
    );
  }

  private back(): void {
    if (this.awaySince === undefined) return;
    const ms = Date.now() - this.awaySince;
    this.pastOutagesMs += ms;
    this.awaySince = undefined;
    clearTimeout(this.giveUpTimer);
    this.o.log(`NATS at ${this.o.natsUrl} back after ${(ms / 1000).toFixed(1)} s`);
    this.wake();
  }

  private giveUp(doing: string, cause: unknown): NatsOutageError {
    if (this.failure) return this.failure;
    this.failure = new NatsOutageError(this.o.natsUrl, this.limitMs, doing, { cause });
    clearTimeout(this.giveUpTimer);
    for (const l of this.failureListeners.splice(0)) l(this.failure);
    this.wake();
    return this.failure;
  }

  /** Resolves when NATS is back, the link gives up, or after `ms`. */
  private backOr(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.push(done);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
