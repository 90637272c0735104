// Strategies by name. `flexarena agent <name>` and run configurations refer to these keys.
import type { Strategy, StrategyFactory } from '../sdk/strategy.js';
import { HeuristicBattery } from './heuristic-battery.js';
import { IdleStrategy } from './idle.js';
import { LiquidityProvider } from './liquidity-provider.js';

const registry = new Map<string, { factory: StrategyFactory; description: string }>([
  ['idle', { factory: () => new IdleStrategy(), description: 'baseline: never trades' }],
  [
    'liquidity',
    {
      factory: (p) => new LiquidityProvider(p),
      description: 'background liquidity: a depth ladder around the forecast',
    },
  ],
  [
    'heuristic-battery',
    {
      factory: (p) => new HeuristicBattery(p),
      description: 'seed 002 §4.1: charge if the next hour is dearer, else discharge',
    },
  ],
]);

export class UnknownStrategyError extends Error {
  constructor(readonly strategy: string) {
    super(`unknown strategy "${strategy}"; known: ${[...registry.keys()].join(', ')}`);
    this.name = 'UnknownStrategyError';
  }
}

export function createStrategy(name: string, params: Record<string, unknown> = {}): Strategy {
  const entry = registry.get(name);
  if (!entry) throw new UnknownStrategyError(name);
  return entry.factory(params);
}

export function listStrategies(): { name: string; description: string }[] {
  return [...registry.entries()].map(([name, e]) => ({ name, description: e.description }));
}

export function hasStrategy(name: string): boolean {
  return registry.has(name);
}
