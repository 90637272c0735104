// What each simulated day of a long run costs, to see whether a run gets slower or bigger by the
// day: the simulation core and the in-process strategies of a configuration (no sink, as
// core-runs.ts), one line per delivery day with its clock time and the process's memory.
//   node scripts/bench/bundled.mjs scripts/bench/soak-days.ts <config.yaml> [days]
// With SOAK_GC=1 and `node --expose-gc`, a full garbage collection before each line, so heapUsed is
// what the run keeps (the collection's own time then falls into the next day's figure). `days`
// overrides the configuration's (a 30- or 90-day run of the pace line-up without a file of its own).
// With SOAK_HASH=1, a last line with the sha256 of the tape's records and of the settlement records,
// to compare two trees' runs of the same length (each record's JSON, one a line: not the tape file's
// bytes); without it there is no sink, as in core-runs.ts.
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadRunConfig, readWorldFiles } from '../../arena/index.js';
import { inProcessAgents } from '../../cli/commands/run.js';
import { type AgentPort, LocalAgentPort, runLockstep, Simulation } from '../../sim/index.js';
import { eventRecord } from '../../sim/records/records.js';

const file = process.argv[2];
if (!file) throw new Error('usage: soak-days.ts <config.yaml> [days]');
const loaded = loadRunConfig(file, { outDir: '/tmp/flexarena-soak-days' });
const days = process.argv[3] === undefined ? loaded.days : Number(process.argv[3]);
if (!Number.isInteger(days) || days < 1)
  throw new Error(`days must be an integer >= 1, got ${process.argv[3]}`);
const cfg = { ...loaded, days };
const files = readWorldFiles(cfg, dirname(resolve(file)));
const tape = createHash('sha256');
const settlements = createHash('sha256');
const sim = await Simulation.create(cfg, {
  runId: 'soak-days',
  sinks:
    process.env.SOAK_HASH !== '1'
      ? []
      : [
          {
            tape: (r) => tape.update(`${JSON.stringify(r)}\n`),
            tapeEvent: (seq, ev) => tape.update(`${JSON.stringify(eventRecord(seq, ev))}\n`),
            settlement: (r) => settlements.update(`${JSON.stringify(r)}\n`),
          },
        ],
  files,
});
const ports = new Map<string, AgentPort>();
for (const [id, agent] of inProcessAgents(cfg)) ports.set(id, new LocalAgentPort(id, agent));
if (ports.size !== cfg.agents.length)
  throw new Error(`${cfg.agents.length - ports.size} agents of ${file} are not in-process strategies`);
const gc = process.env.SOAK_GC === '1' ? (globalThis as { gc?: () => void }).gc : undefined;
const firstDayMs = Date.parse(`${cfg.day}T00:00:00Z`);
let day = Number.NaN;
let t0 = performance.now();
// CPU time of the process (every thread: V8's helpers too) per day: on a shared machine the clock
// says more about the neighbours than about the run.
let cpu0 = process.cpuUsage();
/** One line for the day that ended: its clock time, the memory at its end. */
function dayEnded(): void {
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  gc?.();
  const m = process.memoryUsage();
  // Day -1 is the clock's start before the first delivery day (D-1 08:00 by default).
  process.stdout.write(
    `day ${day}: ${ms.toFixed(0)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, heapUsed ${(m.heapUsed / 1e6).toFixed(1)} MB, rss ${(m.rss / 1e6).toFixed(1)} MB\n`,
  );
  t0 = performance.now();
  cpu0 = process.cpuUsage();
}
await runLockstep(sim, ports, {
  onDecision(p) {
    const d = Math.floor((p.timeMs - firstDayMs) / 86_400_000);
    if (d === day) return;
    if (!Number.isNaN(day)) dayEnded();
    day = d;
  },
});
dayEnded();
if (process.env.SOAK_HASH === '1')
  process.stdout.write(
    `tape records sha256 ${tape.digest('hex')}, settlements sha256 ${settlements.digest('hex')}\n`,
  );
