// A cost breakdown of one EV-fleet strategy on scenarios/ev-fleet-week.yaml (the `fleet` slot):
//   npx tsx scripts/zoo/ev-diag.ts <strategy> <seed> [params-json]
import { join } from 'node:path';
import { createStrategy } from '../../agents/strategies/index.js';
import { loadRunConfig } from '../../arena/index.js';
import { runLocal } from './run-local.js';

const [strategy, seed, paramsJson] = process.argv.slice(2);
const cfg0 = loadRunConfig(join(import.meta.dirname, '..', '..', 'scenarios', 'ev-fleet-week.yaml'));
const params = paramsJson ? JSON.parse(paramsJson) : {};
const cfg = {
  ...cfg0,
  seed: Number(seed),
  agents: cfg0.agents.map((a) => (a.id === 'fleet' ? { ...a, strategy: strategy!, params } : a)),
};
const run = await runLocal(cfg, { agents: new Map([['fleet', createStrategy(strategy!, params)]]) });
const r = run.results.agents.find((a) => a.agentId === 'fleet')!;
const { cashUnits, costUnits, ...rest } = r as unknown as Record<string, unknown>;
console.log(JSON.stringify({ strategy, seed, params, ...rest, cashUnits, costUnits }));
