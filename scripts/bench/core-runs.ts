// The simulation core and the in-process strategies alone, without any sink: no tape, no run
// folder, no NATS, no event-loop turn between decision points — what an in-process run of a
// configuration costs before anything is written or published. Several runs in one process (fresh
// strategy objects and a fresh Simulation each), so the first run pays V8's warm-up (code runs
// interpreted or baseline-compiled until TurboFan has compiled it) and the later ones show the
// compiled code's pace:
//   node scripts/bench/bundled.mjs scripts/bench/core-runs.ts [config] [runs]
// (default scenarios/pace.yaml, 3). Prints one line per run, then one JSON line (`runs`: clock and
// main-thread CPU in ms, trades and tape events, to check the runs played the same game) for `npm run bench:pace`. The clock's thread runs ahead of V8's
// helper threads, as in a real run (lib/helper-threads.ts).
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadRunConfig, readWorldFiles } from '../../arena/index.js';
import { inProcessAgents } from '../../cli/commands/run.js';
import { lowerHelperThreads, tuneV8ForShortRuns } from '../../lib/index.js';
import { type AgentPort, LocalAgentPort, runLockstep, Simulation } from '../../sim/index.js';
import { mainThreadCpuMs } from './process-tree-cpu.js';

export interface CoreRun {
  clockMs: number;
  mainThreadCpuMs: number;
  trades: number;
  tapeEvents: number;
}

tuneV8ForShortRuns();
const file = process.argv[2] ?? 'scenarios/pace.yaml';
const count = Number(process.argv[3] ?? 3);
if (!Number.isInteger(count) || count < 1)
  throw new Error(`runs must be a whole number ≥ 1, got ${process.argv[3]}`);
const cfg = loadRunConfig(file, { outDir: '/tmp/flexarena-core-runs' });
const files = readWorldFiles(cfg, dirname(resolve(file)));

const runs: CoreRun[] = [];
for (let i = 0; i < count; i++) {
  const sim = await Simulation.create(cfg, { runId: `core-${i + 1}`, sinks: [], files });
  const ports = new Map<string, AgentPort>();
  for (const [id, agent] of inProcessAgents(cfg)) ports.set(id, new LocalAgentPort(id, agent));
  if (ports.size !== cfg.agents.length)
    throw new Error(`${cfg.agents.length - ports.size} agents of ${file} are not in-process strategies`);
  lowerHelperThreads();
  const cpu0 = mainThreadCpuMs() ?? Number.NaN;
  const t0 = performance.now();
  const summary = await runLockstep(sim, ports);
  const clockMs = performance.now() - t0;
  const run = {
    clockMs,
    mainThreadCpuMs: (mainThreadCpuMs() ?? Number.NaN) - cpu0,
    trades: summary.trades,
    tapeEvents: summary.tapeEvents,
  };
  runs.push(run);
  process.stdout.write(
    `run ${i + 1}/${count}: clock ${(clockMs / 1000).toFixed(3)} s (${((cfg.days * 60_000) / clockMs).toFixed(1)} sim-days/min), ` +
      `main thread ${(run.mainThreadCpuMs / 1000).toFixed(2)} s, ${run.trades} trades, ${run.tapeEvents} tape events\n`,
  );
}
process.stdout.write(`${JSON.stringify({ days: cfg.days, runs })}\n`);
