// Agents the arena launches run a built-in strategy by name with their parameters: a misspelt name,
// a parameter the strategy refuses, a seat without the asset the strategy plays or a parameter that
// does not fit that asset (an SoC target outside the battery's range) is a configuration error
// before anything starts (agents/strategies/strategy-check.ts). Before, the last two surfaced at the
// agent's welcome: its process exited and the run went on without it. So did the module of a
// `runtime: python` agent that `python3 -m` does not find, now refused here too
// (arena/launcher/python-module-check.ts). Agents started by hand (launch: false) or from their own
// command line (`command`, `runtime`) may carry any label and parameters.
import { dirname, resolve } from 'node:path';
import { resolveParamPaths, seatConfigIssues, sharedStateFileIssues } from '../agents/strategies/index.js';
import type { Welcome } from '../gen/flexarena/v1/session.js';
import { ConfigError } from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';

/** The welcome an agent of the run gets (its seat: market, asset, auctions). */
export type WelcomeOf = (agentId: string) => Welcome;

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

export async function checkLaunchedStrategies(
  cfg: RunConfig,
  source: string,
  welcomeOf: WelcomeOf,
): Promise<void> {
  const issues = [];
  for (const [i, a] of cfg.agents.entries())
    if (a.launch && !a.command && !a.runtime)
      issues.push(...(await seatConfigIssues(`agents[${i}]`, a.strategy, a.params, welcomeOf(a.id))));
  if (issues.length > 0) throw new ConfigError(source, issues);
  // Two learners of the run saving to one file (indices are the run's: others are skipped).
  const shared = sharedStateFileIssues(
    cfg.agents.map((a) =>
      a.launch && !a.command && !a.runtime ? a : { strategy: '', params: {} as Record<string, unknown> },
    ),
  );
  if (shared.length > 0) throw new ConfigError(source, shared);
  // A misspelt module of a Python agent: its process ended at once and the run went on without it.
  if (cfg.agents.some((a) => a.launch && a.runtime === 'python')) {
    const { pythonModuleIssues } = await import('../arena/index.js');
    const modules = await pythonModuleIssues(cfg.agents);
    if (modules.length > 0) throw new ConfigError(source, modules);
  }
}

/**
 * The welcomes of a run as its simulation will make them: the simulation is made once more without
 * any sink (the world of the run's days: 30–80 ms for the demo). Loaded lazily: `flexarena agent`
 * processes start through the CLI and need none of the core.
 */
export async function runWelcomes(
  cfg: RunConfig,
  runId: string,
  baseDir: string,
  configFile: string,
): Promise<WelcomeOf> {
  const [{ readWorldFiles }, { Simulation }] = await Promise.all([
    import('../arena/index.js'),
    import('../sim/index.js'),
  ]);
  const files = readWorldFiles(cfg, baseDir, configFile);
  const sim = await Simulation.create(cfg, { runId, sinks: [], files });
  return (agentId) => ({ ...sim.welcome(agentId), resumed: false });
}
