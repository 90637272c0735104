import { describe, expect, it } from 'vitest';
import { ConfigError } from '../lib/index.js';
import { parseRunConfig } from '../sim/index.js';
import { parseStudy } from './config.js';
import { checkStudy, variantConfig, variants } from './variants.js';

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
