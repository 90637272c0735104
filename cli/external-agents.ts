// `flexarena run … --external <agent-id>=<token>`: an agent of the configuration is not launched by
// the arena but connects by itself with the given token (an agent in another container, host or
// language), without editing the configuration file.
import { ConfigError } from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';

export function collectExternal(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function applyExternalAgents(cfg: RunConfig, specs: readonly string[], file: string): void {
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const id = eq < 0 ? spec : spec.slice(0, eq);
    const token = eq < 0 ? '' : spec.slice(eq + 1);
    const agent = cfg.agents.find((a) => a.id === id);
    if (!agent)
      throw new ConfigError(file, [
        {
          path: '--external',
          message: `no agent "${id}" in the configuration (agents: ${cfg.agents.map((a) => a.id).join(', ')})`,
        },
      ]);
    if (token.length < 8)
      throw new ConfigError(file, [
        { path: '--external', message: `expected <agent-id>=<token> with a token of at least 8 characters` },
      ]);
    agent.launch = false;
    agent.token = token;
  }
  refuseSharedTokens(cfg, specs, file);
}

/**
 * The arena knows an agent by its token, so each needs its own: one agent given twice (the first
 * token was dropped without a word) or a token another agent has (the run failed mid-start with a
 * stack trace) is refused, naming the agents.
 */
function refuseSharedTokens(cfg: RunConfig, specs: readonly string[], file: string): void {
  const ids = specs.map((s) => (s.includes('=') ? s.slice(0, s.indexOf('=')) : s));
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined)
    throw new ConfigError(file, [{ path: '--external', message: `agent "${twice}" given twice` }]);
  const holder = new Map<string, string>();
  for (const a of cfg.agents) {
    if (a.token === undefined) continue;
    const other = holder.get(a.token);
    if (other !== undefined)
      throw new ConfigError(file, [
        {
          path: '--external',
          message: `agents "${other}" and "${a.id}" have the same token: each agent needs its own`,
        },
      ]);
    holder.set(a.token, a.id);
  }
}
