// Agents the arena launches run a built-in strategy by name; a misspelt name or a parameter the
// strategy refuses is a configuration error before anything starts (a launched agent process that
// refuses its parameters exits at once, and the run would go on without it). Agents started by
// hand (launch: false) or from their own command line (`command`, `runtime`) may carry any label.
import type { ParamIssue } from '../agents/strategies/index.js';
import { ConfigError, type ConfigIssue } from '../lib/index.js';
import type { RunConfig } from '../sim/index.js';

export interface KnownStrategies {
  has(name: string): boolean;
  names(): string[];
  /** Why the strategy refuses these parameters, or undefined when it accepts them. */
  paramIssue(name: string, params: Record<string, unknown>): ParamIssue | undefined;
}

export function checkLaunchedStrategies(cfg: RunConfig, source: string, known: KnownStrategies): void {
  const issues = cfg.agents.flatMap((a, i): ConfigIssue[] => {
    if (!a.launch || a.command || a.runtime) return [];
    if (!known.has(a.strategy))
      return [
        {
          path: `agents[${i}].strategy`,
          message: `unknown strategy "${a.strategy}" for an agent the arena launches; known: ${known.names().join(', ')}`,
          value: a.strategy,
        },
      ];
    return paramIssues(`agents[${i}].params`, a.strategy, a.params, known);
  });
  if (issues.length > 0) throw new ConfigError(source, issues);
}

/** The parameter `strategy` refuses in `params` as a configuration issue under `path`. */
export function paramIssues(
  path: string,
  strategy: string,
  params: Record<string, unknown>,
  known: Pick<KnownStrategies, 'paramIssue'>,
): ConfigIssue[] {
  const issue = known.paramIssue(strategy, params);
  if (!issue) return [];
  const field = issue.field === '(root)' ? '' : issue.field;
  const value = valueAt(params, field);
  return [
    {
      path: field ? `${path}.${field}` : path,
      message: `${issue.reason} (strategy ${strategy})`,
      ...(value === undefined ? {} : { value }),
    },
  ];
}

/** The value at a dotted path inside `params` (array indices as numbers), if there is one. */
function valueAt(params: Record<string, unknown>, field: string): unknown {
  let v: unknown = params;
  for (const key of field ? field.split('.') : []) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return field ? v : undefined;
}
