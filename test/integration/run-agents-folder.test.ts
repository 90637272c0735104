// A run folder's agents/ holds the logs of the agent processes the arena launched, and is made
// when the first one is launched. Before, every new run folder got it up front: an in-process run
// left an empty agents/, and a resumed folder without one (a stopped in-process run's, now) failed
// its first launch with ENOENT on the log, unhandled, a stack trace and exit 1.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, demoConfig, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import { untilFirstSettlements } from '../helpers/process-control.js';

afterAll(stopAll);

const dir = tempDir('flexarena-agents-folder-');
const config = writeConfig(dir, demoConfig({ days: 2 }));

function flexarena(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000 });
}

/** An in-process run stopped with SIGINT once it has settled something; its folder. */
async function stoppedInProcessRun(): Promise<string> {
  const runDir = join(dir, 'a', 'ip');
  const child = spawn(
    process.execPath,
    [BIN, 'run', config, '--in-process', '--pace', '9000', '--out', join(dir, 'a'), '--run-id', 'ip'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const settlements = join(runDir, 'settlements.jsonl');
    await untilFirstSettlements(settlements, 180_000);
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
  } finally {
    child.kill('SIGKILL');
  }
  return runDir;
}

describe("a run folder's agents/", () => {
  it('is made only when agent processes are launched: not in process, and on a resume that launches them', {
    timeout: 600_000,
  }, async () => {
    const runDir = await stoppedInProcessRun();
    expect(existsSync(join(runDir, 'interrupted.json'))).toBe(true);
    expect(existsSync(join(runDir, 'agents')), 'an in-process run has no agents/').toBe(false);
    const copy = join(dir, 'b', 'ip');
    cpSync(runDir, copy, { recursive: true });

    // Resumed with its agents as processes: agents/ is made for their logs.
    const resumed = flexarena(['run', '--resume', runDir]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(readdirSync(join(runDir, 'agents')).sort()).toEqual([
      'heuristic.log',
      'idle.log',
      'liquidity.log',
    ]);
    expect(resumed.stdout).toMatch(/results in \S+ \(.*agents\/\)/);

    // Resumed in process: still none.
    const inProcess = flexarena(['run', '--resume', copy, '--in-process']);
    expect(inProcess.status, inProcess.stderr).toBe(0);
    expect(existsSync(join(copy, 'results.json'))).toBe(true);
    expect(existsSync(join(copy, 'agents'))).toBe(false);
  });
});
