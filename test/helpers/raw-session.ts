// A session that sends raw bytes (anything the wire can carry, not only valid SessionRequests),
// with its messages and its end as one queue of events, for tests of the gateway's limits.
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { SessionRequest, SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import type { MarketSpec } from '../../gen/flexarena/v1/market.js';
import type { Welcome } from '../../gen/flexarena/v1/session.js';

export type SessionEvent =
  | { type: 'data'; message: SessionResponse }
  | { type: 'error'; error: ServiceError }
  | { type: 'end' };

export interface RawBytesSession {
  send(bytes: Buffer): void;
  sendRequest(req: SessionRequest): void;
  /** The next event, or throws after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SessionEvent>;
  /** Closes the sending side (half-close): no more requests. */
  halfClose(): void;
  close(): void;
}

const SESSION = '/flexarena.v1.ArenaService/Session';

export function rawClient(address: string): Client {
  return new Client(address, credentials.createInsecure(), {
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  });
}

export function bearer(token: string | undefined, header = 'authorization'): Metadata {
  const md = new Metadata();
  if (token) md.set(header, header === 'authorization' ? `Bearer ${token}` : token);
  return md;
}

export function openRawSession(client: Client, md: Metadata): RawBytesSession {
  const call = client.makeBidiStreamRequest(
    SESSION,
    (b: Buffer) => b,
    (b: Buffer) => SessionResponse.decode(b),
    md,
  );
  const events: SessionEvent[] = [];
  let wake: (() => void) | undefined;
  const push = (e: SessionEvent) => {
    events.push(e);
    wake?.();
  };
  call.on('data', (message: SessionResponse) => push({ type: 'data', message }));
  call.on('error', (error: ServiceError) => push({ type: 'error', error }));
  call.on('end', () => push({ type: 'end' }));
  return {
    send: (bytes) => void call.write(bytes),
    sendRequest: (req) => void call.write(Buffer.from(SessionRequest.encode(req).finish())),
    async next(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length === 0) {
        if (Date.now() > deadline) throw new Error(`no session event within ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 200);
        });
      }
      return events.shift()!;
    },
    halfClose: () => void call.end(),
    close: () => call.cancel(),
  };
}

/** The next event that is not an ActionAck or WakeUp of no interest: skips data until `pred`. */
export async function nextMatching(
  s: RawBytesSession,
  pred: (e: SessionEvent) => boolean,
  timeoutMs = 60_000,
): Promise<SessionEvent> {
  for (;;) {
    const e = await s.next(timeoutMs);
    if (pred(e)) return e;
    if (e.type !== 'data') throw new Error(`session ended unexpectedly: ${JSON.stringify(e)}`);
  }
}

export function hello(lastReportSeq = 0): SessionRequest {
  return {
    kind: {
      $case: 'hello',
      value: {
        sdkName: 'test',
        sdkVersion: '0',
        strategy: 'raw',
        lastReportSeq,
        wakeUpEncoding: 0,
        acksInWakeUp: false,
      },
    },
  };
}

/**
 * Says hello on `s`, takes the welcome and answers wake-ups with nothing until one has a product
 * open for at least another hour: the wake-up a test answers with the batch it is about.
 */
export async function helloUntilOpenProduct(
  s: RawBytesSession,
): Promise<{ market: MarketSpec; wakeId: number; productId: string }> {
  s.sendRequest(hello());
  const w = await nextMatching(s, (e) => e.type === 'data' && e.message.kind?.$case === 'welcome');
  const welcome = (w.type === 'data' &&
    w.message.kind?.$case === 'welcome' &&
    w.message.kind.value) as Welcome;
  const market = welcome.market!;
  for (;;) {
    const e = await nextMatching(s, (x) => x.type === 'data' && x.message.kind?.$case === 'wakeUp');
    const wake = e.type === 'data' && e.message.kind?.$case === 'wakeUp' ? e.message.kind.value : undefined;
    const p = market.products.find(
      (q) => q.tradingOpenMs <= wake!.timeMs && q.gateClosureMs > wake!.timeMs + 3_600_000,
    );
    if (p) return { market, wakeId: wake!.wakeId, productId: p.productId };
    s.sendRequest({ kind: { $case: 'actionBatch', value: { wakeId: wake!.wakeId, actions: [] } } });
  }
}
