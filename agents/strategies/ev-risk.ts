// The risk factors λ of seed 004 (Richter 2019, §1.3.1), chosen from what the fleet has seen
// instead of fixed: λ discounts the predicted charging power for the risk that the cars cannot take
// it at delivery (refused rentals, imbalance). Each prediction is later set against what came
// true, as a ratio r = actual / predicted; λ is the smallest multiple of 0.1 for which
// (1 − λ) is at most the `quantile`-quantile of those ratios, i.e. a commitment of P̂ × (1 − λ)
// would have been chargeable in all but a `quantile` share of the cases seen. Until `minObservations`
// ratios are in, the configured λ (the prior) is used.

export class RiskFactor {
  private readonly ratios: number[] = [];

  constructor(
    private readonly prior: number,
    private readonly quantile: number,
    private readonly minObservations: number,
  ) {}

  /** One prediction against its outcome (a prediction of nothing says nothing). */
  observe(predicted: number, actual: number): void {
    if (predicted > 0 && Number.isFinite(actual)) this.ratios.push(Math.max(0, actual / predicted));
  }

  /** The ratios seen (a strategy's saveState). */
  saved(): number[] {
    return [...this.ratios];
  }

  /** Ratios saved before (a strategy's loadState). */
  restore(ratios: readonly number[]): void {
    this.ratios.length = 0;
    this.ratios.push(...ratios);
  }

  get observations(): number {
    return this.ratios.length;
  }

  /** λ in [0, 1], a multiple of 0.1. */
  lambda(): number {
    if (this.ratios.length < this.minObservations) return this.prior;
    const sorted = [...this.ratios].sort((a, b) => a - b);
    const q = sorted[Math.max(0, Math.ceil(sorted.length * this.quantile) - 1)]!;
    // Whole tenths; the small epsilon keeps 1 − 0.7 = 0.30000000000000004 from becoming 0.4.
    const tenths = Math.ceil((1 - q) * 10 - 1e-9);
    return Math.min(10, Math.max(0, tenths)) / 10;
  }
}
