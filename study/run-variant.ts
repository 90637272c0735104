// One run of a study: a variant of the scenario on one world seed, every agent in process, scored
// by the in-process evaluator, with the public market data collected from the output seam. The
// run folder is removed afterwards; what the study needs is in the returned record.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createStrategy } from '../agents/strategies/index.js';
import { runArena } from '../arena/index.js';
import { RunScorer } from '../evaluation/index.js';
import { RunInterruptedError } from '../lib/index.js';
import type { LocalAgent, RunConfig } from '../sim/index.js';
import type { StudyConfig } from './config.js';
import { type MarketFigures, MarketFiguresSink } from './market-sink.js';
import { studyRunId } from './run-id.js';
import { studiedAgents, type Variant, variantConfig } from './variants.js';

export interface BatteryFigures {
  agentId: string;
  powerMw: number;
  energyMwh: number;
  profitEur: number;
  socNeutralProfitEur: number;
  /** The study's metric (profit or SoC-neutral profit) per MW of battery power. */
  revenuePerMwEur: number;
  /** Multi-market PoP (fixed terminal; SoC-neutral), null without a positive bound. */
  popMultiMarket: number | null;
  popSocNeutralMultiMarket: number | null;
  tradedMwh: number;
}

export interface StudyRun {
  /** `<seedIndex>:<variant id>`: the key of finished runs. */
  key: string;
  seedIndex: number;
  seed: number;
  variant: string;
  kind: Variant['kind'];
  value: number;
  runId: string;
  tapeSha256: string;
  wallMs: number;
  market: MarketFigures;
  /** The studied batteries (none in 'without'). */
  batteries: BatteryFigures[];
  /**
   * Agent faults in the run by agent and kind (a strategy that threw), when there were any: the
   * run's agent-faults.log goes with its folder.
   */
  faults?: Record<string, Record<string, number>>;
}

export interface RunContext {
  study: StudyConfig;
  scenario: RunConfig;
  /** Run folders go below this (removed after each run). */
  outDir: string;
  /** Stops the run in progress (Ctrl-C): runArena rejects with a RunInterruptedError. */
  signal?: AbortSignal;
}

export async function runVariant(
  ctx: RunContext,
  seedIndex: number,
  seed: number,
  v: Variant,
): Promise<StudyRun> {
  const { study } = ctx;
  const base = variantConfig(study, ctx.scenario, v);
  const cfg: RunConfig = {
    ...base,
    name: study.name.slice(0, 40),
    seed,
    outDir: join(ctx.outDir, 'runs'),
    // No NATS: scored in process. A resumed study runs an interrupted run again under the same id
    // (made from the seed and the variant); runArena refuses an id only when a given NATS server's
    // settlement stream holds it, and these runs publish nothing there.
    nats: { ...base.nats, enabled: false },
    agents: base.agents.map((a) => ({ ...a, launch: true })),
  };
  const runId = studyRunId(study.name, seedIndex, v.id);
  const local = new Map<string, LocalAgent>(
    cfg.agents.map((a) => [a.id, createStrategy(a.strategy, a.params)]),
  );
  const scorer = new RunScorer(runId);
  const market = new MarketFiguresSink();
  const started = Date.now();
  const out = await runArena(cfg, {
    runId,
    local,
    sinks: [scorer, market],
    log: () => undefined,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  }).catch((err) => {
    // Nothing of a run stopped half-way is kept: the next invocation plays it from its start.
    if (err instanceof RunInterruptedError) rmSync(join(cfg.outDir, runId), { recursive: true, force: true });
    throw err;
  });
  const scores = scorer.scores();
  if (!scores.complete) throw new Error(`study run ${runId}: the run's records are incomplete`);
  const batteries = studiedAgents(study, v).map((id): BatteryFigures => {
    const a = scores.agents.find((x) => x.agentId === id);
    if (!a || a.powerMw === null || a.energyMwh === null)
      throw new Error(`study run ${runId}: no battery scores for agent ${id}`);
    const revenue = study.metric === 'profit' ? a.profitEur : a.socNeutralProfitEur;
    return {
      agentId: id,
      powerMw: a.powerMw,
      energyMwh: a.energyMwh,
      profitEur: a.profitEur,
      socNeutralProfitEur: a.socNeutralProfitEur,
      revenuePerMwEur: revenue / a.powerMw,
      popMultiMarket: a.pop?.multiMarket.pop ?? null,
      popSocNeutralMultiMarket: a.pop?.socNeutralMultiMarket.pop ?? null,
      tradedMwh: a.tradedMwh,
    };
  });
  rmSync(out.runDir, { recursive: true, force: true });
  const faults: Record<string, Record<string, number>> = {};
  for (const f of out.faults) faults[f.agentId] = { ...faults[f.agentId], [f.kind]: f.total };
  return {
    key: `${seedIndex}:${v.id}`,
    seedIndex,
    seed,
    variant: v.id,
    kind: v.kind,
    value: v.value,
    runId,
    tapeSha256: out.results.tapeSha256,
    wallMs: Date.now() - started,
    market: market.figures(),
    batteries,
    ...(out.faults.length > 0 ? { faults } : {}),
  };
}
