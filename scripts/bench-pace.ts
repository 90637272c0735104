// `npm run bench:pace`: simulated days per wall-clock minute of one line-up of ten agents
// (scenarios/pace.yaml) over gRPC with ten agent processes and in-process, interleaved with the gRPC
// transport's floor round by round (scripts/bench/grpc-floor.ts), each run
// in a fresh process; then one profiled run of each mode, summarised by where the time goes.
// BENCH_RUNS (default 3) sets the timed runs per mode; BENCH_PROFILE=0 skips the profiled runs.
// Where Linux perf can record, one more run per mode is recorded by it and its loop split by machine
// code (TurboFan, inline caches, compiled JavaScript, ...; scripts/bench/perf-categories.ts);
// BENCH_PERF=0 skips those.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunConfig } from '../arena/run/load-config.js';
import {
  CATEGORIES,
  CATEGORY_NOTES,
  type Category,
  summariseProfileFile,
} from './bench/cpu-profile-summary.js';
import {
  type CategoryCounts,
  categoryTable,
  loopCategories,
  parsePerfScript,
  sumCounts,
} from './bench/perf-categories.js';
import { writeBenchmarkSection } from './benchmarks-file.js';

const root = join(import.meta.dirname, '..');
const config = process.env.BENCH_CONFIG ?? 'scenarios/pace.yaml';
const runs = Number(process.env.BENCH_RUNS ?? 3);
const profile = process.env.BENCH_PROFILE !== '0';
const perf = process.env.BENCH_PERF !== '0';
const MODES = ['grpc', 'in-process'] as const;
type Mode = (typeof MODES)[number];
const LABEL: Record<Mode, string> = { grpc: 'gRPC, 10 agent processes', 'in-process': 'in-process' };

