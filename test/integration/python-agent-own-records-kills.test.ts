// A Python SDK agent that keeps its records (every fill and ack it processed) in a file of its own,
// written in run_agent's on_processed callback, beside the SDK's state file (--state, the report_seq
// alone): test/helpers/py-own-ledger-agent.py on /usr/bin/python3. It is killed three times while
// its own write of a wake-up's records is under way (a slow write: a network disk, a database) and
// restarted with the same command line. Before, the SDK stored the report_seq first and called
// on_processed after: each kill left the number stored and the records not, the restarted process
// resumed past that wake-up, and its fills were lost for good (14 of the run's 601: exactly those
// of the three wake-ups). Now on_processed runs first: a kill there leaves both at the previous
// message, the arena sends the wake-up again, and no fill is lost — a kill after the agent's own
// write and before the number's can only repeat a fill, which its trade id shows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  readTape,
  STARTUP_MS,
  startArena,
  startPythonHelperProcess,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import { watchLines } from '../helpers/line-watcher.js';
import { kill9 } from '../helpers/process-control.js';
import { tradesOf } from '../helpers/tape-facts.js';
import { TRADER_TOKEN, traderRunConfig } from '../helpers/trader-run.js';

afterEach(stopAll);

/** The wake-ups whose records the agent writes slowly, and where it is killed. */
const KILL_WAKES = [20, 50, 80];

interface OwnLedger {
  fills: number[];
  acked: number[];
  processes: number;
  ended: { reason: string } | null;
}

/** An agent process loaded (interpreter, grpc) and waiting for "go" to read its files and connect. */
async function readyAgent(address: string, dir: string) {
  const child = startPythonHelperProcess(
    'py-own-ledger-agent.py',
    [
      '--arena',
      address,
      '--token',
      TRADER_TOKEN,
      '--state',
      join(dir, 'agent.state'),
      '--ledger',
      join(dir, 'ledger.json'),
      '--slow-saves',
      KILL_WAKES.join(','),
      '--save-ms',
      '400',
      '--wait-for-go',
    ],
    'pipe',
  );
  const watch = watchLines(child);
  await watch.waitFor((l) => l === 'ready', STARTUP_MS);
  return { child, watch, go: () => child.stdin!.write('go\n') };
}

describe('a Python SDK agent with its own records in on_processed, killed during their write', () => {
  it('loses no fill: the report_seq is stored after its on_processed, so the arena sends the wake-up again', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const arena = await startArena(
      writeConfig(dir, traderRunConfig({ deadlineMs: 3_000 })),
      ['--out', dir, '--in-process'],
      STARTUP_MS,
    );
    const agents = await Promise.all([...KILL_WAKES, 0].map(() => readyAgent(arena.address, dir)));
    let agent = agents[0]!;
    agent.go();
    /** Fills of the wake-ups killed during the write of their records. */
    let killedFills = 0;
    for (const [k, wake] of KILL_WAKES.entries()) {
      const line = await agent.watch.waitFor((l) => l.includes(`of wake ${wake} (`), 120_000);
      killedFills += Number(/\((\d+) fills\)/.exec(line)![1]);
      await kill9(agent.child);
      agent = agents[k + 1]!;
      agent.go();
    }
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    await agent.watch.waitFor((l) => l.startsWith('py-own-ledger:'), 60_000);
    const ledger = JSON.parse(readFileSync(join(dir, 'ledger.json'), 'utf8')) as OwnLedger;
    const tradeIds = tradesOf(readTape(arena.runDir), 'trader').map((t) => t.tradeId);
    const missing = tradeIds.filter((id) => !ledger.fills.includes(id));
    const repeated = ledger.fills.length - new Set(ledger.fills).size;
    console.log(
      `own ledger: ${ledger.fills.length} fills (${repeated} repeated, ${missing.length} missing) / tape ` +
        `${tradeIds.length}; fills of the killed wake-ups ${killedFills}; processes ${ledger.processes}`,
    );
    // The kills hit wake-ups with fills to lose.
    expect(killedFills).toBeGreaterThan(0);
    expect(ledger.processes).toBe(KILL_WAKES.length + 1);
    expect(ledger.ended?.reason).toBe('run complete');
    expect(missing).toEqual([]);
    // Killed before either write, so each wake-up came again whole: nothing repeated either.
    expect(repeated).toBe(0);
    expect(new Set(ledger.fills)).toEqual(new Set(tradeIds));
  });
});
