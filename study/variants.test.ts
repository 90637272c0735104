import { describe, expect, it } from 'vitest';
import { ConfigError } from '../lib/index.js';
import { parseRunConfig } from '../sim/index.js';
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
  const short = parseRunConfig({
    name: 'short',
    seed: 1,
    day: '2026-11-22',
    agents: [
      { id: 'liquidity', strategy: 'liquidity', role: 'liquidity' },
      {
        id: 'fast',
        strategy: 'heuristic-battery',
        asset: { type: 'battery', powerMw: 10, energyMwh: 2, socMin: 0.05, socMax: 0.95 },
      },
    ],
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
      /^variant size-0\.01: agent "fast"'s battery scaled by 0\.01 would have energyMwh 0\.02, usable 0\.018 MWh between socMin 0\.05 and socMax 0\.95, less than one lot over the shortest product \(0\.1 MW × 15 min = 0\.025 MWh\)/,
    );
    expect(issues[0]!.message).toMatch(/the smallest factor for this battery is 0\.01389($|[^0-9])/);
  });

  it('names power and energy both when both fall below one lot', () => {
    const issues = issuesOf(() => checkStudy(shortStudy([0.001]), short, 'study.yaml'));
    expect(issues.map((i) => i.path)).toEqual(['sizes[0]', 'sizes[0]']);
    expect(issues[0]!.message).toMatch(/would have powerMw 0\.01, less than one lot/);
    expect(issues[1]!.message).toMatch(/would have energyMwh 0\.002, usable/);
  });

  it('takes a factor whose usable energy is exactly one lot over a quarter-hour', () => {
    // 2 MWh × 0.9 × f = 0.025 MWh at f = 1/72.
    expect(issuesOf(() => checkStudy(shortStudy([1 / 72]), short, 'study.yaml'))).toEqual([]);
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
