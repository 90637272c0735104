// Agents the arena launches run a built-in strategy by name; a misspelt name is a configuration
// error before anything starts. Agents started by hand (launch: false) or from their own command
// line (`command`, `runtime`) may carry any label.
import { ConfigError } from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';

export function checkLaunchedStrategies(
  cfg: RunConfig,
  source: string,
  known: { has(name: string): boolean; names(): string[] },
): void {
  const issues = cfg.agents.flatMap((a, i) =>
    a.launch && !a.command && !a.runtime && !known.has(a.strategy)
      ? [
          {
            path: `agents[${i}].strategy`,
            message: `unknown strategy "${a.strategy}" for an agent the arena launches; known: ${known.names().join(', ')}`,
            value: a.strategy,
          },
        ]
      : [],
  );
  if (issues.length > 0) throw new ConfigError(source, issues);
}
