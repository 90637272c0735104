// The floor under the gRPC pace: lock-step round trips between one grpc-js server process (the
// arena's server) and N client processes with nothing else to do — no simulation, no strategy, no
// protobuf, payloads of the pace run's sizes as opaque bytes. Whatever the arena does, a gRPC run
// of the pace line-up cannot be faster than this on the same machine.
//
//   node --import tsx scripts/bench/grpc-floor.ts [rounds=351] [clients=10] [repeats=3] [client=sdk]
//
// client: `sdk`, the TypeScript SDK's session stream (agents/sdk/grpc-stream.ts, what agents use),
// or `grpc-js`, grpc-js's own client, for comparison.
//
// Per round the server writes a wake-up to every client's stream and waits for every answer, as
// the lock-step driver does. Sizes (bytes, from the pace run: delta wake-ups and action batches):
// one client gets the liquidity provider's (48 000 out, 11 000 back), the others 4 200 out, 150 back.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { openGrpcStream } from '../../agents/sdk/grpc-stream.js';
import { processCpuMs } from './process-tree-cpu.js';

const SELF = fileURLToPath(import.meta.url);
const identity = {
  requestSerialize: (b: Buffer) => b,
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: (b: Buffer) => b,
  responseDeserialize: (b: Buffer) => b,
};
const PATH = '/floor.v1.Floor/Session';
const SERVICE = {
  session: { path: PATH, requestStream: true, responseStream: true, ...identity },
} as unknown as grpc.ServiceDefinition;
const SIZES = { big: { wake: 48_000, answer: 11_000 }, small: { wake: 4_200, answer: 150 } };
type Kind = keyof typeof SIZES;
type ClientKind = 'sdk' | 'grpc-js';

/** CPU ms (user + system) of a process (the floor runs where /proc is: Linux). */
const cpuMs = (pid: number): number => processCpuMs(pid) ?? Number.NaN;

/** grpc-js's client with the channel options the SDK used with it. */
function grpcJsClient(address: string, kind: Kind): void {
  const Client = grpc.makeGenericClientConstructor(SERVICE, 'Floor');
  const c = new Client(address, grpc.credentials.createInsecure(), {
    'grpc.enable_channelz': 0,
    'grpc.enable_retries': 0,
    'grpc-node.flow_control_window': 4 * 1024 * 1024,
  });
  const call = (c as unknown as { session(): grpc.ClientDuplexStream<Buffer, Buffer> }).session();
  const answer = Buffer.alloc(SIZES[kind].answer, 1);
  call.on('data', () => call.write(answer));
  call.on('end', () => {
    call.end();
    c.close();
  });
  call.on('error', () => process.exit(0));
  call.write(Buffer.from('hello'));
}

/** The SDK's session stream, as agents open it. */
function sdkClient(address: string, kind: Kind): void {
  const answer = Buffer.alloc(SIZES[kind].answer, 1);
  const call = openGrpcStream<Buffer, Buffer>(
    {
      address,
      path: PATH,
      serialize: identity.requestSerialize,
      deserialize: identity.responseDeserialize,
      flowControlWindow: 4 * 1024 * 1024,
    },
    {
      onMessage: () => call.write(answer),
      onEnd: () => call.close(),
      onError: () => process.exit(0),
    },
  );
  call.write(Buffer.from('hello'));
  // The server ends the stream after the rounds; our side ends with it.
}

interface Floor {
  wallMs: number;
  serverCpuMs: number;
  clientsCpuMs: number;
}

async function server(rounds: number, clients: number, clientKind: ClientKind): Promise<Floor> {
  const streams: grpc.ServerDuplexStream<Buffer, Buffer>[] = [];
  let joined: () => void = () => {};
  const allJoined = new Promise<void>((r) => {
    joined = r;
  });
  const waiting = new Map<number, () => void>();
  const srv = new grpc.Server({ 'grpc.enable_channelz': 0 });
  srv.addService(SERVICE, {
    session(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
      const i = streams.length;
      streams.push(call);
      call.once('data', () => {
        call.on('data', () => waiting.get(i)?.());
        if (streams.length === clients) joined();
      });
      call.on('end', () => call.end());
      call.on('error', () => {});
    },
  });
  const port = await new Promise<number>((res, rej) =>
    srv.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  const children = [];
  for (let i = 0; i < clients; i++)
    children.push(
      spawn(
        process.execPath,
        [...process.execArgv, SELF, 'client', `127.0.0.1:${port}`, i === 0 ? 'big' : 'small', clientKind],
        {
          stdio: 'inherit',
        },
      ),
    );
  await allJoined;
  const wakes = streams.map((_, i) => Buffer.alloc(i === 0 ? SIZES.big.wake : SIZES.small.wake, 2));
  const pids = [process.pid, ...children.map((c) => c.pid as number)];
  const cpu0 = pids.map(cpuMs);
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    await Promise.all(
      streams.map(
        (s, i) =>
          new Promise<void>((resolve) => {
            waiting.set(i, resolve);
            s.write(wakes[i] as Buffer);
          }),
      ),
    );
  }
  const wallMs = performance.now() - t0;
  const cpu1 = pids.map(cpuMs);
  for (const s of streams) s.end();
  await Promise.all(children.map((c) => new Promise((r) => c.on('exit', r))));
  srv.forceShutdown();
  const d = cpu1.map((v, i) => v - (cpu0[i] ?? 0));
  return { wallMs, serverCpuMs: d[0] ?? 0, clientsCpuMs: d.slice(1).reduce((a, b) => a + b, 0) };
}

const args = process.argv.slice(2);
if (args[0] === 'client') {
  const [, address = '', kind = 'small', clientKind = 'sdk'] = args;
  if (clientKind === 'grpc-js') grpcJsClient(address, kind as Kind);
  else sdkClient(address, kind as Kind);
} else {
  const rounds = Number(args[0] ?? 351);
  const clients = Number(args[1] ?? 10);
  const repeats = Number(args[2] ?? 3);
  const clientKind = (args[3] ?? 'sdk') as ClientKind;
  if (clientKind !== 'sdk' && clientKind !== 'grpc-js')
    throw new Error(`client: "${clientKind}" is not sdk or grpc-js`);
  for (let k = 0; k < repeats; k++) {
    const r = await server(rounds, clients, clientKind);
    // 3 simulated days = `rounds` decision points in the pace line-up.
    const simDaysPerMin = (3 * 60_000) / r.wallMs;
    process.stdout.write(
      `${JSON.stringify({ rounds, clients, client: clientKind, wallMs: Math.round(r.wallMs), serverCpuMs: r.serverCpuMs, clientsCpuMs: r.clientsCpuMs, ceilingSimDaysPerMin: Number(simDaysPerMin.toFixed(1)) })}\n`,
    );
  }
}
