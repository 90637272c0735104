import { describe, expect, it } from 'vitest';
import { ConfigError } from '../lib/index.js';
import { parseRunConfig } from '../sim/index.js';
import { checkLaunchedStrategies } from './check-strategies.js';

describe('strategies of launched agents', () => {
  it('rejects an unknown strategy the arena would have to launch, and allows any label for agents started by hand', () => {
    const cfg = parseRunConfig({ day: '2026-11-22', agents: [{ id: 'a', strategy: 'no-such-thing' }] });
    let issues: ConfigError['issues'] = [];
    try {
      checkLaunchedStrategies(cfg, 'run.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      issues = (err as ConfigError).issues;
    }
    expect(issues[0]).toMatchObject({ path: 'agents[0].strategy', value: 'no-such-thing' });
    expect(issues[0]!.message).toMatch(/unknown strategy.*known: .*heuristic-battery/);
    const byHand = parseRunConfig({
      day: '2026-11-22',
      agents: [{ id: 'a', strategy: 'my-python-bot', launch: false, token: 'tok-12345' }],
    });
    expect(() => checkLaunchedStrategies(byHand, 'run.yaml')).not.toThrow();
  });
});

describe('parameters of launched agents', () => {
  const issuesOf = (agents: unknown[]) => {
    const cfg = parseRunConfig({ day: '2026-11-22', agents });
    try {
      checkLaunchedStrategies(cfg, 'run.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).issues;
    }
    return [];
  };
  const battery = { type: 'battery', powerMw: 10, energyMwh: 20 };

  it('refuses a value out of range before anything starts, naming the field, the value and the limit', () => {
    const issues = issuesOf([
      { id: 'ok', strategy: 'lp-battery', asset: battery, params: { horizonHours: 24 } },
      { id: 'far', strategy: 'lp-battery', asset: battery, params: { horizonHours: 500 } },
    ]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'agents[1].params.horizonHours', value: 500 });
    expect(issues[0]!.message).toMatch(/96/);
    expect(issues[0]!.message).toContain('lp-battery');
  });

  it('refuses an unknown parameter, a missing file and an off-grid price', () => {
    const issues = issuesOf([
      { id: 'a', strategy: 'heuristic-battery', asset: battery, params: { maxSlipageEur: 5 } },
      { id: 'b', strategy: 'policy', asset: battery, params: { checkpoint: '/nonexistent/policy.json' } },
      { id: 'c', strategy: 'heuristic-battery', asset: battery, params: { maxSlippageEur: 0.001 } },
    ]);
    expect(issues.map((i) => i.path)).toEqual([
      'agents[0].params',
      'agents[1].params.checkpoint',
      'agents[2].params.maxSlippageEur',
    ]);
    expect(issues[0]!.message).toMatch(/maxSlipageEur/);
    expect(issues[1]).toMatchObject({ value: '/nonexistent/policy.json' });
    expect(issues[1]!.message).toMatch(/cannot read a policy/);
    expect(issues[2]!.message).toMatch(/0\.01 EUR\/MWh/);
  });

  it('leaves the parameters of agents started by hand or by their own command to them', () => {
    expect(
      issuesOf([
        { id: 'h', strategy: 'lp-battery', launch: false, token: 'tok-12345', params: { horizonHours: 500 } },
        { id: 'c', strategy: 'lp-battery', command: ['my-agent'], params: { horizonHours: 500 } },
      ]),
    ).toEqual([]);
  });
});

describe('learners of one run', () => {
  it('may not save to the same file: each would overwrite the other (their processes also raced on it)', () => {
    const q = (id: string, params: Record<string, unknown>) => ({
      id,
      strategy: 'tabular-q',
      params,
      asset: { type: 'battery', powerMw: 1, energyMwh: 2 },
    });
    const issuesOf = (agents: unknown[]) => {
      try {
        checkLaunchedStrategies(parseRunConfig({ day: '2026-11-22', agents }), 'run.yaml');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).issues;
      }
      return [];
    };
    expect(
      issuesOf([
        { id: 'liq', strategy: 'liquidity', role: 'liquidity' },
        q('q1', { qTablePath: '/t/q.json' }),
        q('q2', { qTablePath: '/t/q.json' }),
      ]),
    ).toEqual([
      {
        path: 'agents[2].params.qTablePath',
        value: '/t/q.json',
        message:
          "agents[1] saves what it learns to this file too: each would overwrite the other's; give each its own file, or saveQTable: false (or learn: false) for all but one",
      },
    ]);
    expect(
      issuesOf([
        q('q1', { qTablePath: '/t/q.json' }),
        q('q2', { qTablePath: '/t/q.json', saveQTable: false }),
      ]),
    ).toEqual([]);
    expect(issuesOf([q('q1', { qTablePath: '/t/a.json' }), q('q2', { qTablePath: '/t/b.json' })])).toEqual(
      [],
    );
  });
});
