// Agents the arena launches run a built-in strategy by name with their parameters: a misspelt name
// or a parameter the strategy refuses is a configuration error before anything starts
// (agents/strategies/strategy-check.ts). Agents started by hand (launch: false) or from their own
// command line (`command`, `runtime`) may carry any label and parameters.
import { strategyConfigIssues } from '../agents/strategies/index.js';
import { ConfigError } from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';

export function checkLaunchedStrategies(cfg: RunConfig, source: string): void {
  const issues = cfg.agents.flatMap((a, i) =>
    a.launch && !a.command && !a.runtime ? strategyConfigIssues(`agents[${i}]`, a.strategy, a.params) : [],
  );
  if (issues.length > 0) throw new ConfigError(source, issues);
}
