// Strategies by name. `flexarena agent <name>` and run configurations refer to these keys.

import { isAbsolute, resolve } from 'node:path';
import { FlexArenaError } from '../../lib/index.js';
import { ParamError } from '../sdk/errors.js';
import type { Strategy, StrategyFactory } from '../sdk/strategy.js';
import { BalancingBattery } from './balancing-battery.js';
import { EvFleetBidder } from './ev-fleet-bidder.js';
import { EvFleetCharger } from './ev-fleet-charger.js';
import { HeuristicBattery } from './heuristic-battery.js';
import { IdleStrategy } from './idle.js';
import { LiquidityProvider } from './liquidity-provider.js';
import { LpBattery } from './lp-battery.js';
import { MarketMaker } from './market-maker.js';
import { describeParams, type ParamInfo } from './param-info.js';
import { declaredParamSchema } from './params.js';
import { PolicyStrategy } from './policy.js';
import { PoolAggregator } from './pool-aggregator.js';
import { PriceMakerBattery } from './price-maker-battery.js';
import { ProsumerTrader } from './prosumer-trader.js';
import { RollingIntrinsic } from './rolling-intrinsic.js';
import { RuleTreeBattery } from './rule-tree-battery.js';
import { StochasticBattery } from './stochastic-battery.js';
import { TabularQ } from './tabular-q.js';
import { YesterdayPrices } from './yesterday-prices.js';

/** The families of seed 000 (expert rules, decision trees, mathematical programming, RL) and the rest. */
export const PARADIGMS = [
  'expert rule',
  'decision tree',
  'mathematical programming',
  'stochastic programming',
  'reinforcement learning',
  'market making',
  'baseline',
] as const;
export type Paradigm = (typeof PARADIGMS)[number];

interface Entry {
  factory: StrategyFactory;
  paradigm: Paradigm;
  description: string;
  /** Parameters that name files (resolveParamPaths). */
  pathParams?: readonly string[];
}

const registry = new Map<string, Entry>([
  [
    'prosumer-trader',
    {
      factory: (p) => new ProsumerTrader(p),
      paradigm: 'expert rule',
      description: 'renewable + battery: sells its forecast generation in the CID',
    },
  ],
  [
    'idle',
    { factory: (p) => new IdleStrategy(p), paradigm: 'baseline', description: 'baseline: never trades' },
  ],
  [
    'liquidity',
    {
      factory: (p) => new LiquidityProvider(p),
      paradigm: 'market making',
      description: 'background liquidity: a depth ladder around the forecast',
    },
  ],
  [
    'heuristic-battery',
    {
      factory: (p) => new HeuristicBattery(p),
      paradigm: 'expert rule',
      description: 'seed 002 §4.1: charge if the next hour is dearer, else discharge',
    },
  ],
  [
    'lp-battery',
    {
      factory: (p) => new LpBattery(p),
      paradigm: 'mathematical programming',
      description:
        'LP on the forecasts, solved exactly (same optimum as HiGHS): DA step curves from the plan, CID re-optimisation',
    },
  ],
  [
    'balancing-battery',
    {
      factory: (p) => new BalancingBattery(p),
      paradigm: 'expert rule',
      description: 'aFRR capacity up/down, energy bids covering the awards, SoC kept mid-range',
    },
  ],
  [
    'ev-fleet-charger',
    {
      factory: (p) => new EvFleetCharger(p),
      paradigm: 'expert rule',
      description: 'seed 004 eqs. 4-5: EV fleet buys cheap charging, commitment scaled by risk λ',
    },
  ],
  [
    'pool-aggregator',
    {
      factory: (p) => new PoolAggregator(p),
      paradigm: 'mathematical programming',
      description:
        'seed 001 pool: day-ahead flexibility bids (merit-order LP), CID baseline tracking and flexibility',
    },
  ],
  [
    'policy',
    {
      factory: (p) => new PolicyStrategy(p),
      paradigm: 'reinforcement learning',
      description: 'a trained network (flexarena train → policy.json, param checkpoint) trading a battery',
      pathParams: ['checkpoint'],
    },
  ],
  [
    'tabular-q',
    {
      factory: (p) => new TabularQ(p),
      paradigm: 'reinforcement learning',
      description: 'seed 003 tabular Q-learning: 5 CID actions on (hour, SoC, price-vs-forecast)',
      pathParams: ['qTablePath'],
    },
  ],
  [
    'price-maker-battery',
    {
      factory: (p) => new PriceMakerBattery(p),
      paradigm: 'mathematical programming',
      description:
        'book LP with its own price impact: trades only where the spread pays for the depth it walks',
    },
  ],
  [
    'rolling-intrinsic',
    {
      factory: (p) => new RollingIntrinsic(p),
      paradigm: 'mathematical programming',
      description:
        'rolling intrinsic: re-optimises against the open books on every change, trades the difference',
    },
  ],
  [
    'yesterday-prices',
    {
      factory: (p) => new YesterdayPrices(p),
      paradigm: 'baseline',
      description: "industry baseline: today's schedule is the perfect-foresight plan on yesterday's prices",
    },
  ],
  [
    'rule-tree-battery',
    {
      factory: (p) => new RuleTreeBattery(p),
      paradigm: 'decision tree',
      description: 'seed 000 expert rules: a decision tree over price, forecast spread, SoC and time to gate',
    },
  ],
  [
    'stochastic-battery',
    {
      factory: (p) => new StochasticBattery(p),
      paradigm: 'stochastic programming',
      description: 'seed 003 stochastic benchmark: two-stage LP over sampled forecast scenarios (HiGHS)',
    },
  ],
  [
    'market-maker',
    {
      factory: (p) => new MarketMaker(p),
      paradigm: 'market making',
      description: 'two-sided quotes around the forecast, skewed against inventory (reservation price)',
    },
  ],
  [
    'ev-fleet-bidder',
    {
      factory: (p) => new EvFleetBidder(p),
      paradigm: 'expert rule',
      description:
        'seed 004 control mechanism: down-capacity bids, 30-min-ahead intraday bids scaled by λ, dispatch',
    },
  ],
]);

