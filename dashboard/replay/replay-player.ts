// Plays a timeline onto NATS at a chosen speed: the run's messages go out on the run's own
// subjects, exactly as the arena published them, so the page shows a replay with the same code
// as a live run. The page steers the player over NATS (play, pause, speed, seek, sync) and gets its
// position on a state subject. A seek, and a page that (re)connects, get a reset followed by the
// history up to the position, compacted (only the last depth of each book, the last clock tick).
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  type ReplayControl,
  type ReplayControlReply,
  type ReplayState,
  replayControlSubject,
  replayResetSubject,
  replayStateSubject,
} from '../protocol.js';
import { compacted, indexAfter, type Timeline } from './timeline.js';

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

  /**
   * Applies a page's request (throws on a bad one) and returns the state it leads to, with the
   * publishing it calls for — a reset and the history up to the new position, the state message —
   * left to `publish`, which must run before anything else is published (the step timer runs on
   * the same thread, so calling it in the same turn is enough).
   */
  private accept(c: ReplayControl): { state: ReplayState; publish: () => void } {
    let resendFrom: number | undefined;
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
      default:
        throw new RangeError(`unknown action ${JSON.stringify((c as { action?: unknown })?.action)}`);
    }
    this.lastStep = Date.now();
    return {
      state: this.state,
      publish: () => {
        if (resendFrom !== undefined) this.resend(resendFrom);
        this.publishState();
      },
    };
  }

  private resend(positionMs: number): void {
    this.nc.publish(replayResetSubject(this.timeline.runId), JSON.stringify({ positionMs }));
    this.next = 0;
    this.positionMs = positionMs;
    this.publishUpTo(positionMs);
  }

  private publishUpTo(positionMs: number): void {
    const end = indexAfter(this.timeline.messages, positionMs);
    for (const m of compacted(this.timeline.messages, this.next, end)) this.nc.publish(m.subject, m.data);
    this.next = end;
  }

  private step(): void {
    const now = Date.now();
    const wallMs = now - this.lastStep;
    this.lastStep = now;
    if (!this.playing) return;
    this.positionMs = Math.min(this.timeline.endMs, this.positionMs + wallMs * this.speed);
    this.publishUpTo(this.positionMs);
    if (this.positionMs >= this.timeline.endMs) this.playing = false;
    this.publishState();
  }

  private publishState(): void {
    this.nc.publish(replayStateSubject(this.timeline.runId), JSON.stringify(this.state));
  }
}
