// A final report counts as delivered only once the agent confirms it by closing its side of the
// stream (docs/protocol.md, "End"). Before, RunEnded written into the stream of a process that was
// already gone — or went before it read it — counted as delivered: its restart was not made (or was
// abandoned, with a restart-abandoned fault), and without restarts no no-final-report fault said
// that the agent never got it.
//
// Two deterministic ways of losing it (test/helpers/fill-ledger-agent.ts):
//  - `--die-on-end`: the process kills itself as its RunEnded arrives, before it processed it;
//  - a half-dead connection: `trader` connects through a TCP proxy that keeps the arena's side of
//    the connection open when the agent's side goes (the arena sees no close, as behind a cut
//    without a FIN), and dies (`--die-after`) 300 ms after answering the last wake-up; `holder`
//    (`--answer-after-death`) answers that wake-up 100 ms after the death, so the run ends with the
//    arena still seeing `trader`'s stream open, within the 250 ms before its restart.
// Either way the process started again gets its final report within the run's wait for them, and
// the tape is the undisturbed run's (it does not depend on when the process died).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArenaToEnd, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import type { FillLedgerState } from '../helpers/fill-ledger-agent.js';
import { fillLedgerCommand } from '../helpers/fill-ledger-command.js';
import { freePort } from '../helpers/nats-server-process.js';
import { TcpFaultProxy } from '../helpers/tcp-fault-proxy.js';
import { traderRunConfig } from '../helpers/trader-run.js';

let proxy: TcpFaultProxy | undefined;
afterAll(async () => {
  await stopAll();
  await proxy?.close();
});

const dir = tempDir('flexarena-end-unconfirmed-');
const dieOnEnd = join(dir, 'die-on-end');
const dieAfter = join(dir, 'die-after');

const agent = (id: string, options: string[], arena = '{arena}') => ({
  id,
  strategy: 'fill-ledger',
  command: fillLedgerCommand(options, { arena }),
});

const config = (name: string, agentRestarts: number, agents: Record<string, unknown>[]) => {
  const cfg = traderRunConfig({
    // 16 decision points: a short run.
    decisionIntervalMinutes: 120,
    deadlineMs: 20_000,
    limits: { agentRestarts },
  });
  const all = cfg.agents as Record<string, unknown>[];
  all.splice(1, 1, ...agents);
  return writeConfig(dir, cfg, `${name}.yaml`);
};

const readState = (runDir: string, id = 'trader') =>
  JSON.parse(readFileSync(join(runDir, 'agents', `${id}.state`), 'utf8')) as FillLedgerState;
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

async function run(file: string, out: string, extra: string[] = []) {
  const outDir = join(dir, `out-${out}`);
  const res = await runArenaToEnd(file, ['--out', outDir, '--run-id', 'end', '--in-process', ...extra]);
  expect(res.code, res.stderr).toBe(0);
  return { res, runDir: join(outDir, 'end') };
}

