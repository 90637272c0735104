// A runner or worker pointed at the wrong NATS server: a URL nothing listens on, or a server
// started without JetStream. Each was a stack trace (ConnectionError, JetStreamNotEnabled); now a
// WorkQueueConnectError names the URL and the flag. Real nats-server processes, no mocks.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, NatsServerProcess } from '../test/helpers/nats-server-process.js';
import { connectWorkQueue, WorkQueueConnectError } from './work-queue-connect.js';

let plain: ChildProcess;
let plainUrl: string;
let withJs: NatsServerProcess;

beforeAll(async () => {
  const port = await freePort();
  plainUrl = `nats://127.0.0.1:${port}`;
  // A server without -js: core NATS only.
  plain = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    plain.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (/Server is ready/.test(log)) resolve();
    });
    plain.on('exit', (code) => reject(new Error(`nats-server exited ${code}: ${log}`)));
  });
  withJs = await NatsServerProcess.start();
}, 30_000);

afterAll(async () => {
  plain?.kill('SIGKILL');
  await withJs?.cleanup();
});

const refusal = async (url: string): Promise<Error> => {
  const err = await connectWorkQueue(url, 'test').then(
    ({ nc }) => nc.close().then(() => new Error('connected')),
    (e: Error) => e,
  );
  expect(err).toBeInstanceOf(WorkQueueConnectError);
  return err;
};

describe('connectWorkQueue', () => {
  it('names the URL and --nats when nothing listens there', async () => {
    const port = await freePort();
    expect((await refusal(`nats://127.0.0.1:${port}`)).message).toBe(
      `cannot connect to NATS at nats://127.0.0.1:${port} (--nats): connection refused`,
    );
  });

  it('says a server without JetStream needs -js', async () => {
    expect((await refusal(plainUrl)).message).toBe(
      `NATS at ${plainUrl} (--nats) has no JetStream: start nats-server with -js`,
    );
  });

  it('connects to a server with JetStream', async () => {
    const { nc, jsm } = await connectWorkQueue(withJs.url, 'test');
    expect((await jsm.getAccountInfo()).limits).toBeDefined();
    await nc.close();
  });
});
