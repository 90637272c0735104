// gRPC server reflection: a generic client (the project's own `buf curl`) lists and describes the
// arena's service from a live gateway, with no copy of the .proto files — with the token, like
// every call; without one it is refused.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type ChannelCredentials,
  type Client,
  type ClientDuplexStream,
  credentials,
  loadPackageDefinition,
  Metadata,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterEach, describe, expect, it } from 'vitest';
import { GrpcGateway } from './grpc-gateway.js';
import { TEST_GATEWAY_LIMITS } from './test-support.js';

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
    limits: TEST_GATEWAY_LIMITS,
  });
  const port = await gateway.listen('127.0.0.1', 0);
  return `http://127.0.0.1:${port}`;
}

const REFLECTION_PROTO = join(
  import.meta.dirname,
  '..',
  '..',
  'node_modules',
  '@grpc',
  'reflection',
  'build',
  'proto',
  'grpc',
  'reflection',
  'v1',
  'reflection.proto',
);

/** One list-services request over grpc.reflection.v1: the status the stream ends with. */
function reflectionStatus(address: string, token?: string): Promise<{ code: number; details: string }> {
  const pkg = loadPackageDefinition(loadSync(REFLECTION_PROTO)) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: new (a: string, c: ChannelCredentials) => Client } } };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(address, credentials.createInsecure());
  const md = new Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  const call = (
    client as unknown as { ServerReflectionInfo(md: Metadata): ClientDuplexStream<object, object> }
  ).ServerReflectionInfo(md);
  return new Promise((resolve) => {
    call.on('data', () => call.end());
    call.on('error', (e: ServiceError) => resolve({ code: e.code, details: e.details }));
    call.on('status', (st: { code: number; details: string }) => {
      if (st.code === status.OK) resolve({ code: st.code, details: '' });
      client.close();
    });
    call.write({ listServices: '' });
  });
}

// buf keeps a cache; a private one keeps the test independent of the user's.
const env = { ...process.env, BUF_CACHE_DIR: mkdtempSync(join(tmpdir(), 'flexarena-buf-')) };
const grpcFlags = ['--protocol', 'grpc', '--http2-prior-knowledge'];

const AUTH = 'authorization: Bearer token-for-a-1';

describe('server reflection', () => {
  it('lists the ArenaService methods to buf curl that sends the token', async () => {
    const url = await startGateway();
    const { stdout } = await run(
      BUF,
      ['curl', ...grpcFlags, '--reflect-header', AUTH, '--list-methods', url],
      {
        env,
      },
    );
    const methods = stdout.trim().split('\n').sort();
    expect(methods).toEqual(['flexarena.v1.ArenaService/GetMarketSpec', 'flexarena.v1.ArenaService/Session']);
  });

  it('refuses reflection without a token or with an unknown one (UNAUTHENTICATED)', async () => {
    const url = await startGateway();
    const without = await run(BUF, ['curl', ...grpcFlags, '--list-methods', url], { env }).catch(
      (err) => err,
    );
    // buf words the UNAUTHENTICATED status its own way.
    expect(without.stderr).toMatch(/not authenticated/i);
    // The status and its details, through a plain grpc-js client of the reflection service.
    const address = url.replace('http://', '');
    expect(await reflectionStatus(address)).toEqual({
      code: status.UNAUTHENTICATED,
      details: 'missing token: send "authorization: Bearer <token>" metadata',
    });
    expect(await reflectionStatus(address, 'not-a-token')).toEqual({
      code: status.UNAUTHENTICATED,
      details: 'unknown token',
    });
    expect(await reflectionStatus(address, 'token-for-a-1')).toEqual({ code: status.OK, details: '' });
  });

  it('gives buf curl the schema to call a method (which still needs a token)', async () => {
    const url = await startGateway();
    const target = `${url}/flexarena.v1.ArenaService/GetMarketSpec`;
    // '*': the reflection requests carry the -H headers too.
    const ok = await run(BUF, ['curl', ...grpcFlags, '-H', AUTH, '--reflect-header', '*', target], {
      env,
    });
    expect(JSON.parse(ok.stdout)).toEqual({ runId: 'reflection-test' });
    const refused = await run(BUF, ['curl', ...grpcFlags, '--reflect-header', AUTH, target], { env }).catch(
      (err) => err,
    );
    expect(refused.stderr).toMatch(/unauthenticated/i);
  });
});
