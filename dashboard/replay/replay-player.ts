// Plays a timeline onto NATS at a chosen speed: the run's messages go out on the run's own
// subjects, exactly as the arena published them, so the page shows a replay with the same code
// as a live run. The page steers the player over NATS (play, pause, speed, seek, sync) and gets its
// position on a state subject. A seek, and a page that (re)connects, get a reset followed by what
// the page draws at the position (a snapshot of its state, in parts paced by the connection) —
// not the history up to there, which for a four-month run was 100 MB at once and got the page
// dropped by nats-server as a slow reader.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  MAX_CONTROL_PRODUCTS,
  type ReplayControl,
  type ReplayControlReply,
  type ReplayReset,
  type ReplayState,
  replayControlSubject,
  replayResetSubject,
  replaySnapshotSubject,
  replayStateSubject,
  replayTradesSubject,
} from '../protocol.js';
import { compacted, type Timeline } from './timeline.js';

/** Characters per snapshot message (nats-server's max_payload is 1 MiB). */
export const SNAPSHOT_PART = 256 * 1024;
/** Bytes published before the player waits for nats-server to have taken them in. */
const FLUSH_EVERY = 1 << 20;

export const REPLAY_SPEEDS = [60, 300, 900, 3600, 14_400, 86_400];
/** The fastest replay, virtual seconds per wall second (a day in about a tenth of a second). */
export const MAX_SPEED = 1_000_000;

export interface ReplayPlayerOptions {
  /** Virtual seconds per wall second. */
  speed: number;
  /** Wall time between two publishing steps. */
  stepMs?: number;
}

