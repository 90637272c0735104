// Every agent of a study welcomed to its seat in the scenario and in each size variant, as the
// study's runs will welcome it. A parameter that does not fit the battery (an SoC target outside
// its range) surfaced only when the first run of that variant started — after the runs before it,
// possibly hours in — as one line naming neither the file nor the field. The scenario's own seats
// are that file's; a variant's are the study field that made it (`sizes[j]`). The other variants
// welcome nobody new: 'without' drops an agent, and a fleet's copies are its battery's seat again.
import { dirname, resolve } from 'node:path';
import { seatConfigIssues } from '../agents/strategies/index.js';
import { readWorldFiles } from '../arena/index.js';
import { ConfigError, type ConfigIssue } from '../lib/index.js';
import { type RunConfig, Simulation } from '../sim/index.js';
import type { StudyConfig } from './config.js';
import { type Variant, variantConfig } from './variants.js';

/** The seat issues of every agent of `cfg` (paths `agents[i]…` of the scenario). */
async function seatIssues(cfg: RunConfig, scenarioFile: string): Promise<ConfigIssue[]> {
  const files = readWorldFiles(cfg, dirname(resolve(scenarioFile)), scenarioFile);
  const sim = await Simulation.create(cfg, { runId: 'seat-check', sinks: [], files });
  const issues: ConfigIssue[] = [];
  for (const [i, a] of cfg.agents.entries())
    issues.push(
      ...(await seatConfigIssues(`agents[${i}]`, a.strategy, a.params, {
        ...sim.welcome(a.id),
        resumed: false,
      })),
    );
  return issues;
}

export async function checkVariantSeats(
  s: StudyConfig,
  scenario: RunConfig,
  variants: readonly Variant[],
  file = '<study>',
): Promise<void> {
  const own = await seatIssues(scenario, s.scenario);
  if (own.length > 0) throw new ConfigError(s.scenario, own);
  const issues: ConfigIssue[] = [];
  for (const v of variants) {
    if (v.kind !== 'size') continue;
    for (const issue of await seatIssues(variantConfig(s, scenario, v), s.scenario))
      issues.push({
        path: `sizes[${s.sizes.indexOf(v.value)}]`,
        message: `${issue.path} of ${s.scenario} with its battery scaled by ${v.value}: ${issue.message}`,
        value: v.value,
      });
  }
  if (issues.length > 0) throw new ConfigError(file, issues);
}
