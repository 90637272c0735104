// JetStream publishing for the outbox without nats.js's request machinery. A JetStream publish is a
// core publish with a reply subject, answered by the stream with its acknowledgement (or an error);
// nats.js's js.publish makes each one a full request — its own promise chain, a timer, a
// muxed-inbox entry and an Error object built whether or not it fails — ~100 µs of CPU per record
// (scripts/bench/jetstream-cost.ts: 2 880 records, ~200–300 ms against ~80 ms this way). Here every
// publish is a core publish to one inbox subscription with the record's number as the last token,
// and the answer settles it: the same bytes on the wire, the same answers, the same failure kinds
// (classifyPublishError reads them the same).
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import {
  createInbox,
  headers,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';

const MSG_ID_HEADER = 'Nats-Msg-Id';
/** The status a server answers a request with when nothing listens on its subject. */
const NO_RESPONDERS = 503;

/**
 * The stream does not answer on the subject (no stream captures it, or JetStream is not enabled):
 * named as nats.js names it, so the outbox looks the stream up before the next attempt.
 */
export class JetStreamNotEnabled extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JetStreamNotEnabled';
  }
}

/** No acknowledgement within the timeout: the record may or may not be stored. */
export class PublishAckTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishAckTimeoutError';
  }
}

/** The publish will not be answered on this connection (lost, or the publisher closed). */
export class PublishAbandonedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishAbandonedError';
  }
}

export interface PublishAck {
  /** The stream already held a message with this Nats-Msg-Id (within its duplicate window). */
  duplicate: boolean;
}

interface Waiting {
  resolve(ack: PublishAck): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

const decoder = new TextDecoder();

export class JetStreamAckPublisher {
  private readonly inbox = createInbox();
  private readonly waiting = new Map<number, Waiting>();
  private readonly sub: Subscription;
  private next = 1;

  constructor(private readonly nc: NatsConnection) {
    this.sub = nc.subscribe(`${this.inbox}.*`, { callback: (err, msg) => this.answer(err, msg) });
  }

  /**
   * Publishes `payload` on `subject` with the Nats-Msg-Id `msgId`; resolves with the stream's
   * acknowledgement. Throws at once what nats.js's publish throws (a payload above the server's
   * limit, a bad subject); rejects with JetStreamApiError (the stream refused it),
   * JetStreamNotEnabled (no stream answered), PublishAckTimeoutError or PublishAbandonedError.
   */
  publish(subject: string, payload: Uint8Array, msgId: string, timeoutMs: number): Promise<PublishAck> {
    const id = this.next++;
    const h = headers();
    h.set(MSG_ID_HEADER, msgId);
    // First, so that a publish the client refuses leaves nothing waiting.
    this.nc.publish(subject, payload, { reply: `${this.inbox}.${id}`, headers: h });
    return new Promise<PublishAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(
          new PublishAckTimeoutError(`no acknowledgement of ${msgId} on ${subject} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
    });
  }

  /** Publishes waiting for an answer (for tests). */
  get pending(): number {
    return this.waiting.size;
  }

  /** Fails every publish still waiting: their answers will not come (the connection was lost). */
  abandonAll(reason: string): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of all) {
      clearTimeout(w.timer);
      w.reject(new PublishAbandonedError(reason));
    }
  }

  close(): void {
    this.sub.unsubscribe();
    this.abandonAll('publisher closed before the acknowledgement');
  }

  private answer(err: Error | null, msg: Msg): void {
    if (err) {
      // The subscription itself failed (e.g. a permission violation): nothing will be answered.
      this.abandonAll(`acknowledgement subscription failed: ${err.message}`);
      return;
    }
    const id = Number(msg.subject.slice(this.inbox.length + 1));
    const w = this.waiting.get(id);
    if (!w) return; // answered after its timeout, or abandoned
    this.waiting.delete(id);
    clearTimeout(w.timer);
    try {
      w.resolve(parseAck(msg));
    } catch (e) {
      w.reject(e as Error);
    }
  }
}

/** The acknowledgement in `msg`, or the error it stands for (as nats.js's js.publish raises it). */
function parseAck(msg: Msg): PublishAck {
  if (msg.headers?.code === NO_RESPONDERS && msg.data.length === 0)
    throw new JetStreamNotEnabled('no responders: no stream answers on the subject');
  const r = JSON.parse(decoder.decode(msg.data)) as {
    stream?: string;
    duplicate?: boolean;
    error?: { code: number; err_code: number; description: string };
  };
  if (r.error) {
    const apiError = new JetStreamApiError(r.error);
    if (r.error.err_code === JetStreamApiCodes.JetStreamNotEnabledForAccount)
      throw new JetStreamNotEnabled(apiError.message);
    throw apiError;
  }
  if (typeof r.stream !== 'string' || r.stream === '') throw new Error('invalid acknowledgement: no stream');
  return { duplicate: r.duplicate === true };
}
