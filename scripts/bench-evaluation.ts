// `npm run bench:evaluation`: the perfect-foresight bound per asset-day (the exact DP against
// HiGHS in the same run) and the evaluator's throughput (records per second: the in-process
// scorer, and the evaluator service on a real nats-server against a bare consumer that only
// acknowledges). Writes its section of BENCHMARKS.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createStrategy } from '../agents/strategies/index.js';
import {
  loadRunConfig,
  runArena,
  SETTLEMENT_STREAM,
  SETTLEMENT_SUBJECTS,
  startNatsServer,
} from '../arena/index.js';
import {
  type BoundProblem,
  dayAheadPeriod,
  EvaluatorService,
  multiMarketPeriod,
  RunScorer,
  solveBoundDp,
  solveBoundHighs,
} from '../evaluation/index.js';
import { RunEnd, RunManifest, SettlementRecord } from '../gen/flexarena/v1/evaluation.js';
import { loadHighs } from '../lib/index.js';
import type { LocalAgent } from '../sim/index.js';
import { writeBenchmarkSection } from './benchmarks-file.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function timeMs(f: () => void, reps: number): number {
  f();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    out.push(performance.now() - t0);
  }
  return median(out);
}

// One demo day in process, captured by an in-process scorer.
const cfg = loadRunConfig('scenarios/demo.yaml', { outDir: mkdtempSync(join(tmpdir(), 'bench-eval-')) });
cfg.nats.enabled = false;
const scorer = new RunScorer('bench-evaluation');
const local = new Map<string, LocalAgent>(
  cfg.agents.map((a) => [a.id, createStrategy(a.strategy, a.params)]),
);
await runArena(cfg, { runId: 'bench-evaluation', local, sinks: [scorer], log: () => undefined });
const manifest = (scorer as unknown as { manifestMsg: RunManifest }).manifestMsg;
const end = (scorer as unknown as { endMsg: RunEnd }).endMsg;
const records = [...(scorer as unknown as { records: Map<number, SettlementRecord> }).records.values()];
const prices = records.filter((r) => r.agentId === 'idle').map((r) => r.prices);
const spec = {
  powerMw: 10,
  etaCharge: 0.95,
  etaDischarge: 0.95,
  socMinMwh: 1,
  socMaxMwh: 19,
  socStartMwh: 10,
  degradationEurPerMwh: 2,
};

// ---- the bound ----
const highs = await loadHighs();
const rows: string[] = [];
for (const [name, f] of [
  ['day-ahead', dayAheadPeriod],
  ['multi-market', multiMarketPeriod],
] as const)
  for (const terminal of [
    { kind: 'fixed', socEndMwh: 10 },
    { kind: 'valued', refEurPerMwh: 80 },
  ] as const) {
    const p: BoundProblem = { spec, periods: prices.map(f), hours: 0.25, terminal };
    const dp = timeMs(() => solveBoundDp(p), 50);
    const hs = timeMs(() => solveBoundHighs(highs, p), 5);
    const a = solveBoundDp(p);
    const b = solveBoundHighs(highs, p);
    const same =
      a.status === 'optimal' && b.status === 'optimal' && Math.abs(a.objectiveEur - b.objectiveEur) < 1e-6;
    rows.push(
      `| ${name}, ${terminal.kind === 'fixed' ? 'fixed end SoC' : 'valued end SoC'} | ${dp.toFixed(2)} ms | ${hs.toFixed(1)} ms${b.status === 'optimal' && b.binaries > 0 ? ` (MIP, ${b.binaries} binaries)` : ' (LP)'} | ${(hs / dp).toFixed(0)}× | ${same ? 'yes' : 'NO'} |`,
    );
  }
// A week: seven copies of the day (the DP's cost grows with the breakpoints of its value functions).
const week: BoundProblem = {
  spec,
  periods: Array.from({ length: 7 }, () => prices.map(multiMarketPeriod)).flat(),
  hours: 0.25,
  terminal: { kind: 'fixed', socEndMwh: 10 },
};
const weekMs = timeMs(() => solveBoundDp(week), 10);

// ---- in-process scorer throughput ----
const RUNS = 40;
const copies = Array.from({ length: RUNS }, (_, k) => {
  const runId = `bench-${k}`;
  return {
    runId,
    manifest: { ...manifest, runId },
    end: { ...end, runId },
    records: records.map((r) => ({ ...r, runId })),
  };
});
const t0 = performance.now();
for (const c of copies) {
  const s = new RunScorer(c.runId);
  s.addManifest(c.manifest);
  for (const r of c.records) s.add(r);
  s.addEnd(c.end);
  s.scores();
}
const inProcessMs = performance.now() - t0;
const totalRecords = RUNS * records.length;

