// A hello the SDK cannot send is a typed HelloError naming the proto field and the limit, before any
// connection: the encoder used to fail on it with an untyped Error or TypeError naming nothing (a
// strategy name with a lone surrogate, a name that is not a string, a lastReportSeq of 1.5).
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent } from './agent-client.js';
import { AgentSdkError, HelloError } from './errors.js';
import type { Strategy } from './strategy.js';

// A listener that counts connections: a refused hello must not make one.
let server: Server;
let connections = 0;
let address = '';
beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  address = `127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const strategy = (name: unknown): Strategy => ({ name: name as string, decide: () => [] });

async function refusal(s: Strategy, opts: Record<string, unknown> = {}): Promise<HelloError> {
  const err = await runAgent(s, {
    address,
    token: 't',
    resume: { attempts: 0, delayMs: 1 },
    ...opts,
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(HelloError);
  expect(err).toBeInstanceOf(AgentSdkError);
  return err as HelloError;
}

describe('runAgent: the hello', () => {
  it('refuses a strategy name with a lone surrogate, naming hello.strategy', async () => {
    for (const name of ['\uD800', 'half-\uD83D', '\uDE00']) {
      const e = await refusal(strategy(name));
      expect([e.field, e.limit]).toEqual([
        'hello.strategy',
        'a string, valid UTF-8, the encoding of a proto3 string',
      ]);
      expect(e.message).toContain('holds a lone surrogate');
    }
  });

  it('refuses a strategy name that is not a string', async () => {
    for (const [name, what] of [
      [undefined, 'undefined'],
      [null, 'null'],
      [42, 'a number'],
    ] as const) {
      const e = await refusal(strategy(name));
      expect(e.field).toBe('hello.strategy');
      expect(e.message).toContain(`the strategy's name is ${what}, not a string`);
    }
  });

  it('refuses a bad sdkName and lastReportSeq from ConnectOptions', async () => {
    const name = await refusal(strategy('ok'), { sdkName: 'sdk\uDC00' });
    expect(name.field).toBe('hello.sdk_name');
    for (const seq of [1.5, -1, Number.NaN, 2 ** 60]) {
      const e = await refusal(strategy('ok'), { lastReportSeq: seq });
      expect([e.field, e.limit]).toEqual([
        'hello.last_report_seq',
        `an integer within [0, ${Number.MAX_SAFE_INTEGER}] (a report_seq the arena sent)`,
      ]);
    }
    expect(connections).toBe(0);
  });

  it('sends a well-formed name with multi-byte characters (it reaches the arena)', async () => {
    const before = connections;
    const err = await runAgent(strategy('strat-€-𝄞'), {
      address,
      token: 't',
      resume: { attempts: 0, delayMs: 1 },
    }).catch((e: unknown) => e);
    // The listener is no gRPC server: the session fails there, after the hello went.
    expect(err).not.toBeInstanceOf(HelloError);
    expect(connections).toBe(before + 1);
  });
});
