// What the evaluator reports per run and agent (scores.json). Every figure is defined exactly in
// docs/evaluation.md; cash figures come with their exact integer cash units (0.00001 EUR).

export type CashKind =
  | 'cid'
  | 'auction'
  | 'capacity'
  | 'balancingEnergy'
  | 'imbalance'
  | 'penalty'
  | 'positionValue';
export type CostKind = 'degradation' | 'lostRental' | 'tariff' | 'assetPenalty';

/** One perfect-foresight bound and the percentage of it the agent reached. */
export interface PopFigure {
  /** The bound, EUR; null when the bound could not be computed (see `note`). */
  boundEur: number | null;
  /** profit / bound; null when the bound is not positive or could not be computed. */
  pop: number | null;
  note?: string;
}

export interface PopScores {
  /** Against bounds with the agent's own start and end SoC, on the cash profit. */
  dayAhead: PopFigure;
  multiMarket: PopFigure;
  /** Against bounds whose end SoC is free and valued like the SoC-neutral profit, on that profit. */
  socNeutralDayAhead: PopFigure;
  socNeutralMultiMarket: PopFigure;
}

export interface AgentScores {
  agentId: string;
  strategy: string;
  role: string;
  /** battery, prosumer, residential-pool, ev-fleet, or null without an asset. */
  asset: string | null;
  /** Power and energy the per-MW and per-MWh figures divide by (null without an asset). */
  powerMw: number | null;
  energyMwh: number | null;
  periods: number;
  cashUnits: Record<CashKind, number>;
  costUnits: Record<CostKind, number>;
  profitCashUnits: number;
  /** The profit split in EUR: the cash kinds, and asset costs as one negative figure. */
  split: Record<CashKind | 'assetCosts', number>;
  profitEur: number;
  profitPerMwEur: number | null;
  profitPerMwhEur: number | null;
  /** Stored energy: start and end SoC (cell side), its change and its value at the reference price. */
  socStartMwh: number | null;
  socEndMwh: number | null;
  storedEnergyChangeMwh: number | null;
  storedEnergyValueEur: number | null;
  /** profitEur + storedEnergyValueEur (equal to profitEur without storage). */
  socNeutralProfitEur: number;
  tradedMwh: number;
  /** Σ |imbalance| and the net imbalance (> 0 long), MWh. */
  imbalanceMwh: number;
  netImbalanceMwh: number;
  /** Equivalent full cycles: Σ |ΔSoC| / (2 × energy). */
  fullCycles: number | null;
  clippedPeriods: number;
  /** From the run's end message; null before it arrived. */
  missedDeadlines: number | null;
  orders: number | null;
  rejects: number | null;
  /** EV fleets: refused rentals and their cost (EUR); null for other assets. */
  lostRentals: number | null;
  lostRentalEur: number | null;
  /** Battery agents; null for other assets (see popNote). */
  pop: PopScores | null;
  popNote?: string;
}

/** Per quarter-hour series, for reports. Prices in EUR/MWh (null: no such price). */
export interface RunSeries {
  deliveryStartMs: number[];
  referenceEur: number[];
  dayAheadEur: (number | null)[];
  cidVwapEur: (number | null)[];
  cidLowEur: (number | null)[];
  cidHighEur: (number | null)[];
  imbalanceEur: number[];
  agents: Record<
    string,
    { cumulativeProfitEur: number[]; socMwh: number[]; positionMwh: number[]; tradedMwh: number[] }
  >;
}

export interface RunScores {
  runId: string;
  /** The definitions the figures follow (inputs-digest.ts): another version is scored again. */
  evaluatorVersion: number;
  /** sha256 of the messages scored (inputs-digest.ts): checks scores.json against its run folder. */
  inputsSha256: string;
  name: string | null;
  seed: number | null;
  day: string | null;
  days: number | null;
  /** All records 1…n and the end message are in: the figures are final. */
  complete: boolean;
  records: number;
  expectedRecords: number | null;
  /** Records received again (same seq) and ignored. */
  duplicates: number;
  /** Missing sequence numbers below the highest one seen (none when complete). */
  missing: number;
  /** The price stored energy is valued at: the mean of the world's realised quarter-hour prices. */
  referencePriceEurPerMwh: number | null;
  /** 'dp' (the exact piecewise-linear programme) or 'highs' (the LP/MIP through HiGHS). */
  boundSolver: string;
  agents: AgentScores[];
  series: RunSeries;
}