// ---- the evaluator service on nats-server, against a bare acknowledging consumer ----
const server = await startNatsServer();
const nc = await connect({ servers: server.url });
const jsm = await jetstreamManager(nc);
await jsm.streams.add({ name: SETTLEMENT_STREAM, subjects: [SETTLEMENT_SUBJECTS] });
const js = jetstream(nc);
for (const c of copies) {
  const base = `flexarena.${c.runId}.settlement`;
  const pubs: Promise<unknown>[] = [
    js.publish(`${base}._manifest`, JSON.stringify(RunManifest.toJSON(c.manifest))),
  ];
  for (const r of c.records)
    pubs.push(
      js.publish(`${base}.${r.agentId}`, JSON.stringify(SettlementRecord.toJSON(r)), {
        msgID: `${c.runId}:${r.seq}`,
      }),
    );
  pubs.push(js.publish(`${base}._end`, JSON.stringify(RunEnd.toJSON(c.end))));
  await Promise.all(pubs);
}
const messages = totalRecords + 2 * RUNS;

await jsm.consumers.add(SETTLEMENT_STREAM, {
  durable_name: 'bare',
  ack_policy: AckPolicy.Explicit,
  filter_subject: SETTLEMENT_SUBJECTS,
});
const bareStart = performance.now();
{
  const c = await js.consumers.get(SETTLEMENT_STREAM, 'bare');
  const it = await c.consume({ max_messages: 1_000 });
  let n = 0;
  for await (const m of it) {
    JSON.parse(new TextDecoder().decode(m.data));
    m.ack();
    if (++n === messages) break;
  }
}
const bareMs = performance.now() - bareStart;

const runsDir = mkdtempSync(join(tmpdir(), 'bench-evaluator-'));
const service = new EvaluatorService({
  natsUrl: server.url,
  runsDir,
  durableName: 'bench',
  log: () => undefined,
});
const serviceStart = performance.now();
const silence = process.stdout.write.bind(process.stdout);
process.stdout.write = (() => true) as typeof process.stdout.write;
await service.start();
while (service.statuses().filter((s) => s.complete).length < RUNS)
  await new Promise((r) => setTimeout(r, 20));
process.stdout.write = silence;
const serviceMs = performance.now() - serviceStart;
await service.stop();
await nc.close();
await server.stop();
rmSync(runsDir, { recursive: true, force: true });
rmSync(cfg.outDir, { recursive: true, force: true });

const body = `## Evaluation (\`npm run bench:evaluation\`)

Prices of one demo day (\`scenarios/demo.yaml\`, seed ${cfg.seed}, in process); a 10 MW / 20 MWh battery, η 0.95 both
ways, 2 EUR/MWh degradation. ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), load average ${loadavg()[0]!.toFixed(1)} at the end (the machine is shared: read the ratios).

**Perfect-foresight bound per asset-day** (median; the DP is exact and equals HiGHS, see
\`evaluation/bound/battery-bound.test.ts\`):

| bound | exact DP | HiGHS | HiGHS / DP | same optimum |
|---|---|---|---|---|
${rows.join('\n')}
| multi-market, 7 days in one problem, per asset-day | ${(weekMs / 7).toFixed(2)} ms | | | |

**Evaluator throughput** (${RUNS} runs × ${records.length} settlement records = ${totalRecords} records):

| path | wall time | records per second |
|---|---|---|
| in-process scorer (add, dedupe, final scores with 4 bounds per battery) | ${inProcessMs.toFixed(0)} ms | ${Math.round(totalRecords / (inProcessMs / 1000))} |
| bare JetStream consumer (decode + ack only: the baseline) | ${bareMs.toFixed(0)} ms | ${Math.round(messages / (bareMs / 1000))} |
| evaluator service (durable consumer, journal, scores.json per run) | ${serviceMs.toFixed(0)} ms | ${Math.round(totalRecords / (serviceMs / 1000))} (${(serviceMs / bareMs).toFixed(1)}× the baseline's time) |`;
writeBenchmarkSection('evaluation', body);
process.stdout.write(`${body}\n`);
process.exit(0);
