// A built-in strategy named in a configuration (a run's agents, a tournament's entrants, a study's
// scenario) is checked before anything starts: the name must exist, and the strategy is built with
// the configured parameters exactly as an agent process would build it (schema, value limits and
// the files it reads, e.g. a policy checkpoint or a Q-table). A launched agent process that refuses
// its parameters exits at once, and a run would go on without it.
import type { ConfigIssue } from '../../lib/index.js';
import { ParamError } from '../sdk/errors.js';
import { createStrategy, hasStrategy, strategyNames } from './registry.js';

/**
 * What is wrong with strategy `strategy` and `params` as configured at `at` (e.g. "agents[2]"): an
 * unknown name at `<at>.strategy`, a refused parameter at `<at>.params.<field>` with its value;
 * empty when the strategy accepts them. Errors other than a ParamError are bugs and are thrown.
 */
export function strategyConfigIssues(
  at: string,
  strategy: string,
  params: Record<string, unknown>,
): ConfigIssue[] {
  if (!hasStrategy(strategy))
    return [
      {
        path: `${at}.strategy`,
        message: `unknown strategy "${strategy}"; known: ${strategyNames().join(', ')}`,
        value: strategy,
      },
    ];
  try {
    createStrategy(strategy, params);
    return [];
  } catch (err) {
    if (!(err instanceof ParamError)) throw err;
    const field = err.field === '(root)' ? '' : err.field;
    const value = field ? valueAt(params, field) : undefined;
    return [
      {
        path: field ? `${at}.params.${field}` : `${at}.params`,
        message: `${err.reason} (strategy ${strategy})`,
        ...(value === undefined ? {} : { value }),
      },
    ];
  }
}

/** The value at a dotted path inside `params`, if there is one. */
function valueAt(params: Record<string, unknown>, field: string): unknown {
  let v: unknown = params;
  for (const key of field.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}
