// Conflation: an agent that fell behind decides the newest wake-up it holds instead of each one that
// piled up behind a slow decide(). A wake-up it skips still carried reports — fills, auction and
// capacity awards, auction and balancing results, the fate of its auction blocks, activations,
// settlements — that happened since the wake-up before; they are kept here and handed to the
// strategy in front of the reports of the wake-up it does decide, in report order, so each reaches
// it exactly once. It is the merge the arena itself makes when it sends the reports of unprocessed
// wake-ups again after a resume (sim/core/agent-ledger.ts, prependReports). The rest of a wake-up
// (books, forecasts, open orders, positions, assets, cash) is a state, which the newest wake-up holds
// complete.
import type { WakeUp } from '../../gen/flexarena/v1/session.js';

/** The fields of a wake-up that report what happened since the previous one. */
export const REPORT_FIELDS = [
  'fills',
  'auctionAwards',
  'auctionResults',
  'capacityAwards',
  'activations',
  'balancingResults',
  'settlements',
  'auctionBlockOutcomes',
] as const satisfies readonly (keyof WakeUp)[];

type ReportField = (typeof REPORT_FIELDS)[number];
type Reports = { [K in ReportField]: WakeUp[K] };

export class SkippedReports {
  private held: Reports | undefined;

  /** Reports of skipped wake-ups are waiting for the next wake-up decided. */
  get pending(): boolean {
    return this.held !== undefined;
  }

  /** `wake` is skipped: its reports wait, behind those of wake-ups skipped before it. */
  add(wake: WakeUp): void {
    if (!this.held) {
      this.held = {
        fills: [...wake.fills],
        auctionAwards: [...wake.auctionAwards],
        auctionResults: [...wake.auctionResults],
        capacityAwards: [...wake.capacityAwards],
        activations: [...wake.activations],
        balancingResults: [...wake.balancingResults],
        settlements: [...wake.settlements],
        auctionBlockOutcomes: [...wake.auctionBlockOutcomes],
      };
      return;
    }
    for (const f of REPORT_FIELDS) (this.held[f] as unknown[]).push(...wake[f]);
  }

  /**
   * `wake`, which is decided, with the waiting reports in front of its own (the same object when
   * nothing waits); nothing waits afterwards.
   */
  takeInto(wake: WakeUp): WakeUp {
    const held = this.held;
    if (!held) return wake;
    this.held = undefined;
    return {
      ...wake,
      fills: [...held.fills, ...wake.fills],
      auctionAwards: [...held.auctionAwards, ...wake.auctionAwards],
      auctionResults: [...held.auctionResults, ...wake.auctionResults],
      capacityAwards: [...held.capacityAwards, ...wake.capacityAwards],
      activations: [...held.activations, ...wake.activations],
      balancingResults: [...held.balancingResults, ...wake.balancingResults],
      settlements: [...held.settlements, ...wake.settlements],
      auctionBlockOutcomes: [...held.auctionBlockOutcomes, ...wake.auctionBlockOutcomes],
    };
  }
}
