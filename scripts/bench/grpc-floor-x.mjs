// The floor under the gRPC pace: lock-step round trips over grpc-js between one server process and
// N client processes with nothing else to do — no simulation, no strategy, no protobuf, payloads of
// the pace run's sizes as opaque bytes. Whatever the arena does, a gRPC run of the pace line-up
// cannot be faster than this on the same machine.
//
//   node scripts/bench/grpc-floor.mjs [rounds=351] [clients=10] [repeats=3]
//
// Per round the server writes a wake-up to every client's stream and waits for every answer, as
// the lock-step driver does. Sizes (bytes, from the pace run: delta wake-ups and action batches):
// one client gets the liquidity provider's (48 000 out, 11 000 back), the others 4 200 out, 150 back.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';

const SELF = fileURLToPath(import.meta.url);
const identity = {
  requestSerialize: (b) => b,
  requestDeserialize: (b) => b,
  responseSerialize: (b) => b,
  responseDeserialize: (b) => b,
};
const SERVICE = {
  session: { path: '/floor.v1.Floor/Session', requestStream: true, responseStream: true, ...identity },
};
const SIZES = { big: { wake: 48_000, answer: 11_000 }, small: { wake: 4_200, answer: 150 } };

/** CPU ms (user + system) of a process from /proc. */
function cpuMs(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

async function client(address, kind) {
  const Client = grpc.makeGenericClientConstructor(SERVICE, 'Floor');
  const c = new Client(address, grpc.credentials.createInsecure(), { 'grpc.enable_channelz': 0 });
  const call = c.session();
  const answer = Buffer.alloc(SIZES[kind].answer, 1);
  call.on('data', () => call.write(answer));
  call.on('end', () => {
    call.end();
    c.close();
  });
  call.on('error', () => process.exit(0));
  call.write(Buffer.from('hello'));
}

async function server(rounds, clients) {
  const streams = [];
  let joined;
  const allJoined = new Promise((r) => {
    joined = r;
  });
  const waiting = new Map();
  const srv = new grpc.Server({ 'grpc.enable_channelz': 0 });
  srv.addService(SERVICE, {
    session(call) {
      const i = streams.length;
      streams.push(call);
      call.once('data', () => {
        call.on('data', () => waiting.get(i)?.());
        if (streams.length === clients) joined();
      });
    },
  });
  const port = await new Promise((res, rej) =>
    srv.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  const children = [];
  for (let i = 0; i < clients; i++)
    children.push(
      spawn(process.execPath, [SELF, 'client', `127.0.0.1:${port}`, i === 0 ? 'big' : 'small'], {
        stdio: 'inherit',
      }),
    );
  await allJoined;
  const wakes = streams.map((_, i) => Buffer.alloc(i === 0 ? SIZES.big.wake : SIZES.small.wake, 2));
  const acks = streams.map((_, i) => Buffer.alloc(i === 0 ? 20000 : 300, 3));
  const cpu0 = [process.pid, ...children.map((c) => c.pid)].map(cpuMs);
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    await Promise.all(
      streams.map(
        (s, i) =>
          new Promise((resolve) => {
            waiting.set(i, resolve);
            if (process.env.SPLIT) s.write(acks[i]);
            s.write(wakes[i]);
          }),
      ),
    );
  }
  const wallMs = performance.now() - t0;
  const cpu1 = [process.pid, ...children.map((c) => c.pid)].map(cpuMs);
  for (const s of streams) s.end();
  await Promise.all(children.map((c) => new Promise((r) => c.on('exit', r))));
  srv.forceShutdown();
  const d = cpu1.map((v, i) => v - cpu0[i]);
  return { wallMs, serverCpuMs: d[0], clientsCpuMs: d.slice(1).reduce((a, b) => a + b, 0) };
}

const [role, a, b] = process.argv.slice(2);
if (role === 'client') await client(a, b);
else {
  const rounds = Number(process.argv[2] ?? 351);
  const clients = Number(process.argv[3] ?? 10);
  const repeats = Number(process.argv[4] ?? 3);
  for (let k = 0; k < repeats; k++) {
    const r = await server(rounds, clients);
    // 3 simulated days = `rounds` decision points in the pace line-up.
    const simDaysPerMin = (3 * 60_000) / r.wallMs;
    process.stdout.write(
      `${JSON.stringify({ rounds, clients, wallMs: Math.round(r.wallMs), serverCpuMs: r.serverCpuMs, clientsCpuMs: r.clientsCpuMs, ceilingSimDaysPerMin: Number(simDaysPerMin.toFixed(1)) })}\n`,
    );
  }
}