export class ReplayPlayer {
  private positionMs: number;
  /** Messages before this index have been published since the last reset. */
  private next = 0;
  private playing = false;
  private speed: number;
  private synced = false;
  private timer: NodeJS.Timeout | undefined;
  private sub: Subscription | undefined;
  private lastStep = 0;
  /** A reset and its snapshot are being sent: nothing else is published meanwhile. */
  private sending = false;
  /** Counts resets: a newer one (or stop) makes an older one stop sending. */
  private resets = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeline: Timeline,
    private readonly opts: ReplayPlayerOptions,
  ) {
    this.positionMs = timeline.startMs;
    this.speed = opts.speed;
  }

  get state(): ReplayState {
    const { startMs, endMs } = this.timeline;
    return { positionMs: this.positionMs, startMs, endMs, speed: this.speed, playing: this.playing };
  }

  /**
   * Listens for control requests and starts the clock; resolves once nats-server has the
   * subscription, so that a page told about the player after this gets an answer (a request sent
   * before it arrives would get "no responders").
   */
  async start(): Promise<void> {
    this.sub = this.nc.subscribe(replayControlSubject(this.timeline.runId), {
      callback: (err, msg) => {
        if (err) return;
        let reply: ReplayControlReply;
        let publish = () => {};
        try {
          const accepted = this.accept(JSON.parse(msg.string()) as ReplayControl);
          reply = { ok: true, state: accepted.state };
          publish = accepted.publish;
        } catch (e) {
          reply = { ok: false, error: (e as Error).message };
        }
        // The answer first, then the history it asked for: the page reads its connection in order,
        // and the history up to the end of a month-long run took it 6.5 s to take in — behind it,
        // the answer came after the page's 5 s request timeout ('replay: timeout' on a seek that
        // worked).
        msg.respond(JSON.stringify(reply));
        publish();
      },
    });
    this.lastStep = Date.now();
    this.timer = setInterval(() => this.step(), this.opts.stepMs ?? 50);
    await this.nc.flush();
  }

  async stop(): Promise<void> {
    this.resets++;
    clearInterval(this.timer);
    this.sub?.unsubscribe();
    await this.nc.flush().catch(() => undefined);
  }

  /** Applies a page's request and publishes what it asks for; throws on a bad one. */
  control(c: ReplayControl): ReplayState {
    const { state, publish } = this.accept(c);
    publish();
    return state;
  }

  /** Resolves once a reset's snapshot has been sent (at once when none is being sent). */
  async settled(): Promise<void> {
    while (this.sending) await new Promise((r) => setTimeout(r, 5));
  }

  /**
   * Applies a page's request (throws on a bad one) and returns the state it leads to, with the
   * publishing it calls for — a reset and the history up to the new position, the state message —
   * left to `publish`, which must run before anything else is published (the step timer runs on
   * the same thread, so calling it in the same turn is enough).
   */
  private accept(c: ReplayControl): { state: ReplayState; publish: () => void } {
    let resendFrom: number | undefined;
    const products =
      c?.action === 'sync' || c?.action === 'play' || c?.action === 'seek' ? productsOf(c) : [];
    switch (c?.action) {
      case 'sync':
        // A page that just subscribed: show it everything up to now; the first one starts playback.
        resendFrom = this.positionMs;
        if (!this.synced) this.playing = this.positionMs < this.timeline.endMs;
        this.synced = true;
        break;
      case 'play':
        if (this.positionMs >= this.timeline.endMs) {
          resendFrom = this.timeline.startMs;
          this.positionMs = resendFrom;
        }
        this.playing = true;
        break;
      case 'pause':
        this.playing = false;
        break;
      case 'speed':
        if (typeof c.speed !== 'number' || !Number.isFinite(c.speed) || c.speed <= 0 || c.speed > MAX_SPEED)
          throw new RangeError(
            `speed must be a number in (0, ${MAX_SPEED}] virtual seconds per second, got ${c.speed}`,
          );
        this.speed = c.speed;
        break;
      case 'seek': {
        const { startMs, endMs } = this.timeline;
        if (typeof c.positionMs !== 'number' || !(c.positionMs >= startMs && c.positionMs <= endMs))
          throw new RangeError(`positionMs must be within [${startMs}, ${endMs}], got ${c.positionMs}`);
        resendFrom = c.positionMs;
        this.positionMs = resendFrom;
        break;
      }
      case 'trades': {
        if (typeof c.productId !== 'string' || c.productId === '')
          throw new RangeError(`productId must be a product id, got ${JSON.stringify(c.productId)}`);
        const { productId } = c;
        return { state: this.state, publish: () => void this.sendTrades(productId) };
      }
      default:
        throw new RangeError(`unknown action ${JSON.stringify((c as { action?: unknown })?.action)}`);
    }
    this.lastStep = Date.now();
    return {
      state: this.state,
      publish: () => {
        // After a reset the state follows the snapshot (the page's new store takes it then).
        if (resendFrom !== undefined) void this.resend(resendFrom, products);
        else this.publishState();
      },
    };
  }

  /**
   * A reset, then what the page draws at `positionMs` in parts: after each FLUSH_EVERY bytes the
   * player waits until nats-server has taken them in, so a seek never puts more than that on the
   * wire at once; a newer reset ends this one.
   */
  private async resend(positionMs: number, products: readonly string[]): Promise<void> {
    const reset = ++this.resets;
    this.sending = true;
    this.positionMs = positionMs;
    const end = this.timeline.messages.indexAfter(positionMs);
    const snapshot = this.timeline.messages.snapshotAt(end, products);
    const parts = splitText(JSON.stringify(snapshot), SNAPSHOT_PART);
    const { runId } = this.timeline;
    const body: ReplayReset = { positionMs, parts: parts.length };
    this.nc.publish(replayResetSubject(runId), JSON.stringify(body));
    let unflushed = 0;
    for (const part of parts) {
      this.nc.publish(replaySnapshotSubject(runId), part);
      unflushed += part.length;
      if (unflushed >= FLUSH_EVERY) {
        unflushed = 0;
        await this.nc.flush().catch(() => undefined);
        if (reset !== this.resets) return;
      }
    }
    this.next = end;
    this.sending = false;
    this.lastStep = Date.now();
    this.publishState();
  }

  /**
   * A product's last trades up to what has been published (once a reset being sent is done), on
   * the trades subject: the page receives them after every message they include and before any
   * they do not.
   */
  private async sendTrades(productId: string): Promise<void> {
    await this.settled();
    const trades = this.timeline.messages.tradesAt(this.next, productId);
    this.nc.publish(replayTradesSubject(this.timeline.runId), JSON.stringify({ productId, trades }));
  }

  private publishUpTo(positionMs: number): void {
    const end = this.timeline.messages.indexAfter(positionMs);
    for (const m of compacted(this.timeline.messages.read(this.next, end), 0, end - this.next))
      this.nc.publish(m.subject, m.data);
    this.next = end;
  }

  private step(): void {
    const now = Date.now();
    const wallMs = now - this.lastStep;
    this.lastStep = now;
    if (!this.playing || this.sending) return;
    this.positionMs = Math.min(this.timeline.endMs, this.positionMs + wallMs * this.speed);
    this.publishUpTo(this.positionMs);
    if (this.positionMs >= this.timeline.endMs) this.playing = false;
    this.publishState();
  }

  private publishState(): void {
    this.nc.publish(replayStateSubject(this.timeline.runId), JSON.stringify(this.state));
  }
}

/** A control request's `products`: product ids, at most MAX_CONTROL_PRODUCTS; none if absent. */
function productsOf(c: { products?: unknown }): string[] {
  const p = c.products;
  if (p === undefined) return [];
  if (!Array.isArray(p) || !p.every((x) => typeof x === 'string'))
    throw new RangeError(`products must be a list of product ids, got ${JSON.stringify(p)}`);
  if (p.length > MAX_CONTROL_PRODUCTS)
    throw new RangeError(`products may name at most ${MAX_CONTROL_PRODUCTS} products, got ${p.length}`);
  return p;
}

/** `text` in pieces of at most `size` characters, never between the two halves of a surrogate pair. */
export function splitText(text: string, size: number): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; ) {
    let j = Math.min(text.length, i + size);
    const c = text.charCodeAt(j - 1);
    if (j < text.length && c >= 0xd800 && c <= 0xdbff) j--;
    parts.push(text.slice(i, j));
    i = j;
  }
  return parts;
}
