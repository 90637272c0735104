// `flexarena run --resume <folder> --pace x`: the resumed run re-simulates its tape up to where it
// stopped, then goes on live. The pacer (runArena's onDecision) was called at every re-simulated
// decision point too, so the part already run was replayed at the watching speed before anything
// new happened. Now it is called from the decision point the run goes live at.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createStrategy } from '../../agents/strategies/index.js';
import { planResume, runArena } from '../../arena/index.js';
import { RunInterruptedError } from '../../lib/index.js';
import { type LocalAgent, parseRunConfig, type RunConfig } from '../../sim/index.js';
import { tempDir } from '../helpers/arena-process.js';
import { fastScenario } from '../helpers/tournament-fixtures.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const local = (cfg: RunConfig) =>
  new Map<string, LocalAgent>(cfg.agents.map((a) => [a.id, createStrategy(a.strategy, a.params)]));

describe('a resumed run', () => {
  it('calls onDecision only from the decision point it goes live at, not while it catches up', async () => {
    const outDir = tempDir('flexarena-resume-pace-');
    dirs.push(outDir);
    const cfg = parseRunConfig({ ...fastScenario(), outDir });

    // The run played through: every decision point's time.
    const all: number[] = [];
    await runArena(cfg, {
      runId: 'through',
      local: local(cfg),
      log: () => {},
      onDecision: (p) => {
        all.push(p.timeMs);
      },
    });

    // The same run stopped (as by Ctrl-C) after its tenth decision point.
    const stop = new AbortController();
    const before: number[] = [];
    const stopped = await runArena(cfg, {
      runId: 'stopped',
      local: local(cfg),
      log: () => {},
      signal: stop.signal,
      onDecision: (p) => {
        before.push(p.timeMs);
        if (before.length === 10) stop.abort('SIGINT');
      },
    }).catch((err: unknown) => err);
    expect(stopped).toBeInstanceOf(RunInterruptedError);

    const plan = await planResume(`${outDir}/stopped`);
    const after: number[] = [];
    await runArena(plan.cfg, {
      resume: plan,
      local: local(plan.cfg),
      log: () => {},
      onDecision: (p) => {
        after.push(p.timeMs);
      },
    });
    expect(after.length).toBeGreaterThan(0);
    // Nothing of the re-simulated part, and everything after it, once each.
    expect(after[0]).toBeGreaterThan(before[before.length - 2]!);
    expect(after).toEqual(all.slice(all.length - after.length));
    expect(after.length).toBeLessThan(all.length - 8);
  }, 120_000);
});