export class UnknownStrategyError extends FlexArenaError {
  constructor(readonly strategy: string) {
    super(`unknown strategy "${strategy}"; known: ${[...registry.keys()].join(', ')}`);
  }
}

export function createStrategy(name: string, params: Record<string, unknown> = {}): Strategy {
  const entry = registry.get(name);
  if (!entry) throw new UnknownStrategyError(name);
  return entry.factory(params);
}

export interface StrategyInfo {
  name: string;
  paradigm: Paradigm;
  description: string;
  params: ParamInfo[];
}

/**
 * The parameters of a registered strategy, read from the schema it validates them with. A
 * strategy records that schema when it parses its parameters, so one is built with none (the
 * defaults; a strategy with a required parameter refuses, having recorded its schema first).
 */
function paramsOf(name: string, factory: StrategyFactory): ParamInfo[] {
  if (!declaredParamSchema(name)) {
    try {
      factory({});
    } catch (err) {
      if (!(err instanceof ParamError)) throw err;
    }
  }
  const schema = declaredParamSchema(name);
  return schema ? describeParams(schema) : [];
}

/** The registered names, without building anything (listStrategies builds each to read its schema). */
export function strategyNames(): string[] {
  return [...registry.keys()];
}

export function listStrategies(): StrategyInfo[] {
  return [...registry.entries()].map(([name, e]) => ({
    name,
    paradigm: e.paradigm,
    description: e.description,
    params: paramsOf(name, e.factory),
  }));
}

export function hasStrategy(name: string): boolean {
  return registry.has(name);
}

/**
 * `params` of strategy `name` as written in a configuration file whose folder is `baseDir`: a
 * relative file name in them (a policy's checkpoint, a Q-table) is made absolute against that
 * folder, as every relative path in a configuration file is; the agent process, wherever it runs,
 * then reads the file the configuration meant. Other parameters, and unknown strategies, as given.
 */
export function resolveParamPaths(
  name: string,
  params: Record<string, unknown>,
  baseDir: string,
): Record<string, unknown> {
  let out = params;
  for (const key of registry.get(name)?.pathParams ?? []) {
    const v = params[key];
    if (typeof v === 'string' && v !== '' && !isAbsolute(v)) out = { ...out, [key]: resolve(baseDir, v) };
  }
  return out;
}

/** The files `params` of strategy `name` name (a checkpoint, a Q-table), as given. */
export function paramFiles(name: string, params: Record<string, unknown>): string[] {
  return (registry.get(name)?.pathParams ?? []).flatMap((key) => {
    const v = params[key];
    return typeof v === 'string' && v !== '' ? [v] : [];
  });
}
