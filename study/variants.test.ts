import { describe, expect, it } from 'vitest';
import { ConfigError } from '../lib/index.js';
import { BatteryTwin, parseRunConfig } from '../sim/index.js';
import { parseStudy } from './config.js';
import { checkStudy, factorAtLeast, variantConfig, variants } from './variants.js';

const scenario = parseRunConfig({
  name: 'scaled',
  seed: 1,
  day: '2026-11-22',
  agents: [
    { id: 'liquidity', strategy: 'liquidity', role: 'liquidity' },
    { id: 'big', strategy: 'heuristic-battery', asset: { type: 'battery', powerMw: 200, energyMwh: 400 } },
  ],
});
const study = (sizes: number[]) => parseStudy({ name: 's', scenario: 'x.yaml', agent: 'big', sizes });

describe('checkStudy with size factors', () => {
  // A 200 MW battery scaled by 100 was simulated as a 20 000 MW one, twice what any configuration
  // may hold, without a word.
  it('refuses a factor that takes the battery beyond the asset limits, naming sizes[j] and the limit', () => {
    const s = study([0.5, 100]);
    let err: unknown;
    try {
      checkStudy(s, scenario, 'study.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues.map((i) => i.path)).toEqual(['sizes[1]']);
    expect(issues[0]!.message).toMatch(/agent "big"'s battery scaled by 100 would have powerMw 20000: /);
    expect(issues[0]!.message).toMatch(/10000|10 000/);
    expect((err as Error).message).toContain('study.yaml');
  });

  it('takes factors whose battery stays within the limits, and scales it by them', () => {
    const s = study([0.5, 50]);
    expect(() => checkStudy(s, scenario, 'study.yaml')).not.toThrow();
    const v = variants(s).find((x) => x.id === 'size-50')!;
    const big = variantConfig(s, scenario, v).agents.find((a) => a.id === 'big')!;
    expect(big.asset).toMatchObject({ type: 'battery', powerMw: 10_000, energyMwh: 20_000 });
  });

  // A 200 MW battery scaled by 0.0001 is 0.02 MW, less than the market's lot of 0.1 MW: it was
  // accepted and its runs traded nothing, compared as if they were the agent at that size.
  it('refuses a factor that makes the battery smaller than one lot, naming sizes[j], the variant and the lot', () => {
    const s = study([0.5, 0.0001]);
    let err: unknown;
    try {
      checkStudy(s, scenario, 'study.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues.map((i) => i.path)).toEqual(['sizes[1]']);
    expect(issues[0]!.value).toBe(0.0001);
    expect(issues[0]!.message).toMatch(
      /^variant size-0\.0001: agent "big"'s battery scaled by 0\.0001 would have powerMw 0\.02, less than one lot of the market \(0\.1 MW\)/,
    );
    expect(issues[0]!.message).toContain('the smallest factor for this battery is 0.0005');
    expect((err as Error).message).toContain('study.yaml');
  });

  it('takes a factor that leaves the battery exactly one lot', () => {
    expect(() => checkStudy(study([0.0005]), scenario, 'study.yaml')).not.toThrow();
  });
});

describe('checkStudy: one lot of energy', () => {
  // A 10 MW / 2 MWh battery scaled by 0.01 is 0.1 MW (one lot) but 0.02 MWh, 0.018 MWh usable
  // between its SoC bounds: less than one lot for a quarter-hour (0.025 MWh). Only power was
  // checked, so the variant was accepted and its battery could never deliver a lot in full.
  const shortConfig = {
    name: 'short',
    seed: 1,
    day: '2026-11-22',
    agents: [
      { id: 'liquidity', strategy: 'liquidity', role: 'liquidity' },
      {
        id: 'fast',
        strategy: 'heuristic-battery',
        asset: { type: 'battery' as const, powerMw: 10, energyMwh: 2, socMin: 0.05, socMax: 0.95 },
      },
    ],
  } as const;
  const short = parseRunConfig(structuredClone(shortConfig));
  const scaledAsset = (f: number) => ({
    powerMw: 10 * f,
    energyMwh: 2 * f,
    etaCharge: 0.95,
    etaDischarge: 0.95,
    socMin: 0.05,
    socMax: 0.95,
  });
  const shortStudy = (sizes: number[]) => parseStudy({ name: 's', scenario: 'x.yaml', agent: 'fast', sizes });
  const issuesOf = (f: () => void) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).issues;
    }
    return [];
  };

  it('refuses a factor whose usable energy is below one lot over a quarter-hour, naming sizes[j], the field and the limit', () => {
    const issues = issuesOf(() => checkStudy(shortStudy([0.5, 0.01]), short, 'study.yaml'));
    expect(issues.map((i) => i.path)).toEqual(['sizes[1]']);
    expect(issues[0]!.value).toBe(0.01);
    expect(issues[0]!.message).toMatch(
      /^variant size-0\.01: agent "fast"'s battery scaled by 0\.01 would have energyMwh 0\.02, usable 0\.018 MWh between socMin 0\.05 and socMax 0\.95: from socMax it could deliver 17 kWh \(etaDischarge 0\.95\) and from socMin take 18 kWh \(etaCharge 0\.95\) in a quarter-hour, less than one lot over the shortest product \(0\.1 MW × 15 min = 25 kWh\)/,
    );
    // 0.025 MWh / (2 MWh × 0.9 × 0.95) = 0.014619…
    expect(issues[0]!.message).toMatch(/the smallest factor for this battery is 0\.01462($|[^0-9])/);
  });

  it('names power and energy both when both fall below one lot', () => {
    const issues = issuesOf(() => checkStudy(shortStudy([0.001]), short, 'study.yaml'));
    expect(issues.map((i) => i.path)).toEqual(['sizes[0]', 'sizes[0]']);
    expect(issues[0]!.message).toMatch(/would have powerMw 0\.01, less than one lot/);
    expect(issues[1]!.message).toMatch(/would have energyMwh 0\.002, usable/);
  });

  // The usable range was compared with one lot as it is: a range of exactly 0.025 MWh was taken,
  // though through etaDischarge 0.95 the twin gives the grid only 23 kWh of it — never a lot.
  it('refuses a usable range of exactly one lot, which the discharge efficiency leaves short of a lot', () => {
    // 2 MWh × 0.9 × f = 0.025 MWh at f = 1/72.
    const issues = issuesOf(() => checkStudy(shortStudy([1 / 72]), short, 'study.yaml'));
    expect(issues.map((i) => i.path)).toEqual(['sizes[0]']);
    expect(issues[0]!.message).toMatch(/could deliver 23 kWh \(etaDischarge 0\.95\)/);
  });

  it('takes a factor at which the twin delivers exactly one lot in a quarter-hour, and refuses one just below', () => {
    // 2 MWh × 0.9 × f × 0.95 = 0.025 MWh at f = 1/68.4.
    const exact = 1 / 68.4;
    expect(issuesOf(() => checkStudy(shortStudy([exact]), short, 'study.yaml'))).toEqual([]);
    const twin = new BatteryTwin('t', { ...scaledAsset(exact), socInitial: 0.95 });
    expect(twin.headroomKwh(0.25).maxDischargeKwh).toBe(25);
    expect(issuesOf(() => checkStudy(shortStudy([exact * 0.9999]), short, 'study.yaml'))).toHaveLength(1);
  });

  it('takes the smallest factor it names', () => {
    expect(issuesOf(() => checkStudy(shortStudy([0.01462]), short, 'study.yaml'))).toEqual([]);
  });

  // With etaCharge low, charging needs more grid energy than the range holds: the take side is never
  // the scarcer one, so a battery that delivers a lot also takes one.
  it('counts etaDischarge, not etaCharge: a low etaCharge does not shrink what it takes', () => {
    const lowCharge = parseRunConfig({
      ...structuredClone(shortConfig),
      agents: [
        shortConfig.agents[0],
        {
          ...shortConfig.agents[1],
          asset: { ...shortConfig.agents[1].asset, etaCharge: 0.5, etaDischarge: 1 },
        },
      ],
    });
    expect(issuesOf(() => checkStudy(shortStudy([1 / 72]), lowCharge, 'study.yaml'))).toEqual([]);
  });
});

describe('factorAtLeast', () => {
  it('prints 4 significant digits, rounded up so the printed factor is enough', () => {
    expect(factorAtLeast(0.1 / 720)).toBe(0.0001389);
    expect(factorAtLeast(0.025 / 1.8)).toBe(0.01389);
    expect(factorAtLeast(0.0005)).toBe(0.0005);
    expect(factorAtLeast(0.12341)).toBe(0.1235);
    expect(factorAtLeast(0.99999)).toBe(1);
    for (const x of [0.1 / 3, 0.1 / 7, 0.025 / 0.9, 1 / 81])
      expect(factorAtLeast(x)).toBeGreaterThanOrEqual(x);
  });
});