describe('a final report the agent did not confirm', () => {
  let wholeDir: string;
  let wholeState: FillLedgerState;

  beforeAll(async () => {
    rmSync(dieOnEnd, { force: true });
    rmSync(dieAfter, { force: true });
    // The same agents, neither dying: the run each of the others must match.
    const file = config('whole', 1, [
      agent('trader', ['--die-on-end', dieOnEnd, '--die-after', dieAfter]),
      agent('holder', ['--answer-after-death', dieAfter]),
    ]);
    ({ runDir: wholeDir } = await run(file, 'whole'));
    wholeState = readState(wholeDir);
    expect(wholeState.ended?.reason).toBe('run complete');
  }, 300_000);

  const expectUndisturbed = (runDir: string) => {
    expect(readFileSync(join(runDir, 'tape.sha256'), 'utf8')).toBe(
      readFileSync(join(wholeDir, 'tape.sha256'), 'utf8'),
    );
    expect(readJson(join(runDir, 'results.json')).agents).toEqual(
      readJson(join(wholeDir, 'results.json')).agents,
    );
  };

  const expectFinalReport = (runDir: string) => {
    const state = readState(runDir);
    expect(state.ended).toEqual(wholeState.ended);
    expect(state.fills).toEqual(wholeState.fills);
    expect(state.acked).toEqual(wholeState.acked);
    expect(state.woken).toEqual(wholeState.woken);
    expect(state.positions).toEqual(wholeState.positions);
  };

  it('from a process that died as its RunEnded arrived: it is started again and gets it', {
    timeout: 300_000,
  }, async () => {
    writeFileSync(dieOnEnd, '');
    const file = config('die-on-end', 1, [agent('trader', ['--die-on-end', dieOnEnd]), agent('holder', [])]);
    const { res, runDir } = await run(file, 'die-on-end');
    expect(existsSync(`${dieOnEnd}.died`)).toBe(true);
    const log = readFileSync(join(runDir, 'agents', 'trader.log'), 'utf8');
    expect(log).toMatch(
      /dying on the run's end \(run complete\)\n(.*\n)*.*restart 1 of 1\) ---\n(.*\n)*ended run complete\n/,
    );
    expect(res.stderr).toMatch(/run over; waiting up to \d+ ms for trader to reconnect for the final report/);
    const faults = readFileSync(join(runDir, 'agent-faults.log'), 'utf8');
    expect(faults).toMatch(
      /"agent":"trader","kind":"process-exited".*after the last decision point, before its final report.*starting it again \(restart 1 of 1\)/,
    );
    expect(faults).toMatch(/"agent":"trader","kind":"process-restarted"/);
    expect(faults).not.toMatch(/no-final-report|restart-abandoned|missed-deadline|"agent":"holder"/);
    expect(readJson(join(runDir, 'results.json')).agentRestarts).toEqual({
      limit: 1,
      byAgent: { trader: 1, holder: 0 },
    });
    expectUndisturbed(runDir);
    expectFinalReport(runDir);
  });

  it('from a process that died as its RunEnded arrived, without restarts: a no-final-report fault', {
    timeout: 300_000,
  }, async () => {
    writeFileSync(dieOnEnd, '');
    const file = config('die-on-end-0', 0, [
      agent('trader', ['--die-on-end', dieOnEnd]),
      agent('holder', []),
    ]);
    const { runDir } = await run(file, 'die-on-end-0');
    expect(existsSync(`${dieOnEnd}.died`)).toBe(true);
    const faults = readFileSync(join(runDir, 'agent-faults.log'), 'utf8');
    expect(faults).toMatch(/"agent":"trader","kind":"process-exited".*before its final report/);
    expect(faults).toMatch(/"agent":"trader","kind":"no-final-report"/);
    expect(faults).not.toMatch(/"agent":"holder"/);
    expectUndisturbed(runDir);
    expect(readState(runDir).ended).toBeUndefined();
  });

  it('on a half-dead connection whose process died just before the end: started again, it gets it', {
    timeout: 300_000,
  }, async () => {
    const lastWake = wholeState.woken!.at(-1)!;
    rmSync(`${dieAfter}.died`, { force: true });
    writeFileSync(dieAfter, String(lastWake));
    const port = await freePort();
    proxy = await TcpFaultProxy.start(port);
    proxy.holdServerSideOfClosedClients();
    const file = config('half-dead', 1, [
      agent('trader', ['--die-after', dieAfter], `127.0.0.1:${proxy.port}`),
      agent('holder', ['--answer-after-death', dieAfter]),
    ]);
    const { runDir } = await run(file, 'half-dead', ['--port', String(port)]);
    await proxy.close();
    proxy = undefined;
    expect(existsSync(`${dieAfter}.died`)).toBe(true);
    const log = readFileSync(join(runDir, 'agents', 'trader.log'), 'utf8');
    expect(log).toMatch(/dying after wake \d+\n(.*\n)*.*restart 1 of 1\) ---\n(.*\n)*ended run complete\n/);
    const faults = readFileSync(join(runDir, 'agent-faults.log'), 'utf8');
    expect(faults).toMatch(/"agent":"trader","kind":"process-restarted"/);
    expect(faults).not.toMatch(/no-final-report|restart-abandoned|missed-deadline|"agent":"holder"/);
    expect(readJson(join(runDir, 'results.json')).agentRestarts).toEqual({
      limit: 1,
      byAgent: { trader: 1, holder: 0 },
    });
    expectUndisturbed(runDir);
    expectFinalReport(runDir);
  });
});
