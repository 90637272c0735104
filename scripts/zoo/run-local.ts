// One run with every agent as a strategy object in this process and no files or NATS: the
// simulation core, the lock-step driver and local ports, as `flexarena run --in-process` drives
// them, keeping only what scoring needs (the run-start record and the settlement records).

import { createStrategy } from '../../agents/strategies/index.js';
import { readWorldFiles } from '../../arena/index.js';
import type { SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import {
  type AgentPort,
  type LocalAgent,
  LocalAgentPort,
  type RecordSink,
  RecordTotals,
  type RunConfig,
  type RunResults,
  runLockstep,
  runResults,
  Simulation,
} from '../../sim/index.js';

export interface LocalRun {
  realisedPriceTicks: number[];
  settlements: SettlementRecord[];
  results: RunResults;
  faults: { agentId: string; kind: string; detail: string }[];
  /** The whole tape, when asked for (opts.keepTape). */
  tape: Record<string, unknown>[];
}

export async function runLocal(
  cfg: RunConfig,
  opts: { baseDir?: string; agents?: ReadonlyMap<string, LocalAgent>; keepTape?: boolean } = {},
): Promise<LocalRun> {
  const out: LocalRun = {
    realisedPriceTicks: [],
    settlements: [],
    results: undefined as unknown as RunResults,
    faults: [],
    tape: [],
  };
  const collect: RecordSink = {
    tape(r) {
      if (opts.keepTape) out.tape.push(r);
      if (r.type === 'run-start') out.realisedPriceTicks = [...(r.realisedPriceTicks as number[])];
    },
    settlement(r) {
      out.settlements.push(r);
    },
    fault(r) {
      out.faults.push({ agentId: r.agentId, kind: r.kind, detail: r.detail });
    },
  };
  const totals = new RecordTotals();
  const runId = `${cfg.name}-s${cfg.seed}-local`;
  const sim = await Simulation.create(
    { ...cfg, nats: { ...cfg.nats, enabled: false } },
    {
      runId,
      sinks: [collect, totals],
      files: readWorldFiles(cfg, opts.baseDir),
    },
  );
  const ports = new Map<string, AgentPort>();
  for (const a of cfg.agents) {
    const agent = opts.agents?.get(a.id) ?? createStrategy(a.strategy, a.params);
    ports.set(
      a.id,
      new LocalAgentPort(a.id, agent, {
        onFault: (agentId, kind, detail) => out.faults.push({ agentId, kind, detail }),
      }),
    );
  }
  const summary = await runLockstep(sim, ports);
  out.results = runResults(sim.ctx, summary, totals, '');
  return out;
}
