// The trained tabular-q table shipped with the repo: it loads with the params its entrant names and
// plays a game of the scenario it was trained on; and the script that made it is deterministic
// (the same command writes the same table; checked on a short run — the full one takes minutes).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createStrategy } from '../../agents/strategies/index.js';
import { type QTableFile, TabularQ } from '../../agents/strategies/tabular-q.js';
import { runArena } from '../../arena/index.js';
import { loadRunConfig } from '../../arena/run/load-config.js';
import { RunScorer } from '../../evaluation/index.js';
import type { LocalAgent } from '../../sim/index.js';

const run = promisify(execFile);
const TABLE = resolve('tournaments/tables/tabular-q-quiet-price-taker.json');
/** The params the table is read with (tabular-q-table.ts's TABLE_PARAMS, read only). */
const READ = {
  qTablePath: TABLE,
  levelBuckets: 5,
  socBuckets: 5,
  hourBuckets: 1,
  gammaPer: 'hour',
  saveQTable: false,
  learn: false,
  epsilon: 0,
};

describe('the shipped tabular-q table', () => {
  it('loads and plays a game of quiet-price-taker greedily, trading', async () => {
    const file = JSON.parse(readFileSync(TABLE, 'utf8')) as QTableFile;
    expect(file.version).toBe(2);
    // Every (SoC, price level) state of the 5 × 5 (no hour) was visited.
    expect(Object.keys(file.table)).toHaveLength(25);
    const learner = new TabularQ(READ);
    const base = loadRunConfig('scenarios/quiet-price-taker.yaml');
    const dir = mkdtempSync(join(tmpdir(), 'flexarena-tq-'));
    try {
      const cfg = {
        ...structuredClone(base),
        seed: 4242,
        outDir: dir,
        nats: { ...base.nats, enabled: false },
        agents: base.agents.map((a) => ({ ...a, launch: true })),
      };
      const local = new Map<string, LocalAgent>();
      for (const a of cfg.agents)
        local.set(a.id, a.id === 'optimiser' ? learner : createStrategy(a.strategy, a.params));
      const scorer = new RunScorer('tq-shipped');
      await runArena(cfg, { runId: 'tq-shipped', local, sinks: [scorer], log: () => undefined });
      const me = scorer.scores().agents.find((a) => a.agentId === 'optimiser')!;
      expect(me.tradedMwh).toBeGreaterThan(5);
      expect(me.clippedPeriods).toBe(0);
      // It earns more than idle (0) on this world too (seed 4242 is no training or tournament seed).
      expect(me.socNeutralProfitEur).toBeGreaterThan(0);
      // Read only: nothing learned, the file unchanged.
      expect(learner.updateCount).toBe(file.updates);
      expect(readFileSync(TABLE, 'utf8')).toBe(`${JSON.stringify(file, null, 1)}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is made by a deterministic script: the same short command writes the same bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexarena-tq-'));
    try {
      const once = async (name: string) => {
        const out = join(dir, name);
        await run(
          process.execPath,
          [
            '--import',
            'tsx',
            'scripts/training/tabular-q-table.ts',
            '--runs',
            '3',
            '--check-every',
            '2',
            '--check-runs',
            '1',
            '--eval-runs',
            '0',
            '--out',
            out,
          ],
          { encoding: 'utf8' },
        );
        return readFileSync(out, 'utf8');
      };
      const a = await once('a.json');
      const b = await once('b.json');
      expect(Object.keys((JSON.parse(a) as QTableFile).table).length).toBeGreaterThan(10);
      expect(b).toBe(a);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
