import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadRunConfig, readWorldFiles } from '../../arena/index.js';
import { inProcessAgents } from '../../cli/commands/run.js';
import { tuneV8ForShortRuns } from '../../lib/index.js';
import { type AgentPort, LocalAgentPort, runLockstep, Simulation } from '../../sim/index.js';
tuneV8ForShortRuns();
const file = 'scenarios/pace.yaml';
const warm = Number(process.argv[2] ?? 2);
const profiled = Number(process.argv[3] ?? 3);
const cfg = loadRunConfig(file, { outDir: '/tmp/flexarena-core-runs' });
const files = readWorldFiles(cfg, dirname(resolve(file)));
const s = new Session(); s.connect();
await s.post('Profiler.enable');
await s.post('Profiler.setSamplingInterval', { interval: 100 });
for (let i = 0; i < warm + profiled; i++) {
  if (i === warm) await s.post('Profiler.start');
  const sim = await Simulation.create(cfg, { runId: `core-${i + 1}`, sinks: [], files });
  const ports = new Map<string, AgentPort>();
  for (const [id, agent] of inProcessAgents(cfg)) ports.set(id, new LocalAgentPort(id, agent));
  const t0 = performance.now();
  await runLockstep(sim, ports);
  console.log(i, (performance.now() - t0).toFixed(0));
}
const { profile } = await s.post('Profiler.stop');
writeFileSync(process.argv[4] ?? '/tmp/warm.cpuprofile', JSON.stringify(profile));
