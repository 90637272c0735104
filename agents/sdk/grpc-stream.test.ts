// The lean session stream against a real grpc-js server: messages both ways in any chunking,
// metadata, and every way a call ends mapped to the status grpc-js would report.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { closeRawServers, type RawCall, serveRawStream } from '../../test/helpers/raw-session-server.js';
import { frame, type GrpcStreamError, MessageFramer, openGrpcStream } from './grpc-stream.js';

type Session = RawCall;
afterEach(closeRawServers);

const serve = (session: (call: Session) => void): Promise<string> =>
  serveRawStream('/test.v1.Echo/Echo', session);

interface Outcome {
  messages: Buffer[];
  end: boolean;
  error?: GrpcStreamError;
}

function call(
  address: string,
  opts: { path?: string; maxReceiveBytes?: number; deserialize?: (b: Buffer) => Buffer } = {},
) {
  const outcome: Outcome = { messages: [], end: false };
  let settle: () => void = () => {};
  const done = new Promise<Outcome>((r) => {
    settle = () => r(outcome);
  });
  const stream = openGrpcStream<Buffer, Buffer>(
    {
      address,
      path: opts.path ?? '/test.v1.Echo/Echo',
      metadata: { authorization: 'Bearer t0k3n' },
      serialize: (b) => b,
      deserialize: opts.deserialize ?? ((b) => Buffer.from(b)),
      maxReceiveBytes: opts.maxReceiveBytes,
      flowControlWindow: 1 << 20,
    },
    {
      onMessage: (m) => outcome.messages.push(m),
      onEnd: () => {
        outcome.end = true;
        settle();
      },
      onError: (e) => {
        outcome.error = e;
        settle();
      },
    },
  );
  return { stream, done, outcome };
}

// Generous: the suite runs files in parallel on a shared two-core machine.
const POLL = { timeout: 15_000 };
const bytes = (n: number, seed: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

describe('MessageFramer', () => {
  it('gives the same messages however the body is cut into chunks', () => {
    const messages = [0, 1, 4, 5, 6, 300, 3_000, 0, 2].map((n, i) => bytes(n, i));
    const body = Buffer.concat(messages.map(frame));
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 70; trial++) {
      const framer = new MessageFramer(1 << 20);
      const got: Buffer[] = [];
      // Cuts anywhere: inside headers, at message bounds, several messages in one chunk.
      const maxChunk = [1, 3, 5, 7, 64, 4096, body.length][trial % 7] ?? 1;
      for (let at = 0; at < body.length; ) {
        const n = Math.max(1, Math.floor(random() * maxChunk));
        framer.push(body.subarray(at, at + n), (m) => got.push(Buffer.from(m)));
        at += n;
      }
      expect(got).toEqual(messages);
      expect(framer.partial).toBe(false);
    }
  });

  it('refuses a compressed message and one above the limit, naming the limit', () => {
    const compressed = frame(bytes(3, 1));
    compressed[0] = 1;
    expect(() => new MessageFramer(100).push(compressed, () => {})).toThrow(/compressed/);
    expect(() => new MessageFramer(100).push(frame(bytes(101, 1)), () => {})).toThrow(
      /larger than max \(101 vs\. 100\)/,
    );
  });

  it('knows when a stream stops inside a message', () => {
    const framer = new MessageFramer(100);
    framer.push(frame(bytes(10, 1)).subarray(0, 8), () => {});
    expect(framer.partial).toBe(true);
  });
});

