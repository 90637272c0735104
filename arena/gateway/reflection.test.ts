// gRPC server reflection: a generic client (the project's own `buf curl`) lists and describes the
// arena's service from a live gateway, with no copy of the .proto files.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { GrpcGateway } from './grpc-gateway.js';

const BUF = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'buf');
const run = promisify(execFile);
let gateway: GrpcGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function startGateway(): Promise<string> {
  gateway = new GrpcGateway({
    runId: 'reflection-test',
    tokens: new Map([['token-for-a-1', 'a']]),
    welcome: () => {
      throw new Error('no session is opened in this test');
    },
    marketSpec: () => ({ runId: 'reflection-test', market: undefined }),
    faults: { fault: () => undefined },
    lastReportSeq: () => 0,
    answerOutside: () => {
      throw new Error('no batch is sent in this test');
    },
    limits: {
      rate: { outsidePerSecond: 20, burst: 40, disconnectAfter: 200, cooldownMs: 2_000 },
      helloTimeoutMs: 10_000,
      maxMessageBytes: 4 * 1024 * 1024,
    },
  });
  const port = await gateway.listen('127.0.0.1', 0);
  return `http://127.0.0.1:${port}`;
}

// buf keeps a cache; a private one keeps the test independent of the user's.
const env = { ...process.env, BUF_CACHE_DIR: mkdtempSync(join(tmpdir(), 'flexarena-buf-')) };
const grpcFlags = ['--protocol', 'grpc', '--http2-prior-knowledge'];

describe('server reflection', () => {
  it('lists the ArenaService methods to buf curl', async () => {
    const url = await startGateway();
    const { stdout } = await run(BUF, ['curl', ...grpcFlags, '--list-methods', url], { env });
    const methods = stdout.trim().split('\n').sort();
    expect(methods).toEqual(['flexarena.v1.ArenaService/GetMarketSpec', 'flexarena.v1.ArenaService/Session']);
  });

  it('gives buf curl the schema to call a method (which still needs a token)', async () => {
    const url = await startGateway();
    const target = `${url}/flexarena.v1.ArenaService/GetMarketSpec`;
    const ok = await run(BUF, ['curl', ...grpcFlags, '-H', 'authorization: Bearer token-for-a-1', target], {
      env,
    });
    expect(JSON.parse(ok.stdout)).toEqual({ runId: 'reflection-test' });
    const refused = await run(BUF, ['curl', ...grpcFlags, target], { env }).catch((err) => err);
    expect(refused.stderr).toMatch(/unauthenticated/i);
  });
});