interface Sample {
  mode: Mode;
  days: number;
  startupMs: number;
  loopMs: number;
  totalMs: number;
  tapeSha256: string;
  stats: { wakeUps: number; actions: number; trades: number; tapeEvents: number };
  missedDeadlines: number;
  natsUndelivered: number | null;
  /** Minor page faults of the arena process between the first and the last decision point. */
  loopMinorFaults: number | null;
  /** CPU of the arena's main thread alone between the first and the last decision point. */
  loopMainThreadCpuMs: number | null;
  /** CPU of every process of the run (arena, agents, nats-server) between those two points. */
  loopCpuAllMs: number | null;
  load: number;
  /** CPU seconds (user + system) of every process of the run: arena, agents, nats-server. */
  cpuS: number;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU time of this process's waited-for descendants (the run and everything it waited for). */
function childrenCpuS(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: field 3 is [0]; cutime and cstime are fields 16 and 17.
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

/**
 * One run in a fresh process: started from a bundle, as the `flexarena` command is, or through tsx
 * (a profile then names the source files; a bundle's chunks say nothing about what code is whose).
 */
function once(
  mode: Mode,
  env: NodeJS.ProcessEnv = {},
  start: 'bundle' | 'tsx' = 'bundle',
  options: string[] = [],
): Sample {
  const out = mkdtempSync(join(tmpdir(), 'flexarena-pace-'));
  const load = loadavg()[0]!;
  const cpu0 = childrenCpuS();
  const res = spawnSync(
    process.execPath,
    [
      ...(start === 'bundle' ? [join('scripts', 'bench', 'bundled.mjs')] : ['--import', 'tsx']),
      join('scripts', 'bench', 'pace-run.ts'),
      config,
      mode,
      out,
      ...options,
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 },
  );
  const cpuS = childrenCpuS() - cpu0;
  rmSync(out, { recursive: true, force: true });
  if (res.status !== 0) throw new Error(`${mode} run failed (${res.status}):\n${res.stderr}`);
  const line = res.stdout.trim().split('\n').at(-1)!;
  return { ...(JSON.parse(line) as Omit<Sample, 'load' | 'cpuS'>), load, cpuS };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const perMinute = (days: number, ms: number) => (days * 60_000) / ms;
const f1 = (x: number) => x.toFixed(1);

// One untimed run first: the timed ones then start as every run after the first one since a change
// to the sources does — from the bundles and the agent processes' code cache that run left behind
// (bin/cli-bundle.mjs, arena/launcher/agent-loader.ts).

interface Floor {
  wallMs: number;
  serverCpuMs: number;
  clientsCpuMs: number;
}

/**
 * The gRPC transport alone (scripts/bench/grpc-floor.ts): as many lock-step rounds as the pace run
 * has decision points, one server and as many client processes as it has agents, payloads of its
 * sizes, nothing else — the fastest any gRPC run of the line-up could be on this machine. Clients:
 * the SDK's session stream (what agents use), or grpc-js's client for comparison.
 */
function floor(rounds: number, clients: number, client: 'sdk' | 'grpc-js'): Floor {
  const res = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join('scripts', 'bench', 'grpc-floor.ts'),
      String(rounds),
      String(clients),
      '1',
      client,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (res.status !== 0) throw new Error(`grpc-floor failed (${res.status}):\n${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').at(-1)!) as Floor;
}

interface CoreRuns {
  days: number;
  runs: { clockMs: number; mainThreadCpuMs: number; trades: number; tapeEvents: number }[];
}

/**
 * The simulation core and the in-process strategies alone, with no sink (scripts/bench/core-runs.ts):
 * `n` runs in one fresh process — the first pays V8's warm-up, the others run compiled code.
 */
function coreRuns(n: number): CoreRuns {
  const res = spawnSync(
    process.execPath,
    [join('scripts', 'bench', 'bundled.mjs'), join('scripts', 'bench', 'core-runs.ts'), config, String(n)],
    { cwd: root, encoding: 'utf8' },
  );
  if (res.status !== 0) throw new Error(`core-runs failed (${res.status}):\n${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').at(-1)!) as CoreRuns;
}

/** One profiled run: every process sampled; per category, summed over the agent processes. */
function profiled(mode: Mode): {
  arena: Record<Category, number>;
  agents: Record<Category, number>;
  n: number;
} {
  const dir = mkdtempSync(join(tmpdir(), 'flexarena-pace-prof-'));
  mkdirSync(dir, { recursive: true });
  once(
    mode,
    {
      // Every process from source, not from the bundles: a profile names a bundle's chunks, so its
      // strategies, SDK and protobuf code could not be told apart (the timed runs use the bundles).
      FLEXARENA_AGENT_BUNDLE: '0',
      FLEXARENA_CLI_BUNDLE: '0',
      FLEXARENA_CPU_PROFILE_DIR: dir,
      NODE_OPTIONS: `--import=${join(root, 'scripts', 'bench', 'cpu-profiler-preload.mjs')}`,
    },
    'tsx',
  );
  const zero = () => Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const arena = zero();
  const agents = zero();
  let n = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
    const { summary, isAgentProcess } = summariseProfileFile(join(dir, f));
    const into = isAgentProcess ? agents : arena;
    if (isAgentProcess) n++;
    for (const c of CATEGORIES) into[c] += summary[c];
  }
  rmSync(dir, { recursive: true, force: true });
  return { arena, agents, n };
}

/** Whether `perf record` works here (installed, and allowed by kernel.perf_event_paranoid). */
function perfWorks(): boolean {
  const res = spawnSync('perf', ['record', '-q', '-o', '/dev/null', '--', 'true'], { encoding: 'utf8' });
  return res.status === 0;
}

/** The V8 log files in the project's folder (isolate-<address>-<pid>-v8.log). */
function v8Logs(): Set<string> {
  return new Set(readdirSync(root).filter((f) => /^isolate-0x[0-9a-f]+-\d+-v8\.log$/.test(f)));
}

/**
 * One run recorded by perf (the run's process tree only; JIT code named through V8's perf map),
 * its loop's samples per process and category. The perf map and log files V8 writes are removed
 * after.
 */
function perfRecorded(mode: Mode): { arenaPid: number; loop: ReturnType<typeof loopCategories> } {
  const dir = mkdtempSync(join(tmpdir(), 'flexarena-pace-perf-'));
  const data = join(dir, 'perf.data');
  const logsBefore = v8Logs();
  try {
    const res = spawnSync(
      'perf',
      [
        'record',
        '-q',
        '-g',
        '-F',
        '499',
        '-o',
        data,
        '--',
        process.execPath,
        '--import',
        'tsx',
        join('scripts', 'bench', 'pace-run.ts'),
        config,
        mode,
        join(dir, 'run'),
      ],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '--perf-basic-prof' },
        maxBuffer: 64 << 20,
      },
    );
    if (res.status !== 0) throw new Error(`perf-recorded ${mode} run failed (${res.status}):\n${res.stderr}`);
    const run = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as {
      arenaPid: number;
      startupMs: number;
      loopMs: number;
    };
    const script = spawnSync('perf', ['script', '-i', data, '-F', 'comm,pid,tid,time,ip,sym,dso'], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    if (script.status !== 0) throw new Error(`perf script failed (${script.status}):\n${script.stderr}`);
    const samples = parsePerfScript(script.stdout);
    for (const pid of new Set(samples.map((x) => x.pid))) rmSync(`/tmp/perf-${pid}.map`, { force: true });
    return { arenaPid: run.arenaPid, loop: loopCategories(samples, run.startupMs, run.loopMs) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    // --perf-basic-prof also has V8 log to isolate-<address>-<pid>-v8.log in the working directory.
    for (const f of v8Logs()) if (!logsBefore.has(f)) rmSync(join(root, f), { force: true });
  }
}

function perfSection(): string {
  if (!perfWorks())
    return '\n**By machine code**: not measured here (`perf record` is not available or not allowed).\n';
  const ip = perfRecorded('in-process');
  const gr = perfRecorded('grpc');
  const rows: [string, CategoryCounts][] = [];
  const arenaRows = (label: string, r: typeof ip) => {
    const arena = r.loop.processes.find((p) => p.pid === r.arenaPid);
    if (!arena) return;
    rows.push([`${label}: the arena process`, arena.all], [`${label}: … its main thread`, arena.main]);
  };
  arenaRows('in-process', ip);
  rows.push(['gRPC: all processes', gr.loop.total]);
  arenaRows('gRPC', gr);
  const agents = gr.loop.processes.filter((p) => p.pid !== gr.arenaPid && p.comm === 'node');
  rows.push([`gRPC: the ${agents.length} agent processes`, sumCounts(agents.map((p) => p.all))]);
  return `
**By machine code** (one more run per mode recorded by Linux \`perf\` at 499 Hz, every process of the
run, JIT code named through V8's perf map; each on-CPU sample of the clock charged to its innermost
frame — \`scripts/bench/perf-categories.ts\`, which also splits a recording per process). What the V8
profiler above cannot show: TurboFan compiling on its own threads, and the builtins (inline caches
of code not yet optimised, \`Map\` lookups, calls) that run between compiled JavaScript:

${categoryTable(rows)}
`;
}

const cfg = loadRunConfig(join(root, config));
const rounds = once('grpc').stats.wakeUps / cfg.agents.length;
const samples: Record<Mode, Sample[]> = { grpc: [], 'in-process': [] };
/** The in-process run without NATS, once per round: what publishing costs its clock. */
const withoutNats: Sample[] = [];
/** The core and strategies alone, once per round: a cold run and warm ones in one process. */
const coreAlone: CoreRuns[] = [];
const floors: Floor[] = [];
const grpcJsFloors: Floor[] = [];
// Round by round: a run of each mode, then the gRPC floor with each client, so that every round's
// floor measures the machine as that round's runs had it (a shared machine's speed drifts by tens of
// per cent within minutes) and the gRPC clock can be given as a ratio to it.
for (let i = 0; i < runs; i++) {
  for (const mode of MODES) {
    const s = once(mode);
    samples[mode].push(s);
    process.stderr.write(
      `run ${i + 1}/${runs} ${mode}: clock ${(s.loopMs / 1000).toFixed(2)} s (${f1(perMinute(s.days, s.loopMs))} sim-days/min), ` +
        `process ${(s.totalMs / 1000).toFixed(2)} s, CPU ${s.cpuS.toFixed(1)} s, tape ${s.tapeSha256.slice(0, 12)}, missed ${s.missedDeadlines}, load ${s.load.toFixed(1)}\n`,
    );
  }
  withoutNats.push(once('in-process', {}, 'bundle', ['--no-nats']));
  coreAlone.push(coreRuns(3));
  floors.push(floor(rounds, cfg.agents.length, 'sdk'));
  grpcJsFloors.push(floor(rounds, cfg.agents.length, 'grpc-js'));
  process.stderr.write(
    `gRPC floor ${i + 1}/${runs}: ${(floors.at(-1)!.wallMs / 1000).toFixed(2)} s (grpc-js clients: ${(grpcJsFloors.at(-1)!.wallMs / 1000).toFixed(2)} s)\n`,
  );
}
/** Each round's gRPC clock over that round's floor (SDK clients). */
const floorRatios = samples.grpc.map((s, i) => s.loopMs / floors[i]!.wallMs);
const floorMs = median(floors.map((f) => f.wallMs));
const grpcJsFloorMs = median(grpcJsFloors.map((f) => f.wallMs));
const faults = median(samples['in-process'].map((s) => s.loopMinorFaults ?? Number.NaN));
const mainCpu = (m: Mode) => median(samples[m].map((s) => s.loopMainThreadCpuMs ?? Number.NaN));
const seconds = (ms: number) => (Number.isNaN(ms) ? 'not measured' : `${(ms / 1000).toFixed(2)} s`);
const med = Object.fromEntries(
  MODES.map((m) => [
    m,
    { loop: median(samples[m].map((s) => s.loopMs)), total: median(samples[m].map((s) => s.totalMs)) },
  ]),
) as Record<Mode, { loop: number; total: number }>;
const days = cfg.days;
const rate = (m: Mode, k: 'loop' | 'total') => perMinute(days, med[m][k]);
const hashes = new Set([...MODES.flatMap((m) => samples[m]), ...withoutNats].map((s) => s.tapeSha256));
const noNatsLoopMs = median(withoutNats.map((s) => s.loopMs));
const coreCold = coreAlone.map((c) => c.runs[0]!);
const coreWarm = coreAlone.flatMap((c) => c.runs.slice(1));
const coreColdMs = median(coreCold.map((r) => r.clockMs));
const coreWarmMs = median(coreWarm.map((r) => r.clockMs));
// Without a tape the core still counts its events: every run must have played the timed runs' game.
const timedStats = samples.grpc[0]!.stats;
const coreSame = [...coreCold, ...coreWarm].every(
  (r) => r.trades === timedStats.trades && r.tapeEvents === timedStats.tapeEvents,
);

let profileTable = '';
if (profile) {
  const ip = profiled('in-process');
  const gr = profiled('grpc');
  const ms = (us: number) => (us / 1000).toFixed(0);
  const share = (r: Record<Category, number>, c: Category) => {
    const busy = CATEGORIES.filter((k) => k !== 'idle').reduce((a, k) => a + r[k], 0);
    return c === 'idle' ? '' : ` (${Math.round((100 * r[c]) / busy)} %)`;
  };
  profileTable = `
**Where the time goes** (one profiled run per mode, every process sampled by the V8 profiler
through the inspector; ms of samples per category, % of the process's busy samples; the agent
column sums the ${gr.n} agent processes; in these runs every process starts from source through tsx
rather than from the bundles so that its code can be attributed — start-up here is the unbundled one):

| category | in-process | gRPC: arena process | gRPC: ${gr.n} agent processes | what it holds |
|---|---|---|---|---|
${CATEGORIES.map(
  (c) =>
    `| ${c} | ${ms(ip.arena[c])}${share(ip.arena, c)} | ${ms(gr.arena[c])}${share(gr.arena, c)} | ${ms(gr.agents[c])}${share(gr.agents, c)} | ${CATEGORY_NOTES[c]} |`,
).join('\n')}
`;
}

const perfTable = perf ? perfSection() : '';

const row = (m: Mode) => {
  const xs = samples[m];
  const loops = xs.map((s) => perMinute(days, s.loopMs));
  const cpu = median(xs.map((s) => s.cpuS));
  return `| ${LABEL[m]} | **${f1(rate(m, 'loop'))}** | ${f1(Math.min(...loops))} / ${f1(Math.max(...loops))} | ${(med[m].loop / 1000).toFixed(2)} s | ${f1(rate(m, 'total'))} | ${(median(xs.map((s) => s.startupMs)) / 1000).toFixed(2)} s | ${cpu.toFixed(1)} s | ${f1((days * 60) / cpu)} | ${xs.reduce((a, s) => a + s.missedDeadlines, 0)} |`;
};
const s0 = samples.grpc[0]!;
const body = `## Game pace (\`npm run bench:pace\`)

\`${config}\`: ${cfg.agents.length} agents (${cfg.agents.map((a) => a.strategy).join(', ')}),
${days} delivery days, ${cfg.decisionIntervalMinutes}-minute decision points from ${cfg.simStartHoursBeforeDay} h before the first day
(${s0.stats.wakeUps / cfg.agents.length} decision points, ${s0.stats.wakeUps} wake-ups, ${s0.stats.actions} actions, ${s0.stats.trades} trades, ${s0.stats.tapeEvents} tape events).
Each run is a fresh \`node\` process running the configuration as \`flexarena run\` does (from a bundle of the
sources, made once, as the command starts: \`scripts/bench/bundled.mjs\`), with its
own nats-server (public data and the JetStream settlement stream are published as in every run).
Simulated days per wall-clock minute: **clock** = from the first decision point (every agent
connected) to the end of the run; **end to end** = from the arena process's start to its exit
(Node start-up, loading the bundle, nats-server, agent processes connecting, NATS delivery at the end).
An in-process run turns the event loop at every decision point, so its clock holds the tape's
compression and the NATS publishing as a gRPC run's does (until 2026-11-30 that work waited until
after the run's last record, outside the clock, and the in-process figures were that much higher).
One untimed gRPC run before the timed ones makes the bundles and the agents' code cache, as any
earlier run since the last change to the sources has.
Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${runs} runs per mode, interleaved;
1-minute load average during the runs ${f1(Math.min(...MODES.flatMap((m) => samples[m].map((s) => s.load))))}–${f1(Math.max(...MODES.flatMap((m) => samples[m].map((s) => s.load))))} (the machine is shared).

| mode | sim-days/min, clock (median) | min / max | clock time (median) | sim-days/min, end to end | start-up until the first decision point | CPU time, all processes (median) | sim-days per CPU-minute | missed deadlines (all runs) |
|---|---|---|---|---|---|---|---|---|
${row('grpc')}
${row('in-process')}

CPU time counts every process of a run (arena, agents, nats-server) from start to exit, so it
does not depend on what else the machine runs; on an otherwise idle 2-core machine a run's wall
time is at least its CPU time divided by two.

**The gRPC floor**: ${runs} runs of \`node --import tsx scripts/bench/grpc-floor.ts ${rounds} ${cfg.agents.length} 1\` — ${rounds} lock-step
rounds between one grpc-js server (the arena's) and ${cfg.agents.length} client processes on the SDK's session stream
(\`agents/sdk/grpc-stream.ts\`) with the pace run's payload sizes as opaque bytes, no simulation, no strategy,
no protobuf: median ${(floorMs / 1000).toFixed(2)} s (${floors.map((f) => (f.wallMs / 1000).toFixed(2)).join(', ')}),
server CPU ${(median(floors.map((f) => f.serverCpuMs)) / 1000).toFixed(2)} s, clients' CPU ${(median(floors.map((f) => f.clientsCpuMs)) / 1000).toFixed(2)} s — the transport alone caps a gRPC run
of this line-up at **${f1(perMinute(days, floorMs))} sim-days/min** on this machine, before the core or any strategy runs.
Each floor ran in the same round as a gRPC run (one of each per round): the gRPC clock was
**${median(floorRatios).toFixed(1)}×** its round's floor (median; ${floorRatios.map((r) => r.toFixed(1)).join(', ')}) — a figure that moves
less with the machine's load than the clock itself.
With grpc-js's own client instead (\`… 1 grpc-js\`, the same runs interleaved): median ${(grpcJsFloorMs / 1000).toFixed(2)} s,
clients' CPU ${(median(grpcJsFloors.map((f) => f.clientsCpuMs)) / 1000).toFixed(2)} s.

Page faults (first touches of memory; ~2.5 µs each on this virtual machine, measured 2026-11-30) of the arena process
during the in-process loop, median: ${Number.isNaN(faults) ? 'not measured' : faults.toFixed(0)}.
CPU of the arena's main thread alone (the simulation's thread) over the clock, median: in-process
${seconds(mainCpu('in-process'))}, gRPC ${seconds(mainCpu('grpc'))} — the rest of an in-process clock is that thread waiting
for a core or for the event loop.

**Without NATS** (the same in-process run with \`nats.enabled: false\` — no nats-server, no NATS
thread, no public or settlement messages — one per round, \`pace-run.ts … --no-nats\`; not a
figure for the goals): clock median ${seconds(noNatsLoopMs)} (${withoutNats.map((s) => (s.loopMs / 1000).toFixed(2)).join(', ')}),
**${f1(perMinute(days, noNatsLoopMs))} sim-days/min**; main thread ${seconds(median(withoutNats.map((s) => s.loopMainThreadCpuMs ?? Number.NaN)))},
CPU of all processes over the clock ${seconds(median(withoutNats.map((s) => s.loopCpuAllMs ?? Number.NaN)))} against ${seconds(median(samples['in-process'].map((s) => s.loopCpuAllMs ?? Number.NaN)))} with NATS.
Publishing public data and the JetStream settlement stream is
**${f1(100 * (1 - noNatsLoopMs / med['in-process'].loop))} %** of the in-process clock here (the NATS thread and nats-server take
the second core from V8's compiler threads; the main thread builds the payloads).

**The core and the strategies alone** (\`scripts/bench/core-runs.ts\`: the in-process run with no sink at
all — no tape, no run folder, no NATS, no event-loop turns — three runs in one fresh process per round;
not a figure for the goals): the first run of each process, **${f1(perMinute(days, coreColdMs))} sim-days/min** (clock median
${seconds(coreColdMs)}: ${coreCold.map((r) => (r.clockMs / 1000).toFixed(2)).join(', ')}; main thread ${seconds(median(coreCold.map((r) => r.mainThreadCpuMs)))}); the second and third,
once V8 has compiled the code, **${f1(perMinute(days, coreWarmMs))} sim-days/min** (${seconds(coreWarmMs)}: ${coreWarm.map((r) => (r.clockMs / 1000).toFixed(2)).join(', ')}).
${coreSame ? 'Every one of these runs made the same trades and tape events as the timed runs.' : "**These runs did not all make the timed runs' trades and tape events.**"}
What a fresh process's first run costs beyond a warm one is V8's warm-up (code running interpreted or
baseline-compiled until TurboFan has compiled it), before anything is written or published.

Ratio in-process / gRPC in this run: **${f1(rate('in-process', 'loop') / rate('grpc', 'loop'))}×** on the clock, ${f1(rate('in-process', 'total') / rate('grpc', 'total'))}× end to end.
Tapes: ${hashes.size === 1 ? `all ${runs * 3} runs (with the runs without NATS) wrote the same tape (sha256 \`${[...hashes][0]}\`)` : `${hashes.size} different tape hashes over the runs (${[...hashes].map((h) => h.slice(0, 12)).join(', ')}) — a run with a missed deadline or a late connection differs`}.
${profileTable}${perfTable}`;
writeBenchmarkSection('pace', body);
process.stdout.write(`${body}\n`);
