import { describe, expect, it } from 'vitest';
import { createStrategy, listStrategies, PARADIGMS, resolveParamPaths } from './registry.js';

const ZOO: Record<string, string> = {
  'yesterday-prices': 'baseline',
  'rule-tree-battery': 'decision tree',
  'rolling-intrinsic': 'mathematical programming',
  'stochastic-battery': 'stochastic programming',
  'price-maker-battery': 'mathematical programming',
  'ev-fleet-bidder': 'expert rule',
  'pool-aggregator': 'mathematical programming',
  'market-maker': 'market making',
};

describe('the strategy listing', () => {
  const list = listStrategies();

  it('lists the eight zoo strategies with their paradigm, and every strategy with a known paradigm', () => {
    for (const [name, paradigm] of Object.entries(ZOO))
      expect(list.find((s) => s.name === name)?.paradigm, name).toBe(paradigm);
    for (const s of list) expect(PARADIGMS).toContain(s.paradigm);
    expect(list.find((s) => s.name === 'tabular-q')?.paradigm).toBe('reinforcement learning');
  });

  it('shows the λ of seed 004 in its 0.1 steps and the price parameters on the tick grid', () => {
    const ev = list.find((s) => s.name === 'ev-fleet-bidder')!.params;
    expect(ev.find((p) => p.name === 'lambdaIntraday')).toMatchObject({
      type: 'number',
      default: 0.3,
      min: 0,
      max: 1,
      step: 0.1,
    });
    expect(ev.find((p) => p.name === 'slippageEur')).toMatchObject({
      default: 5,
      min: 0,
      max: 1000,
      step: 0.01,
    });
    const policy = list.find((s) => s.name === 'policy')!.params;
    expect(policy.find((p) => p.name === 'checkpoint')).toMatchObject({ type: 'string', required: true });
    expect(list.find((s) => s.name === 'idle')!.params).toEqual([]);
  });

  // The listing is read from the schemas the strategies validate with; these prove it says what
  // they enforce: the listed names are the strategy's parameters, the defaults are what it
  // takes, and a value just beyond a listed limit is refused naming that parameter.
  it.each(list.filter((s) => !s.params.some((p) => p.required)).map((s) => s.name))(
    '%s: the listed parameters, defaults and limits are the ones it enforces',
    (name) => {
      const info = list.find((s) => s.name === name)!;
      const taken = (createStrategy(name) as unknown as { params?: Record<string, unknown> }).params ?? {};
      for (const [key, value] of Object.entries(taken)) {
        const p = info.params.find((x) => x.name === key);
        expect(p, `${name}.${key}`).toBeDefined();
        expect(p!.default, `${name}.${key}`).toEqual(value);
      }
      for (const p of info.params) {
        if (p.type !== 'number' && p.type !== 'integer') continue;
        const beyond = (limit: number, dir: 1 | -1) => limit + dir * (p.step ?? 1);
        if (p.max !== undefined)
          expect(() =>
            createStrategy(name, { [p.name]: p.maxExclusive ? p.max : beyond(p.max!, 1) }),
          ).toThrow(expect.objectContaining({ name: 'ParamError', field: p.name }));
        if (p.min !== undefined)
          expect(() =>
            createStrategy(name, { [p.name]: p.minExclusive ? p.min : beyond(p.min!, -1) }),
          ).toThrow(expect.objectContaining({ name: 'ParamError', field: p.name }));
      }
    },
  );
});

describe('a strategy without parameters', () => {
  it('refuses any it is given (idle ignored them, so a config typo went unnoticed)', () => {
    expect(() => createStrategy('idle', { maxSlippageEur: 5 })).toThrow(
      'strategy idle: params.maxSlippageEur: unknown parameter: idle takes none',
    );
    expect(createStrategy('idle', {}).name).toBe('idle');
    // A misspelt parameter is named as the field it is, with the ones the strategy takes.
    expect(() => createStrategy('heuristic-battery', { maxSlipageEur: 5 })).toThrow(
      expect.objectContaining({
        field: 'maxSlipageEur',
        message:
          'strategy heuristic-battery: params.maxSlipageEur: unknown parameter; known: maxSlippageEur, gateMarginMs, thresholdEur',
      }),
    );
    expect(listStrategies().find((s) => s.name === 'idle')?.params).toEqual([]);
  });
});

describe('file names in params', () => {
  it('are made absolute against the configuration file’s folder; other params and absolute paths stay', () => {
    expect(resolveParamPaths('policy', { checkpoint: 'p/policy.json' }, '/cfg/dir')).toEqual({
      checkpoint: '/cfg/dir/p/policy.json',
    });
    expect(resolveParamPaths('tabular-q', { qTablePath: '../q.json', alpha: 0.5 }, '/cfg/dir')).toEqual({
      qTablePath: '/cfg/q.json',
      alpha: 0.5,
    });
    expect(resolveParamPaths('policy', { checkpoint: '/abs/policy.json' }, '/cfg')).toEqual({
      checkpoint: '/abs/policy.json',
    });
    expect(resolveParamPaths('heuristic-battery', { maxSlippageEur: 5 }, '/cfg')).toEqual({
      maxSlippageEur: 5,
    });
    expect(resolveParamPaths('no-such', { checkpoint: 'x' }, '/cfg')).toEqual({ checkpoint: 'x' });
  });
});
