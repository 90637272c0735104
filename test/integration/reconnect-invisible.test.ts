// In lock-step, an agent whose stream drops is waited for up to its deadline: a run in which the
// agent process closes its stream and reconnects within the deadline leaves the same tape as the
// same run in which it never dropped. The agent (test/helpers/fill-ledger-agent.ts) decides from
// the wake-up alone, so the only difference between the two runs is the drops: once before it
// decides a wake-up (the wake-up is sent again, with its reports, on the new stream) and once when
// the ack of an answer arrives (the ack and the next wake-up are sent again).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTapeText } from '../../arena/index.js';
import { readTape, STARTUP_MS, startArena, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';
import type { FillLedgerState } from '../helpers/fill-ledger-agent.js';
import { tradesOf } from '../helpers/tape-facts.js';
import { startTrader, traderRunConfig } from '../helpers/trader-run.js';

afterEach(stopAll);

interface RunFacts {
  hash: string;
  tape: Buffer;
  state: FillLedgerState;
  agentLines: string[];
  faults: string;
  tradeIds: number[];
}

async function runWith(drops: string): Promise<RunFacts> {
  const dir = tempDir();
  const statePath = join(dir, 'trader-state.json');
  // A deadline far above a 200 ms pause, even on a loaded machine: no wake-up may be missed.
  const cfg = traderRunConfig({ deadlineMs: 20_000, decisionIntervalMinutes: 30 });
  const arena = await startArena(writeConfig(dir, cfg), ['--out', dir, '--in-process'], STARTUP_MS);
  const trader = startTrader(arena.address, statePath, [
    ...(drops ? ['--drops', drops] : []),
    '--drop-pause-ms',
    '200',
  ]);
  const res = await arena.exited;
  expect(res.code, res.stderr).toBe(0);
  await trader.watch.waitFor((l) => l.startsWith('session over'), 30_000);
  return {
    hash: readFileSync(join(arena.runDir, 'tape.sha256'), 'utf8').split(' ')[0]!,
    tape: Buffer.from(readTapeText(arena.runDir)),
    state: JSON.parse(readFileSync(statePath, 'utf8')) as FillLedgerState,
    agentLines: trader.watch.lines,
    // Written only when there is something to say.
    faults: existsSync(join(arena.runDir, 'agent-faults.log'))
      ? readFileSync(join(arena.runDir, 'agent-faults.log'), 'utf8')
      : '',
    tradeIds: tradesOf(readTape(arena.runDir), 'trader').map((t) => t.tradeId),
  };
}

describe('a reconnect within the deadline', () => {
  // Two runs with agent processes on a loaded two-core machine: room beyond vitest's default.
  it('leaves the same tape as a run without the drop', { timeout: 300_000 }, async () => {
    // Side by side: the tape must not depend on the machine's pace either.
    const [steady, dropped] = await Promise.all([runWith(''), runWith('20:before-decide,45:after-ack')]);

    // The drops happened: two reconnects, both noticed by the arena as disconnects.
    expect(steady.state.sessions).toBe(1);
    expect(dropped.state.sessions).toBe(3);
    expect(dropped.agentLines.filter((l) => l.startsWith('reconnecting: drop')).length).toBe(2);
    expect(dropped.faults.match(/disconnected/g)?.length).toBe(2);
    expect(dropped.faults).not.toMatch(/missed-deadline/);

    console.log(
      `reconnect: tape ${steady.tape.length} bytes, sha256 ${steady.hash} (steady) / ${dropped.hash} (2 drops); ` +
        `fills ${steady.state.fills.length} / ${dropped.state.fills.length}`,
    );
    expect(dropped.hash).toBe(steady.hash);
    expect(dropped.tape.equals(steady.tape)).toBe(true);
    // And the agent saw the same fills, each once, in both runs.
    for (const run of [steady, dropped])
      expect([...run.state.fills].sort((a, b) => a - b)).toEqual([...run.tradeIds].sort((a, b) => a - b));
    expect(dropped.state.fills).toEqual(steady.state.fills);
  });
});
