// A command whose reader goes away: `flexarena run … | head` closed the pipe after its first line,
// the next write failed with EPIPE and the command died with a stack trace — a run half-way, its
// private nats-server store left behind. The output is only a view of the work: the run goes on,
// writes its folder and exits with its own status.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, tempDir, writeConfig } from '../helpers/arena-process.js';
import { fastScenario } from '../helpers/tournament-fixtures.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `flexarena <args>` with its standard output and error pipes closed by their reader at once. */
function withClosedReader(args: string[]): Promise<{ code: number | null; signal: string | null }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.destroy();
  child.stderr!.destroy();
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

describe('a command whose output pipe is closed', () => {
  it('a run finishes and writes its folder; scoring it writes its scores', async () => {
    const dir = tempDir('flexarena-closed-output-');
    dirs.push(dir);
    const file = writeConfig(dir, fastScenario(), 'fast.yaml');
    const out = join(dir, 'runs');
    expect(await withClosedReader(['run', file, '--in-process', '--out', out])).toEqual({
      code: 0,
      signal: null,
    });
    const [runId] = readdirSync(out);
    const runDir = join(out, runId!);
    expect(existsSync(join(runDir, 'results.json'))).toBe(true);
    expect(existsSync(join(runDir, 'tape.sha256'))).toBe(true);

    expect(await withClosedReader(['evaluate', '--run-dir', runDir])).toEqual({ code: 0, signal: null });
    expect(existsSync(join(runDir, 'scores.json'))).toBe(true);
  }, 120_000);

  it('a usage error keeps its exit status', async () => {
    expect(await withClosedReader(['run', '--seed', 'x'])).toEqual({ code: 1, signal: null });
  });
});
