// A raw gRPC session for tests that must misbehave in ways the SDK would not allow.
import { type ClientDuplexStream, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  ArenaServiceClient,
  type SessionRequest,
  type SessionResponse,
} from '../../gen/flexarena/v1/arena_service.js';

export interface RawSession {
  call: ClientDuplexStream<SessionRequest, SessionResponse>;
  client: InstanceType<typeof ArenaServiceClient>;
  /** The first message of this kind not taken yet (messages of other kinds stay queued). */
  next(kind: NonNullable<SessionResponse['kind']>['$case'], timeoutMs?: number): Promise<SessionResponse>;
  /** The next message not taken yet, whatever its kind. */
  nextAny(timeoutMs?: number): Promise<SessionResponse>;
  error: Promise<ServiceError>;
  close(): void;
}

export function openSession(address: string, token: string | undefined): RawSession {
  const client = new ArenaServiceClient(address, credentials.createInsecure());
  const md = new Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  const call = client.session(md);
  const queue: SessionResponse[] = [];
  let waiter: (() => void) | undefined;
  call.on('data', (m: SessionResponse) => {
    queue.push(m);
    waiter?.();
  });
  const error = new Promise<ServiceError>((resolve) => call.on('error', resolve));
  const take = async (match: (m: SessionResponse) => boolean, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = queue.findIndex(match);
      if (i >= 0) return queue.splice(i, 1)[0]!;
      if (Date.now() > deadline) throw new Error(`no ${what} message within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        waiter = r;
        setTimeout(r, 200);
      });
    }
  };
  return {
    call,
    client,
    error,
    next(kind, timeoutMs = 60_000) {
      return take((m) => m.kind?.$case === kind, kind, timeoutMs);
    },
    nextAny(timeoutMs = 60_000) {
      return take(() => true, 'any', timeoutMs);
    },
    close() {
      call.cancel();
      client.close();
    },
  };
}
