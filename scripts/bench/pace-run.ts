// One timed run for `npm run bench:pace`, in a fresh process (no JIT warmth carried between runs):
// `node --import tsx scripts/bench/pace-run.ts <config> <grpc|in-process> <outDir> [--no-nats]` runs the
// configuration exactly as `flexarena run [--in-process]` does (its own nats-server, agent
// processes over gRPC or strategy objects in this process) and prints one JSON line of timings.
// The clock part is measured by a record sink: from the run-start tape record (every agent
// connected, first advance) to the run-end record (last settlement).
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadRunConfig, runArena } from '../../arena/index.js';
import { inProcessAgents } from '../../cli/commands/run.js';
import { tuneV8ForShortRuns } from '../../lib/index.js';
import type { RecordSink } from '../../sim/index.js';
import { commandLine, mainThreadCpuMs, processTreeCpu } from './process-tree-cpu.js';

// As `flexarena` does first thing (cli/main.ts), so the run is timed as users get it.
tuneV8ForShortRuns();

const [file, mode, outDir, option] = process.argv.slice(2);
if (!file || (mode !== 'grpc' && mode !== 'in-process') || !outDir || (option && option !== '--no-nats'))
  throw new Error('usage: pace-run.ts <config> <grpc|in-process> <outDir> [--no-nats]');

const loaded = loadRunConfig(file, { outDir });
// --no-nats: the same run publishing nothing (no nats-server, no NATS thread), to measure what
// publishing costs; never a figure for the goals, which are about runs as users have them.
const cfg = option === '--no-nats' ? { ...loaded, nats: { ...loaded.nats, enabled: false } } : loaded;
const marks: {
  startMs?: number;
  endMs?: number;
  startCpu?: NodeJS.CpuUsage;
  loopCpu?: NodeJS.CpuUsage;
  startFaults?: number;
  loopFaults?: number;
  startMainCpu?: number;
  loopMainCpu?: number;
  startTree?: Map<number, number>;
  loopTree?: Map<number, number>;
  names?: Map<number, string>;
} = {};
const clock: RecordSink = {
  // Market events are no marks; taking them here keeps the core from building a record object for
  // this sink alone (a run as `flexarena run` has it builds none).
  tapeEvent() {},
  tape(r) {
    if (r.type === 'run-start') {
      marks.startMs = performance.now();
      marks.startCpu = process.cpuUsage();
      marks.startFaults = process.resourceUsage().minorPageFault;
      marks.startMainCpu = mainThreadCpuMs();
      marks.startTree = processTreeCpu();
      // Named now: by the time the figures are printed the agent processes have exited.
      marks.names = new Map([...(marks.startTree?.keys() ?? [])].map((pid) => [pid, commandLine(pid)]));
    } else if (r.type === 'run-end') {
      marks.endMs = performance.now();
      marks.loopCpu = process.cpuUsage(marks.startCpu);
      marks.loopFaults = process.resourceUsage().minorPageFault - (marks.startFaults ?? 0);
      const mainCpu = mainThreadCpuMs();
      if (mainCpu !== undefined && marks.startMainCpu !== undefined)
        marks.loopMainCpu = mainCpu - marks.startMainCpu;
      const end = processTreeCpu();
      if (end && marks.startTree)
        marks.loopTree = new Map([...end].map(([pid, ms]) => [pid, ms - (marks.startTree?.get(pid) ?? 0)]));
    }
  },
};
const local = mode === 'in-process' ? inProcessAgents(cfg) : undefined;
const lines: string[] = [];
const { runDir, results } = await runArena(cfg, {
  baseDir: dirname(resolve(file)),
  sinks: [clock],
  log: (l) => lines.push(l),
  ...(local ? { local } : {}),
});
const exitMs = performance.now();
if (marks.startMs === undefined || marks.endMs === undefined) throw new Error('run-start/run-end not seen');
const faults = results.agents.reduce((n, a) => n + a.missedDeadlines, 0);
// A run in which an agent never connected measured a different game: no figure from it.
const absent = lines.filter((l) => /never-connected/.test(l));
if (absent.length > 0) throw new Error(`pace run without every agent:\n${absent.join('\n')}`);
process.stdout.write(
  `${JSON.stringify({
    mode,
    nats: cfg.nats.enabled,
    days: cfg.days,
    // This (the arena's) process id: a perf recording of the run tells it from the agents by it.
    arenaPid: process.pid,
    // Process start (Node, tsx, imports) to the first decision point: start-up of every process.
    startupMs: marks.startMs,
    loopMs: marks.endMs - marks.startMs,
    // CPU time (user + system, every thread of this process) over the same span: on a shared
    // machine the clock lies, this does not (much).
    loopCpuMs: marks.loopCpu ? (marks.loopCpu.user + marks.loopCpu.system) / 1000 : null,
    // Minor page faults of this process over the same span: first touches of memory, which on a
    // virtual machine such as this one's cost ~2.5 µs each (measured 2026-11-30: a fresh 200 MB
    // buffer touched page by page).
    loopMinorFaults: marks.loopFaults ?? null,
    // The same span's CPU of the arena's main thread alone (10 ms resolution): an in-process run's
    // critical path, less moved than the clock by a host that lends the CPU to other guests.
    loopMainThreadCpuMs: marks.loopMainCpu ?? null,
    // The same span's CPU of every process of the run (arena, agents, nats-server), from /proc.
    loopCpuAllMs: marks.loopTree ? [...marks.loopTree.values()].reduce((a, b) => a + b, 0) : null,
    // Per process (its program's last words: the strategy, nats-server), for where the loop's CPU goes.
    loopCpuByProcess: marks.loopTree
      ? [...marks.loopTree].map(([pid, ms]) => {
          const words = (marks.names?.get(pid) ?? '').split(' ');
          const i = words.indexOf('agent');
          const name = pid === process.pid ? 'arena' : i >= 0 ? (words[i + 1] ?? '?') : (words[0] ?? '?');
          return `${name} ${Math.round(ms)}`;
        })
      : null,
    totalMs: exitMs,
    tapeSha256: results.tapeSha256,
    stats: results.stats,
    missedDeadlines: faults,
    natsUndelivered: results.nats?.undelivered ?? null,
    // CPU of this (the arena's) process alone, user + system; /usr/bin/time adds the agents'.
    arenaCpuMs: (() => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    })(),
    log: lines.filter((l) => /fault|NOT delivered/.test(l)).slice(0, 5),
  })}\n`,
);
rmSync(runDir, { recursive: true, force: true });
