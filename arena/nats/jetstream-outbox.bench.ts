// `node --import tsx arena/nats/jetstream-outbox.bench.ts`: what the outbox costs and delivers,
// against two baselines measured in the same run on the same nats-server (JetStream, FILE storage):
//   A. `await js.publish(...)` one record after the other — what the run loop does today;
//   B. raw `js.publish` pipelined, 256 awaiting their ack at once — the client's ceiling here.
// The outbox is run with 1, 4 and 16 subjects (it keeps one publish per subject in flight, so a
// single subject is bound by the round trip). Figures: records/s from the first enqueue until the
// last ack, and the cost of one enqueue call (the only part the simulation loop pays).
// Then an outage: SIGKILL, records enqueued while the server is down, restart; time from the
// server being ready again until the outbox has delivered everything.
// BENCH_RECORDS (default 20 000) records of ~120 bytes each; median of BENCH_RUNS (default 3).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { NatsServerProcess, stopAllNatsServers } from '../../test/helpers/nats-server-process.js';
import { JetStreamOutbox } from './jetstream-outbox.js';

const N = Number(process.env.BENCH_RECORDS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const STREAM = 'OUTBOX_BENCH';
const dir = mkdtempSync(join(tmpdir(), 'flexarena-outbox-bench-'));
let round = 0;

const payload = (i: number) =>
  JSON.stringify({
    i,
    agent: `agent-${i % 16}`,
    productId: `qh-${i % 96}`,
    eur: (i * 37) % 10_000,
    mwh: 1.25,
  });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function baselineAwaited(url: string): Promise<number> {
  const nc = await connect({ servers: url });
  const js = jetstream(nc);
  const r = round++;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await js.publish(`bench.a.${i % 4}`, payload(i), { msgID: `a-${r}-${i}` });
  const s = (performance.now() - t0) / 1000;
  await nc.close();
  return N / s;
}

async function baselinePipelined(url: string): Promise<number> {
  const nc = await connect({ servers: url });
  const js = jetstream(nc);
  const r = round++;
  const t0 = performance.now();
  const window: Promise<unknown>[] = [];
  for (let i = 0; i < N; i++) {
    window.push(js.publish(`bench.b.${i % 4}`, payload(i), { msgID: `b-${r}-${i}` }));
    if (window.length === 256) await Promise.all(window.splice(0));
  }
  await Promise.all(window);
  const s = (performance.now() - t0) / 1000;
  await nc.close();
  return N / s;
}

async function outboxRun(url: string, subjects: number): Promise<{ perSec: number; enqueueUs: number }> {
  const r = round++;
  const outbox = await JetStreamOutbox.open({
    servers: url,
    stream: { name: STREAM, subjects: ['bench.>'] },
    spoolPath: join(dir, `spool-${r}`),
  });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) outbox.enqueue(`bench.o.${i % subjects}`, `o-${r}-${i}`, payload(i));
  const enqueueMs = performance.now() - t0;
  const report = await outbox.drain({ timeoutMs: 300_000 });
  const s = (performance.now() - t0) / 1000;
  await outbox.close();
  if (!report.complete || report.delivered !== N)
    throw new Error(`outbox run incomplete: ${JSON.stringify(report.counters)}`);
  return { perSec: N / s, enqueueUs: (enqueueMs * 1000) / N };
}

async function outageRun(
  server: NatsServerProcess,
): Promise<{ recoveryMs: number; backlogAtRestart: number; outboxReport: string }> {
  const r = round++;
  const outbox = await JetStreamOutbox.open({
    servers: server.url,
    stream: { name: STREAM, subjects: ['bench.>'] },
    spoolPath: join(dir, `spool-${r}`),
    reconnectTimeWaitMs: 250,
  });
  for (let i = 0; i < N / 2; i++) outbox.enqueue(`bench.k.${i % 4}`, `k-${r}-${i}`, payload(i));
  await server.kill9();
  for (let i = N / 2; i < N; i++) outbox.enqueue(`bench.k.${i % 4}`, `k-${r}-${i}`, payload(i));
  await new Promise((res) => setTimeout(res, 1_000));
  await server.restart();
  const backlogAtRestart = outbox.counters().backlog;
  const t0 = performance.now();
  const report = await outbox.drain({ timeoutMs: 300_000 });
  const recoveryMs = performance.now() - t0;
  await outbox.close();
  if (!report.complete) throw new Error('outage run incomplete');
  const c = report.counters;
  return {
    recoveryMs,
    backlogAtRestart,
    outboxReport: `delivered ${c.delivered}, duplicates ${c.duplicates}, recovered by look-up ${c.recoveredByLookup}, failed attempts ${c.failedAttempts}`,
  };
}

async function main(): Promise<void> {
  const server = await NatsServerProcess.start();
  try {
    const nc = await connect({ servers: server.url });
    await (await jetstreamManager(nc)).streams.add({ name: STREAM, subjects: ['bench.>'] });
    await nc.close();
    const rows: Record<string, number[]> = {};
    const enq: Record<string, number[]> = {};
    const add = (k: string, v: number, into = rows) => {
      into[k] ??= [];
      into[k].push(v);
    };
    await outboxRun(server.url, 4); // warm-up
    for (let run = 0; run < RUNS; run++) {
      // Interleaved, so that load from other processes on this machine hits every variant alike.
      add('A awaited js.publish', await baselineAwaited(server.url));
      add('B pipelined js.publish (256)', await baselinePipelined(server.url));
      for (const s of [1, 4, 16]) {
        const o = await outboxRun(server.url, s);
        add(`outbox, ${s} subject(s)`, o.perSec);
        add(`outbox, ${s} subject(s)`, o.enqueueUs, enq);
      }
    }
    const a = median(rows['A awaited js.publish'] ?? []);
    const b = median(rows['B pipelined js.publish (256)'] ?? []);
    console.log(
      `JetStream outbox bench: ${N} records/run, median of ${RUNS} runs, ${cpus().length} cores (${cpus()[0]?.model})`,
    );
    console.log('variant                          records/s   vs A    vs B   enqueue µs/record');
    for (const [k, xs] of Object.entries(rows)) {
      const m = median(xs);
      const e = enq[k] ? median(enq[k]).toFixed(2) : '';
      console.log(
        `${k.padEnd(32)} ${m.toFixed(0).padStart(9)} ${(m / a).toFixed(2).padStart(6)} ${(m / b).toFixed(2).padStart(7)}   ${e}`,
      );
    }
    const outage = await outageRun(server);
    console.log(
      `outage: ${N / 2} records enqueued, SIGKILL at once, ${N / 2} more enqueued while down, restart after 1 s: ` +
        `backlog of ${outage.backlogAtRestart} delivered ${outage.recoveryMs.toFixed(0)} ms after the server was ready ` +
        `(${outage.outboxReport})`,
    );
  } finally {
    await stopAllNatsServers();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
