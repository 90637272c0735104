// A launched agent process that dies right after answering the last wake-up of an unpaced lock-step
// run: the run ends a moment later, before the arena's restart delay (STOP_GRACE_MS) has passed.
// With limits.agentRestarts the restart still happens while the run waits for final reports: the
// process started again comes back for its final report, the results count the restart and the tape
// is the undisturbed run's. Without restarts the agent that got no final report has a
// no-final-report fault (before, it was skipped without a word because its process had exited).
//
// Made deterministic with two agent processes (test/helpers/fill-ledger-agent.ts): `trader`
// (--die-after) kills itself 300 ms after answering the last wake-up; `holder`
// (--answer-after-death) answers that wake-up only once `trader` has died, and 100 ms later, so
// the arena has seen `trader`'s stream close when the run ends, and the run ends well within the
// 250 ms after the death.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArenaToEnd, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import type { FillLedgerState } from '../helpers/fill-ledger-agent.js';
import { fillLedgerCommand } from '../helpers/fill-ledger-command.js';
import { traderRunConfig } from '../helpers/trader-run.js';

afterAll(stopAll);

const dir = tempDir('flexarena-restart-end-');
const dieAfter = join(dir, 'die-after');

const agent = (id: string, option: string) => ({
  id,
  strategy: 'fill-ledger',
  command: fillLedgerCommand([option, dieAfter]),
});

const config = (agentRestarts: number) => {
  const cfg = traderRunConfig({
    // 16 decision points: a short run.
    decisionIntervalMinutes: 120,
    deadlineMs: 20_000,
    limits: { agentRestarts },
  });
  const agents = cfg.agents as Record<string, unknown>[];
  agents[1] = agent('trader', '--die-after');
  agents.push(agent('holder', '--answer-after-death'));
  return writeConfig(dir, cfg, `run-${agentRestarts}.yaml`);
};

const readState = (runDir: string, id = 'trader') =>
  JSON.parse(readFileSync(join(runDir, 'agents', `${id}.state`), 'utf8')) as FillLedgerState;

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** An unpaced run of `file` in which `trader` dies right after answering `lastWake`. */
async function runDying(file: string, out: string, lastWake: number) {
  rmSync(`${dieAfter}.died`, { force: true });
  writeFileSync(dieAfter, String(lastWake));
  const res = await runArenaToEnd(file, ['--out', join(dir, out), '--run-id', 'end', '--in-process']);
  expect(res.code, res.stderr).toBe(0);
  expect(existsSync(`${dieAfter}.died`)).toBe(true);
  const runDir = join(dir, out, 'end');
  expect(readFileSync(join(runDir, 'agents', 'trader.log'), 'utf8')).toContain(
    `dying after wake ${lastWake}`,
  );
  return { res, runDir };
}

describe('an agent process that dies right after its last answer in an unpaced run', () => {
  let wholeDir: string;
  let wholeState: FillLedgerState;
  let lastWake: number;

  beforeAll(async () => {
    rmSync(dieAfter, { force: true });
    const whole = await runArenaToEnd(config(1), [
      '--out',
      join(dir, 'whole'),
      '--run-id',
      'end',
      '--in-process',
    ]);
    expect(whole.code, whole.stderr).toBe(0);
    wholeDir = join(dir, 'whole', 'end');
    wholeState = readState(wholeDir);
    expect(wholeState.ended?.reason).toBe('run complete');
    lastWake = wholeState.woken!.at(-1)!;
    expect(readState(wholeDir, 'holder').woken!.at(-1)).toBe(lastWake);
  }, 300_000);

  it('is started again while the run waits for final reports, and gets its final report', {
    timeout: 300_000,
  }, async () => {
    const { res, runDir } = await runDying(config(1), 'restarted', lastWake);
    const log = readFileSync(join(runDir, 'agents', 'trader.log'), 'utf8');
    expect(log).toMatch(/restart 1 of 1\) ---\n(.*\n)*the run is over: connecting\n/);
    expect(res.stderr).toMatch(/run over; waiting up to \d+ ms for trader to reconnect for the final report/);

    const faults = readFileSync(join(runDir, 'agent-faults.log'), 'utf8');
    expect(faults).toMatch(/"kind":"process-exited".*starting it again \(restart 1 of 1\)/);
    expect(faults).toMatch(/"kind":"process-restarted".*restart 1 of 1/);
    expect(faults).not.toMatch(/no-final-report|restart-abandoned|missed-deadline/);
    const results = readJson(join(runDir, 'results.json'));
    expect(results.agentRestarts).toEqual({ limit: 1, byAgent: { trader: 1, holder: 0 } });
    expect(results.agents).toEqual(readJson(join(wholeDir, 'results.json')).agents);
    expect(readFileSync(join(runDir, 'tape.sha256'), 'utf8')).toBe(
      readFileSync(join(wholeDir, 'tape.sha256'), 'utf8'),
    );

    const state = readState(runDir);
    expect(state.ended).toEqual(wholeState.ended);
    expect(state.fills).toEqual(wholeState.fills);
    expect(state.acked).toEqual(wholeState.acked);
    expect(state.woken).toEqual(wholeState.woken);
    expect(state.positions).toEqual(wholeState.positions);
  });

  it('without restarts has a no-final-report fault', { timeout: 300_000 }, async () => {
    const { runDir } = await runDying(config(0), 'down', lastWake);
    const faults = readFileSync(join(runDir, 'agent-faults.log'), 'utf8');
    expect(faults).toMatch(/"agent":"trader","kind":"process-exited"/);
    expect(faults).not.toMatch(/starting it again|process-restarted/);
    expect(faults).toMatch(/"agent":"trader","kind":"no-final-report"/);
    expect(faults).not.toMatch(/"agent":"holder"/);
    const results = readJson(join(runDir, 'results.json'));
    expect(results.agentRestarts).toBeUndefined();
    expect(results.agents).toEqual(readJson(join(wholeDir, 'results.json')).agents);
    expect(readFileSync(join(runDir, 'tape.sha256'), 'utf8')).toBe(
      readFileSync(join(wholeDir, 'tape.sha256'), 'utf8'),
    );
    // Its last process ran to its last answer: no final report reached it.
    expect(readState(runDir).ended).toBeUndefined();
  });
});
