// Short real runs for the strategy zoo's tests: the arena's own runArena with every agent in this
// process (or some over gRPC), files in a temporary folder, NATS off; returns the results, the
// settlement records and the realised prices, and scores battery agents as scripts/zoo/score.ts
// defines (SoC-neutral profit, perfect-foresight bound).

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createStrategy } from '../../agents/strategies/index.js';
import { readTapeRecords, runArena } from '../../arena/index.js';
import type { SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import { loadHighs } from '../../lib/index.js';
import {
  batteryOf,
  perfectForesightBoundEur,
  referencePriceEur,
  socNeutralProfit,
} from '../../scripts/zoo/score.js';
import { type LocalAgent, parseRunConfig, type RunConfig, type RunResults } from '../../sim/index.js';
import { STARTUP_MS, tempDir } from './arena-process.js';

export interface ZooRun {
  cfg: RunConfig;
  results: RunResults;
  settlements: SettlementRecord[];
  realisedPriceTicks: number[];
  tape: Record<string, unknown>[];
  faults: string;
}

/**
 * Runs `doc` (a run configuration object; nats and outDir are set here). Agents listed in
 * `remote` connect over gRPC as their own `flexarena agent` processes; every other agent plays
 * in-process, as the strategy object given in `local` or the one its configuration names.
 */
export async function zooRun(
  doc: Record<string, unknown>,
  opts: { local?: Record<string, LocalAgent>; remote?: string[]; keepTape?: boolean } = {},
): Promise<ZooRun> {
  const dir = tempDir('flexarena-zoo-');
  try {
    // Agent processes get the tests' start-up allowance: a loaded two-core machine can take far
    // longer than the default 30 s to start Node with tsx.
    const cfg = parseRunConfig({
      connectTimeoutMs: STARTUP_MS,
      ...doc,
      outDir: dir,
      nats: { enabled: false },
    });
    const local = new Map<string, LocalAgent>();
    for (const a of cfg.agents)
      if (!opts.remote?.includes(a.id))
        local.set(a.id, opts.local?.[a.id] ?? createStrategy(a.strategy, a.params));
    const { runDir, results } = await runArena(cfg, { local, log: () => {} });
    const lines = (f: string) =>
      readFileSync(join(runDir, f), 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l));
    const tape = readTapeRecords(runDir);
    return {
      cfg,
      results,
      settlements: lines('settlements.jsonl') as SettlementRecord[],
      realisedPriceTicks: tape[0]!.realisedPriceTicks as number[],
      tape: opts.keepTape ? tape : [],
      faults: existsSync(join(runDir, 'agent-faults.log'))
        ? readFileSync(join(runDir, 'agent-faults.log'), 'utf8')
        : '',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BatteryScore {
  socNeutralProfitEur: number;
  cashProfitEur: number;
  boundEur: number;
  tradedMwh: number;
  finalSocMwh: number;
}

/** SoC-neutral profit, bound and traded energy of a battery agent of a run. */
export async function batteryScore(run: ZooRun, agentId: string): Promise<BatteryScore> {
  const agent = run.cfg.agents.find((a) => a.id === agentId)!;
  const b = batteryOf(agent);
  if (!b) throw new Error(`agent ${agentId} has no battery`);
  const ref = referencePriceEur(run.realisedPriceTicks);
  const s = socNeutralProfit(
    run.settlements.filter((r) => r.agentId === agentId),
    b.socInitialMwh,
    ref,
  );
  return {
    ...s,
    boundEur: perfectForesightBoundEur(await loadHighs(), run.realisedPriceTicks, b, ref),
    tradedMwh: run.results.agents.find((r) => r.agentId === agentId)!.tradedMwh,
  };
}

/** The agent's result row. */
export function resultOf(run: ZooRun, agentId: string) {
  const r = run.results.agents.find((x) => x.agentId === agentId);
  if (!r) throw new Error(`no result for ${agentId}`);
  return r;
}
