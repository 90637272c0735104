// limits.agentRestarts after the last decision point: the launched agent process dies once it has
// answered the run's last wake-up, the arena starts it again, and the new process connects only
// after the run is over — the final-report path (the run waits finalReportGraceMs for an agent
// whose stream was down at its end). The window is narrow in a real run, so it is made
// deterministic: the agent (test/helpers/fill-ledger-agent.ts --die-after) kills itself 300 ms after
// answering a given wake id, the run is paced (--pace) so that 2 s pass after the last decision
// point before the run ends, and the process started again connects only 1 s after the run wrote
// its run-end.json. The run finishes with complete results, its tape is the one of an undisturbed run,
// and the agent gets its final report: every fill of the run once, as in the undisturbed run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runArenaToEnd, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import type { FillLedgerState } from '../helpers/fill-ledger-agent.js';
import { fillLedgerCommand } from '../helpers/fill-ledger-command.js';
import { traderRunConfig } from '../helpers/trader-run.js';

afterAll(stopAll);

const dir = tempDir('flexarena-restart-final-');
const dieAfter = join(dir, 'die-after');
const cfg = traderRunConfig({
  // 16 decision points, two virtual hours apart: at --pace 3600, 2 s of wall time after each.
  decisionIntervalMinutes: 120,
  deadlineMs: 20_000,
  limits: { agentRestarts: 1 },
});
(cfg.agents as Record<string, unknown>[])[1] = {
  id: 'trader',
  strategy: 'fill-ledger',
  command: fillLedgerCommand(['--die-after', dieAfter]),
};
const file = writeConfig(dir, cfg, 'run.yaml');

const readState = (runDir: string) =>
  JSON.parse(readFileSync(join(runDir, 'agents', 'trader.state'), 'utf8')) as FillLedgerState;

describe('an agent process restarted after the last decision point', () => {
  it('comes back for its final report; the results are complete and the tape is the undisturbed one', {
    timeout: 300_000,
  }, async () => {
    const whole = await runArenaToEnd(file, [
      '--out',
      join(dir, 'whole'),
      '--run-id',
      'final',
      '--in-process',
    ]);
    expect(whole.code, whole.stderr).toBe(0);
    const wholeDir = join(dir, 'whole', 'final');
    const wholeState = readState(wholeDir);
    expect(wholeState.ended?.reason).toBe('run complete');
    const lastWake = wholeState.woken!.at(-1)!;

    writeFileSync(dieAfter, String(lastWake));
    const res = await runArenaToEnd(file, [
      '--out',
      join(dir, 'died'),
      '--run-id',
      'final',
      '--in-process',
      '--pace',
      '3600',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const runDir = join(dir, 'died', 'final');
    // It died after the last decision point, and its successor connected after the run.
    expect(existsSync(`${dieAfter}.died`)).toBe(true);
    const log = readFileSync(join(runDir, 'agents', 'trader.log'), 'utf8');
    expect(log).toContain(`dying after wake ${lastWake}`);
    expect(log).toMatch(/restart 1 of 1\) ---\n(.*\n)*the run is over: connecting\n/);
    expect(res.stderr).toMatch(/run over; waiting up to \d+ ms for trader to reconnect for the final report/);

    expect(readFileSync(join(runDir, 'tape.sha256'), 'utf8')).toBe(
      readFileSync(join(wholeDir, 'tape.sha256'), 'utf8'),
    );
    const faults = readFileSync(join(runDir, 'agent-faults.log'), 'utf8');
    expect(faults).toMatch(/"kind":"process-restarted".*restart 1 of 1/);
    expect(faults).not.toMatch(/no-final-report|missed-deadline/);
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
    const wholeResults = JSON.parse(readFileSync(join(wholeDir, 'results.json'), 'utf8'));
    expect(results.agents).toEqual(wholeResults.agents);
    expect(results.agentRestarts).toEqual({ limit: 1, byAgent: { trader: 1 } });

    // The agent's own records: its final report reached the process started again.
    const state = readState(runDir);
    expect(state.ended).toEqual(wholeState.ended);
    // Each fill and each batch's ack once, as in the undisturbed run. (Its last report_seq is not
    // the same: the final messages made for its stream at the run's end, which was down, keep their
    // numbers, and the ones made again for the process that came back follow them.)
    expect(state.fills).toEqual(wholeState.fills);
    expect(state.acked).toEqual(wholeState.acked);
    expect(state.woken).toEqual(wholeState.woken);
    expect(state.lastReportSeq).toBeGreaterThan(wholeState.lastReportSeq);
    expect(state.positions).toEqual(wholeState.positions);
  });
});
