// Every shipped scenario is a valid run configuration whose strategies exist.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStrategy } from '../agents/strategies/registry.js';
import { loadRunConfig } from '../arena/run/load-config.js';

const dir = import.meta.dirname;
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('shipped scenarios', () => {
  it('include the five study set-ups, the demo and the pace benchmark', () => {
    expect(files.sort()).toEqual(
      [
        'battery-pool-day',
        'demo',
        'ev-fleet-week',
        'pace',
        'price-maker-study',
        'quiet-price-taker',
        'volatile-renewable',
      ].map((n) => `${n}.yaml`),
    );
  });

  it.each(files)('%s validates and names only known strategies', (file) => {
    const cfg = loadRunConfig(join(dir, file));
    for (const a of cfg.agents) expect(hasStrategy(a.strategy), `${file}: ${a.strategy}`).toBe(true);
  });
});

// The header comment says what the scenario's difficulty level means (sim/world/difficulty.ts),
// so nobody reads a score on perfect forecasts as a forecasting result or the other way round.
describe('scenario descriptions', () => {
  const says: Record<string, RegExp> = {
    clean: /smooth.*PERFECT forecasts/s,
    noise: /noise.*no\s+(#\s*)?spikes.*PERFECT forecasts by design/s,
    spikes: /spikes.*PERFECT forecasts/s,
    'forecast-errors': /noise.*spikes.*forecasts that differ from the realisation/s,
  };
  it.each(files)('%s states its difficulty and what it means', (file) => {
    const cfg = loadRunConfig(join(dir, file));
    const header = readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('#'))
      .join('\n');
    expect(header).toContain(`# Difficulty ${cfg.world.difficulty}`);
    expect(header).toMatch(says[cfg.world.difficulty]!);
  });
});

describe('price-maker-study', () => {
  it('lets the price-making battery play the 200 MW battery', () => {
    const cfg = loadRunConfig(join(dir, 'price-maker-study.yaml'));
    const big = cfg.agents.find((a) => a.asset?.type === 'battery' && a.asset.powerMw === 200);
    expect(big?.strategy).toBe('price-maker-battery');
  });
});
