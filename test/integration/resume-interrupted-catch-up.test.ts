// `flexarena run --resume <folder>` stopped with Ctrl-C (or SIGTERM) while it still re-simulates the
// recorded tape. runArena rejected with the signal's bare reason (the string "SIGINT"), so the
// command printed `flexarena: undefined` and exited 1 instead of 130. Now it is a RunInterruptedError
// saying that the tape and settlements were left as they were (nothing is replaced before the re-simulation has caught
// up), and the folder resumes again to the uninterrupted run's tape.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStrategy } from '../../agents/strategies/index.js';
import { planResume, runArena } from '../../arena/index.js';
import { errorExit } from '../../cli/usage-errors.js';
import { type InterruptedError, RunInterruptedError } from '../../lib/index.js';
import { type LocalAgent, parseRunConfig, type RunConfig } from '../../sim/index.js';
import { tempDir } from '../helpers/arena-process.js';
import { fastScenario } from '../helpers/tournament-fixtures.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const local = (cfg: RunConfig) =>
  new Map<string, LocalAgent>(cfg.agents.map((a) => [a.id, createStrategy(a.strategy, a.params)]));

/** Every file of a folder (not its sub-folders) with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true }))
    if (e.isFile()) out[e.name] = readFileSync(join(dir, e.name)).toString('base64');
  return out;
}

describe('a resumed run stopped while it catches up', () => {
  it('ends with RunInterruptedError (exit 130), leaves the folder as it was, and resumes again', async () => {
    const outDir = tempDir('flexarena-resume-int-');
    dirs.push(outDir);
    const cfg = parseRunConfig({ ...fastScenario(), outDir });

    const through = await runArena(cfg, { runId: 'through', local: local(cfg), log: () => {} });

    // The run stopped (as by Ctrl-C) after its fortieth decision point (D 08:30: settled quarter-hours on its tape).
    const first = new AbortController();
    let decisions = 0;
    const stopped = await runArena(cfg, {
      runId: 'stopped',
      local: local(cfg),
      log: () => {},
      signal: first.signal,
      onDecision: () => {
        if (++decisions === 40) first.abort('SIGINT');
      },
    }).catch((err: unknown) => err);
    expect(stopped).toBeInstanceOf(RunInterruptedError);
    const runDir = join(outDir, 'stopped');
    const before = snapshot(runDir);

    // Resumed, and stopped again at its third settlement record: still re-simulating the tape.
    const second = new AbortController();
    let settled = 0;
    const plan = await planResume(runDir);
    expect(plan.tape.lines.length).toBeGreaterThan(100);
    const lines: string[] = [];
    const err = await runArena(plan.cfg, {
      resume: plan,
      local: local(plan.cfg),
      log: (l) => lines.push(l),
      signal: second.signal,
      sinks: [
        {
          settlement: () => {
            if (++settled === 3) second.abort('SIGTERM');
          },
        },
      ],
    }).catch((e: unknown) => e);
    expect(lines.join('\n')).not.toMatch(/live from/);
    expect(err).toBeInstanceOf(RunInterruptedError);
    expect((err as InterruptedError).signal).toBe('SIGTERM');
    const { line, code } = errorExit(err, ['node', 'flexarena', 'run', '--resume', runDir]);
    expect(code).toBe(143);
    expect(line).toMatch(/^flexarena: [^\n]*interrupted by SIGTERM[^\n]*$/);
    expect(line).toContain(runDir);
    expect(line).toMatch(/tape and settlement records are as they were/);
    // Nothing in the folder changed (the regenerated files were temporary).
    expect(snapshot(runDir)).toEqual(before);

    // And it resumes again, to the run played through.
    const resumed = await runArena((await planResume(runDir)).cfg, {
      resume: await planResume(runDir),
      local: local(cfg),
      log: () => {},
    });
    expect(resumed.results.tapeSha256).toBe(through.results.tapeSha256);
  }, 180_000);
});
