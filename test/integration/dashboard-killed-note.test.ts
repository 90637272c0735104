// `flexarena dashboard <run-folder>` on the folder of a run killed outright (no tape.sha256, no
// interrupted.json): the README says the readers of such a folder — `flexarena tape`, `evaluate
// --run-dir`, `report` and `dashboard` — say that the run was killed and at which decision point its
// files end. The dashboard said only "tape reproduced exactly (N lines)", as for a finished run; it
// now prints the same note as the others.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStrategy } from '../../agents/strategies/index.js';
import { runArena } from '../../arena/index.js';
import { RunInterruptedError } from '../../lib/index.js';
import { type LocalAgent, parseRunConfig } from '../../sim/index.js';
import { BIN, tempDir } from '../helpers/arena-process.js';
import { fastScenario } from '../helpers/tournament-fixtures.js';

const dirs: string[] = [];
let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('flexarena dashboard on a killed run', () => {
  it('says that the run was killed and at which decision point its files end', async () => {
    const outDir = tempDir('flexarena-dash-killed-');
    dirs.push(outDir);
    const cfg = parseRunConfig({ ...fastScenario(), outDir });
    // A run stopped where its 30th decision point opened; without tape.sha256 and interrupted.json
    // its folder is what a kill leaves there (the files are written up to each decision point).
    const stop = new AbortController();
    let decisions = 0;
    const err = await runArena(cfg, {
      runId: 'killed',
      local: new Map<string, LocalAgent>(cfg.agents.map((a) => [a.id, createStrategy(a.strategy, a.params)])),
      log: () => {},
      signal: stop.signal,
      onDecision: () => {
        if (++decisions === 30) stop.abort('SIGINT');
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunInterruptedError);
    const runDir = join(outDir, 'killed');
    rmSync(join(runDir, 'tape.sha256'));
    rmSync(join(runDir, 'interrupted.json'));

    child = spawn(process.execPath, [BIN, 'dashboard', runDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    const end = Date.now() + 120_000;
    while (!stdout.includes('FLEXARENA_DASHBOARD') && child.exitCode === null && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    // Ctrl-C is how a replay ends: said, and exit 0 (it was silent).
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/SIGINT: dashboard stopped \(page server and nats-server closed\)\n$/);
    expect(stdout, stderr).toContain('FLEXARENA_DASHBOARD');
    expect(stderr).toMatch(/tape reproduced exactly/);
    expect(stderr).toMatch(
      /the run never closed its files — its arena was killed[^\n]*end at the decision point of 2026-11-22T02:00:00\.000Z/,
    );
  }, 180_000);
});
