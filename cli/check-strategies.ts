// Agents the arena launches run a built-in strategy by name with their parameters: a misspelt name
// or a parameter the strategy refuses is a configuration error before anything starts
// (agents/strategies/strategy-check.ts). Agents started by hand (launch: false) or from their own
// command line (`command`, `runtime`) may carry any label and parameters.
import { dirname, resolve } from 'node:path';
import {
  resolveParamPaths,
  sharedStateFileIssues,
  strategyConfigIssues,
} from '../agents/strategies/index.js';
import { ConfigError } from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';

/**
 * A file named in the params of an agent the arena launches (a policy checkpoint, a Q-table) is,
 * when relative, the configuration file's, like its other paths: made absolute against the file's
 * folder before the agents (which run in the working directory) get them.
 */
export function resolveLaunchedParamPaths(cfg: RunConfig, file: string): void {
  const base = dirname(resolve(file));
  for (const a of cfg.agents)
    if (a.launch && !a.command && !a.runtime) a.params = resolveParamPaths(a.strategy, a.params, base);
}

export function checkLaunchedStrategies(cfg: RunConfig, source: string): void {
  const issues = cfg.agents.flatMap((a, i) =>
    a.launch && !a.command && !a.runtime ? strategyConfigIssues(`agents[${i}]`, a.strategy, a.params) : [],
  );
  if (issues.length > 0) throw new ConfigError(source, issues);
  // Two learners of the run saving to one file (indices are the run's: others are skipped).
  const shared = sharedStateFileIssues(
    cfg.agents.map((a) =>
      a.launch && !a.command && !a.runtime ? a : { strategy: '', params: {} as Record<string, unknown> },
    ),
  );
  if (shared.length > 0) throw new ConfigError(source, shared);
}
