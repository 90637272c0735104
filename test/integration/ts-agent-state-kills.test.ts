// Built-in strategies that keep state of their own, run as a user runs them —
// `flexarena agent <strategy> --resume-file <path>`, each its own process over gRPC — are killed with
// SIGKILL and restarted with the same command line. lp-battery is killed after its day-ahead bids went
// in and before the auction's gate, and again in the delivery day; balancing-battery after its capacity
// bids and before their gate, and again after its awards came; ev-fleet-charger after its day-ahead bids,
// pool-aggregator after them and again in the delivery day, policy in the delivery day. Restarted within the deadline, lock-step
// promises the tape of the same run without kills — which needs the strategies' own records back
// (Strategy.saveState/loadState, stored with the report_seq): without them lp-battery bid the auction
// again on newer forecasts and planned the day's end from the SoC at the restart, and balancing-battery
// offered its capacity twice and forgot its awards (no energy bids, penalties). ev-fleet-charger bid
// its day-ahead auction again; pool-aggregator bid it again, forgot its day-ahead commitment and began
// learning its baseline again from the prior; policy lost the forecasts of the quarter-hours before the
// one it trades, a part of its observation no later wake-up shows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resumeOptions, runAgent } from '../../agents/sdk/index.js';
import { createStrategy } from '../../agents/strategies/index.js';
import { readTapeText } from '../../arena/index.js';
import {
  STARTUP_MS,
  startAgentProcess,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import { writeHistoryPolicy } from '../helpers/history-policy.js';
import { type LineWatcher, watchLines } from '../helpers/line-watcher.js';
import { kill9 } from '../helpers/process-control.js';

afterEach(stopAll);

const BATTERY = { type: 'battery', powerMw: 10, energyMwh: 20, degradationEurPerMwh: 2 };

/** The policy probe's checkpoint, written once for the runs that share it. */
const POLICY_FILE = writeHistoryPolicy();

interface Probe {
  id: string;
  strategy: string;
  token: string;
  /** The wake-ups after which it is killed (none in the run without kills). */
  killAfter: number[];
  asset: Record<string, unknown>;
  params?: Record<string, unknown>;
}

// Wake-up 1 is D-1 08:00; the day-ahead gate is D-1 12:00 (wake-up 17); wake-up 100 is D 08:45.
// Day-ahead bid at wake-up 1.
const LP: Probe = {
  id: 'lp',
  strategy: 'lp-battery',
  token: 'lp-token-000000001',
  killAfter: [10, 100],
  asset: BATTERY,
};

/** The batteries with reserve and day-ahead bids. */
const BATTERIES: Probe[] = [
  LP,
  // Capacity bids at wake-up 1, gate at D-1 09:00 (wake-up 5); awards come with wake-up 5.
  {
    id: 'reserve',
    strategy: 'balancing-battery',
    token: 'reserve-token-00001',
    killAfter: [3, 30],
    asset: BATTERY,
  },
];

/** The strategies whose state came later: a fleet, a pool and a trained policy. */
const OTHERS: Probe[] = [
  // Day-ahead bid at wake-up 1.
  {
    id: 'fleet',
    strategy: 'ev-fleet-charger',
    token: 'fleet-token-0000001',
    killAfter: [3],
    asset: { type: 'ev-fleet', cars: 500 },
    params: { dayAhead: true },
  },
  // Day-ahead bid at wake-up 1, its awards after the gate; the baseline learnt from settlements in D.
  {
    id: 'pool',
    strategy: 'pool-aggregator',
    token: 'pool-token-00000001',
    killAfter: [3, 100],
    asset: { type: 'residential-pool', households: 1000, betaEurPerMwh: { min: 2, max: 30 } },
  },
  // Trading the delivery day's quarter-hours one by one, on a history of forecasts.
  {
    id: 'policy',
    strategy: 'policy',
    token: 'policy-token-000001',
    killAfter: [100],
    asset: BATTERY,
    params: { checkpoint: POLICY_FILE },
  },
];

function runConfig(probes: Probe[]): Record<string, unknown> {
  return {
    name: 'state-kills',
    seed: 42,
    day: '2026-11-22',
    decisionIntervalMinutes: 15,
    // Room for a cold Node start on a loaded machine: a restart comes back within the deadline.
    deadlineMs: 15_000,
    nats: { enabled: false },
    agents: [
      {
        id: 'liquidity',
        strategy: 'liquidity',
        role: 'liquidity',
        params: { depthMwPerEur: 1, halfSpreadEur: 0.5, levelStepEur: 1, levels: 8, horizonHours: 6 },
      },
      ...probes.map((p) => ({
        id: p.id,
        strategy: p.strategy,
        launch: false,
        token: p.token,
        asset: p.asset,
      })),
    ],
  };
}

/** W of a "wake W …" line (--log-wakeups: printed as decide returns); -1 for other lines. */
function wakeOf(line: string): number {
  const m = /^wake (\d+) /.exec(line);
  return m ? Number(m[1]) : -1;
}

interface Run {
  tape: Buffer;
  results: { agents: { agentId: string; profitEur: number; finalSocMwh: number }[] };
  processes: Record<string, number>;
}

/** One agent's processes, one after another: killed after each of `killAfter`, restarted at once. */
async function playProbe(address: string, dir: string, p: Probe, kills: boolean): Promise<number> {
  const resumeFile = join(dir, `${p.id}.resume`);
  const start = (): LineWatcher & { child: ReturnType<typeof startAgentProcess> } => {
    const child = startAgentProcess(p.strategy, address, p.token, [
      '--resume-file',
      resumeFile,
      '--log-wakeups',
      ...(p.params ? ['--params', JSON.stringify(p.params)] : []),
    ]);
    return Object.assign(watchLines(child), { child });
  };
  let agent = start();
  let processes = 1;
  for (const wake of kills ? p.killAfter : []) {
    await agent.waitFor((l) => wakeOf(l) >= wake, 60_000);
    expect(agent.child.exitCode, `${p.id} ended before its kill after wake-up ${wake}`).toBeNull();
    await kill9(agent.child);
    agent = start();
    processes++;
  }
  await agent
    .waitFor((l) => l.includes('run complete'), 60_000)
    .catch(() => {
      throw new Error(`${p.id} did not see the run complete:\n${agent.text()}`);
    });
  return processes;
}

/**
 * lp-battery in this process, through the SDK's resume file, dying as a process killed right after
 * storing wake-up `wake` as processed and before its answer left: its state already holds the
 * day-ahead bids of that wake-up. Then a second one from the file.
 */
async function playLpDyingBeforeItsAnswer(address: string, dir: string, wake: number): Promise<number> {
  const p = LP;
  const path = join(dir, `${p.id}.resume`);
  const first = createStrategy(p.strategy, {});
  const resume = resumeOptions(first, path);
  const died = runAgent(first, {
    address,
    token: p.token,
    resume: { attempts: 0, delayMs: 0 },
    ...resume,
    onProcessed(seq, answer) {
      resume.onProcessed(seq, answer);
      if (answer?.wakeId === wake) throw new Error('died before the answer left');
    },
  });
  await expect(died).rejects.toThrow('died before the answer left');
  const second = createStrategy(p.strategy, {});
  const outcome = await runAgent(second, { address, token: p.token, ...resumeOptions(second, path) });
  expect(outcome.ended?.reason).toBe('run complete');
  return 2;
}

/** A run of `probes` next to a liquidity provider, each probe its own process. */
async function run(probes: Probe[], kills: boolean | 'before its answer'): Promise<Run> {
  const dir = tempDir();
  const arena = await startArena(
    writeConfig(dir, runConfig(probes)),
    ['--out', dir, '--in-process'],
    STARTUP_MS,
  );
  const counts = await Promise.all(
    probes.map((p) =>
      kills === 'before its answer' && p.id === 'lp'
        ? playLpDyingBeforeItsAnswer(arena.address, dir, 1)
        : playProbe(arena.address, dir, p, kills === true),
    ),
  );
  const res = await arena.exited;
  expect(res.code, res.stderr).toBe(0);
  return {
    tape: Buffer.from(readTapeText(arena.runDir)),
    results: JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8')),
    processes: Object.fromEntries(probes.map((p, i) => [p.id, counts[i]!])),
  };
}

/** The same tape as the run of `probes` without kills, each probe killed and restarted at its wake-ups. */
async function expectTheTapeOfNoKills(probes: Probe[], steadyRun: Promise<Run>): Promise<void> {
  const [steady, killed] = await Promise.all([steadyRun, run(probes, true)]);
  const summary = (r: Run) =>
    r.results.agents
      .filter((a) => probes.some((p) => p.id === a.agentId))
      .map((a) => `${a.agentId} ${a.profitEur.toFixed(2)} EUR, SoC ${a.finalSocMwh}`)
      .join('; ');
  console.log(`no kills: ${summary(steady)}\nkilled ${JSON.stringify(killed.processes)}: ${summary(killed)}`);
  expect(killed.processes).toEqual(Object.fromEntries(probes.map((p) => [p.id, p.killAfter.length + 1])));
  expect(killed.results.agents).toEqual(steady.results.agents);
  expect(killed.tape.equals(steady.tape), 'the tape of the run with kills differs').toBe(true);
}

describe('built-in strategies with state, killed and restarted with --resume-file', () => {
  let steady: Promise<Run> | undefined;
  const steadyRun = () => (steady ??= run(BATTERIES, false));

  it('play the game of a run without kills: the same tape', { timeout: 60_000 }, async () => {
    await expectTheTapeOfNoKills(BATTERIES, steadyRun());
  });

  // Three agents of their own processes and a liquidity provider, twice at once, on two shared cores.
  it('ev-fleet-charger, pool-aggregator and policy too', { timeout: 120_000 }, async () => {
    await expectTheTapeOfNoKills(OTHERS, run(OTHERS, false));
  });

  // The wake-up is stored as processed before its answer leaves (the arena takes the answer as proof
  // of it): one that dies in between gets the same wake-up again, with a state that says its auction
  // is bid. The SDK sends the answer it stored with that state instead of deciding again (no bids).
  it('sends the stored answer again when it died between storing a wake-up and answering it', {
    timeout: 60_000,
  }, async () => {
    const [steady, died] = await Promise.all([steadyRun(), run(BATTERIES, 'before its answer')]);
    expect(died.results.agents).toEqual(steady.results.agents);
    expect(died.tape.equals(steady.tape), 'the tape of the run with a death before the answer differs').toBe(
      true,
    );
  });
});
