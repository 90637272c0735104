// `npm run bench:demo`: the demo day as a newcomer runs it (arena, nats-server and the agent
// processes), five times; reports the median wall time and what the day processed. Interleaved with
// it, the same run with the command through tsx instead of its bundle (FLEXARENA_CLI_BUNDLE=0), the
// baseline of the ratio.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunConfig } from '../arena/run/load-config.js';
import { writeBenchmarkSection } from './benchmarks-file.js';

const root = join(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const config = process.argv[2] ?? 'scenarios/demo.yaml';

interface Sample {
  wallMs: number;
  wakeUps: number;
  actions: number;
  trades: number;
  tapeEvents: number;
}

function once(env: NodeJS.ProcessEnv = {}): Sample {
  const out = mkdtempSync(join(tmpdir(), 'flexarena-bench-'));
  const t0 = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [join(root, 'bin', 'flexarena.mjs'), 'run', config, '--out', out], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 0) throw new Error(`demo failed (${res.status}):\n${res.stderr}`);
  const runDir = join(out, readdirSync(out)[0]!);
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
  rmSync(out, { recursive: true, force: true });
  return { wallMs, ...results.stats };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const samples: Sample[] = [];
const throughTsx: Sample[] = [];
for (let i = 0; i < runs; i++) {
  samples.push(once());
  throughTsx.push(once({ FLEXARENA_CLI_BUNDLE: '0' }));
  process.stderr.write(
    `run ${i + 1}/${runs}: ${(samples.at(-1)!.wallMs / 1000).toFixed(2)} s (command through tsx: ${(throughTsx.at(-1)!.wallMs / 1000).toFixed(2)} s)\n`,
  );
}
const s0 = samples[0]!;
const cfg = loadRunConfig(join(root, config));
const markets = [
  cfg.market.auctions.dayAhead ? 'day-ahead auction' : '',
  cfg.market.auctions.intraday ? 'three intraday auctions' : '',
  `continuous intraday (96 quarter-hours${cfg.market.cid.hourlyProducts ? ' and 24 hours' : ''})`,
  cfg.market.balancing.enabled ? 'aFRR capacity and balancing energy' : '',
].filter(Boolean);
const med = median(samples.map((s) => s.wallMs));
const medTsx = median(throughTsx.map((s) => s.wallMs));
const body = `## Demo day (\`npm run bench:demo\`)

\`${config}\`: ${cfg.days} delivery day(s) on ${markets.join(', ')}; the clock runs from
${cfg.simStartHoursBeforeDay} h before the first day, ${cfg.decisionIntervalMinutes}-minute decision points, lock-step; end to end as
\`npm start\` runs it: arena process, its own nats-server, ${cfg.agents.length} agent processes over gRPC.
Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${runs} runs.

| figure | value |
|---|---|
| wall time, median of ${runs} | ${(med / 1000).toFixed(2)} s |
| wall time, min / max | ${(Math.min(...samples.map((s) => s.wallMs)) / 1000).toFixed(2)} s / ${(Math.max(...samples.map((s) => s.wallMs)) / 1000).toFixed(2)} s |
| wake-ups (agent × decision point) | ${s0.wakeUps} |
| actions processed (orders, cancels, modifies) | ${s0.actions} |
| trades | ${s0.trades} |
| tape events | ${s0.tapeEvents} |
| wake-ups per wall second (median run) | ${Math.round(s0.wakeUps / (med / 1000))} |
| actions per wall second (median run) | ${Math.round(s0.actions / (med / 1000))} |

Process start-up (Node for ${cfg.agents.length + 1} processes, the command's bundle, the agents' bundle from V8's code cache,
nats-server) is part of the wall time. Baseline in the same invocation, interleaved: the command
through tsx (\`FLEXARENA_CLI_BUNDLE=0\`), median ${(medTsx / 1000).toFixed(2)} s — the bundle's wall time is
**${(med / medTsx).toFixed(2)}×** the baseline's.`;
writeBenchmarkSection('demo', body);
process.stdout.write(`${body}\n`);
