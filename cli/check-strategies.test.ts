import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../lib/index.js';
import { parseRunConfig } from '../sim/index.js';
import { checkLaunchedStrategies, runWelcomes } from './check-strategies.js';

/** The issues of a configuration's launched agents, welcomed as the run would welcome them. */
async function issuesOf(cfg: ReturnType<typeof parseRunConfig>): Promise<ConfigError['issues']> {
  try {
    await checkLaunchedStrategies(
      cfg,
      'run.yaml',
      await runWelcomes(cfg, 'check-1', process.cwd(), 'run.yaml'),
    );
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  return [];
}

describe('strategies of launched agents', () => {
  it('rejects an unknown strategy the arena would have to launch, and allows any label for agents started by hand', async () => {
    const cfg = parseRunConfig({ day: '2026-11-22', agents: [{ id: 'a', strategy: 'no-such-thing' }] });
    const issues = await issuesOf(cfg);
    expect(issues[0]).toMatchObject({ path: 'agents[0].strategy', value: 'no-such-thing' });
    expect(issues[0]!.message).toMatch(/unknown strategy.*known: .*heuristic-battery/);
    const byHand = parseRunConfig({
      day: '2026-11-22',
      agents: [{ id: 'a', strategy: 'my-python-bot', launch: false, token: 'tok-12345' }],
    });
    expect(await issuesOf(byHand)).toEqual([]);
  });
});

describe('parameters of launched agents', () => {
  const agentIssues = (agents: unknown[]) => issuesOf(parseRunConfig({ day: '2026-11-22', agents }));
  const battery = { type: 'battery', powerMw: 10, energyMwh: 20 };

  it('refuses a value out of range before anything starts, naming the field, the value and the limit', async () => {
    const issues = await agentIssues([
      { id: 'ok', strategy: 'lp-battery', asset: battery, params: { horizonHours: 24 } },
      { id: 'far', strategy: 'lp-battery', asset: battery, params: { horizonHours: 500 } },
    ]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'agents[1].params.horizonHours', value: 500 });
    expect(issues[0]!.message).toMatch(/96/);
    expect(issues[0]!.message).toContain('lp-battery');
  });

  it('refuses an unknown parameter, a missing file and an off-grid price', async () => {
    const issues = await agentIssues([
      { id: 'a', strategy: 'heuristic-battery', asset: battery, params: { maxSlipageEur: 5 } },
      { id: 'b', strategy: 'policy', asset: battery, params: { checkpoint: '/nonexistent/policy.json' } },
      { id: 'c', strategy: 'heuristic-battery', asset: battery, params: { maxSlippageEur: 0.001 } },
    ]);
    expect(issues.map((i) => i.path)).toEqual([
      'agents[0].params.maxSlipageEur',
      'agents[1].params.checkpoint',
      'agents[2].params.maxSlippageEur',
    ]);
    expect(issues[0]!.message).toMatch(/unknown parameter; known: .*maxSlippageEur/);
    expect(issues[1]).toMatchObject({ value: '/nonexistent/policy.json' });
    expect(issues[1]!.message).toMatch(/cannot read a policy/);
    expect(issues[2]!.message).toMatch(/0\.01 EUR\/MWh/);
  });

  it('refuses a liquidity depth whose levels are off the lot grid, naming depthMwPerEur', async () => {
    const issues = await agentIssues([
      { id: 'ok', strategy: 'liquidity', role: 'liquidity', params: { depthMwPerEur: 0.5 } },
      { id: 'lp', strategy: 'liquidity', role: 'liquidity', params: { depthMwPerEur: 0.35 } },
    ]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'agents[1].params.depthMwPerEur', value: 0.35 });
    expect(issues[0]!.message).toMatch(/levelStepEur .*0\.35 MW.*multiple of 0\.1 MW \(one quantity lot\)/);
  });

  it('refuses the price offsets and sizes that were rounded to the grid silently, naming each', async () => {
    const issues = await agentIssues([
      { id: 'pm', strategy: 'price-maker-battery', asset: battery, params: { defaultHalfSpreadEur: 0.005 } },
      { id: 'mm', strategy: 'market-maker', asset: battery, params: { inventoryAversionEur: 0.125 } },
      {
        id: 'pa',
        strategy: 'pool-aggregator',
        asset: { type: 'residential-pool' },
        params: { flexMw: 0.25 },
      },
      { id: 'ev', strategy: 'ev-fleet-charger', asset: { type: 'ev-fleet' }, params: { fleetMw: 2.55 } },
    ]);
    expect(issues.map((i) => [i.path, i.value])).toEqual([
      ['agents[0].params.defaultHalfSpreadEur', 0.005],
      ['agents[1].params.inventoryAversionEur', 0.125],
      ['agents[2].params.flexMw', 0.25],
      ['agents[3].params.fleetMw', 2.55],
    ]);
    expect(issues[0]!.message).toMatch(/multiple of 0\.01 EUR\/MWh/);
    expect(issues[2]!.message).toMatch(/multiple of 0\.1 MW/);
  });

  it('leaves the parameters of agents started by hand or by their own command to them', async () => {
    expect(
      await agentIssues([
        { id: 'h', strategy: 'lp-battery', launch: false, token: 'tok-12345', params: { horizonHours: 500 } },
        { id: 'c', strategy: 'lp-battery', command: ['my-agent', '{params}'], params: { horizonHours: 500 } },
      ]),
    ).toEqual([]);
  });

  it('refuses a seat without the asset the strategy plays, and a parameter that does not fit the asset', async () => {
    const fleet = { type: 'ev-fleet' };
    const issues = await agentIssues([
      { id: 'fine', strategy: 'lp-battery', asset: battery, params: { endSocMwh: 19 } },
      { id: 'full', strategy: 'lp-battery', asset: battery, params: { endSocMwh: 999 } },
      { id: 'bare', strategy: 'heuristic-battery' },
      { id: 'cars', strategy: 'rolling-intrinsic', asset: fleet },
      { id: 'pool', strategy: 'pool-aggregator', asset: battery },
      { id: 'net', strategy: 'tabular-q' },
    ]);
    expect(issues.map((i) => i.path)).toEqual([
      'agents[1].params.endSocMwh',
      'agents[2].asset',
      'agents[3].asset',
      'agents[4].asset',
      'agents[5].asset',
    ]);
    expect(issues[0]).toMatchObject({ value: 999 });
    expect(issues[0]!.message).toMatch(
      /999 MWh is outside the battery's SoC range \[1, 19\] MWh \(strategy lp-battery\)/,
    );
    expect(issues[1]!.message).toBe(
      'heuristic-battery needs a battery asset in its run configuration (it has none)',
    );
    expect(issues[2]!.message).toBe(
      'rolling-intrinsic needs an asset of type battery in its run configuration (it has ev-fleet)',
    );
    expect(issues[3]!.message).toMatch(
      /^pool-aggregator needs a residential-pool asset .*\(it has battery\)$/,
    );
    expect(issues[4]!.message).toMatch(/^tabular-q needs a battery asset/);
  });
});

