// Per-agent results of a run, from the sums of the agent's settlement records (exact, in integer
// units) with the EUR figures people read beside them, and the counters the ledgers keep.
import type { AgentResult } from '../../gen/flexarena/v1/session.js';
import { cashUnitsToCentEur } from '../../market/index.js';
import { CASH_KINDS } from '../core/agent-ledger.js';
import type { RunContext } from '../core/run-context.js';
import type { RunSummary } from '../core/simulation.js';
import type { RecordTotals } from './record-totals.js';

export interface RunResults {
  runId: string;
  name: string;
  seed: number;
  day: string;
  days: number;
  tapeSha256: string;
  stats: { wakeUps: number; actions: number; trades: number; tapeEvents: number; settlementRecords: number };
  agents: AgentResult[];
  /** Cash of every party by category, the arena's own counterparties (world, tso) included: sums to zero. */
  parties: { party: string; cashUnits: Record<string, number>; totalCashUnits: number }[];
}

/** EUR with cent precision for people; the exact integer units stand beside it. */
const eur = cashUnitsToCentEur;

export function agentResults(ctx: RunContext, totals: RecordTotals): AgentResult[] {
  return ctx.cfg.agents.map((a) => {
    const l = ctx.ledger(a.id);
    const t = totals.of(a.id);
    // The records must add up to the ledger: a mismatch is an arena bug, never an agent's doing.
    for (const k of CASH_KINDS)
      if (t.cash[k] !== l.cash[k])
        throw new Error(
          `settlement records of ${a.id} sum to ${t.cash[k]} ${k} cash units, the ledger holds ${l.cash[k]}`,
        );
    const costUnits = t.costs.degradation + t.costs.lostRental + t.costs.tariff + t.costs.assetPenalty;
    return {
      agentId: a.id,
      strategy: l.strategy,
      tradingCashEur: eur(t.cash.cid),
      auctionCashEur: eur(t.cash.auction),
      capacityCashEur: eur(t.cash.capacity),
      balancingEnergyCashEur: eur(t.cash.balancingEnergy),
      imbalanceCashEur: eur(t.cash.imbalance),
      penaltyCashEur: eur(t.cash.penalty),
      positionValueEur: eur(t.cash.positionValue),
      assetCostEur: eur(costUnits),
      profitEur: eur(t.profitCashUnits),
      finalSocMwh: Math.round((ctx.assets.get(a.id)?.finalSocMwh() ?? 0) * 1000) / 1000,
      tradedMwh: t.tradedKwh / 1000,
      imbalanceMwh: t.imbalanceKwhAbs / 1000,
      missedDeadlines: l.missedDeadlines,
      orders: l.orders,
      rejects: l.rejects,
      cashUnits: { ...t.cash },
      costUnits: { ...t.costs },
      profitCashUnits: t.profitCashUnits,
      tradedKwh: t.tradedKwh,
      imbalanceKwhAbs: t.imbalanceKwhAbs,
      clippedPeriods: t.clippedPeriods,
      settledPeriods: t.periods,
    };
  });
}

export function runResults(
  ctx: RunContext,
  summary: RunSummary,
  totals: RecordTotals,
  tapeSha256: string,
): RunResults {
  return {
    runId: ctx.runId,
    name: ctx.cfg.name,
    seed: ctx.cfg.seed,
    day: ctx.cfg.day,
    days: ctx.cfg.days,
    tapeSha256,
    stats: {
      wakeUps: summary.wakeUps,
      actions: summary.actions,
      trades: summary.trades,
      tapeEvents: summary.tapeEvents,
      settlementRecords: summary.settlementRecords,
    },
    agents: agentResults(ctx, totals),
    parties: ctx
      .allLedgers()
      .map((l) => ({ party: l.agentId, cashUnits: { ...l.cash }, totalCashUnits: l.totalCashUnits })),
  };
}
