// System imbalance per 15-minute step, in MW.
//
// Sign: POSITIVE = SYSTEM SHORT (more load or less generation than the market traded: the TSO
// activates upward balancing energy, the imbalance price goes up); negative = system long.
//
// The exogenous part is the forecast error nobody traded away: the realised residual load minus
// the last forecast of it published before gate closure, times the share of that error that is
// left untraded (the rest is closed in intraday by the market players this arena does not model).
// The arena adds the agents' own imbalances on top, so a large player moves the imbalance too.

/**
 * Untraded forecast error, MW (positive = system short): residual load came in higher than the
 * last forecast before gate closure (demand above, or wind/solar below the forecast).
 */
export function untradedImbalanceMw(
  realisedResidualMw: number,
  lastForecastResidualMw: number,
  untradedShare: number,
): number {
  if (!(untradedShare >= 0 && untradedShare <= 1)) {
    throw new RangeError(`untradedShare must lie in [0, 1], got ${untradedShare}`);
  }
  return untradedShare * (realisedResidualMw - lastForecastResidualMw) + 0; // + 0: no -0
}

/** The untraded imbalance of every step (see `untradedImbalanceMw`). */
export function untradedImbalanceSeries(
  realisedResidualMw: ArrayLike<number>,
  lastForecastResidualMw: ArrayLike<number>,
  untradedShare: number,
): Float64Array {
  if (realisedResidualMw.length !== lastForecastResidualMw.length) {
    throw new RangeError(
      `series lengths differ: ${realisedResidualMw.length} realised, ${lastForecastResidualMw.length} forecast`,
    );
  }
  const out = new Float64Array(realisedResidualMw.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = untradedImbalanceMw(realisedResidualMw[i]!, lastForecastResidualMw[i]!, untradedShare);
  }
  return out;
}

/**
 * The hook for the agents: system imbalance = exogenous part − Σ agent imbalances, where each
 * agent imbalance has the settlement sign of the design (§3): metered physical delivery − net
 * market position, positive = the agent is long (fed in more / took less than it traded), which
 * makes the system longer (more negative here).
 */
export function systemImbalanceMw(exogenousMw: number, agentImbalancesMw: Iterable<number> = []): number {
  let total = exogenousMw;
  for (const a of agentImbalancesMw) {
    if (!Number.isFinite(a)) throw new RangeError(`agent imbalance must be finite, got ${a}`);
    total -= a;
  }
  return total;
}
