import { dirname, resolve } from 'node:path';
import { loadRunConfig, readWorldFiles } from '../../arena/index.js';
import { Simulation } from '../../sim/index.js';
for (const file of ['scenarios/demo.yaml', 'scenarios/pace.yaml', 'scenarios/demo.yaml']) {
  const cfg = loadRunConfig(file, { outDir: '/tmp/x' });
  const t0 = performance.now();
  const files = readWorldFiles(cfg, dirname(resolve(file)));
  const sim = await Simulation.create(cfg, { runId: 'x', sinks: [], files });
  const t1 = performance.now();
  for (const a of cfg.agents) sim.welcome(a.id);
  console.log(file, (t1 - t0).toFixed(0), 'ms create,', (performance.now() - t1).toFixed(0), 'ms welcomes');
}
