// What publishing a pace run's settlement stream costs in CPU, against core NATS, on a real
// nats-server (JetStream, FILE storage): `node --import tsx scripts/bench/jetstream-cost.ts [rounds]`.
// 2 880 records of ~330 bytes (a pace run's 10 agents × 288 quarter-hours) on 10 subjects, in
// bursts of 10 with an event-loop turn between bursts, as the simulation hands them over, three ways:
//   core      — nc.publish, no acknowledgement (the floor);
//   acks      — the outbox's own JetStream publisher (JetStreamAckPublisher) for every record at
//               once, awaiting the acks at the end;
//   pipelined — nats.js's js.publish the same way (what the outbox used before);
//   outbox    — the arena's JetStreamOutbox (one publish per subject in flight, spool, retries).
// Prints the wall time, this process's CPU and nats-server's CPU per way; the later rounds show
// the JIT warm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { JetStreamAckPublisher } from '../../arena/nats/jetstream-acks.js';
import { JetStreamOutbox } from '../../arena/nats/jetstream-outbox.js';
import { NatsServerProcess, stopAllNatsServers } from '../../test/helpers/nats-server-process.js';
import { processCpuMs } from './process-tree-cpu.js';

const QUARTER_HOURS = 288;
const AGENTS = 10;
const STREAM = 'COST';
const SUBJECTS = ['flexarena.*.settlement.>'];
const rounds = Number(process.argv[2] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'flexarena-jetstream-cost-'));

const payload = (q: number, a: number) =>
  JSON.stringify({
    seq: q * AGENTS + a + 1,
    agentId: `agent-${a}`,
    productId: `qh-20261122-${q}`,
    positionKwh: 8750 + q,
    scheduleKwh: 8750,
    meteredKwh: 8750,
    imbalancePriceTicks: 5722,
    cash: { cid: '123', auction: '0', capacity: '0', balancingEnergy: '0', imbalance: '0' },
    costs: { degradation: '0', lostRentals: '0', tariffEnergy: '0' },
    socKwh: 10_000,
    clipped: false,
    note: 'x'.repeat(80),
  });

/** CPU (user + system) of a process, ms (Linux: /proc). */
const cpuMs = (pid: number): number => processCpuMs(pid) ?? Number.NaN;

const encoder = new TextEncoder();
const turn = () => new Promise((resolve) => setImmediate(resolve));
const subject = (a: number) => `flexarena.run.settlement.agent-${a}`;

async function publishAll(way: string, url: string, round: number): Promise<void> {
  if (way === 'core') {
    const nc = await connect({ servers: url });
    for (let q = 0; q < QUARTER_HOURS; q++) {
      for (let a = 0; a < AGENTS; a++) nc.publish(`flexarena.run.public.agent-${a}`, payload(q, a));
      await turn();
    }
    await nc.flush();
    await nc.close();
  } else if (way === 'pipelined') {
    const nc = await connect({ servers: url });
    const js = jetstream(nc);
    const acks: Promise<unknown>[] = [];
    for (let q = 0; q < QUARTER_HOURS; q++) {
      for (let a = 0; a < AGENTS; a++)
        acks.push(js.publish(subject(a), payload(q, a), { msgID: `p-${round}-${q}-${a}` }));
      await turn();
    }
    await Promise.all(acks);
    await nc.close();
  } else if (way === 'acks') {
    const nc = await connect({ servers: url });
    const p = new JetStreamAckPublisher(nc);
    const acks: Promise<unknown>[] = [];
    for (let q = 0; q < QUARTER_HOURS; q++) {
      for (let a = 0; a < AGENTS; a++)
        acks.push(p.publish(subject(a), encoder.encode(payload(q, a)), `a-${round}-${q}-${a}`, 60_000));
      await turn();
    }
    await Promise.all(acks);
    p.close();
    await nc.close();
  } else {
    const outbox = await JetStreamOutbox.open({
      servers: url,
      stream: { name: STREAM, subjects: SUBJECTS },
      spoolPath: join(dir, `spool-${round}`),
    });
    for (let q = 0; q < QUARTER_HOURS; q++) {
      for (let a = 0; a < AGENTS; a++) outbox.enqueue(subject(a), `o-${round}-${q}-${a}`, payload(q, a));
      await turn();
    }
    await outbox.drain({ timeoutMs: 60_000 });
    await outbox.close();
  }
}

try {
  for (let round = 0; round < rounds; round++) {
    for (const way of ['core', 'acks', 'pipelined', 'outbox']) {
      const server = await NatsServerProcess.start();
      const admin = await connect({ servers: server.url });
      await (await jetstreamManager(admin)).streams.add({ name: STREAM, subjects: SUBJECTS });
      await admin.close();
      const pid = server.pid!;
      const server0 = cpuMs(pid);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await publishAll(way, server.url, round);
      const cpu = process.cpuUsage(cpu0);
      console.log(
        `round ${round} ${way.padEnd(9)} wall ${(performance.now() - t0).toFixed(0)} ms, ` +
          `client CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, nats-server CPU ${cpuMs(pid) - server0} ms`,
      );
      await server.cleanup();
    }
  }
} finally {
  await stopAllNatsServers();
  rmSync(dir, { recursive: true, force: true });
}
