// A built-in strategy named in a configuration (a run's agents, a tournament's entrants, a study's
// scenario) is checked before anything starts: the name must exist, and the strategy is built with
// the configured parameters exactly as an agent process would build it (schema, value limits and
// the files it reads, e.g. a policy checkpoint or a Q-table). A launched agent process that refuses
// its parameters exits at once, and a run would go on without it.
import { existsSync } from 'node:fs';
import type { Welcome } from '../../gen/flexarena/v1/session.js';
import type { ConfigIssue } from '../../lib/index.js';
import { AgentSdkError, ParamError } from '../sdk/errors.js';
import { AssetRequiredError, configAssetType } from '../sdk/market-view.js';
import type { Strategy } from '../sdk/strategy.js';
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
    return [paramIssue(at, strategy, params, err)];
  }
}

/**
 * What the strategy says when it is welcomed to its seat as the run would welcome it: the asset it
 * needs (`<at>.asset`), parameters that depend on the asset (e.g. an SoC target outside the
 * battery's range, `<at>.params.<field>`). In a run these surface only at the agent's welcome — an
 * agent process then exits and the run went on without it. Includes strategyConfigIssues.
 */
export async function seatConfigIssues(
  at: string,
  strategy: string,
  params: Record<string, unknown>,
  welcome: Welcome,
): Promise<ConfigIssue[]> {
  const issues = strategyConfigIssues(at, strategy, params);
  if (issues.length > 0) return issues;
  try {
    await createStrategy(strategy, params).onWelcome?.(welcome);
    return [];
  } catch (err) {
    if (err instanceof ParamError) return [paramIssue(at, strategy, params, err)];
    if (err instanceof AssetRequiredError) {
      const has = welcome.assets.flatMap((a) => (a.kind ? [configAssetType(a.kind.$case)] : []));
      return [
        {
          path: `${at}.asset`,
          message: `${err.message} (it has ${has.length === 0 ? 'none' : has.join(', ')})`,
        },
      ];
    }
    // The SDK's errors are written for the user; anything else is a bug in the strategy.
    if (err instanceof AgentSdkError) return [{ path: `${at}.strategy`, message: err.message }];
    throw err;
  }
}

function paramIssue(
  at: string,
  strategy: string,
  params: Record<string, unknown>,
  err: ParamError,
): ConfigIssue {
  const field = err.field === '(root)' ? '' : err.field;
  const value = field ? valueAt(params, field) : undefined;
  return {
    path: field ? `${at}.params.${field}` : `${at}.params`,
    message: `${err.reason} (strategy ${strategy})`,
    ...(value === undefined ? {} : { value }),
  };
}

/**
 * A strategy configured at `at` that writes a file for the next run to read (Strategy.carriesStateIn,
 * e.g. a learning tabular-q with a qTablePath), where the runs of `series` (a tournament's games, a
 * study's runs) must be independent: each would start where the one before stopped, the results
 * would depend on the order they were played in, and parallel workers would write the file at once.
 * Empty when it writes none (or the strategy or its params are refused: strategyConfigIssues says so).
 */
export function carriedStateIssues(
  at: string,
  strategy: string,
  params: Record<string, unknown>,
  series: { what: string; unit: string },
): ConfigIssue[] {
  if (!hasStrategy(strategy)) return [];
  let s: Strategy;
  try {
    s = createStrategy(strategy, params);
  } catch (err) {
    if (err instanceof ParamError) return [];
    throw err;
  }
  const read = s.readsStateFrom;
  // Nothing of the series writes it (a saver is refused just below): a missing file would be an
  // empty table in every one, silently.
  if (read && !existsSync(read.path))
    return [missingStateFileIssue(at, strategy, read, `no ${series.unit} of a ${series.what} writes it`)];
  const carried = s.carriesStateIn;
  if (!carried) return [];
  return [
    {
      path: `${at}.params.${carried.param}`,
      message:
        `${strategy} saves what it learns to this file, so in a ${series.what} each ${series.unit} would start where ` +
        `the ${series.unit} before stopped (and parallel workers would write it at once): the ${series.unit}s would not be ` +
        `independent or reproducible; ${carried.readOnly} plays every ${series.unit} from the file as it is`,
      value: carried.path,
    },
  ];
}

/**
 * Agents of one run (`agents[i]`) that save what they learn to the same file: each would overwrite
 * the other's table, and the next run would start from whichever was written last.
 */
export function sharedStateFileIssues(
  agents: readonly { strategy: string; params: Record<string, unknown> }[],
): ConfigIssue[] {
  const first = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  const readers: { i: number; strategy: string; read: { param: string; path: string } }[] = [];
  agents.forEach((a, i) => {
    if (!hasStrategy(a.strategy)) return;
    let s: Strategy;
    try {
      s = createStrategy(a.strategy, a.params);
    } catch (err) {
      if (err instanceof ParamError) return;
      throw err;
    }
    const read = s.readsStateFrom;
    if (read) readers.push({ i, strategy: a.strategy, read });
    const carried = s.carriesStateIn;
    if (!carried) return;
    const j = first.get(carried.path);
    if (j === undefined) first.set(carried.path, i);
    else
      issues.push({
        path: `agents[${i}].params.${carried.param}`,
        message: `agents[${j}] saves what it learns to this file too: each would overwrite the other's; give each its own file, or ${carried.readOnly} for all but one`,
        value: carried.path,
      });
  });
  // A file read only that is not there yet, and that no agent of the run saves to: a wrong path
  // (a reader beside the learner that writes it starts empty in the first run, as configured).
  for (const r of readers)
    if (!first.has(r.read.path) && !existsSync(r.read.path))
      issues.push(
        missingStateFileIssue(`agents[${r.i}]`, r.strategy, r.read, 'no agent of the run saves to it'),
      );
  return issues;
}

/** A file read only (Strategy.readsStateFrom) that does not exist, where nothing will write it. */
function missingStateFileIssue(
  at: string,
  strategy: string,
  read: { param: string; path: string },
  why: string,
): ConfigIssue {
  return {
    path: `${at}.params.${read.param}`,
    message: `no such file; ${strategy} only reads it as configured and ${why}, so it would start empty each time: name an existing file, or leave ${read.param} out to start empty`,
    value: read.path,
  };
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
