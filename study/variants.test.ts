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
});
