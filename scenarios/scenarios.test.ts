// Every shipped scenario is a valid run configuration whose strategies exist.
import { readdirSync } from 'node:fs';
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
