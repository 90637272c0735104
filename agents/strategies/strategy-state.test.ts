import { describe, expect, it } from 'vitest';
import { unstorableAt } from '../sdk/resume-file.js';
import { createStrategy, strategyNames } from './registry.js';
import { LoadStateError } from './strategy-state.js';

/** The built-ins that keep state of their own over a restart (--resume-file). */
const KEEPING = [
  'balancing-battery',
  'ev-fleet-bidder',
  'ev-fleet-charger',
  'liquidity',
  'lp-battery',
  'market-maker',
  'pool-aggregator',
  'price-maker-battery',
  'rolling-intrinsic',
  'rule-tree-battery',
  'stochastic-battery',
  'tabular-q',
  'yesterday-prices',
];

describe('built-in strategies with saveState', () => {
  it('are these, each with loadState too', () => {
    // policy cannot be built without a checkpoint file: policy.test.ts has its state (its forecast history).
    const keeping = strategyNames()
      .filter((n) => n !== 'policy')
      .filter((n) => createStrategy(n).saveState !== undefined);
    expect(keeping.sort()).toEqual(KEEPING);
    for (const n of keeping) expect(createStrategy(n).loadState, n).toBeTypeOf('function');
  });

  it.each(KEEPING)('%s: saves a state JSON holds and loads it back', (name) => {
    const s = createStrategy(name);
    const saved = s.saveState!();
    expect(unstorableAt(saved)).toBeUndefined();
    const t = createStrategy(name);
    t.loadState!(JSON.parse(JSON.stringify(saved)));
    expect(t.saveState!()).toEqual(saved);
  });

  it.each(KEEPING)('%s: refuses a state that is no object, naming itself', (name) => {
    expect(() => createStrategy(name).loadState!([1])).toThrow(LoadStateError);
    expect(() => createStrategy(name).loadState!([1])).toThrow(`strategy ${name}: loadState: state`);
  });
});