describe('openGrpcStream against a grpc-js server', () => {
  it('carries messages both ways, the metadata, and ends with OK', async () => {
    let auth: unknown;
    const address = await serve((c) => {
      auth = c.metadata.get('authorization')[0];
      c.on('data', (m: Buffer) => c.write(Buffer.concat([m, m])));
      c.on('end', () => c.end());
    });
    const { stream, done } = call(address);
    const sent = [bytes(1, 1), bytes(0, 2), bytes(200_000, 3), bytes(17, 4)];
    for (const m of sent) stream.write(m);
    stream.end();
    const out = await done;
    stream.close();
    expect(auth).toBe('Bearer t0k3n');
    expect(out.error).toBeUndefined();
    expect(out.end).toBe(true);
    // Compared as hex: a deep equality walks a 400 kB buffer byte by byte.
    expect(out.messages.map((m) => m.toString('hex'))).toEqual(
      sent.map((m) => Buffer.concat([m, m]).toString('hex')),
    );
  });

  it('reports the server status and its message', async () => {
    const address = await serve((c) => {
      c.once('data', () =>
        c.emit('error', { code: grpc.status.PERMISSION_DENIED, details: 'token ünknown: 50%' }),
      );
    });
    const { stream, done } = call(address);
    stream.write(bytes(3, 1));
    const out = await done;
    stream.close();
    expect(out.error?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(out.error?.details).toBe('token ünknown: 50%');
  });

  it('reports a status sent before any message (trailers only)', async () => {
    const address = await serve((c) =>
      c.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'no token' }),
    );
    const { stream, done } = call(address);
    const out = await done;
    stream.close();
    expect(out.messages).toEqual([]);
    expect([out.error?.code, out.error?.details]).toEqual([grpc.status.UNAUTHENTICATED, 'no token']);
  });

  it('reports UNIMPLEMENTED for a method the server does not have', async () => {
    const address = await serve(() => {});
    const { stream, done } = call(address, { path: '/test.v1.Echo/Nothing' });
    stream.write(bytes(3, 1));
    const out = await done;
    stream.close();
    expect(out.error?.code).toBe(grpc.status.UNIMPLEMENTED);
  });

  it('refuses a message above the receive limit with RESOURCE_EXHAUSTED and cancels the call', async () => {
    let cancelled = false;
    const address = await serve((c) => {
      c.on('cancelled', () => {
        cancelled = true;
      });
      c.once('data', () => c.write(bytes(2_000, 1)));
    });
    const { stream, done } = call(address, { maxReceiveBytes: 1_000 });
    stream.write(bytes(3, 1));
    const out = await done;
    expect(out.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    await expect.poll(() => cancelled, POLL).toBe(true);
    stream.close();
  });

  it('turns a message that does not decode into INTERNAL', async () => {
    const address = await serve((c) => c.once('data', () => c.write(bytes(5, 1))));
    const { stream, done } = call(address, {
      deserialize: () => {
        throw new Error('bad wire type');
      },
    });
    stream.write(bytes(3, 1));
    const out = await done;
    stream.close();
    expect(out.error?.code).toBe(grpc.status.INTERNAL);
    expect((out.error?.cause as Error | undefined)?.message).toBe('bad wire type');
  });

  it('reports UNAVAILABLE when nothing listens, with the socket saying why', async () => {
    const address = await serve(() => {});
    closeRawServers();
    const { stream, done } = call(address);
    stream.write(bytes(3, 1));
    const out = await done;
    stream.close();
    expect(out.error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(out.error?.message).toContain(`Connection dropped (connect ECONNREFUSED ${address})`);
  });

  it('reports UNAVAILABLE when the server process dies mid-stream', async () => {
    // A real process killed with SIGKILL: the socket closes without trailers or RST_STREAM.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const g = require(${JSON.stringify(createRequire(import.meta.url).resolve('@grpc/grpc-js'))});
         const id = (b) => b;
         const s = new g.Server();
         s.addService({ echo: { path: '/test.v1.Echo/Echo', requestStream: true, responseStream: true,
           requestSerialize: id, requestDeserialize: id, responseSerialize: id, responseDeserialize: id } },
           { echo: (c) => c.on('data', (m) => c.write(m)) });
         s.bindAsync('127.0.0.1:0', g.ServerCredentials.createInsecure(), (e, p) => console.log(p));`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const port = await new Promise<string>((r) =>
        child.stdout?.once('data', (d: Buffer) => r(d.toString().trim())),
      );
      const { stream, done, outcome } = call(`127.0.0.1:${port}`);
      stream.write(bytes(3, 1));
      await expect.poll(() => outcome.messages.length, POLL).toBe(1);
      child.kill('SIGKILL');
      const out = await done;
      stream.close();
      expect(out.error?.code).toBe(grpc.status.UNAVAILABLE);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('cancel ends the call for the server and calls no handler after it', async () => {
    let cancelled = false;
    const address = await serve((c) => {
      c.on('cancelled', () => {
        cancelled = true;
      });
      c.on('data', (m: Buffer) => c.write(m));
    });
    const { stream, done, outcome } = call(address);
    stream.write(bytes(3, 1));
    await expect.poll(() => outcome.messages.length, POLL).toBe(1);
    stream.cancel();
    await expect.poll(() => cancelled, POLL).toBe(true);
    stream.close();
    const settledAfterCancel = await Promise.race([
      done.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 100)),
    ]);
    expect(settledAfterCancel).toBe(false);
  });
});
