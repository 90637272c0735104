// The pace line-up (scenarios/pace.yaml, the `npm run bench:pace` configuration) validates and
// runs: one day in-process, every agent answers every wake-up, every trading strategy trades and
// the idle batteries never do. No speed is asserted here; the benchmark measures it.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStrategy, hasStrategy } from '../../agents/strategies/index.js';
import { loadRunConfig, readTapeText, runArena } from '../../arena/index.js';
import type { LocalAgent } from '../../sim/index.js';
import { tempDir } from '../helpers/arena-process.js';

const FILE = join(import.meta.dirname, '..', '..', 'scenarios', 'pace.yaml');

describe('pace scenario', () => {
  it('is the documented line-up of ten agents over three days', () => {
    const cfg = loadRunConfig(FILE);
    expect(cfg.days).toBe(3);
    const count = (s: string) => cfg.agents.filter((a) => a.strategy === s).length;
    expect(cfg.agents).toHaveLength(10);
    expect([
      count('liquidity'),
      count('heuristic-battery'),
      count('lp-battery'),
      count('balancing-battery'),
      count('tabular-q'),
      count('idle'),
    ]).toEqual([1, 2, 2, 1, 1, 3]);
    for (const a of cfg.agents) expect(hasStrategy(a.strategy)).toBe(true);
  });

  it('runs one day in-process with every wake-up answered', async () => {
    const dir = tempDir();
    const full = loadRunConfig(FILE, { outDir: dir });
    const cfg = { ...full, days: 1, nats: { ...full.nats, enabled: false } };
    const local = new Map<string, LocalAgent>(
      cfg.agents.map((a) => [a.id, createStrategy(a.strategy, a.params)]),
    );
    const { runDir, results } = await runArena(cfg, { local, log: () => {} });
    const points = results.stats.wakeUps / cfg.agents.length;
    // D-1 08:00 to the last gate closure of the day, every 15 minutes.
    expect(points).toBeGreaterThan(150);
    expect(Number.isInteger(points)).toBe(true);
    for (const a of results.agents) {
      expect(a.missedDeadlines, a.agentId).toBe(0);
      if (a.strategy === 'idle') expect(a.orders, a.agentId).toBe(0);
      else expect(a.orders, a.agentId).toBeGreaterThan(0);
    }
    expect(results.stats.trades).toBeGreaterThan(0);
    const tape = readTapeText(runDir).trimEnd().split('\n');
    expect(tape).toHaveLength(results.stats.tapeEvents);
    expect(JSON.parse(tape.at(-1)!).type).toBe('run-end');
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);
});
