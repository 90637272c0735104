import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../lib/errors.js';
import { parseRunConfig } from './run-config.js';

const battery = { type: 'battery', powerMw: 10, energyMwh: 20 };

function minimal(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { day: '2026-11-22', agents: [{ id: 'a', strategy: 'idle' }], ...extra };
}

/** Parses `doc`, expecting a ConfigError, and returns its issues. */
function issuesOf(doc: unknown): ConfigIssue[] {
  try {
    parseRunConfig(doc, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const ce = err as ConfigError;
    expect(ce.file).toBe('test.yaml');
    expect(ce.issues.length).toBeGreaterThan(0);
    return ce.issues;
  }
  throw new Error('expected a ConfigError');
}

function issueAt(issues: ConfigIssue[], path: string): ConfigIssue {
  const hit = issues.find((i) => i.path === path);
  if (!hit) throw new Error(`no issue at ${path}; got ${JSON.stringify(issues)}`);
  return hit;
}

describe('parseRunConfig', () => {
  it('fills in defaults for everything but day and agents', () => {
    const cfg = parseRunConfig(minimal({ agents: [{ id: 'a', strategy: 'idle', asset: battery }] }));
    expect(cfg).toMatchObject({
      name: 'run',
      seed: 1,
      day: '2026-11-22',
      days: 1,
      simStartHoursBeforeDay: 16,
      mode: 'lockstep',
      decisionIntervalMinutes: 15,
      deadlineMs: 5000,
      connectTimeoutMs: 30_000,
      finalReportGraceMs: 15_000,
      port: 0,
      outDir: 'runs',
      market: {
        cid: {
          openHoursBeforeDay: 8,
          hourlyOpenHoursBeforeDay: 9,
          hourlyProducts: true,
          gateClosure: 'local',
          localGateMinutes: 5,
          crossBorderGateMinutes: 60,
          priceMinEur: -9999,
          priceMaxEur: 9999,
          depthLevels: 20,
        },
        auctions: { dayAhead: true, intraday: true, priceMinEur: -500, priceMaxEur: 4000 },
        balancing: {
          enabled: true,
          capacityGateHoursBeforeDay: 15,
          capacityPricing: 'pay-as-bid',
          energyGateMinutes: 25,
        },
        imbalance: { pricing: 'single' },
      },
      world: { difficulty: 'forecast-errors' },
      nats: { enabled: true },
    });
    const agent = cfg.agents[0]!;
    expect(agent).toEqual({
      id: 'a',
      strategy: 'idle',
      params: {},
      role: 'trader',
      launch: true,
      latencyMs: { min: 20, max: 200 },
      asset: {
        type: 'battery',
        powerMw: 10,
        energyMwh: 20,
        etaCharge: 0.95,
        etaDischarge: 0.95,
        socMin: 0.05,
        socMax: 0.95,
        socInitial: 0.5,
        degradationEurPerMwh: 0,
      },
    });
  });

  it('keeps given values instead of defaults', () => {
    const cfg = parseRunConfig(minimal({ seed: 7, market: { cid: { localGateMinutes: 60 } } }));
    expect(cfg.seed).toBe(7);
    expect(cfg.market.cid.localGateMinutes).toBe(60);
    // Defaults inside a partially given object are still filled in.
    expect(cfg.market.cid.depthLevels).toBe(20);
  });

  it('names the dotted path, the value and the expectation of a wrong field', () => {
    const doc = minimal({
      agents: [
        { id: 'a', strategy: 'idle' },
        { id: 'b', strategy: 'idle', asset: { ...battery, powerMw: -5 } },
      ],
    });
    let caught: unknown;
    try {
      parseRunConfig(doc, 'wrong.yaml');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const ce = caught as ConfigError;
    expect(ce.issues).toHaveLength(1);
    const issue = ce.issues[0]!;
    expect(issue.path).toBe('agents[1].asset.powerMw');
    expect(issue.value).toBe(-5);
    expect(issue.message).toMatch(/>\s*0/);
    expect(ce.message).toContain('wrong.yaml');
    expect(ce.message).toContain('agents[1].asset.powerMw');
    expect(ce.message).toContain('(got -5)');
  });

  it('names nested object paths and wrong types', () => {
    const issues = issuesOf(minimal({ market: { balancing: { capacityDemandMw: { up: 'lots' } } } }));
    const issue = issueAt(issues, 'market.balancing.capacityDemandMw.up');
    expect(issue.value).toBe('lots');
    expect(issue.message).toMatch(/number/);
  });

  it('refuses a document that is not a mapping (a YAML list, a number) at its root', () => {
    // A list is an object to typeof: the clock-start check read its fields and threw a TypeError.
    for (const doc of [['a', 'b'], 42, 'text', null])
      expect(issueAt(issuesOf(doc), '').message).toMatch(/expected object/);
  });

  it('refuses a blank nats.url, which was taken for none (the run started a nats-server of its own)', () => {
    expect(issueAt(issuesOf(minimal({ nats: { url: ' ' } })), 'nats.url').message).toBe(
      'expected a NATS server URL (leave url out for a nats-server of the run’s own)',
    );
    expect(parseRunConfig(minimal({ nats: { url: 'nats://127.0.0.1:4222' } })).nats.url).toBe(
      'nats://127.0.0.1:4222',
    );
  });

  it('rejects a day that is not YYYY-MM-DD or not in the calendar', () => {
    expect(issueAt(issuesOf(minimal({ day: '22.11.2026' })), 'day').message).toMatch(/YYYY-MM-DD/);
    expect(issueAt(issuesOf(minimal({ day: '2026-13-01' })), 'day').message).toMatch(/calendar/);
    expect(issueAt(issuesOf(minimal({ day: '2026-02-30' })), 'day').message).toMatch(/calendar/);
    expect(parseRunConfig(minimal({ day: '2028-02-29' })).day).toBe('2028-02-29');
  });

  it('refuses days before 1970-01-01, naming the limit (their product ids were wrong)', () => {
    // 0001-01-01 ran with product ids like "qh-10101-0015", which the strategies refused (every
    // decision a strategy error); before 1970 a quarter-hour's hour was the next one
    // (qh-19691231-2315 in h-19700101-0000).
    for (const day of ['0001-01-01', '1969-12-31']) {
      const issue = issueAt(issuesOf(minimal({ day })), 'day');
      expect(issue.message).toBe(
        'must be 1970-01-01 or later (delivery times count from the Unix epoch in the product ids)',
      );
      expect(issue.value).toBe(day);
    }
    expect(issuesOf(minimal({ day: '1969-02-30' })).map((i) => i.message)).toEqual(['not a calendar day']);
    expect(parseRunConfig(minimal({ day: '1970-01-01' })).day).toBe('1970-01-01');
  });

  it('refuses days that run past 9999-12-31, naming the most that fit (a RangeError mid-start before)', () => {
    const issue = issueAt(issuesOf(minimal({ day: '9999-12-30', days: 3 })), 'days');
    expect(issue.message).toBe('at most 2 from 9999-12-30: the last day there can be is 9999-12-31');
    expect(issue.value).toBe(3);
    expect(parseRunConfig(minimal({ day: '9999-12-30', days: 2 })).days).toBe(2);
  });

  it('rejects unknown keys at the top level and inside agents and assets (strict)', () => {
    const top = issuesOf(minimal({ sede: 3 }));
    expect(top.some((i) => i.path === 'sede' && i.message.includes('sede') && i.value === 3)).toBe(true);

    const inAgent = issuesOf(minimal({ agents: [{ id: 'a', strategy: 'idle', stratgy: 'x' }] }));
    expect(inAgent.some((i) => i.path === 'agents[0].stratgy' && i.message.includes('stratgy'))).toBe(true);

    const inAsset = issuesOf(
      minimal({ agents: [{ id: 'a', strategy: 'idle', asset: { ...battery, kwh: 1 } }] }),
    );
    expect(inAsset.some((i) => i.path === 'agents[0].asset.kwh' && i.message.includes('kwh'))).toBe(true);
  });

  it('rejects duplicate agent ids, naming the second one and the first', () => {
    const issues = issuesOf(
      minimal({
        agents: [
          { id: 'a', strategy: 'idle' },
          { id: 'b', strategy: 'idle' },
          { id: 'a', strategy: 'idle' },
        ],
      }),
    );
    const dup = issueAt(issues, 'agents[2].id');
    expect(dup.value).toBe('a');
    expect(dup.message).toContain('duplicate');
    expect(dup.message).toContain('agents[0]');
    expect(issues.some((i) => i.path === 'agents[1].id')).toBe(false);
  });

  it('refuses a token two agents share: the arena knows an agent by its token', () => {
    const agent = (id: string) => ({ id, strategy: 'idle', launch: false, token: 'same-token' });
    const issue = issueAt(issuesOf(minimal({ agents: [agent('a'), agent('b')] })), 'agents[1].token');
    expect(issue.message).toBe('the same token as agents[0]: each agent needs its own');
  });

  it('refuses a prosumer park of a source the world has none of (it never generated)', () => {
    const park = {
      id: 'p',
      strategy: 'prosumer-trader',
      asset: {
        type: 'prosumer',
        generation: { source: 'wind', capacityMw: 10 },
        battery: { powerMw: 2, energyMwh: 4 },
      },
    };
    const doc = (windMw: number) =>
      minimal({ world: { calibration: { wind: { capacityMw: windMw } } }, agents: [park] });
    expect(issueAt(issuesOf(doc(0)), 'agents[0].asset.generation.source').message).toBe(
      'the world has no wind (world.calibration.wind.capacityMw is 0): the park would never generate',
    );
    expect(parseRunConfig(doc(1000)).agents[0]!.asset?.type).toBe('prosumer');
  });

  it("refuses the ids of the arena's own parties, world and tso, for an agent", () => {
    // An agent called world was taken for the rest of the market: its awards dropped, its cash
    // booked in the world's ledger.
    for (const id of ['world', 'tso'])
      expect(issueAt(issuesOf(minimal({ agents: [{ id, strategy: 'idle' }] })), 'agents[0].id').message).toBe(
        '"world" and "tso" are the arena\'s own parties (the rest of the market, the system operator): choose another id',
      );
    expect(parseRunConfig(minimal({ agents: [{ id: 'world-2', strategy: 'idle' }] })).agents[0]!.id).toBe(
      'world-2',
    );
  });

  it('requires a token for an agent with launch: false', () => {
    const issues = issuesOf(minimal({ agents: [{ id: 'a', strategy: 'idle', launch: false }] }));
    expect(issueAt(issues, 'agents[0].token').message).toMatch(/token/);
    const ok = parseRunConfig(
      minimal({ agents: [{ id: 'a', strategy: 'idle', launch: false, token: 'secret-token' }] }),
    );
    expect(ok.agents[0]!.token).toBe('secret-token');
    expect(ok.agents[0]!.launch).toBe(false);
  });

  it('rejects socMin > socMax', () => {
    const issues = issuesOf(
      minimal({
        agents: [
          { id: 'a', strategy: 'idle', asset: { ...battery, socMin: 0.8, socMax: 0.2, socInitial: 0.5 } },
        ],
      }),
    );
    const issue = issueAt(issues, 'agents[0].asset.socMin');
    expect(issue.value).toBe(0.8);
    expect(issue.message).toContain('socMax');
    expect(issue.message).toContain('0.2');
  });

  it('rejects socInitial outside [socMin, socMax], also against the defaults', () => {
    const above = issuesOf(
      minimal({ agents: [{ id: 'a', strategy: 'idle', asset: { ...battery, socInitial: 0.99 } }] }),
    );
    const issue = issueAt(above, 'agents[0].asset.socInitial');
    expect(issue.value).toBe(0.99);
    expect(issue.message).toContain('[0.05, 0.95]');

    const below = issuesOf(
      minimal({
        agents: [{ id: 'a', strategy: 'idle', asset: { ...battery, socMin: 0.3, socInitial: 0.2 } }],
      }),
    );
    expect(issueAt(below, 'agents[0].asset.socInitial').value).toBe(0.2);

    // On the bounds is fine.
    const edge = parseRunConfig(
      minimal({
        agents: [
          { id: 'a', strategy: 'idle', asset: { ...battery, socMin: 0.2, socMax: 0.8, socInitial: 0.8 } },
        ],
      }),
    );
    expect(edge.agents[0]!.asset).toMatchObject({ type: 'battery', socInitial: 0.8 });
  });

  it('rejects latency min > max and a run without agents', () => {
    const lat = issuesOf(
      minimal({ agents: [{ id: 'a', strategy: 'idle', latencyMs: { min: 300, max: 100 } }] }),
    );
    expect(issueAt(lat, 'agents[0].latencyMs.min').value).toBe(300);
    expect(issueAt(issuesOf(minimal({ agents: [] })), 'agents').message).toMatch(/at least one agent/);
  });

  it('reports every broken field, not just the first', () => {
    const issues = issuesOf({ seed: -1, agents: [{ id: 'Bad Id', strategy: '' }] });
    const paths = issues.map((i) => i.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['agents[0].id', 'agents[0].strategy', 'day', 'seed']));
  });

  it('takes mode realtime with a speed, and names the field and the limits when it is wrong', () => {
    const cfg = parseRunConfig(minimal({ mode: 'realtime', realtime: { speed: 7200 } }));
    expect(cfg).toMatchObject({ mode: 'realtime', realtime: { speed: 7200 } });
    expect(issueAt(issuesOf(minimal({ mode: 'realtime' })), 'realtime').message).toMatch(
      /needs realtime\.speed.*1 to 100000/,
    );
    const fast = issueAt(issuesOf(minimal({ mode: 'realtime', realtime: { speed: 1e6 } })), 'realtime.speed');
    expect(fast.value).toBe(1e6);
    expect(fast.message).toMatch(/100000/);
    expect(
      issueAt(issuesOf(minimal({ mode: 'realtime', realtime: { speed: 0.5 } })), 'realtime.speed').value,
    ).toBe(0.5);
    expect(
      issueAt(issuesOf(minimal({ mode: 'realtime', realtime: { speed: '60' } })), 'realtime.speed').value,
    ).toBe('60');
    expect(issueAt(issuesOf(minimal({ realtime: { speed: 60 } })), 'realtime').message).toMatch(
      /only with mode: realtime/,
    );
    expect(issueAt(issuesOf(minimal({ mode: 'fast' })), 'mode').value).toBe('fast');
    expect(
      issueAt(issuesOf(minimal({ mode: 'realtime', realtime: { speed: 60, pace: 2 } })), 'realtime.pace'),
    ).toBeDefined();
  });

  it('defaults the door rate limit, and refuses a cooldown cap below the first cooldown, naming both', () => {
    expect(parseRunConfig(minimal()).limits.rate).toMatchObject({
      disconnectAfter: 50,
      cooldownMs: 2_000,
      maxCooldownMs: 60_000,
    });
    const low = issueAt(
      issuesOf(minimal({ limits: { rate: { cooldownMs: 120_000 } } })),
      'limits.rate.maxCooldownMs',
    );
    expect(low.message).toMatch(/at least limits\.rate\.cooldownMs/);
    expect(
      parseRunConfig(minimal({ limits: { rate: { cooldownMs: 120_000, maxCooldownMs: 120_000 } } })).limits
        .rate,
    ).toMatchObject({ cooldownMs: 120_000, maxCooldownMs: 120_000 });
  });

  it('restarts no launched agent by default, and names limits.agentRestarts and its limits when it is wrong', () => {
    expect(parseRunConfig(minimal()).limits.agentRestarts).toBe(0);
    expect(parseRunConfig(minimal({ limits: { agentRestarts: 3 } })).limits.agentRestarts).toBe(3);
    const many = issueAt(issuesOf(minimal({ limits: { agentRestarts: 101 } })), 'limits.agentRestarts');
    expect(many.value).toBe(101);
    expect(many.message).toMatch(/100/);
    expect(
      issueAt(issuesOf(minimal({ limits: { agentRestarts: -1 } })), 'limits.agentRestarts').message,
    ).toMatch(/0/);
    // Never rounded: 1.5 restarts is refused, not taken as 1 or 2.
    expect(issueAt(issuesOf(minimal({ limits: { agentRestarts: 1.5 } })), 'limits.agentRestarts').value).toBe(
      1.5,
    );
  });

  it('refuses market prices off the 0.01 EUR/MWh tick and quantities off the 0.1 MW lot, never rounding them', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ cid: { priceMinEur: -9998.555 } }, 'market.cid.priceMinEur', /multiple of 0\.01 EUR\/MWh/],
      [{ auctions: { priceMaxEur: 3999.999 } }, 'market.auctions.priceMaxEur', /multiple of 0\.01 EUR\/MWh/],
      [
        { auctions: { intradayDepthMwPerEur: 0.005 } },
        'market.auctions.intradayDepthMwPerEur',
        /multiple of 0\.01 MW per EUR\/MWh/,
      ],
      [
        { auctions: { intradayDepthMwPerEur: 12.345 } },
        'market.auctions.intradayDepthMwPerEur',
        /whole number of 0\.1 MW lots/,
      ],
      [
        { balancing: { exogenousEnergy: { firstMarkupEur: 20.005 } } },
        'market.balancing.exogenousEnergy.firstMarkupEur',
        /multiple of 0\.01 EUR\/MWh/,
      ],
      [
        { balancing: { exogenousCapacity: { priceMaxEur: 25.001 } } },
        'market.balancing.exogenousCapacity.priceMaxEur',
        /multiple of 0\.01 EUR\/MWh/,
      ],
      [
        { balancing: { capacityDemandMw: { up: 2000.05 } } },
        'market.balancing.capacityDemandMw.up',
        /multiple of 0\.1 MW/,
      ],
      [
        { balancing: { exogenousEnergy: { trancheMw: 0.04 } } },
        'market.balancing.exogenousEnergy.trancheMw',
        /0\.1/,
      ],
    ];
    for (const [market, path, message] of cases) {
      const issue = issueAt(issuesOf(minimal({ market })), path);
      expect(issue.message).toMatch(message);
    }
    // Float noise of values that are on the grid is not an error.
    expect(
      parseRunConfig(minimal({ market: { cid: { priceMaxEur: 0.1 + 0.2 } } })).market.cid.priceMaxEur,
    ).toBe(0.1 + 0.2);
    // 0.07 MW per EUR/MWh: 0.7 MW (7 lots) per 10 EUR/MWh point, on the grid despite 0.07 × 10's float noise.
    expect(
      parseRunConfig(minimal({ market: { auctions: { intradayDepthMwPerEur: 0.07 } } })).market.auctions
        .intradayDepthMwPerEur,
    ).toBe(0.07);
  });

  it('refuses an exogenous capacity price range whose minimum is above its maximum', () => {
    const issue = issueAt(
      issuesOf(minimal({ market: { balancing: { exogenousCapacity: { priceMinEur: 30 } } } })),
      'market.balancing.exogenousCapacity.priceMinEur',
    );
    expect(issue.message).toMatch(/<= exogenousCapacity\.priceMaxEur/);
    expect(issue.value).toBe(30);
  });

  it('refuses a decision interval that does not fit the hour and a clock start off its grid', () => {
    for (const m of [7, 45, 90]) {
      const issues = issuesOf(minimal({ decisionIntervalMinutes: m }));
      expect(issueAt(issues, 'decisionIntervalMinutes').message).toMatch(/fit the hour: one of 1, 2, .* 240/);
      // One mistake, one issue: the start is not also blamed for the interval's fault.
      expect(issues).toHaveLength(1);
    }
    for (const m of [1, 5, 15, 30, 60, 120, 240])
      expect(parseRunConfig(minimal({ decisionIntervalMinutes: m })).decisionIntervalMinutes).toBe(m);
    const start = issueAt(issuesOf(minimal({ simStartHoursBeforeDay: 16.1 })), 'simStartHoursBeforeDay');
    expect(start.message).toMatch(/multiple of 15 minutes .*966 minutes/);
    expect(parseRunConfig(minimal({ simStartHoursBeforeDay: 16.25 })).simStartHoursBeforeDay).toBe(16.25);
    expect(
      issueAt(issuesOf(minimal({ simStartHoursBeforeDay: 16.0001 })), 'simStartHoursBeforeDay').message,
    ).toMatch(/whole number of minutes/);
    expect(
      issueAt(
        issuesOf(minimal({ market: { cid: { openHoursBeforeDay: 8.001 } } })),
        'market.cid.openHoursBeforeDay',
      ).message,
    ).toMatch(/whole number of minutes/);
  });

  it('refuses continuous products that would open after their gate closure, naming the gate in force', () => {
    const qh = issueAt(
      issuesOf(minimal({ market: { cid: { openHoursBeforeDay: 0, localGateMinutes: 30 } } })),
      'market.cid.openHoursBeforeDay',
    );
    expect(qh.message).toMatch(/at least 0\.5 hours \(localGateMinutes 30 with gateClosure: local\)/);
    const hourly = issueAt(
      issuesOf(
        minimal({
          market: {
            cid: { gateClosure: 'cross-border', crossBorderGateMinutes: 240, hourlyOpenHoursBeforeDay: 3 },
          },
        }),
      ),
      'market.cid.hourlyOpenHoursBeforeDay',
    );
    expect(hourly.message).toMatch(/at least 4 hours \(crossBorderGateMinutes 240/);
    // Without hourly products their opening is not read; the local gate is not the one in force.
    expect(() =>
      parseRunConfig(minimal({ market: { cid: { hourlyProducts: false, hourlyOpenHoursBeforeDay: 0 } } })),
    ).not.toThrow();
    expect(() =>
      parseRunConfig(minimal({ market: { cid: { openHoursBeforeDay: 0.5, localGateMinutes: 30 } } })),
    ).not.toThrow();
  });
});