describe('learners of one run', () => {
  it('may not save to the same file: each would overwrite the other (their processes also raced on it)', async () => {
    const q = (id: string, params: Record<string, unknown>) => ({
      id,
      strategy: 'tabular-q',
      params,
      asset: { type: 'battery', powerMw: 1, energyMwh: 2 },
    });
    const learnerIssues = (agents: unknown[]) => issuesOf(parseRunConfig({ day: '2026-11-22', agents }));
    expect(
      await learnerIssues([
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
      await learnerIssues([
        q('q1', { qTablePath: '/t/q.json' }),
        q('q2', { qTablePath: '/t/q.json', saveQTable: false }),
      ]),
    ).toEqual([]);
    expect(
      await learnerIssues([q('q1', { qTablePath: '/t/a.json' }), q('q2', { qTablePath: '/t/b.json' })]),
    ).toEqual([]);
    // Read only, with no agent of the run saving to it, a missing table is a wrong path: it played
    // an all-zero table, silently. A file that is there is read as it is.
    const readOnly = { qTablePath: '/t/q.json', learn: false };
    expect(await learnerIssues([q('q1', readOnly)])).toEqual([
      {
        path: 'agents[0].params.qTablePath',
        value: '/t/q.json',
        message:
          'no such file; tabular-q only reads it as configured and no agent of the run saves to it, so it would start ' +
          'empty each time: name an existing file, or leave qTablePath out to start empty',
      },
    ]);
    const shipped = resolve('tournaments/tables/tabular-q-quiet-price-taker.json');
    expect(
      await learnerIssues([q('q1', { qTablePath: shipped, levelBuckets: 5, hourBuckets: 1, learn: false })]),
    ).toEqual([]);
  });
});

describe('modules of launched Python agents', () => {
  const battery = { type: 'battery', powerMw: 5, energyMwh: 10 };
  const py = (id: string, module: string) => ({
    id,
    strategy: 'py-spread-battery',
    runtime: 'python',
    module,
    asset: battery,
  });

  it('refuses a misspelt module before anything starts, naming agents[i].module and where it was looked for', async () => {
    const cfg = parseRunConfig({
      day: '2026-11-22',
      agents: [
        { id: 'liq', strategy: 'liquidity', role: 'liquidity' },
        py('py-ok', 'flexarena_examples.battery'),
        py('py-typo', 'flexarena_examples.batery'),
        py('py-by-hand', 'flexarena_examples.batery'),
      ],
    });
    // Started by hand (--external py-by-hand=<token>): the arena runs no module for it.
    Object.assign(cfg.agents[3]!, { launch: false, token: 'hand-token-1' });
    const issues = await issuesOf(cfg);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'agents[2].module', value: 'flexarena_examples.batery' });
    expect(issues[0]!.message).toMatch(
      /^no Python module flexarena_examples\.batery: \/usr\/bin\/python3 -m looked for batery\.py or a package batery\/ in the package flexarena_examples \(.*agents\/python\/flexarena_examples\); did you mean flexarena_examples\.battery\?$/,
    );
  });
});
