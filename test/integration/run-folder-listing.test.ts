// The line that ends `flexarena run` names the run folder's files. It used to name
// agent-faults.log and agents/ always, and a reader of a clean run found neither the log (it is
// written only once an agent has a fault) nor a log in agents/ (an in-process run launches no
// process). Now it names what is there: checked against the folder, for a clean in-process run
// and for one whose launched agent crashes at its start.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoConfig, runArenaToEnd, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

afterAll(stopAll);

/** The run folder and the files the last line names. */
async function runAndList(cfg: Record<string, unknown>, args: string[]) {
  const dir = tempDir();
  const res = await runArenaToEnd(writeConfig(dir, cfg), ['--out', dir, ...args]);
  expect(res.code, res.stderr).toBe(0);
  const m = /results in (\S+)\/ \(([^)]*)\)\n/.exec(res.stdout);
  expect(m, res.stdout).not.toBeNull();
  return { runDir: m![1]!, named: m![2]!.split(', ') };
}

/** Every name is in the folder; a folder named is not empty. */
function expectAllThere(runDir: string, named: string[]) {
  for (const name of named) {
    expect(existsSync(join(runDir, name)), name).toBe(true);
    if (name.endsWith('/')) expect(readdirSync(join(runDir, name)).length, name).toBeGreaterThan(0);
  }
}

describe('the files a run names at its end', () => {
  it('are those of a clean in-process run, without a fault log or agent logs', {
    timeout: 120_000,
  }, async () => {
    const { runDir, named } = await runAndList(demoConfig(), ['--in-process']);
    expect(named).toEqual(['results.json', 'results.csv', 'settlements.jsonl', 'tape.jsonl.gz']);
    expectAllThere(runDir, named);
  });

  it('include the fault log and the agents/ logs once a launched agent failed', {
    timeout: 120_000,
  }, async () => {
    const cfg = demoConfig();
    (cfg.agents as unknown[]).push({
      id: 'crasher',
      strategy: 'my-bot',
      command: [process.execPath, '-e', 'process.exit(3)'],
      asset: { type: 'battery', powerMw: 10, energyMwh: 20 },
    });
    const { runDir, named } = await runAndList(cfg, ['--in-process']);
    expect(named).toEqual([
      'results.json',
      'results.csv',
      'settlements.jsonl',
      'tape.jsonl.gz',
      'agent-faults.log',
      'agents/',
    ]);
    expectAllThere(runDir, named);
  });
});
