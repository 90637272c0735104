// The same in-process run several times in one process — as a tournament worker or a training loop
// plays game after game — to see what the pace is once the JIT has compiled the code, against the
// first (cold) run that `npm run bench:pace` measures:
// `node --import tsx scripts/bench/warm-runs.ts [config] [runs]` (default scenarios/pace.yaml, 4).
// Each run gets fresh strategy objects and writes its own run folder (removed after); the clock is
// measured as in pace-run.ts, from the run-start to the run-end record. Prints one line per run.
// WARM_PROFILE=<file.cpuprofile> samples the second half of the runs with the V8 profiler (the
// warm code's own hot spots, without the compiler's warm-up in them).
import { rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadRunConfig, runArena } from '../../arena/index.js';
import { inProcessAgents } from '../../cli/commands/run.js';
import { tuneV8ForShortRuns } from '../../lib/index.js';
import type { RecordSink } from '../../sim/index.js';
import { mainThreadCpuMs } from './process-tree-cpu.js';

tuneV8ForShortRuns();

const file = process.argv[2] ?? 'scenarios/pace.yaml';
const runs = Number(process.argv[3] ?? 4);
const cfg = loadRunConfig(file, { outDir: '/tmp/flexarena-warm-runs' });

const profileFile = process.env.WARM_PROFILE;
const inspector = profileFile ? new Session() : undefined;
inspector?.connect();

for (let i = 0; i < runs; i++) {
  if (inspector && i === Math.floor(runs / 2)) {
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: 500 });
    await inspector.post('Profiler.start');
  }
  let start = 0;
  let end = 0;
  let cpu0 = 0;
  let cpu = 0;
  const clock: RecordSink = {
    tapeEvent() {},
    tape(r) {
      if (r.type === 'run-start') {
        start = performance.now();
        cpu0 = mainThreadCpuMs() ?? 0;
      } else if (r.type === 'run-end') {
        end = performance.now();
        cpu = (mainThreadCpuMs() ?? 0) - cpu0;
      }
    },
  };
  const local = inProcessAgents(cfg);
  const { runDir, results } = await runArena(cfg, {
    baseDir: dirname(resolve(file)),
    sinks: [clock],
    local,
    log: () => {},
  });
  rmSync(runDir, { recursive: true, force: true });
  const ms = end - start;
  process.stdout.write(
    `run ${i + 1}/${runs}: clock ${(ms / 1000).toFixed(2)} s (${((cfg.days * 60_000) / ms).toFixed(1)} sim-days/min), ` +
      `main thread ${(cpu / 1000).toFixed(2)} s, tape ${results.tapeSha256.slice(0, 12)}\n`,
  );
}

if (inspector && profileFile) {
  const { profile } = await inspector.post('Profiler.stop');
  writeFileSync(profileFile, JSON.stringify(profile));
  process.stdout.write(`profile of runs ${Math.floor(runs / 2) + 1}–${runs}: ${profileFile}\n`);
}
