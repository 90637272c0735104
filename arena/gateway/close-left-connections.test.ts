// GrpcGateway.close: a connection whose far end never lets its stream end (it keeps its side open
// and so never lets the shutdown's GOAWAY complete — as a far end gone without a word does) is
// destroyed after the wait, so it cannot keep the arena's process alive. grpc-js's forceShutdown
// leaves such a connection open (it destroys only the sessions it tracks for channelz, off here);
// the gateway knows its connections because it listens itself (createConnectionInjector).
import { type ClientHttp2Session, connect } from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionRequest } from '../../gen/flexarena/v1/arena_service.js';
import { Welcome } from '../../gen/flexarena/v1/session.js';
import { hello } from '../../test/helpers/raw-session.js';
import { GrpcGateway } from './grpc-gateway.js';
import { TEST_GATEWAY_LIMITS } from './test-support.js';

let client: ClientHttp2Session | undefined;
afterEach(() => {
  client?.destroy();
  client = undefined;
});

function gateway(): GrpcGateway {
  return new GrpcGateway({
    runId: 'close-test',
    tokens: new Map([['tok', 'a']]),
    welcome: () => Welcome.fromPartial({ runId: 'close-test', agentId: 'a' }),
    marketSpec: () => ({ runId: 'close-test', market: undefined }),
    faults: { fault: () => {} },
    lastReportSeq: () => 0,
    answerOutside: () => {
      throw new Error('no batch is sent in this test');
    },
    limits: TEST_GATEWAY_LIMITS,
  });
}

/** One gRPC message: no compression, big-endian length, the bytes. */
function frame(req: SessionRequest): Buffer {
  const body = Buffer.from(SessionRequest.encode(req).finish());
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

describe('GrpcGateway.close', () => {
  it('destroys a connection whose stream the far end never lets end', { timeout: 20_000 }, async () => {
    const g = gateway();
    const port = await g.listen('127.0.0.1', 0);
    // A plain HTTP/2 client: unlike grpc-js's it does not end its side when the server ends the
    // stream, and on the server's GOAWAY it waits for its open stream (which never ends) to close.
    const c = connect(`http://127.0.0.1:${port}`);
    client = c;
    const closed = new Promise<number>((resolve) => c.once('close', () => resolve(performance.now())));
    c.on('error', () => {});
    const stream = c.request({
      ':method': 'POST',
      ':path': '/flexarena.v1.ArenaService/Session',
      'content-type': 'application/grpc',
      te: 'trailers',
      authorization: 'Bearer tok',
    });
    stream.on('error', () => {});
    const welcomed = new Promise<void>((resolve) => stream.once('data', () => resolve()));
    stream.write(frame(hello()));
    await welcomed;
    expect(g.session('a')).toBeDefined();

    const start = performance.now();
    await g.close();
    const closedAt = await Promise.race([
      closed,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3_000)),
    ]);
    // The gateway waits 2 s for the graceful shutdown, then destroys the connection.
    expect(closedAt, 'the connection was still open 3 s after close() resolved').toBeDefined();
    expect(closedAt! - start).toBeGreaterThanOrEqual(1_900);
  });
});
